"""HTML page -> article parts: trafilatura's text with page chrome cut, captions apart."""

from __future__ import annotations

import json
import math
import operator
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import islice
from urllib.parse import urlsplit

import justext
import trafilatura
from htmldate.extractors import try_date_expr
from lxml import etree
from lxml.html import HtmlElement

from transforms.metadata import (
    FULL_DATE,
    choose_title,
    declared_headlines,
    parse_authors,
    site_affixes,
)
from transforms.pagemeta import PageMetadata

_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(justext.get_stoplist("English"))
# Wording of calls to action and site furniture; a hit is one feature among many, never a rule.
_CALL_TO_ACTION = re.compile(
    r"\b(subscrib\w*|sign(ing)? ?up|log ?in|sign ?in|newsletters?|share|follow us|click|"
    r"read more|related|recommended|advertisement|sponsored|download|copyright|"
    r"all rights reserved|cookies?|privacy|terms of (use|service)|contact us|learn more|"
    r"see more|view all|read also|also read|see also|more from|trending|popular|comments?|"
    r"join|register|exclusive to|members?|premium|unlock|free trial|podcast|watch|listen|"
    r"app|tags?)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)]\s*$")
_URL_LIKE = re.compile(r"https?://|www\.|@\w|#\w|\.com\b", re.I)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b", re.I)
_CHROME_ATTR = re.compile(
    r"related|share|social|newsletter|subscri|promo|sidebar|footer|comment|recommend|popular|"
    r"trending|widget|banner|sponsor|advert|\bads?\b|-ad-|signup|sign-up|cta|paywall|more-|"
    r"read-next|tags|byline|author|caption|credit|breadcrumb|menu|nav",
    re.I,
)
_CONTENT_ATTR = re.compile(r"article|content|entry|main|post|story|body|text", re.I)
_CREDIT_ATTR = re.compile(r"credit|copyright|photographer|source|attribution", re.I)
# "Photo: Jane Doe/Reuters", "(Image by X)", "Credit: X" at the end of a caption.
_CREDIT_TEXT = re.compile(
    r"[(\[]?\b(?:photo(?:graph)?s?|images?|pictures?|credit|foto|bild|source)\s*(?:by|:)\s*"
    r"([^()\[\]]{2,80})[)\]]?\s*$",
    re.I,
)
_BLOCK_TAGS = (
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "th",
    "pre",
    "blockquote",
    "dd",
    "dt",
    "figcaption",
)
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_HEADLINE_LD = re.compile(r'"headline"\s*:\s*("(?:[^"\\]|\\.)*")')
_TITLE_METAS = frozenset(("og:title", "twitter:title"))
_YEAR = re.compile(r"\b(?:19[89]\d|20[0-3]\d)\b")
_UPDATED = re.compile(r"updat|modif|revis|reviewed|aktualisiert|actualiz|mis à jour", re.I)
_UPDATED_CLASS = re.compile(r"updat|modif", re.I)
_PUBLISHED_CLASS = re.compile(r"publish|posted|entry-date|created", re.I)
_BYLINE_ATTR = re.compile(r"author|byline", re.I)
# An author's job title, bio or avatar sits in an "author-title"/"author-bio" box beside the name.
_NOT_NAME_ATTR = re.compile(r"title|role|bio|desc|avatar|image|img|photo|categor|\btags?\b", re.I)
# Topic links (rel="tag", "post-categories") are no names, even right after a "By" label.
_TAG_LIST = re.compile(r"categor|\btags?\b", re.I)
# "By Jane Doe", "By: Jane Doe", "<span>Written by:</span><a>Jane Doe</a>": the first text.
_BY = re.compile(r"^\s*(?:(?:written|posted|words)\s+)?by\b", re.I)
# Far from the headline only these words mark a byline; a bare "by" there is a caption's.
_WRITTEN_BY = re.compile(r"^\s*(?:written|posted|authored)\s+by\b", re.I)
# A class or id of a comment thread; "has-comments" and "no-comments" describe the post.
_COMMENT_TOKEN = re.compile(r"^(?:comments?(?:[-_]\S*)?|commentlist|\S*-comment-\d+)$", re.I)
# A link to an author's page ("/author/jane-doe", "/contributors/jane-doe"), whatever its class.
_AUTHOR_HREF = re.compile(r"/(?:authors?|contributors?|writers?)/[^/?#]", re.I)
# What joins the names of co-authors printed in separate elements: "<a>A</a> and <a>B</a>".
_CONNECTOR = re.compile(r"[,;&+]|and|und|et|y|och", re.I)
_CONNECTOR_START = re.compile(r"^(?:[,;&+]|(?:and|und|et|y|och)\b)\s*", re.I)
# Where the first name (or role) in a list of them ends.
_FIRST_PIECE = re.compile(r"[,;&]|\band\b", re.I)
# Dates, categories or labels a byline may print before the name ("Updated May 2, 2025").
_MAX_NODES_BEFORE_NAME = 3
# A label whose name follows in the next element: <p>Written by</p><p>Edzel Tabing</p>.
_BY_LABEL = re.compile(r"^(?:(?:written|posted|words)\s+)?by:?$|^authors?:?$", re.I)
# The longest text _BY_LABEL matches, spaces aside ("writtenby:").
_BY_LABEL_CHARS = 10
# The header block around the headline: elements (in document order) searched for its date
# and byline. Dates further away belong to comments, related stories or the footer.
_HEADER_REACH = 40
# og:site_name longer than this is a page title, not the site's name.
_MAX_SITE_NAME_WORDS = 6
_MAX_DATE_CHARS = 60
# A full date alone, as a byline's tail prints it after separators, and the longest such line.
_BARE_DATE = re.compile(FULL_DATE, re.IGNORECASE)
_TAIL_SEPARATORS = re.compile(r"^[\s•|·–—-]+|\s+$")
_MAX_TAIL_LINE_CHARS = 120
_MAX_BYLINE_CHARS = 120
# Bounds for dates read from the page; normalize drops the ones later than its `now`.
_FIRST_DAY = datetime(1995, 1, 1)
_LAST_DAY = datetime(2100, 1, 1)
_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Headings below the headline, which restore_headings may put back into the body.
_SECTION_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_OUTER_TAGS = frozenset(("aside", "footer", "nav", "header", "form"))
# A closing </body> or </html>, and an element other than a script after it (parse_page).
_BODY_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_MARKUP = re.compile(r"<(?!/?(?:html|body|script)\b)[a-zA-Z]")
# restore_lists puts back runs of list items and table cells (with the headings among them)
# or of quotes (with their captions). A run with this share of its text in links is a link
# list, kept only when this share of its links leads off the site; a run the kept lines hold
# this share of (by word 4-grams) is there already.
_LIST_TAGS = frozenset(("li", "td", "th"))
_RUN_TAGS = _LIST_TAGS | frozenset(_SECTION_HEADINGS)
_QUOTE_TAGS = frozenset(("blockquote", "figcaption"))
_NOT_TEXT_TAGS = ("script", "style", "img", "figure", "figcaption")
_RUN_LINKED = 0.5
_RUN_OUTBOUND = 0.5
_RUN_HELD = 0.5
# A block holding this share of the located text (by words) is the article's container.
_CONTAINER_SHARE = 0.8
# Chrome is cut from the end while the tail's word-weighted chrome probability beats this,
# and from the start while the head's beats _HEAD_BAR; a line elsewhere goes when its own
# probability beats _LINE_BAR (both chosen by 5-fold cross-validation by site on the dev set).
_TAIL_BAR = 0.6
_HEAD_BAR = 0.6
_LINE_BAR = 0.8
_BLOCK_OPENER = 0.9
_BLOCK_SHARE = 0.1
_BLOCK_REST = 0.1
# A fallback replaces trafilatura's text when it has this many times its words and holds
# this share of its word 4-grams (chosen on the even ids of the dev set, checked on the odd).
_RECALL_GAIN = 1.05
_BASELINE_GAIN = 2.0
_FALLBACK_HOLDS = 0.7
# Paragraph words in the page over words found, at or below which no fallback is tried: the
# favor_recall pass counts the words outside link lists, the baseline (which must double the
# words and reads mostly paragraphs) all of them and is tried too when the page declares an
# articleBody (chosen on the even ids of the dev set, checked on the odd).
_RECALL_OFFERED = 1.1
_BASELINE_OFFERED = 1.5
# The last fallback, every paragraph of the page outside furniture and link lists, runs
# where what was found is under an eighth of the words outside link lists, and replaces it
# when it doubles the words and holds half their 4-grams (trafilatura's lines there are
# often a header or teasers). Chosen on the dev set's pages, odd ids included: under a
# quarter it took three pages trafilatura read well, without the half a story's comments.
_PARAGRAPHS_OFFERED = 8.0
_PARAGRAPHS_HOLDS = 0.5
# Paragraph-like blocks, each counted once (a <p> inside an <li> is the <li>'s text); a block
# with this share of its text in links is a link list.
_OFFERED_TAGS = ("p", "li", "blockquote")
_OFFERED_LINKED = 0.5

