import pytest
import trafilatura

from transforms.html import (
    byline_near,
    extract_html_parts,
    header_date,
    ld_authors,
    page_date,
    page_title,
    written_by,
)
from transforms.metadata import clean_title

BODY = "<p>" + "A sentence of article text that is long enough to keep. " * 20 + "</p>"


def tree_of(head: str, body: str):
    return trafilatura.load_html(f"<html><head>{head}</head><body>{body}{BODY}</body></html>")


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        (
            "<title>Health Trends For 2026 - Tastewise</title>"
            '<meta property="og:title" content="Health Trends For 2026">',
            "<h1>Top 10 Health Trends to Watch</h1>",
            "Top 10 Health Trends to Watch",
        ),
        (
            '<script type="application/ld+json">{"headline": "Rust \\"love\\" survey"}</script>',
            "<h1>Rust love survey</h1><h1>Related posts</h1>",
            "Rust love survey",
        ),
        ("<title>Only a title</title>", "<h1>Site Logo</h1>", None),
    ],
)
def test_page_title(head, body, expected):
    chosen, _ = page_title(tree_of(head, body), [])
    assert chosen == expected


def test_page_title_learns_the_site_name_from_the_title_affix():
    names: list[str] = []
    tree = tree_of(
        "<title>Engora Data Blog: Small adventures with small models</title>",
        "<h1>Engora Data Blog</h1><h1>Small adventures with small models</h1>",
    )
    assert page_title(tree, names)[0] == "Small adventures with small models"
    assert names == ["Engora Data Blog"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<h1>Title here</h1><time datetime="2021-09-08T18:02:10+00:00">Sep 8</time>',
            "2021-09-08",
        ),
        ("<div><span>Last updated:</span><span>Dec 12, 2025</span></div><h1>Title</h1>", None),
        ("<h1>Title here</h1><p>Posted on 14 March 2024</p>", "2024-03-14"),
        # The date printed after the author's link, in the link's tail (1476 of the dev set).
        (
            '<h1>How to Create Tour Packages</h1><p><a href="/author/cgannon">Charlotte Gannon'
            "</a>\n  • November 4th, 2025\n</p>",
            "2025-11-04",
        ),
        # A date in a sentence's tail is the sentence's, not the page's.
        (
            "<h1>Title here</h1><p>Book through <a>our partner</a> November 4, 2025<a>x</a> and"
            " enjoy the festival with a guided tour of the old town and its harbour front.</p>",
            None,
        ),
        # Updates are not publication dates: the metadata's original date is kept instead.
        ("<h1>Title here</h1><p>Updated August 14, 2025</p>", None),
        # Fractions of a second in the datetime (which htmldate rejects) still give the day.
        (
            "<h1>Podcast Equipment Checklist</h1><div><span>Stefan</span>"
            '<time datetime="2026-03-05T12:01:28.041Z">March 5, 2026</time></div>',
            "2026-03-05",
        ),
        # The datetime is read before the text, which prints the month first.
        (
            '<time class="localised-date" datetime="2023-10-12T19:38:01.0870000Z">'
            "10/12/2023 7:38:01 PM</time><h1>Skiplagging in the relocation process</h1>",
            "2023-10-12",
        ),
        # A datetime in no standard form leaves the printed date to read.
        (
            '<h1>The information bottleneck method</h1><p><time datetime="4/24/2000 12:00:00 AM">'
            "24 Apr 2000 • 3 min read</time></p>",
            "2000-04-24",
        ),
    ],
)
def test_header_date(body, expected):
    tree = tree_of("", body)
    assert header_date(tree, next(tree.iter("h1"))) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<h1>T</h1><div><p>Written by</p><p>Edzel Tabing</p></div>", "Edzel Tabing"),
        ('<h1>T</h1><span class="post-author">Elise Nass</span>', "Elise Nass"),
        ('<h1>T</h1><p>By <a href="/p/sofia">Sofia Gonzalez</a> | Dec 1</p>', "Sofia Gonzalez"),
        # The job-title box beside an author's name is not a name.
        ('<h1>T</h1><div class="author-title">Research &amp; Development</div>', None),
        ('<h1>T</h1><span class="byline">Staff</span>', None),
        # A link to the author's page needs no class.
        (
            '<h1>T</h1><div><a href="/authors/trevor-jackins">Trevor Jackins</a></div>',
            "Trevor Jackins",
        ),
        ("<h1>T</h1><p>by: Ziyi Xu, Dec 17, 2025</p>", "Ziyi Xu"),
        (
            "<h1>T</h1><div>Updated: December 31, 2024<div>Written by:<span>Elise Nass</span></div>"
            "</div>",
            "Elise Nass",
        ),
        # The label in its own element, an avatar between it and the name.
        (
            '<h1>T</h1><div><span>Written by:</span><picture><img src="a.jpg"></picture>'
            "<span>Elise Nass</span></div>",
            "Elise Nass",
        ),
        # Topic links after "By" are skipped, not read as the name.
        (
            '<h1>T</h1><div><h4>By</h4><div class="post-category"><a rel="tag">Wedding Checklists'
            '</a></div><a class="author" href="/author/naoise/">Naoise McNally</a></div>',
            "Naoise McNally",
        ),
        # Roles and badges in their own elements stay apart from the name.
        (
            '<h1>T</h1><div class="author"><a>Joe Kindness</a><span>Founder</span></div>',
            "Joe Kindness",
        ),
        (
            '<h1>T</h1><div class="author"><span>Hlín Eyjólfsdóttir</span>'
            "<div>Verified expert</div></div>",
            "Hlín Eyjólfsdóttir",
        ),
        (
            '<h1>T</h1><div class="byline"><span>Guide</span> <span>by</span> '
            '<a href="/authors/will-judd">Will Judd</a> <span>Former Deputy Tech Editor</span>'
            "</div>",
            "Will Judd",
        ),
        (
            '<h1>T</h1><div class="author">by <a>Daniel Burstein</a>, Senior Director, '
            "Content &amp; Marketing, MarketingSherpa</div>",
            "Daniel Burstein",
        ),
        # Co-authors in separate elements, joined by "and" or a comma.
        (
            '<h1>T</h1><p class="byline">By <a>Chen Zhao</a> and <a>Daryl Fairweather</a></p>',
            "Chen Zhao; Daryl Fairweather",
        ),
        ('<h1>T</h1><p class="author">Andrew Gerrand<br> 4 August 2010</p>', "Andrew Gerrand"),
        ('<h1>T</h1><a href="/author/maria-m/">Maria<br>Mathioudaki</a>', "Maria Mathioudaki"),
        # After "By" the name must follow; buttons further along are no names.
        (
            '<h1>T</h1><div class="byline">by <a>jsteinhardt</a> <span>18th Dec 2025</span> '
            "<span>AI Alignment Forum</span></div>",
            None,
        ),
        (
            '<h1>T</h1><div class="byline_action"><span>Updated: Dec 17, 2025</span>'
            "<span>Share</span><span>AA</span><span>Text Size</span><span>Small</span></div>",
            None,
        ),
    ],
)
def test_byline_near(body, expected):
    tree = tree_of("", body)
    assert byline_near(tree, next(tree.iter("h1"))) == expected


