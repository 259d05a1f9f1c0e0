"""Site-level chrome: paragraphs common to several documents of one site are dropped."""

from __future__ import annotations

import pytest

from transforms.records import ExtractedDocument
from transforms.sitechrome import drop_site_chrome, line_hash, site_of

FOOTER = "Example News is funded by readers like you; support our reporting today."


def doc(n: int, url: str | None = "https://www.example.test/a", *extra: str, site_names=()):
    paragraphs = [f"Story {n} opens with its own lede about event {n}.", f"Its body {n}.", *extra]
    return ExtractedDocument(
        f"in/{n}", f"h{n}", "html", f"T{n}", None, paragraphs, url=url, site_names=list(site_names)
    )


@pytest.mark.parametrize(
    ("docs", "known", "dropped_from"),
    [
        # Three documents of one site print the footer: it goes from all three.
        ([doc(1, None, FOOTER), doc(2, None, FOOTER), doc(3, None, FOOTER)], {}, set()),
        ([doc(i, "https://www.example.test/a", FOOTER) for i in range(3)], {}, {0, 1, 2}),
        # Two are not enough...
        ([doc(i, "https://example.test/x", FOOTER) for i in range(2)], {}, set()),
        # ...unless an earlier run saw the footer on the same site.
        (
            [doc(i, "https://example.test/x", FOOTER) for i in range(2)],
            {("example.test", line_hash(FOOTER)): 1},
            {0, 1},
        ),
        # Different sites never add up.
        (
            [doc(i, f"https://site{i}.test/", FOOTER) for i in range(3)],
            {},
            set(),
        ),
    ],
)
def test_common_paragraphs_of_a_site_are_dropped(docs, known, dropped_from):
    out, _ = drop_site_chrome(docs, known, min_docs=3)
    assert {i for i, d in enumerate(out) if FOOTER not in d.paragraphs} == dropped_from
    for before, after in zip(docs, out, strict=True):
        assert [p for p in before.paragraphs if p != FOOTER] == [
            p for p in after.paragraphs if p != FOOTER
        ]


def test_counts_cover_the_batch_and_earlier_runs():
    key = ("example.test", line_hash(FOOTER))
    docs = [doc(i, "https://example.test/", FOOTER) for i in range(2)]
    _, counts = drop_site_chrome(docs, {key: 5})
    assert counts[key] == 7
    # A paragraph printed twice by one document counts once.
    _, counts = drop_site_chrome([doc(1, "https://example.test/", FOOTER, FOOTER)], {})
    assert counts[key] == 1


def test_copies_of_one_story_stay_whole():
    """Three copies of a story share every paragraph: that is a reprint, not chrome."""
    docs = [doc(1, "https://example.test/") for _ in range(3)]
    out, _ = drop_site_chrome(docs, {}, min_docs=3)
    assert [d.paragraphs for d in out] == [d.paragraphs for d in docs]


def test_line_hash_ignores_case_spacing_and_punctuation():
    assert line_hash("Read  our Newsletter!") == line_hash("read our newsletter")
    assert line_hash("read our newsletter") != line_hash("read our newsletters")


@pytest.mark.parametrize(
    ("url", "site_names", "site"),
    [
        ("https://www.example.test/a/b", [], "example.test"),
        (None, ["Example  News"], "example news"),
        (None, [], None),
    ],
)
def test_site_of(url, site_names, site):
    assert site_of(doc(1, url, site_names=site_names)) == site
