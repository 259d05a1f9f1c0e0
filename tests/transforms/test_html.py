"""HTML extraction: real bundled pages (phrases from the WCXB gold) and one snippet per rule."""

from __future__ import annotations

import gzip

import pytest
from lxml import html as lxml_html

import transforms.html as html_module
from tests.conftest import SAMPLES
from transforms.html import (
    _fallback,
    _offered_words,
    cut_chrome,
    extract_html_parts,
    figure_captions,
    line_features,
    parse_page,
    restore_headings,
    restore_lists,
)

# (page, phrase that must survive, phrase that must not), from the gold with/without lists.
PAGES = [
    ("0031", "A 7 On Your Side consumer investigation involving a Fairfield", "SHARE YOUR STORY"),
    ("0031", "In her only response, Al-Ibrahim said", "AccuWeather: Cold breeze, sun to start"),
    ("0161", "A bill, if passed, would allow parents to use taxpayer dollars", "NPR Shop"),
    ("0161", "Cantwell is training to become a substitute", "Skip to main content"),
    ("0221", "When HCA Healthcare, one of the largest hospital systems", "Log In"),
    ("0221", "Experts say the growth of Lilly", "This article is exclusive to STAT+ subscribers"),
    ("0395", "Muhammad Shahabuddin, a resident of", "Copyright © 2025 BSS. All Rights Reserved."),
    ("0480", "Tilbrook expects boards and technology leaders", "Follow us on LinkedIn"),
    ("0480", "Organisations across sectors now face", "© 2025 TechDay, All rights reserved"),
    ("4560", "Meditation is a well known method of calming anxiety", "Newsletters"),
]


def _page(page_id: str) -> str:
    return gzip.decompress((SAMPLES / "html" / f"{page_id}.html.gz").read_bytes()).decode()


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    ids = {page_id for page_id, _, _ in PAGES}
    return {i: "\n\n".join(extract_html_parts(_page(i)).paragraphs) for i in ids}


@pytest.mark.parametrize(("page_id", "kept", "dropped"), PAGES)
def test_real_pages_keep_the_story_and_drop_the_chrome(texts, page_id, kept, dropped):
    assert kept in texts[page_id]
    assert dropped not in texts[page_id]


TEST_PAGES = SAMPLES.parent / "tests" / "data" / "html"


def _test_page(page_id: str) -> str:
    return gzip.decompress((TEST_PAGES / f"{page_id}.html.gz").read_bytes()).decode()


def test_a_page_trafilatura_finds_nothing_on_gets_the_fallback_text():
    html = _test_page("4111")
    parts = extract_html_parts(html)
    text = "\n\n".join(parts.paragraphs)
    assert parts.method == "trafilatura+fallback"
    assert "Non-toxic clothing should be accessible to everyone" in text
    assert "Kotn is a certified B-Corp that works directly with small farms" in text
    assert "Create Account" not in text
    assert "Shopping Guides" not in text
    # Its date is read all the same: shown beside the headline, and declared.
    assert (parts.date, parts.date_source) == ("2024-09-25", "page")


def test_a_page_where_trafilatura_drops_a_list_gets_the_fuller_recall_text():
    html = _test_page("4180")
    parts = extract_html_parts(html)
    text = "\n\n".join(parts.paragraphs)
    assert parts.method == "trafilatura+fallback"
    assert "Newborns average 16-17 hours of sleep per day" in text
    assert "Routine is important. It should be soothing and quiet" in text


def test_section_headings_trafilatura_drops_are_put_back_between_their_paragraphs():
    # trafilatura keeps the answers of this Q&A page but not the <h2> questions over them.
    paragraphs = extract_html_parts(_test_page("4180")).paragraphs
    question = "How many naps per day do children need?"
    assert question in paragraphs
    at = paragraphs.index(question)
    assert paragraphs[at + 1].startswith("Younger children usually take two naps per day")


def test_only_a_heading_between_two_kept_lines_is_put_back():
    tree = lxml_html.fromstring(
        "<div><p>First kept paragraph.</p><h2>Inside the story</h2><p>Second kept paragraph.</p>"
        "<h3>At the edge</h3><p>A teaser that was cut.</p></div>"
    )
    lines = ["First kept paragraph.", "Second kept paragraph."]
    assert restore_headings(lines, tree) == [
        "First kept paragraph.",
        "Inside the story",
        "Second kept paragraph.",
    ]
    assert restore_headings([], tree) == []