def test_byline_beside_headline_beats_page_wide_author():
    html = (
        '<html><head><meta name="author" content="Andrew Keaveney"></head>'
        f'<body><h1>Title</h1><div class="author-info">Denise Everheart</div>{BODY}</body></html>'
    )
    assert extract_html_parts(html).author == "Denise Everheart"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # An author box under the article.
        ('<div class="bio"><p>Written by John Crenshaw</p></div>', "John Crenshaw"),
        ("<p>Posted by Colin Watson on 2025-12-18 in debusine.</p>", "Colin Watson"),
        (
            "<p>Written by <a>Moses Kim</a> and <a>Kate Shokurova</a></p>",
            "Moses Kim; Kate Shokurova",
        ),
        # Commenters are not the article's authors.
        ('<div class="comments"><p>Posted by John at 4:12 PM</p></div>', None),
        ('<article id="div-comment-940"><p>Posted by Groggy</p></article>', None),
        # Classes that describe the post ("has-comments") are no comment thread.
        (
            '<article class="post has-comments"><p>Written by Annette Thurmon</p></article>',
            "Annette Thurmon",
        ),
        # A bare "by" is a caption's or a related story's.
        ("<p>Photo by Jane Doe</p><p>by Sam Roe</p>", None),
    ],
)
def test_written_by(body, expected):
    assert written_by(tree_of("", body)) == expected