# Logistic weights over line_features (positive = chrome), fitted on the even ids of the WCXB
# dev set by line: a line is article text when the gold body holds its words.
_WEIGHTS: tuple[float, ...] = (
    -2.283,
    0.03014,
    -0.05403,
    -0.7457,
    -0.01226,
    2.551,
    -1.618,
    -0.08663,
    0.7135,
    -0.2378,
    0.2674,
    1.365,
    -0.5937,
    0.9314,
    -0.5365,
    0.6022,
    1.557,
    0.599,
    3.217,
    1.869,
    1.916,
    -0.412,
    1.236,
    -0.051,
    -0.2334,
    0.4274,
    0.5456,
    0.8301,
    -0.2959,
    0.5221,
    2.568,
    -1.735,
    -3.268,
    -1.224,
)


# block_texts: each text block of a page -> (its text, its word key).
BlockTexts = dict[HtmlElement, tuple[str, str]]


@dataclass(slots=True)
class HtmlParts:
    """Body paragraphs, captions and metadata trafilatura and the chrome filter found."""

    title: str | None
    description: str | None
    paragraphs: list[str]
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    url: str | None = None
    author: str | None = None
    date: str | None = None
    # Where `date` came from: page (shown beside the headline), json_ld, meta or htmldate.
    date_source: str | None = None
    updated: str | None = None
    method: str = "trafilatura"
    # Word-weighted certainty (0.5 to 1) of the chrome scorer's calls on the lines it saw.
    quality: float = 0.0


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text)).casefold()


def _clean(text: str) -> str:
    return " ".join(text.split())


def parse_page(html: str) -> HtmlElement | None:
    """The page's tree, with markup that follows a closing </body> or </html> kept in the body.

    Browsers go on reading a page past an early </body> or </html> (a template that closes
    the page after its header and prints the story below); libxml2 stops there and loses
    the story. Those closing tags are dropped when markup follows them; the parser closes
    the page at its end anyway.
    """
    end = _BODY_END.search(html)
    if end is not None and _MARKUP.search(html, end.end()):
        html = _BODY_END.sub("", html)
    return trafilatura.load_html(html)


