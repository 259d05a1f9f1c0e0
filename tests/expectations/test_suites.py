from datetime import UTC, datetime

import pandas as pd
import pytest

from expectations.frames import raw_frame
from expectations.suites import BATCH, RECORD, WARN, Thresholds, Validator, merge_results
from transforms.records import RawDocument, RawSummary

NOW = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.fixture(scope="module")
def validator():
    return Validator(Thresholds(max_text_chars=50, min_text_chars=10, min_words=3), NOW)


def raw(uri: str, text: str, fmt: str = "text") -> RawSummary:
    return RawDocument(uri, "h-" + uri, len(text), None, fmt, "utf-8", text).summary()


def test_record_failures_name_the_rows_and_reasons(validator):
    report = validator.validate("raw", raw_frame([raw("a", "fine text"), raw("b", "x" * 51)]))
    assert report.rejected == {"b": ("text_too_long", report.rejected["b"][1])}
    assert not report.batch_failures
    scopes = {r["scope"] for r in report.results}
    assert scopes == {BATCH, RECORD}


def test_batch_failures_block_and_are_reported(validator):
    report = validator.validate("raw", raw_frame([raw("a", "same text"), raw("a", "same text")]))
    assert any("expect_column_values_to_be_unique" in f for f in report.batch_failures)


def test_articles_suite_checks_words_dates_and_language(validator):
    frame = pd.DataFrame(
        {
            "article_id": ["1", "2", "3"],
            "source_uri": ["a", "b", "c"],
            "url": [None] * 3,
            "title": ["t", None, "t"],
            "subtitle": [None] * 3,
            "text": ["one two three", "one two three", "one"],
            "language": ["en", "english", "sv"],
            "published_at": pd.to_datetime(["2020-01-01", "2030-01-01", None], utc=True),
            "published_at_source": ["meta", "meta", None],
            "updated_at": pd.NaT,
            "page_date": [None] * 3,
            "authors": [[], [], []],
            "contributors": [[], [], []],
            "publisher": [None] * 3,
            "host_site": [None] * 3,
            "word_count": [3, 3, 1],
            "content_hash": ["x", "y", "z"],
            "extractor_version": ["e"] * 3,
            "normalizer_version": ["n"] * 3,
            "input_format": ["text"] * 3,
        }
    )
    report = validator.validate("articles", frame)
    reasons = {k: v[0] for k, v in report.rejected.items()}
    # b fails two rules; the first in suite order names the reason.
    assert reasons == {"b": "bad_language_code", "c": "too_few_words"}
    assert not report.batch_failures
    warn = [r for r in report.results if r["scope"] == WARN and r["column_name"] == "title"]
    assert warn and warn[0]["success"]  # 2 of 3 titled: above the 50% floor


def test_empty_batches_are_not_validated(validator):
    assert validator.validate("raw", raw_frame([])).results == []


def test_merge_results_sums_batches(validator):
    one = validator.validate("raw", raw_frame([raw("a", "fine text")]))
    two = validator.validate("raw", raw_frame([raw("b", "x" * 51)]))
    merged = {(r["expectation"], r["column_name"]): r for r in merge_results([one, two])}
    between = merged[("expect_column_values_to_be_between", "text_chars")]
    assert (between["element_count"], between["unexpected_count"], between["success"]) == (
        2,
        1,
        False,
    )
