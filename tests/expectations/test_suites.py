from datetime import UTC, datetime

import pytest

from expectations.frames import raw_frame
from expectations.suites import BATCH, RECORD, WARN, Thresholds, Validator, merge_results
from transforms.records import RawDocument, RawSummary
from warehouse.lake import to_arrow
from warehouse.schema import ARTICLE_FRAME

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


def _article_row(article_id: str, **fields) -> dict:
    row = {
        "article_id": article_id,
        "source_uri": article_id,
        "title": "t",
        "text": "one two three",
        "language": "en",
        "authors": [],
        "contributors": [],
        "word_count": 3,
        "content_hash": "h" + article_id,
        "extractor_version": "e",
        "normalizer_version": "n",
        "input_format": "text",
        "extraction_method": "textdump_model",
        "extraction_quality": 0.9,
    }
    return {**row, **fields}


def test_articles_suite_checks_words_dates_and_language(validator):
    rows = [
        _article_row(
            "a",
            published_at=datetime(2020, 1, 1, tzinfo=UTC),
            published_at_source="meta",
            date_confidence=0.95,
            authors=["Jane Doe", "Sergio Martínez-Beltrán"],
            language_confidence=0.99,
        ),
        _article_row("b", language="english", published_at=datetime(2030, 1, 1, tzinfo=UTC)),
        _article_row("c", title=None, word_count=1, language="sv"),
        # Two letters, but no ISO 639-1 language.
        _article_row("d", language="zz"),
        _article_row("e", authors=["Jane Doe", "Email the author"]),
        _article_row("f", authors=["CNN Wire Staff"]),
    ]
    frame = to_arrow(ARTICLE_FRAME, rows).to_pandas()
    report = validator.validate("articles", frame)
    reasons = {k: v[0] for k, v in report.rejected.items()}
    # b fails two rules; the first in suite order names the reason.
    assert reasons == {
        "b": "bad_language_code",
        "c": "too_few_words",
        "d": "bad_language_code",
        "e": "author_not_a_name",
        "f": "author_not_a_name",
    }
    assert not report.batch_failures
    warn = [r for r in report.results if r["scope"] == WARN and r["column_name"] == "title"]
    assert warn and warn[0]["success"]  # 5 of 6 titled: above the 50% floor


def test_confidences_outside_zero_to_one_block_the_batch(validator):
    frame = to_arrow(ARTICLE_FRAME, [_article_row("a", language_confidence=1.5)]).to_pandas()
    report = validator.validate("articles", frame)
    assert any("language_confidence" in f for f in report.batch_failures)


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


def test_the_validator_sums_its_wall_and_cpu_seconds():
    validator = Validator(Thresholds(), NOW)
    assert validator.seconds == validator.cpu_seconds == 0.0
    validator.validate("raw", raw_frame([raw("a", "fine text")]))
    first_wall, first_cpu = validator.seconds, validator.cpu_seconds
    assert 0 < first_cpu <= first_wall * 1.05
    validator.validate("raw", raw_frame([raw("b", "more text")]))
    assert validator.seconds > first_wall and validator.cpu_seconds > first_cpu