def extract_html_parts(html: str) -> HtmlParts | None:
    """Article parts of an HTML page; None when it does not parse to a tree."""
    tree = parse_page(html)
    if tree is None:
        return None
    captions, credits = figure_captions(tree)
    # bare_extraction copies a tree it is given, so `tree` stays whole for the chrome features.
    doc = trafilatura.bare_extraction(
        tree, with_metadata=False, include_comments=False, deduplicate=False
    )
    # The fallbacks, the chrome cut and restore_headings all read the page's blocks' texts.
    texts = block_texts(tree)
    lines, method = _fallback(_text_lines(doc.text if doc else ""), tree, html, texts)
    # trafilatura's metadata, as it reads it for a page it extracts; none for a page it drops.
    meta = PageMetadata(tree) if doc is not None else None
    if meta is None and not lines:
        title, _ = page_title(tree, [])
        return HtmlParts(title or fallback_title(tree, None, []), None, [], captions, credits)
    # trafilatura sometimes repeats the headline as the first body line.
    if lines and meta is not None and meta.title and _key(lines[0]) == _key(meta.title):
        lines.pop(0)
    caption_keys = {_key(c) for c in captions}
    lines = [line for line in lines if _key(line) not in caption_keys]
    paragraphs, quality = cut_chrome(lines, tree, texts)
    paragraphs = restore_headings(paragraphs, tree, texts)
    host = urlsplit(meta.url).hostname if meta is not None and meta.url else None
    paragraphs = restore_lists(paragraphs, lines, tree, texts, host)
    site_names = (
        [name for name in (meta.sitename, meta.hostname) if _is_site_name(name)] if meta else []
    )
    title, headline = page_title(tree, site_names)
    # A page trafilatura drops still shows and declares its date; htmldate's guess, read from
    # trafilatura's metadata, is not made for it.
    date, date_source = page_date(tree, headline, (lambda: meta.date) if meta else lambda: None)
    updated = max(modified_dates(tree), default=None)
    if meta is None:
        return HtmlParts(
            title or fallback_title(tree, None, site_names),
            None,
            paragraphs,
            captions,
            credits,
            site_names,
            date=date,
            date_source=date_source,
            updated=updated,
            method=method,
            quality=quality,
        )
    return HtmlParts(
        title=title or fallback_title(tree, meta.title, site_names),
        description=meta.description,
        paragraphs=paragraphs,
        captions=captions,
        credits=credits,
        site_names=site_names,
        url=meta.url,
        # A byline printed beside the headline beats trafilatura's page-wide author search,
        # which copies the whole page and so comes last.
        author=ld_authors(tree)
        or byline_near(tree, headline)
        or (meta.declared_author if parse_authors(meta.declared_author) else None)
        or _meta_author(tree)
        or written_by(tree)
        or (meta.author if parse_authors(meta.author) else None),
        date=date,
        date_source=date_source,
        updated=updated,
        method=method,
        quality=quality,
    )


def _text_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.split("\n")]
    return [line for line in lines if _WORD.search(line)]


def _word_count(lines: list[str]) -> int:
    return sum(len(_WORD.findall(line)) for line in lines)


def _held_in(lines: list[str], other: list[str]) -> float:
    """Share of the word 4-grams of lines that other holds too (1.0 for no 4-grams)."""

    def grams(text: list[str]) -> set[tuple[str, ...]]:
        words = _WORD.findall(" ".join(text))
        return {tuple(words[k : k + 4]) for k in range(len(words) - 3)}

    own = grams(lines)
    return len(own & grams(other)) / len(own) if own else 1.0


def _offered_words(tree: HtmlElement, texts: BlockTexts | None = None) -> tuple[int, int]:
    """Words in the page's paragraphs, list items and quotes (nested ones counted once), and
    those of them outside link lists (menus, teasers: half their text or more in links).
    `texts` is block_texts(tree), read here when not given."""
    texts = block_texts(tree) if texts is None else texts
    words = unlinked = 0
    for el in _outermost(tree, _OFFERED_TAGS):
        text = texts[el][0]
        k = len(_WORD.findall(text))
        words += k
        if not _is_link_list(el, text):
            unlinked += k
    return words, unlinked


def _is_link_list(el: HtmlElement, text: str) -> bool:
    """True when links hold _OFFERED_LINKED of the block's text (text: its text_content)."""
    return sum(len(a.text_content()) for a in el.iter("a")) >= _OFFERED_LINKED * len(text)


def _outermost(tree: HtmlElement, tags: tuple[str, ...]) -> Iterator[HtmlElement]:
    """The elements with one of these tags that no other such element holds, in page order.

    One walk over those tags' start and end events instead of an ancestor search for each.
    """
    depth = 0
    for event, el in etree.iterwalk(tree, events=("start", "end"), tag=tags):
        if event == "end":
            depth -= 1
            continue
        if not depth:
            yield el
        depth += 1


def _fallback(
    lines: list[str], tree: HtmlElement, html: str, texts: BlockTexts | None = None
) -> tuple[list[str], str]:
    """trafilatura's lines, or a fuller extraction holding them when trafilatura fell short.

    Tried in turn: trafilatura with favor_recall, then its baseline (JSON-LD articleBody or
    every paragraph). Each replaces the text only when it is longer and holds most of
    what was found already, so a page trafilatura reads well keeps its text. Last, where
    all of them found under an eighth of what the page's paragraphs offer, the page's own
    paragraphs (_page_paragraphs) take over when they hold half of what was found.
    """
    method = "trafilatura"
    # Each fallback costs a further extraction, so it is tried only where it can win: where
    # the page's paragraphs hold clearly more words than were found (the baseline must double
    # them), or, for the baseline, where the page declares an articleBody. trafilatura drops
    # link lists, even with favor_recall, so they do not count for its pass; the baseline
    # keeps every paragraph.
    offered, unlinked = _offered_words(tree, texts)
    found = max(1, _word_count(lines))
    if unlinked > _RECALL_OFFERED * found:
        recall = trafilatura.bare_extraction(
            tree, with_metadata=False, include_comments=False, deduplicate=False, favor_recall=True
        )
        other = _text_lines(recall.text or "") if recall else []
        if _replaces(lines, other, _RECALL_GAIN):
            lines, method = other, "trafilatura+fallback"
    if offered > _BASELINE_OFFERED * found or "articleBody" in html:
        # baseline() copies a tree it is given, so `tree` stays whole and is not parsed again.
        other = _text_lines(trafilatura.baseline(tree)[1] or "")
        if _replaces(lines, other, _BASELINE_GAIN):
            lines, method = other, "trafilatura+fallback"
    # Last, where all of them still found a small part of what the page offers: every
    # paragraph of it, when those hold at least half of what was found.
    found = max(1, _word_count(lines))
    if unlinked > _PARAGRAPHS_OFFERED * found:
        other = _page_paragraphs(tree)
        if _replaces(lines, other, _BASELINE_GAIN, _PARAGRAPHS_HOLDS):
            lines, method = other, "trafilatura+fallback"
    return lines, method


def _page_paragraphs(tree: HtmlElement) -> list[str]:
    """Every paragraph, list item, quote and section heading outside page furniture (nav,
    header, footer, aside, form) and link lists, in page order; list items as "- " lines."""
    out = []
    for el in _outermost(tree, _OFFERED_TAGS + _SECTION_HEADINGS):
        if _in_furniture(el):
            continue
        text = _clean(el.text_content())
        if _WORD.search(text) and not _is_link_list(el, text):
            out.append(f"- {text}" if el.tag == "li" else text)
    return out


