"""Quality floors on a fixed slice of the WCXB dev set (needs ../shared/eval; skipped without).

The full figures come from `python -m bench.quality`; these floors catch regressions in CI.
"""

import pytest

from bench.quality import baseline_one, load_gold, load_scorer, run_one, score

pytestmark = pytest.mark.eval

# Every 5th page: 143 pages, fixed so the floors are comparable run to run.
STEP = 5


@pytest.fixture(scope="module")
def dev(eval_dir):
    gold = load_gold(eval_dir)
    return eval_dir, gold, sorted(gold)[::STEP], load_scorer(eval_dir.parent)


def test_text_dump_cleaner_beats_the_raw_dump_by_a_clear_margin(dev):
    root, gold, ids, scorer = dev
    jobs = [(i, "text", str(root / "textdump" / f"{i}.txt")) for i in ids]
    ours = score(scorer, gold, {r["id"]: r["text"] for r in map(run_one, jobs)}, ids)
    raw = score(scorer, gold, {r["id"]: r["text"] for r in map(baseline_one, jobs)}, ids)
    assert ours["f1"] >= 0.87
    assert ours["f1"] >= raw["f1"] + 0.06
    assert ours["precision"] >= 0.85


def test_html_extraction_is_at_least_trafilatura(dev):
    root, gold, ids, scorer = dev
    jobs = [(i, "html", str(root / "html" / f"{i}.html.gz")) for i in ids]
    ours = score(scorer, gold, {r["id"]: r["text"] for r in map(run_one, jobs)}, ids)
    bare = score(scorer, gold, {r["id"]: r["text"] for r in map(baseline_one, jobs)}, ids)
    assert ours["f1"] >= bare["f1"] - 0.002
    assert ours["f1"] >= 0.92


@pytest.mark.parametrize(
    ("doc_id", "kind", "authors"),
    [
        # "Last updated:" beside the date above the headline is not the byline below it.
        ("0058", "text", ["Edzel Tabing"]),
        ("4863", "text", ["Rob Mardisalu"]),
        # "Conceptual Article" is the page's label for its kind of story.
        ("2684", "text", ["Shaoni Mukherjee"]),
        # The name under a line that only says "By", and a "By" glued to the name.
        ("0007", "text", ["Taya Iv"]),
        ("0043", "text", ["Joanna Okedara"]),
        ("0031", "text", ["Nina Pineda"]),
        # The name after the date: "September 1st, 2023 By Emily Norwood".
        ("0245", "text", ["Emily Norwood"]),
        # A one-word handle ("TurboTaxLisa", "KatieS") gives way to the page's full name.
        ("0304", "html", ["Lisa Greene-Lewis"]),
        ("0331", "html", ["Aoife O'Riordan"]),
    ],
)
def test_authors_past_the_furniture_printed_where_bylines_stand(dev, doc_id, kind, authors):
    root = dev[0]
    path = (
        root / "textdump" / f"{doc_id}.txt"
        if kind == "text"
        else root / "html" / f"{doc_id}.html.gz"
    )
    assert run_one((doc_id, kind, str(path)))["authors"] == authors


@pytest.mark.parametrize(
    ("doc_id", "day"),
    [
        # The date inside a date line the parser cannot read whole.
        ("0051", "2025-04-21"),
        ("4860", "2025-05-22"),
        # The date on the byline: "by Karina Cohen | May 19, 2024".
        ("0128", "2024-05-19"),
        ("0153", "2025-12-19"),
        # A dateline a section label ("Travel", "Computer Overhauls") separates from the
        # headline is the article's, not a masthead's.
        ("0018", "2021-09-08"),
        ("4012", "2026-01-16"),
        # Lines under the headline with the date among other words.
        ("4218", "2025-12-26"),
        ("0245", "2023-09-01"),
        ("0407", "2025-12-17"),
        # ... under the headline printed again below its breadcrumb.
        ("0162", "2022-03-15"),
    ],
)
def test_dump_dates_printed_among_other_words(dev, doc_id, day):
    result = run_one((doc_id, "text", str(dev[0] / "textdump" / f"{doc_id}.txt")))
    assert (result["date"], result["date_source"]) == (day, "text")


@pytest.mark.parametrize(
    ("doc_id", "day"),
    [
        # "<a>Charlotte Gannon</a> • November 4th, 2025": the date in the link's tail.
        ("1476", "2025-11-04"),
        # A page trafilatura finds no text on still shows its date beside the headline.
        ("4111", "2024-09-25"),
    ],
)
def test_html_dates_shown_beside_the_headline(dev, doc_id, day):
    result = run_one((doc_id, "html", str(dev[0] / "html" / f"{doc_id}.html.gz")))
    assert (result["date"], result["date_source"]) == (day, "page")


@pytest.mark.parametrize(
    ("doc_id", "title"),
    [
        # An image's alt text ("MIT Sloan logo") above the headline.
        ("0094", "Machine learning, explained"),
        # The category line ("Published in Creativity, Graphic Design, ...") under it.
        ("0363", "Understanding Web Design"),
        # A menu whose items lost their line breaks ("•Zero to 5K Plan•5K to 10K Plan•...").
        ("4115", "Go From Couch to Marathon with this 24-Week Training Plan"),
        # A menu on one line ("Home Blog About") above the headline.
        ("0419", "The 7 habits of highly ineffective agents"),
    ],
)
def test_dump_titles_past_page_debris(dev, doc_id, title):
    result = run_one((doc_id, "text", str(dev[0] / "textdump" / f"{doc_id}.txt")))
    assert result["title"] == title