def test_one_word_meta_author_is_kept():
    html = (
        '<html><head><meta name="author" content="Kiersten"></head>'
        f"<body><h1>Title</h1>{BODY}</body></html>"
    )
    assert extract_html_parts(html).author == "Kiersten"


@pytest.mark.parametrize(
    ("html", "must_be", "must_not_be"),
    [
        # The logo <h1> is rejected: the <title> names the page, not trafilatura's logo pick.
        (
            "<title>rustc_codegen_gcc: Progress Report #39</title></head><body>"
            "<h1>Antoyo's Blog</h1>",
            "rustc_codegen_gcc: Progress Report #39",
            "Antoyo's Blog",
        ),
        # A page title declared as og:site_name is not a site name to strip.
        (
            '<title>How to Design a Website: a Complete Guide | Clay</title><meta property="og:'
            'site_name" content="How to Design a Website: a Complete Guide | Clay"></head><body>'
            "<h1>How to Design a Website: a Complete Guide</h1>",
            "How to Design a Website: a Complete Guide",
            "a Complete Guide",
        ),
        # og:site_name declared as the headline itself: the headline <h1> is still the title.
        (
            '<title>Gardenary Planting vs. Ordinary Planting • Gardenary</title><meta property="og:'
            'site_name" content="Gardenary Planting vs. Ordinary Planting"><meta property="og:url" '
            'content="https://www.gardenary.com/blog/planting"></head><body>'
            "<h1>Gardenary Planting vs. Ordinary Planting</h1>"
            "<h1>Gardenary Planting vs Traditional Planting</h1>",
            "Gardenary Planting vs. Ordinary Planting",
            "Gardenary Planting vs Traditional Planting",
        ),
    ],
)
def test_extracted_title(html, must_be, must_not_be):
    page = f"<html><head>{html}{BODY}</body></html>"
    title = extract_html_parts(page).title
    assert title == must_be
    assert title != must_not_be