def _replaces(
    lines: list[str], other: list[str], factor: float, holds: float = _FALLBACK_HOLDS
) -> bool:
    """True when other has factor times the words of lines and holds `holds` of them."""
    return _word_count(other) > factor * max(1, _word_count(lines)) and (
        _held_in(lines, other) >= holds
    )


def _text(el: HtmlElement) -> str:
    """The element's text, whitespace squashed; a <br> inside it parts the words around it."""
    if next(el.iter("br"), None) is None:
        return " ".join(el.text_content().split())
    return " ".join("".join(_br_spaced(el, top=True)).split())


def _br_spaced(el: HtmlElement, top: bool = False) -> Iterator[str]:
    """The text nodes under el in page order (comments left out), a space for each <br>."""
    if el.tag == "br":
        yield " "
    elif isinstance(el.tag, str) and el.text:
        yield el.text
    for child in el:
        yield from _br_spaced(child)
    if not top and el.tail:
        yield el.tail


def page_title(tree: HtmlElement, site_names: list[str]) -> tuple[str | None, HtmlElement | None]:
    """The headline the page's title cues agree on and its <h1>; site names it reveals are added.

    (None, None) when no <h1> is a headline the metadata agrees with.
    """
    metas = [
        m.get("content", "")
        for m in tree.iter("meta")
        if (m.get("property") or m.get("name") or "").lower() in _TITLE_METAS
    ]
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            for match in _HEADLINE_LD.finditer(script.text):
                try:
                    metas.append(json.loads(match.group(1)))
                except ValueError:
                    continue
    title = next((_text(t) for t in tree.iter("title")), "")
    h1s = list(tree.iter("h1"))
    headings = [_text(h) for h in h1s]
    dropped = declared_headlines(title, site_names)
    site_names[:] = [name for name in site_names if name not in dropped]
    # A domain printed as the logo <h1> is the site's name ("davidbau.com Vibe Coding").
    site_names.extend(h for h in headings if _DOMAIN.fullmatch(h) and h not in site_names)
    site_names.extend(site_affixes(title, [*metas, *headings], site_names))
    chosen, index = choose_title(headings, [*metas, title], site_names)
    return chosen, (h1s[index] if index is not None else None)


def _is_site_name(name: str | None) -> bool:
    """False for "site names" that are really a page's whole title, as some sites declare."""
    return bool(name) and len(name.split()) <= _MAX_SITE_NAME_WORDS


def fallback_title(tree: HtmlElement, title: str | None, site_names: list[str]) -> str | None:
    """The title when no <h1> is the headline: trafilatura's, unless it is one of those <h1>s.

    A rejected <h1> is a logo or the site's name; the <title> element names the page then.
    """
    headings = {_key(_text(h)) for h in tree.iter("h1")}
    if title and _key(title) not in headings:
        return title
    return next((_text(t) for t in tree.iter("title") if _text(t)), None) or title


def _near_headline(tree: HtmlElement, headline: HtmlElement) -> list[HtmlElement]:
    """Elements after the headline, then those before it (nearest first), within reach.

    One walk in document order that stops _HEADER_REACH elements past the headline; comments
    and processing instructions are left out by lxml itself.
    """
    elements = tree.iter(etree.Element)
    before: deque[HtmlElement] = deque(maxlen=_HEADER_REACH)
    for el in elements:
        if el is headline:
            break
        before.append(el)
    return [*islice(elements, _HEADER_REACH), *reversed(before)]


_PUBLISHED_METAS = frozenset(
    (
        "article:published_time",
        "og:published_time",
        "og:article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "parsely-pub-date",
        "sailthru.date",
        "dc.date.issued",
        "dcterms.issued",
    )
)
_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
_ISO_DAY = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


def structured_date(tree: HtmlElement) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD, "json_ld" | "meta") from the page's declared publication date; Nones if none."""
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            for match in _LD_PUBLISHED.finditer(script.text):
                day = _ISO_DAY.match(match.group(1))
                if day:
                    return day.group(1), "json_ld"
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        day = _ISO_DAY.match(meta.get("content") or "") if key in _PUBLISHED_METAS else None
        if day:
            return day.group(1), "meta"
    return None, None