_KEPT = ["Start of the story here.", "End of the story here."]


@pytest.mark.parametrize(
    ("between", "restored"),
    [
        # A plain list and a table inside the story come back, one line per item or row.
        (
            "<ul><li>Flour and water</li><li>A pinch of salt</li></ul>",
            ["- Flour and water", "- A pinch of salt"],
        ),
        (
            "<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>$5</td></tr></table>",
            ["| Plan | Price", "| Basic | $5"],
        ),
        # A list of links off the site is the writer's sources; links into it are teasers.
        (
            "<ul><li><a href='https://other.org/a'>A study of bread</a></li>"
            "<li><a href='https://another.net/b'>Salt and health</a></li></ul>",
            ["- A study of bread", "- Salt and health"],
        ),
        ("<ul><li><a href='/more'>More from us</a></li><li><a href='/top'>Top</a></li></ul>", []),
        # A pull quote comes back; an embedded post naming its URL does not.
        (
            "<blockquote><p>Good bread needs time more than skill.</p></blockquote>",
            ["Good bread needs time more than skill."],
        ),
        ("<blockquote><p>Bread! pic.twitter.com/x1</p></blockquote>", []),
        # Its caption, the quote's source, stays in the captions and out of the text.
        (
            "<figure><blockquote><p>Good bread needs time more than skill.</p></blockquote>"
            "<figcaption>A baker in Lyon</figcaption></figure>",
            ["Good bread needs time more than skill."],
        ),
        # Page furniture stays out.
        ("<nav><ul><li>Home</li><li>About us</li></ul></nav>", []),
        ("<ul><li><img src='a.jpg'>Photo one</li></ul>", []),
    ],
)
def test_lists_trafilatura_drops_between_two_kept_lines_are_put_back(between, restored):
    tree = lxml_html.fromstring(
        f"<div><p>Start of the story here.</p>{between}<p>End of the story here.</p></div>"
    )
    assert restore_lists(_KEPT, _KEPT, tree, host="example.com") == [
        _KEPT[0],
        *restored,
        _KEPT[1],
    ]


def test_a_list_at_the_edge_or_cut_as_chrome_is_not_put_back():
    tree = lxml_html.fromstring(
        "<div><p>Start of the story here.</p><p>End of the story here.</p>"
        "<ul><li>Teaser one</li><li>Teaser two</li></ul></div>"
    )
    assert restore_lists(_KEPT, _KEPT, tree) == _KEPT
    tree = lxml_html.fromstring(
        "<div><p>Start of the story here.</p><ul><li>Share this</li></ul>"
        "<p>End of the story here.</p></div>"
    )
    # trafilatura found the item and the chrome cut took it out: it stays out.
    assert restore_lists(_KEPT, [_KEPT[0], "- Share this", _KEPT[1]], tree) == _KEPT


def test_offered_words_count_nested_blocks_once_and_set_link_lists_apart():
    tree = lxml_html.fromstring(
        "<html><body><ul><li><p>one two three</p></li></ul><blockquote><p>four five</p>"
        "</blockquote><ul><li><a href='/a'>menu entry here</a> x</li></ul></body></html>"
    )
    # All words (3 + 2 + 4), and those outside the link list (3 + 2).
    assert _offered_words(tree) == (9, 5)


def test_each_fallback_pass_runs_only_where_the_page_offers_it_more_words(monkeypatch):
    calls = []

    def bare_extraction(*args, **kwargs):
        calls.append("recall")

    def baseline(*args, **kwargs):
        calls.append("baseline")
        return None, "", 0

    monkeypatch.setattr(html_module.trafilatura, "bare_extraction", bare_extraction)
    monkeypatch.setattr(html_module.trafilatura, "baseline", baseline)
    lines = ["The story has these words in it."]
    menu = "".join(f"<li><a href='/{k}'>Section number {k} of the site</a></li>" for k in range(6))
    more = "<p>And a second paragraph trafilatura did not keep, with words.</p>" * 2
    for body, expected in [
        ("", []),
        # A menu of links: trafilatura drops it even with favor_recall; the baseline may not.
        (menu, ["baseline"]),
        (more, ["recall", "baseline"]),
    ]:
        calls.clear()
        html = f"<html><body><p>{lines[0]}</p>{body}</body></html>"
        assert _fallback(lines, lxml_html.fromstring(html), html) == (lines, "trafilatura")
        assert calls == expected