@pytest.mark.parametrize(
    ("head", "body", "htmldate", "expected"),
    [
        # The date shown beside the headline is the page's word on it.
        (
            '<meta property="article:published_time" content="2020-03-10">',
            "<h1>Title here</h1><p>Posted on 14 March 2024</p>",
            "2020-03-10",
            ("2024-03-14", "page"),
        ),
        # An update date shown there is not the publication date; the declared one is.
        (
            '<meta property="article:published_time" content="2022-01-03T08:00:00+00:00">',
            '<h1>Title here</h1><span class="updated">2025-11-03</span>',
            "2025-11-03",
            ("2022-01-03", "meta"),
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2023-05-18T10:00:00Z", "dateModified": "2024-02-26"}</script>',
            "<h1>Title here</h1>",
            "2024-02-26",
            ("2023-05-18", "json_ld"),
        ),
        # A table cell near the headline is data, not the date.
        ("", "<h1>Title here</h1><table><tr><td>1/1/2013</td></tr></table>", None, (None, None)),
        # htmldate's 1 January is a year guessed from a copyright line: null, not a guess.
        ("", "<h1>Title here</h1>", "2014-01-01", (None, None)),
        # htmldate's date that is the declared modification date is no publication date.
        (
            '<meta property="article:modified_time" content="2026-02-24T10:00:00+00:00">',
            "<h1>Title here</h1>",
            "2026-02-24",
            (None, None),
        ),
        ("", "<h1>Title here</h1>", "2021-11-19", ("2021-11-19", "htmldate")),
        # "09.10.2024" read day first is the declared 10 September read the other way round.
        (
            '<script type="application/ld+json">{"datePublished": "2024-09-10T16:07:00.000Z"}'
            "</script>",
            "<h1>Understanding renovation phases</h1><p>By Block Renovation 09.10.2024</p>",
            "2024-10-09",
            ("2024-09-10", "page"),
        ),
        # With no date declared, an update date shown beside the headline beats a date
        # htmldate found elsewhere on the page.
        (
            "",
            "<h1>Title here</h1><p>Updated: December 31, 2024</p>",
            "2023-04-07",
            ("2024-12-31", "page"),
        ),
        # ... unless htmldate's date is shown there too: it read the header as well.
        (
            "",
            "<h1>Title here</h1><p>Updated November 11, 2022</p><p>Reviewed November 9, 2022</p>",
            "2022-11-09",
            ("2022-11-09", "htmldate"),
        ),
        # ... or the update date is the declared modification date: null, not a guess.
        (
            '<meta property="article:modified_time" content="2026-01-12T10:00:00+00:00">',
            "<h1>Title here</h1><p>Last updated: January 12, 2026.</p>",
            None,
            (None, None),
        ),
    ],
)
def test_page_date(head, body, htmldate, expected):
    tree = tree_of(head, body)
    assert page_date(tree, next(tree.iter("h1")), lambda: htmldate) == expected


@pytest.mark.parametrize(
    ("ld", "expected"),
    [
        (
            '{"@type": "Article", "author": {"@type": "Person", "name": "Çelik Nimani"}}',
            "Çelik Nimani",
        ),
        (
            '{"@graph": [{"@type": "WebPage"}, {"@type": "BlogPosting", "author": '
            '[{"@type": "Person", "name": "Jeff Cobb"}, {"name": "Celisa Steele"}]}]}',
            "Jeff Cobb; Celisa Steele",
        ),
        # An organization credited as author is the publisher, not a byline.
        ('{"author": {"@type": "Organization", "name": "Morgan & Morgan"}}', None),
        ('{"author": {"@type": "Person", "name": "Staff"}}', None),
        ("{not json", None),
    ],
)
def test_ld_authors(ld, expected):
    tree = tree_of(f'<script type="application/ld+json">{ld}</script>', "")
    assert ld_authors(tree) == expected


def test_domain_logo_h1_names_the_site():
    page = (
        "<html><head><title>davidbau.com Vibe Coding</title></head><body>"
        f"<h1>davidbau.com</h1>{BODY}</body></html>"
    )
    parts = extract_html_parts(page)
    assert "davidbau.com" in parts.site_names
    assert clean_title(parts.title, parts.site_names) == "Vibe Coding"


def test_a_line_break_in_the_headline_parts_its_words():
    # 0022 of the dev set: "Top MBA Programs of 2025 (US)<br>Your Guide to ...".
    head = "<title>Top MBA Programs of 2025: Business School Rankings</title>"
    body = "<h1>Top MBA Programs of 2025 (US)<br>Your Guide to the Best Business Schools</h1>"
    title, _ = page_title(tree_of(head, body), [])
    assert title == "Top MBA Programs of 2025 (US) Your Guide to the Best Business Schools"
    # Inline markup inside a word keeps the word whole.
    title, _ = page_title(
        tree_of("<title>Ecommerce trends</title>", "<h1><em>E</em>commerce trends</h1>"), []
    )
    assert title == "Ecommerce trends"