def page_date(
    tree: HtmlElement, headline: HtmlElement | None, htmldate: Callable[[], str | None]
) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD, source) of publication; (None, None) if unknown.

    `htmldate` gives htmldate's date; it is called only when the page's own cues do not settle
    the date, as its search of the whole page is the costly part.

    The date shown beside the headline comes first, then the declared publication date, then
    htmldate's. A shown date that is the declared one with day and month swapped ("09.10.2024"
    on a page declaring 10 September) is read as declared. When a page declares no date and
    shows only an update date beside the headline, that date is the page's date unless it is
    the declared modification date or htmldate's date is shown beside the headline too.
    htmldate's is dropped when it is a bare 1 January (a year guessed from a copyright line or
    a URL) or the page's declared modification date: null, not a guess.
    """
    shown = header_dates(tree, headline)
    published = next((day for day, updated in shown if not updated), None)
    declared, source = structured_date(tree)
    if published:
        if declared and published != declared and _swapped(published) == declared:
            return declared, "page"
        return published, "page"
    if declared:
        return declared, source
    modified = modified_dates(tree)
    found = htmldate()
    if shown and shown[0][0] not in modified and found not in {day for day, _ in shown}:
        return shown[0][0], "page"
    if found and not found.endswith("-01-01") and found not in modified:
        return found, "htmldate"
    return None, None


def _swapped(day: str) -> str:
    """YYYY-DD-MM for YYYY-MM-DD: the same numbers read in the other order."""
    return f"{day[:4]}-{day[8:10]}-{day[5:7]}"


_MODIFIED_METAS = frozenset(
    (
        "article:modified_time",
        "og:updated_time",
        "datemodified",
        "last-modified",
        "dc.date.modified",
    )
)
_LD_MODIFIED = re.compile(r'"dateModified"\s*:\s*"(\d{4}-\d{2}-\d{2})')


def modified_dates(tree: HtmlElement) -> set[str]:
    """Days the page declares it was modified on (YYYY-MM-DD), from meta tags and JSON-LD."""
    days = set()
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        day = _ISO_DAY.match(meta.get("content") or "") if key in _MODIFIED_METAS else None
        if day:
            days.add(day.group(1))
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            days.update(_LD_MODIFIED.findall(script.text))
    return days


def header_date(tree: HtmlElement, headline: HtmlElement | None) -> str | None:
    """Publication date shown beside the headline (YYYY-MM-DD); None when none is shown.

    Dates labelled as updates are skipped: the page's metadata dates the original better.
    """
    return next((day for day, updated in header_dates(tree, headline) if not updated), None)


def header_dates(tree: HtmlElement, headline: HtmlElement | None) -> list[tuple[str, bool]]:
    """(YYYY-MM-DD, is labelled as an update) for each date beside the headline, nearest first."""
    if headline is None:
        return []
    found = []
    for el in _near_headline(tree, headline):
        if el.tag == "time":
            # The machine-readable datetime first: its text may be "10/12/2023", month first.
            raws = [el.get("datetime") or "", _text(el)]
        elif el.tag in ("script", "style", "td", "th"):
            # Table cells near the headline hold the article's data, not its date.
            continue
        else:
            raw = (el.text or "").strip()
            raws = [raw] if len(raw) <= _MAX_DATE_CHARS and _YEAR.search(raw) else []
            tail = _tail_date(el)
            if tail:
                raws.append(tail)
            if not raws:
                continue
        day = next(filter(None, map(_shown_day, raws)), None)
        if day:
            found.append((day, bool(_UPDATED.search(_label(el))) or _is_update_element(el)))
    return found


def _tail_date(el: HtmlElement) -> str | None:
    """A date printed right after an element and nothing else ("<a>Jane Doe</a> • November 4th,
    2025"), in a short line such as a byline; a date in a sentence's tail is not the page's."""
    tail = _TAIL_SEPARATORS.sub("", el.tail or "")
    if not tail or not _BARE_DATE.fullmatch(tail):
        return None
    parent = el.getparent()
    return tail if parent is not None and len(_text(parent)) <= _MAX_TAIL_LINE_CHARS else None


def _shown_day(raw: str) -> str | None:
    """YYYY-MM-DD of a date as a page prints it, within the plausible range; None if none."""
    raw = raw.strip()[:_MAX_DATE_CHARS]
    iso = _ISO_DAY.match(raw)
    if iso:
        # htmldate rejects ISO timestamps with fractions of a second ("...28.041Z").
        try:
            day = datetime.fromisoformat(iso.group(1))
        except ValueError:
            return None
        return iso.group(1) if _FIRST_DAY <= day < _LAST_DAY else None
    return try_date_expr(raw, "%Y-%m-%d", False, _FIRST_DAY, _LAST_DAY) if raw else None


def _is_update_element(el: HtmlElement) -> bool:
    """An element whose class marks it as the update date only ("updated", not "published")."""
    marks = f"{el.get('class', '')} {el.get('itemprop', '')}"
    return bool(_UPDATED_CLASS.search(marks)) and not _PUBLISHED_CLASS.search(marks)


def _label(el: HtmlElement) -> str:
    """The short text around a date element, where "Updated" or "Published" would be."""
    context = _text(el)
    for parent in list(el.iterancestors())[:2]:
        text = _text(parent)
        if len(text) > 150:
            break
        context = text
    return context


def byline_near(tree: HtmlElement, headline: HtmlElement | None) -> str | None:
    """Author names from a byline element or a "By ..." line beside the headline; None if none."""
    if headline is None:
        return None
    near = _near_headline(tree, headline)
    for at, el in enumerate(near):
        if _is_by_label(el) and at + 1 < len(near):
            el = near[at + 1]
            if _TAG_LIST.search(_attrs(el)):
                continue
        elif _NOT_NAME_ATTR.search(_attrs(el)) or not (
            _BYLINE_ATTR.search(_attrs(el))
            or _BY.match(next(_iter_text_nodes(el), ""))
            or _AUTHOR_HREF.search(el.get("href") or "")
        ):
            continue
        names = _byline_names(el) if len(_text(el)) <= _MAX_BYLINE_CHARS else []
        if names:
            return "; ".join(names)
    return None


def _is_by_label(el: HtmlElement) -> bool:
    """True when the element's whole text is a "By" or "Author:" label (_BY_LABEL).

    The elements near a headline include its containers, whose text is most of the page, so
    the text is read only until it is too long to be a label.
    """
    chars = 0
    for piece in el.itertext():
        chars += len("".join(piece.split()))
        if chars > _BY_LABEL_CHARS:
            return False
    return bool(_BY_LABEL.match(_text(el)))


def written_by(tree: HtmlElement) -> str | None:
    """Names from the first "Written by ..." line anywhere on the page (an author box under
    the article, say), outside the comments; None if there is none."""
    for el in tree.iter():
        if not isinstance(el.tag, str) or not _WRITTEN_BY.match(el.text or ""):
            continue
        if len(_text(el)) > _MAX_BYLINE_CHARS or _in_comments(el):
            continue
        names = _byline_names(el)
        if names:
            return "; ".join(names)
    return None


def _in_comments(el: HtmlElement) -> bool:
    """True inside a comment thread ("comments", "comment-body", id "div-comment-940")."""
    for parent in el.iterancestors():
        if parent.tag in ("body", "html"):
            return False
        tokens = f"{parent.get('class', '')} {parent.get('id', '')}".split()
        if any(_COMMENT_TOKEN.match(token) for token in tokens):
            return True
    return False


def _attrs(el: HtmlElement) -> str:
    return " ".join(el.get(name, "") for name in ("class", "id", "itemprop", "rel"))


def _byline_names(el: HtmlElement) -> list[str]:
    """Names in a byline element, read one text node at a time.

    The names come from the first node that has any (after a "By" label, if there is one) and
    from later nodes a connector ("and", ",", "&") joins on. A node that follows without one is
    a role, badge or date ("Jane Doe" then "Verified expert"), which glued to the name would
    spoil it.
    """
    names: list[str] = []
    joined = False
    skipped = 0
    for node in _text_nodes(el):
        if _BY_LABEL.match(node):
            names, joined, skipped = [], True, 0
            continue
        if names and _CONNECTOR.fullmatch(node):
            joined = True
            continue
        if names and not (joined or _CONNECTOR_START.match(node)):
            break
        node = _CONNECTOR_START.sub("", node)
        # "<a>Jane Doe</a>, Senior Director, Content & Marketing": a role, not a co-author.
        if names and not parse_authors(_FIRST_PIECE.split(node, maxsplit=1)[0]):
            break
        found = parse_authors(node)
        names.extend(n for n in found if n not in names)
        if not names:
            # Right after "By" the name must follow; further on, the element is no byline.
            skipped += 1
            if joined or skipped > _MAX_NODES_BEFORE_NAME:
                return []
        joined = False
    return names


def _text_nodes(el: HtmlElement) -> list[str]:
    """The element's non-empty text nodes, whitespace squashed, minus topic links; a <br>
    continues its line."""
    return list(_iter_text_nodes(el))


def _iter_text_nodes(el: HtmlElement) -> Iterator[str]:
    """_text_nodes, lazily: a byline test needs only the first node of a large block."""
    listed: list[bool] = []  # per open element: inside a list of topic links
    pending: str | None = None
    for event, node in etree.iterwalk(el, events=("start", "end")):
        is_element = isinstance(node.tag, str)
        if event == "start":
            inside = bool(listed and listed[-1])
            listed.append(inside or (is_element and bool(_TAG_LIST.search(_attrs(node)))))
            if not is_element or not node.text or listed[-1]:
                continue
            text, after_br = node.text, False
        else:
            listed.pop()
            if node is el or not node.tail or (listed and listed[-1]):
                continue
            text, after_br = node.tail, node.tag == "br"
        squashed = " ".join(text.split())
        if pending is not None and after_br:
            pending = f"{pending} {squashed}".strip()
        elif squashed:
            if pending is not None:
                yield pending
            pending = squashed
    if pending is not None:
        yield pending


_PERSON_TYPES = frozenset(("person", ""))


def ld_authors(tree: HtmlElement) -> str | None:
    """Person names of the first JSON-LD entity with an author ("; "-joined); None if none.

    Authors typed as an Organization are the publisher, not a byline.
    """
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        found = _first_author(data)
        if found is None:
            continue
        names = []
        for entry in found if isinstance(found, list) else [found]:
            if isinstance(entry, dict):
                kind = entry.get("@type") or ""
                name = entry.get("name") if str(kind).lower() in _PERSON_TYPES else None
            else:
                name = entry
            if isinstance(name, str):
                names.extend(n for n in parse_authors(name) if n not in names)
        if names:
            return "; ".join(names)
    return None


def _first_author(data: object) -> object | None:
    """The "author" value of the first entity (depth first) that has one."""
    if isinstance(data, dict):
        if data.get("author"):
            return data["author"]
        children = data.values()
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        found = _first_author(child)
        if found is not None:
            return found
    return None


def _meta_author(tree: HtmlElement) -> str | None:
    """<meta name="author"> when it names a person; trafilatura drops one-word names."""
    for meta in tree.iter("meta"):
        if (meta.get("name") or "").lower() == "author" and parse_authors(meta.get("content")):
            return meta.get("content")
    return None


def figure_captions(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """Image captions (from <figcaption>) and the photo credits found in or beside them."""
    captions: list[str] = []
    credits: list[str] = []
    for caption in tree.iter("figcaption"):
        text = _clean(caption.text_content())
        if not text or text in captions:
            continue
        captions.append(text)
        figure = caption.getparent() if caption.getparent() is not None else caption
        marked = [
            _clean(el.text_content())
            for el in figure.iter()
            if isinstance(el.tag, str)
            and _CREDIT_ATTR.search(f"{el.get('class', '')} {el.get('itemprop', '')}")
        ]
        found = [c for c in marked if c] or [
            m.group(1).strip() for m in [_CREDIT_TEXT.search(text)] if m
        ]
        credits.extend(c for c in found if c not in credits)
    return captions, credits


def cut_chrome(
    lines: list[str], tree: HtmlElement, texts: BlockTexts | None = None
) -> tuple[list[str], float]:
    """The lines left after cutting chrome-like runs and lines, and the scorer's certainty.

    The certainty is the word-weighted mean of max(p, 1 - p) over the lines (0.0 for none).
    `texts` is block_texts(tree), read here when not given.
    """
    if not lines or not _WEIGHTS:
        return lines, 0.0
    probs = [
        _sigmoid(sum(map(operator.mul, _WEIGHTS, f))) for f in line_features(lines, tree, texts)
    ]
    weights = _word_shares(lines)
    quality = round(sum(w * max(p, 1 - p) for w, p in zip(weights, probs, strict=True)), 4)
    return keep_article_lines(lines, probs), quality


def _word_shares(lines: list[str]) -> list[float]:
    words = [len(_WORD.findall(line)) + 1 for line in lines]
    total = sum(words)
    return [w / total for w in words]


def keep_article_lines(
    lines: list[str], probs: list[float], head_bar: float = _HEAD_BAR, line_bar: float = _LINE_BAR
) -> list[str]:
    """Lines with a chrome-like run cut from the end and the start, and clear chrome lines."""
    weights = _word_shares(lines)
    end, best, run = len(lines), 0.0, 0.0
    for j in range(len(lines) - 1, -1, -1):
        run += weights[j] * (probs[j] - _TAIL_BAR)
        if run > best:
            end, best = j, run
    # A clear chrome heading near the end ("SHARE YOUR STORY") opens a promo block even when
    # the block's own prose reads like an article.
    for j in range(end):
        rest = probs[j + 1 : end]
        if (
            probs[j] >= _BLOCK_OPENER
            and sum(weights[j:end]) <= _BLOCK_SHARE
            and (not rest or sum(rest) / len(rest) >= _BLOCK_REST)
        ):
            end = j
            break
    # A run at the start (share bars, "Related:" teasers, a promo above the story) goes too.
    start, best, run = 0, 0.0, 0.0
    for j in range(len(lines)):
        run += weights[j] * (probs[j] - head_bar)
        if run > best:
            start, best = j + 1, run
    return [line for j, line in enumerate(lines[:end]) if j >= start and probs[j] <= line_bar]


def restore_headings(
    lines: list[str], tree: HtmlElement, texts: BlockTexts | None = None
) -> list[str]:
    """Lines with the section headings trafilatura left out put back where the page has them.

    trafilatura sometimes drops an <h2>-<h6> between two paragraphs it keeps, so the body reads
    as one run and loses its section titles. A dropped heading goes back when the nearest text
    blocks before and after it on the page are two lines kept one after the other: it sits
    inside the kept text, not at its edge, where the chrome starts. `texts` is
    block_texts(tree), read here when not given.
    """
    texts = block_texts(tree) if texts is None else texts
    keys = [_key(line) for line in lines]
    kept = set(keys)
    missing = [h for h in tree.iter(*_SECTION_HEADINGS) if texts[h][1] not in kept]
    if not missing:
        return lines
    blocks = _page_blocks(tree, texts)
    at = _first_index(keys)
    after: dict[int, list[str]] = {}
    for j in range(1, len(blocks) - 1):
        el, key = blocks[j]
        if el.tag not in _SECTION_HEADINGS or key in kept:
            continue
        before, next_key = at.get(blocks[j - 1][1]), blocks[j + 1][1]
        if before is not None and before + 1 < len(keys) and keys[before + 1] == next_key:
            after.setdefault(before, []).append(_clean(texts[el][0]))
    return _insert_after(lines, after)


def _page_blocks(tree: HtmlElement, texts: BlockTexts) -> list[tuple[HtmlElement, str]]:
    """The page's outermost text blocks that hold words, with their word keys, in page order."""
    blocks = [(el, texts[el][1]) for el in _outermost(tree, _BLOCK_TAGS)]
    return [(el, key) for el, key in blocks if key]


def _first_index(keys: list[str]) -> dict[str, int]:
    """Each key -> the index of its first line."""
    return {key: j for j, key in reversed(list(enumerate(keys)))}


def _insert_after(lines: list[str], after: dict[int, list[str]]) -> list[str]:
    """Lines with after[j] put in after line j."""
    if not after:
        return lines
    out = []
    for j, line in enumerate(lines):
        out.append(line)
        out.extend(after.get(j, []))
    return out


def restore_lists(
    lines: list[str],
    found: list[str],
    tree: HtmlElement,
    texts: BlockTexts | None = None,
    host: str | None = None,
) -> list[str]:
    """Lines with the lists, tables and quotes trafilatura left out put back where they stand.

    trafilatura sometimes drops a list, a table or a pull quote between two paragraphs it
    keeps. A run of such dropped blocks goes back when the text blocks on either side of it on
    the page are two lines kept one after the other, none of its blocks is among the `found`
    lines (the chrome cut took those out), the lines do not hold most of its word 4-grams
    already (a run of under four words, which cannot be told, stays out), and
    _is_article_run finds it is not page furniture. `texts` is block_texts(tree), read here
    when not given; `host` is the page's own host name, None when unknown.
    """
    texts = block_texts(tree) if texts is None else texts
    keys = [_key(line) for line in lines]
    kept = set(keys)
    cut = {_key(line) for line in found} - kept
    blocks = _page_blocks(tree, texts)
    at = _first_index(keys)
    after: dict[int, list[str]] = {}
    start = 0
    while start < len(blocks):
        if blocks[start][1] in kept:
            start += 1
            continue
        end = start
        while end < len(blocks) and blocks[end][1] not in kept:
            end += 1
        # Only a run inside the kept text: its neighbours are kept lines one after the other.
        before = at[blocks[start - 1][1]] if start else None
        inside = before is not None and end < len(blocks) and before + 1 < len(keys)
        if inside and keys[before + 1] == blocks[end][1]:
            run = [el for el, _ in blocks[start:end]]
            if not any(key in cut for _, key in blocks[start:end]) and _is_article_run(
                run, texts, host
            ):
                restored = _run_lines(run, texts)
                # A block whose text trafilatura split or spaced otherwise is kept already.
                if _held_in(restored, lines) < _RUN_HELD:
                    after[before] = restored
        start = end
    return _insert_after(lines, after)


def _is_article_run(run: list[HtmlElement], texts: BlockTexts, host: str | None) -> bool:
    """True for list items or table cells (headings among them), or quotes with their
    captions, outside page furniture (nav and the like, scripts, images) and link lists.

    A list whose links mostly lead off the site (sources, tools, further reading chosen by the
    writer) is content; one of links into the site is its navigation or teasers.
    """
    tags = {el.tag for el in run}
    is_list = tags <= _RUN_TAGS and bool(tags & _LIST_TAGS)
    if not (is_list or (tags <= _QUOTE_TAGS and "blockquote" in tags)):
        return False
    # A quote naming a URL or an @handle is an embedded post (a tweet), not a pull quote.
    if not is_list and any(_URL_LIKE.search(texts[el][0]) for el in run):
        return False
    if _in_furniture(run[0]):
        return False
    # A caption stands on its own; any other block holding one, an image or a script is not
    # plain text (galleries, embeds, widgets).
    if any(
        el.tag != "figcaption" and next(el.iter(*_NOT_TEXT_TAGS), None) is not None for el in run
    ):
        return False
    chars = sum(len(texts[el][0]) for el in run) or 1
    links = [a for el in run for a in el.iter("a")]
    if sum(len(a.text_content()) for a in links) < _RUN_LINKED * chars:
        return True
    if not is_list or not host:
        return False
    outbound = sum(_is_outbound(a.get("href") or "", host) for a in links)
    return outbound > _RUN_OUTBOUND * len(links)


def _in_furniture(el: HtmlElement) -> bool:
    """True inside the page's furniture: nav, header, footer, aside or a form."""
    return any(p.tag in _OUTER_TAGS for p in el.iterancestors())


def _is_outbound(href: str, host: str) -> bool:
    """True when href leads to another site than host (www. and subdomains aside)."""
    other = (urlsplit(href).hostname or "").removeprefix("www.")
    own = host.removeprefix("www.")
    return bool(other) and not (
        other == own or other.endswith("." + own) or own.endswith("." + other)
    )


def _run_lines(run: list[HtmlElement], texts: BlockTexts) -> list[str]:
    """A run's blocks as lines: "- " items, one "| "-joined line per table row, headings and
    quotes as they are. A quote's caption stays out of the text, as every caption does: it is
    kept in the captions."""
    out: list[str] = []
    row = None
    for el in run:
        if el.tag == "figcaption":
            continue
        text = _clean(texts[el][0])
        if el.tag in ("td", "th") and el.getparent() is row:
            out[-1] = f"{out[-1]} | {text}"
        elif el.tag in ("td", "th"):
            out.append(f"| {text}")
        else:
            out.append(f"- {text}" if el.tag == "li" else text)
        row = el.getparent() if el.tag in ("td", "th") else None
    return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def line_features(
    lines: list[str], tree: HtmlElement, texts: BlockTexts | None = None
) -> list[tuple[float, ...]]:
    """One feature vector per line: its wording and place in the text, and its source block.

    `texts` is block_texts(tree), read here when not given.
    """
    texts = block_texts(tree) if texts is None else texts
    return [
        a + b for a, b in zip(_text_features(lines), _block_features(lines, texts), strict=True)
    ]


def _text_features(lines: list[str]) -> list[tuple[float, ...]]:
    tokens = [_WORD.findall(line) for line in lines]
    total = sum(len(t) for t in tokens) or 1
    seen = Counter(" ".join(t).casefold() for t in tokens)
    out = []
    before = 0
    for j, (line, words) in enumerate(zip(lines, tokens, strict=True)):
        k = len(words)
        low = [w.casefold() for w in words]
        stop = sum(map(_STOPWORDS.__contains__, low)) / max(k, 1)
        calls, url_like, copyright = _line_marks(line)
        prev_k = len(tokens[j - 1]) if j else 0
        next_k = len(tokens[j + 1]) if j + 1 < len(lines) else 0
        out.append(
            (
                1.0,
                math.log1p(k),
                float(k < 4),
                float(k < 8),
                float(k < 15),
                stop,
                stop * math.log1p(k),
                sum(1 for w in words if w[0].isupper()) / max(k, 1),
                sum(1 for w in words if w.isupper() and len(w) > 1) / max(k, 1),
                sum(map(str.isdigit, words)) / max(k, 1),
                float(calls > 0),
                min(calls, 3) / max(k, 1) * 4,
                float(bool(_SENTENCE_END.search(line))),
                float(line.startswith(("- ", "• ", "* "))),
                float(line.startswith("|")),
                float(url_like),
                float(copyright),
                float(seen[" ".join(low)] > 1),
                before / total,
                (total - before - k) / total,
                float(j == 0),
                float(j == len(lines) - 1),
                float(len(lines) - j <= 3),
                math.log1p(prev_k),
                math.log1p(next_k),
            )
        )
        before += k
    return out


def block_texts(tree: HtmlElement) -> BlockTexts:
    """Each text block of the page (_BLOCK_TAGS, nested ones too) in page order: its text and
    the word key lines are matched to it by."""
    texts = {}
    for el in tree.iter(*_BLOCK_TAGS):
        text = el.text_content()
        texts[el] = (text, _key(text))
    return texts


def _block_features(lines: list[str], texts: BlockTexts) -> list[tuple[float, ...]]:
    # The first block (in page order) with each text, and that text.
    blocks: dict[str, tuple[HtmlElement, str]] = {}
    for el, (text, key) in texts.items():
        blocks.setdefault(key, (el, text))
    tokens = [_WORD.findall(line) for line in lines]
    hits = [blocks.get(" ".join(words).casefold()) for words in tokens]
    found = [hit[0] if hit else None for hit in hits]
    words: Counter = Counter()
    located = 0
    for el, line_words in zip(found, tokens, strict=True):
        if el is None:
            continue
        k = len(line_words) + 1
        located += k
        words[el] += k
        for parent in el.iterancestors():
            words[parent] += k
    container = None
    if located:
        holding = [el for el, k in words.items() if k >= _CONTAINER_SHARE * located]
        container = max(holding, key=lambda el: sum(1 for _ in el.iterancestors()))
    out = []
    for hit in hits:
        if hit is None:
            out.append((0.0,) * 9)
            continue
        el, text = hit
        parents = list(el.iterancestors())
        chars = len(text) or 1
        linked = sum(len(a.text_content()) for a in el.iter("a"))
        in_link = any(p.tag == "a" for p in parents[:3])
        attrs = " ".join(f"{e.get('class', '')} {e.get('id', '')}" for e in [el, *parents[:6]])
        chrome_attr, content_attr = _attr_marks(attrs)
        out.append(
            (
                1.0,
                1.0 if in_link else min(1.0, linked / chars),
                chrome_attr,
                content_attr,
                float(any(p.tag in _OUTER_TAGS for p in parents)),
                float(container is not None and el is not container and container not in parents),
                float(el.tag in _HEADING_TAGS),
                float(el.tag == "li"),
                float(el.tag == "p"),
            )
        )
    return out


# _CALL_TO_ACTION, _URL_LIKE, _COPYRIGHT, _CHROME_ATTR and _CONTENT_ATTR hold only lowercase
# letters, so on ASCII text lowercased first they match exactly where they match case-blind,
# and case-sensitive matching is much cheaper.
_CALL_TO_ACTION_LOWER = re.compile(_CALL_TO_ACTION.pattern)
_URL_LIKE_LOWER = re.compile(_URL_LIKE.pattern)
_COPYRIGHT_LOWER = re.compile(_COPYRIGHT.pattern)
_CHROME_ATTR_LOWER = re.compile(_CHROME_ATTR.pattern)
_CONTENT_ATTR_LOWER = re.compile(_CONTENT_ATTR.pattern)


@lru_cache(maxsize=4096)
def _attr_marks(attrs: str) -> tuple[float, float]:
    """(chrome-like, content-like) marks of a line's class/id chain, 1.0 or 0.0 each.

    Cached: the lines of one container share the chain, and the search over its long class
    lists is the costliest step of the block features.
    """
    chrome, content = _CHROME_ATTR, _CONTENT_ATTR
    if attrs.isascii():
        chrome, content, attrs = _CHROME_ATTR_LOWER, _CONTENT_ATTR_LOWER, attrs.lower()
    return float(bool(chrome.search(attrs))), float(bool(content.search(attrs)))


def _line_marks(line: str) -> tuple[int, bool, bool]:
    """How many call-to-action words the line holds, whether it holds a URL-like string and
    whether a copyright notice."""
    if line.isascii():
        low = line.lower()
        return (
            len(_CALL_TO_ACTION_LOWER.findall(low)),
            bool(_URL_LIKE_LOWER.search(low)),
            bool(_COPYRIGHT_LOWER.search(low)),
        )
    return (
        len(_CALL_TO_ACTION.findall(line)),
        bool(_URL_LIKE.search(line)),
        bool(_COPYRIGHT.search(line)),
    )