def test_the_baseline_reads_a_declared_article_body_and_leaves_the_tree_whole():
    story = " ".join(f"Sentence {k} of the declared article body goes on." for k in range(40))
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        f'"articleBody": "{story}"}}</script></head>'
        "<body><p>Sentence 0 of the declared article body goes on.</p></body></html>"
    )
    tree = lxml_html.fromstring(html)
    before = lxml_html.tostring(tree)
    lines, method = _fallback(["Sentence 0 of the declared article body goes on."], tree, html)
    assert method == "trafilatura+fallback"
    assert "Sentence 39 of the declared article body goes on." in " ".join(lines)
    assert lxml_html.tostring(tree) == before


def _found_nothing_more(monkeypatch):
    """trafilatura's favor_recall pass and its baseline find nothing the test did not."""
    monkeypatch.setattr(html_module.trafilatura, "bare_extraction", lambda *a, **k: None)
    monkeypatch.setattr(html_module.trafilatura, "baseline", lambda *a, **k: (None, "", 0))


def test_the_page_paragraphs_take_over_where_every_extractor_found_a_small_part(monkeypatch):
    _found_nothing_more(monkeypatch)
    found = ["What is an online course? Definition explained"]
    story = "".join(
        f"<div class='section'><p>Part {k} of the story explains online courses, how they run "
        f"and who takes them, in plain words for the reader.</p></div>"
        for k in range(8)
    )
    html = (
        "<html><body><header><nav><a href='/'>Home</a></nav></header>"
        f"<div class='hero'><p>{found[0]}</p></div>{story}"
        "<footer><p>Copyright and the rest of the page's footer text.</p></footer></body></html>"
    )
    lines, method = _fallback(found, lxml_html.fromstring(html), html)
    assert method == "trafilatura+fallback"
    assert lines[0] == found[0] and len(lines) == 9
    assert lines[-1].startswith("Part 7 of the story") and "footer" not in " ".join(lines)
    # Paragraphs that do not hold what was found (comments under a story printed in
    # another way) do not take over.
    other = ["The story itself, printed in a block of its own, not in a paragraph."]
    assert _fallback(other, lxml_html.fromstring(html), html) == (other, "trafilatura")


# Chrome trafilatura keeps inside or above the story, not only after it: (page, kept, dropped).
INNER_CHROME = [
    ("0030", "Become a successful graphic designer with the skills", "Awesome, you're subscribed!"),
    (
        "0030",
        "Enrolling in a certificate or IT certification program in NYC",
        "Thanks for subscribing! Look out for your first newsletter",
    ),
    ("0397", "Introduction to Clematis Pruning", "Subscribe to our best newsletters"),
    ("0397", "Keep Them Sharp: A sharp blade makes a clean cut", "Trending News"),
]


@pytest.mark.parametrize(("page_id", "kept", "dropped"), INNER_CHROME)
def test_chrome_lines_before_the_end_are_cut_too(page_id, kept, dropped):
    html = _test_page(page_id)
    text = "\n\n".join(extract_html_parts(html).paragraphs)
    assert kept in text
    assert dropped not in text


@pytest.mark.parametrize("page_id", sorted({page_id for page_id, _, _ in PAGES}))
def test_pages_trafilatura_reads_well_keep_its_text(page_id):
    parts = extract_html_parts(_page(page_id))
    assert parts.method == "trafilatura"
    assert 0.5 <= parts.quality <= 1.0


PROSE = (
    "The council voted on Tuesday to expand the program, which has been running in three "
    "districts since the spring and will now reach every school in the city by next year."
)


def _article(body: str) -> str:
    paragraphs = "".join(f"<p>{PROSE} Part {n}.</p>" for n in range(8))
    return (
        f"<html><head><title>Council expands program</title></head><body><article>"
        f"<h1>Council expands program</h1>{paragraphs}{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("body", "dropped"),
    [
        (
            '<div class="share"><p>SHARE YOUR STORY</p><p>Got a tip? Fill out the form below or '
            "email us your story ideas.</p></div>",
            "SHARE YOUR STORY",
        ),
        (
            "<footer><p>Copyright © 2025 Example News. All Rights Reserved.</p></footer>",
            "All Rights Reserved",
        ),
        (
            '<aside class="related"><h3>Related articles</h3><ul>'
            '<li><a href="/a">Mayor names new police chief</a></li>'
            '<li><a href="/b">Budget vote delayed again</a></li></ul></aside>',
            "Related articles",
        ),
    ],
)
def test_trailing_chrome_is_cut(body, dropped):
    parts = extract_html_parts(_article(body))
    text = "\n\n".join(parts.paragraphs)
    assert dropped not in text
    assert "Part 7." in text


