"""The benchmark helpers measure what they say: exclusive part times that add up, and the
wrapped functions restored after a breakdown run."""

from __future__ import annotations

import json
import time

import pytest
import trafilatura

from bench import breakdown
from tests.conftest import SAMPLES
from transforms import extract, html, pagemeta


def _burn(seconds: float) -> None:
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


def test_clock_counts_each_part_without_the_parts_it_calls():
    clock = breakdown._Clock()
    inner = clock.wrap(lambda: _burn(0.05), "inner")
    outer = clock.wrap(lambda: (_burn(0.03), inner(), inner()), "outer")
    started = time.thread_time()
    outer()
    spent = time.thread_time() - started
    assert 0.1 <= clock.seconds["inner"] < 0.12
    assert 0.03 <= clock.seconds["outer"] < 0.05
    assert abs(clock.seconds["inner"] + clock.seconds["outer"] - spent) < 0.005


def test_html_breakdown_adds_up_and_leaves_the_extractors_unwrapped(tmp_path):
    originals = (
        trafilatura.bare_extraction,
        html.cut_chrome,
        extract.extract_html_parts,
        pagemeta.PageMetadata.__dict__["date"].func,
    )
    argv = ["--kind", "html", "--inputs", str(SAMPLES / "html"), "--rounds", "1"]
    assert breakdown.main([*argv, "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "breakdown.json").read_text())
    parts = report["parts_ms_per_doc"]
    assert report["documents"] == 6
    for name in ("trafilatura extraction, first pass", "chrome scorer", "MinHash band keys"):
        assert parts[name] > 0
    # Exclusive times: the parts are the whole, less the loop around them.
    assert 0.9 * report["newsetl_ms_per_doc"] <= sum(parts.values()) <= report["newsetl_ms_per_doc"]
    assert report["budget_ms_per_doc_for_target"] > 0
    assert originals == (
        trafilatura.bare_extraction,
        html.cut_chrome,
        extract.extract_html_parts,
        pagemeta.PageMetadata.__dict__["date"].func,
    )


def test_text_breakdown_names_the_cleaner_parts(tmp_path):
    argv = ["--kind", "text", "--inputs", str(SAMPLES / "seeds"), "--rounds", "1"]
    assert breakdown.main([*argv, "--out", str(tmp_path)]) == 0
    parts = json.loads((tmp_path / "breakdown.json").read_text())["parts_ms_per_doc"]
    assert parts["title model"] > 0
    assert parts["line splitting, stoplist and labels"] > 0
    assert "trafilatura extraction, first pass" not in parts


def test_date_choice_counts_the_gold_pick_and_what_the_page_prints():
    from bench.gold import date_choice

    pages = [
        {
            "id": "a",
            "published": ["2024-04-10"],
            "modified": ["2025-09-04"],
            "visible": "updated sep 4, 2025 by jo",
        },
        {
            "id": "b",
            "published": ["2024-04-10"],
            "modified": ["2025-09-04"],
            "visible": "april 10, 2024",
        },
        {"id": "c", "published": ["2024-04-10"], "modified": ["2024-04-10"], "visible": ""},
        {"id": "d", "published": [], "modified": ["2025-09-04"], "visible": ""},
    ]
    gold = {
        "a": {"publish_date": "2025-09-04"},
        "b": {"publish_date": "2024-04-10"},
        "c": {"publish_date": "2024-04-10"},
        "d": {"publish_date": "2025-09-04"},
    }
    assert date_choice(pages, gold) == {
        "modified; printed: modified": 1,
        "published; printed: published": 1,
    }


@pytest.mark.eval
def test_gold_choices_on_the_dev_set(eval_dir, capsys):
    from bench.gold import main

    assert main(["--eval", str(eval_dir.parent)]) == 0
    report = json.loads(capsys.readouterr().out)
    title = report["title"]
    # Where the two differ, the gold mostly takes the visible headline.
    assert title["gold_h1"] > 2 * title["gold_title"] > 50
    assert title["classifier"]["switched_to_title"] < title["gold_title"]
    assert sum(report["date"].values()) > 100
    assert sum(report["dump_title_printed"].values()) > 600
    assert report["dump_title_printed"]["a line"] > report["dump_title_printed"]["nowhere"]
    assert ["0463", "3035"] in [[p["id"] for p in group] for group in report["same_url"]]


def test_metadata_accuracy_split_by_the_gold_records_origin():
    from bench.quality import UNMARKED, _by_origin

    checks = {
        "title": [{"id": "1", "hit": True}, {"id": "2", "hit": False}, {"id": "3", "hit": True}],
        "date": [{"id": "1", "hit": True}, {"id": "3", "hit": False}],
    }
    split = _by_origin(checks, {"3": "drafted"})
    assert list(split) == [UNMARKED, "drafted"]
    assert split[UNMARKED]["title"] == {"n": 2, "accuracy": 0.5}
    assert split[UNMARKED]["date"] == {"n": 1, "accuracy": 1.0}
    assert split["drafted"] == {
        "title": {"n": 1, "accuracy": 1.0},
        "date": {"n": 1, "accuracy": 0.0},
    }