def test_the_story_is_kept_whole_when_there_is_no_chrome():
    parts = extract_html_parts(_article(""))
    assert len(parts.paragraphs) == 8
    assert parts.title == "Council expands program"


def test_captions_and_credits_are_kept_out_of_the_text():
    figure = (
        '<figure><img src="x.jpg"><figcaption>The council chamber on Tuesday. '
        '<span class="credit">Jane Doe/Example News</span></figcaption></figure>'
    )
    parts = extract_html_parts(_article(figure))
    assert parts.captions == ["The council chamber on Tuesday. Jane Doe/Example News"]
    assert parts.credits == ["Jane Doe/Example News"]
    assert not any("council chamber" in p for p in parts.paragraphs)


@pytest.mark.parametrize(
    ("caption", "credit"),
    [
        ("Crowds at the rally. Photo: Ann Lee/Reuters", "Ann Lee/Reuters"),
        ("Crowds at the rally (Image by Ann Lee)", "Ann Lee"),
        ("Crowds at the rally.", None),
    ],
)
def test_credits_written_inside_the_caption(caption, credit):
    tree = lxml_html.fromstring(f"<div><figure><figcaption>{caption}</figcaption></figure></div>")
    captions, credits = figure_captions(tree)
    assert captions == [caption]
    assert credits == ([credit] if credit else [])


def test_line_features_have_one_vector_per_line_of_fixed_width():
    tree = lxml_html.fromstring(f"<div><p>{PROSE}</p><p>Subscribe now</p></div>")
    features = line_features([PROSE, "Subscribe now", "not in the page"], tree)
    assert len(features) == 3
    assert len({len(f) for f in features}) == 1


@pytest.mark.parametrize(
    "text",
    [
        "SUBSCRIBE to our Newsletter, Sign Up and Read More",
        "Visit WWW.Example.COM or HTTPS://x.org, follow @Desk #News",
        "Copyright (C) 2024 All Rights Reserved",
        "Sidebar-Widget NAV Main-Content post-body",
        "Share Ünïcode ©",
    ],
)
def test_lowercased_ascii_patterns_match_as_the_case_blind_ones(text):
    assert html_module._line_marks(text) == (
        len(html_module._CALL_TO_ACTION.findall(text)),
        bool(html_module._URL_LIKE.search(text)),
        bool(html_module._COPYRIGHT.search(text)),
    )
    assert html_module._attr_marks(text) == (
        float(bool(html_module._CHROME_ATTR.search(text))),
        float(bool(html_module._CONTENT_ATTR.search(text))),
    )


def test_cut_chrome_leaves_an_empty_text_empty():
    assert cut_chrome([], lxml_html.fromstring("<div></div>")) == ([], 0.0)


def test_unparseable_input_gives_none():
    assert extract_html_parts("") is None


_STORY = " ".join(
    f"Paragraph {n} of the council story tells how the vote went and who spoke for it."
    for n in range(1, 4)
)


def test_a_story_printed_after_an_early_closing_body_tag_is_read():
    page = (
        "<html><head><title>Council votes</title></head><body><header><nav><a href='/'>Home"
        "</a></nav></header></body></html>"
        f"<div class='story'><h1>Council votes</h1><p>{_STORY}</p><p>{_STORY}</p></div>"
    )
    tree = parse_page(page)
    assert "Paragraph 3 of the council story" in tree.text_content()
    parts = extract_html_parts(page)
    assert parts is not None and any("Paragraph 1 of the council" in p for p in parts.paragraphs)


def test_a_page_closed_once_at_its_end_parses_as_written():
    page = f"<html><body><p>{_STORY}</p></body></html>\n<script>var x = 1;</script>\n"
    tree = parse_page(page)
    assert tree.text_content().count("Paragraph 2 of the council story") == 1
    assert [el.tag for el in tree.iter("body", "p")] == ["body", "p"]
