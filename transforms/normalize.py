"""ExtractedDocument -> Article: title, language, dates, people, publisher and ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime

from transforms.extract import EXTRACTOR_VERSION
from transforms.metadata import (
    DATE_LANGUAGES,
    clean_title,
    date_within,
    drop_site_authors,
    identify_language,
    parse_authors,
    parse_contributors,
    parse_date,
    publisher_from_attributions,
    site_from_url,
    split_date_line,
)
from transforms.outlets import canonical_outlet
from transforms.records import Article, Caption, ExtractedDocument

STAGE = "normalize"
NORMALIZER_VERSION = "normalize-4"
# Typographic quotes and dashes a reprint may straighten, folded before hashing. Replaced
# one pair at a time: str.translate with a non-ASCII table costs a dict lookup per character.
_PLAIN_PUNCTUATION = (
    ("\u2018", "'"),
    ("\u2019", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u2013", "-"),
    ("\u2014", "-"),
)

# Share of dates from each published_at_source that were the right day on the WCXB dev set
# (5-fold, split by site; bench.quality prints the table). A date's confidence is its source's.
DATE_CONFIDENCE = {
    "page": 0.95,
    "meta": 0.95,
    "json_ld": 0.84,
    "htmldate": 0.83,
    "text": 0.90,
}


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def article_id_for(text: str) -> str:
    """Stable id from the text with whitespace, quotes and case folded: one id per story text.

    The title is left out, so a copy served under another headline is still the same article.
    """
    folded = _plain_punctuation(unicodedata.normalize("NFKC", text))
    return hashlib.sha256(_fold(folded).encode()).hexdigest()[:20]


def _plain_punctuation(text: str) -> str:
    """Text with typographic quotes and dashes straightened."""
    for fancy, plain in _PLAIN_PUNCTUATION:
        text = text.replace(fancy, plain)
    return text


def _date_languages(language: str | None) -> list[str] | None:
    """Languages to read dates in: the article's own and English, which pages mix in.

    Naming them spares dateparser trying every locale; None (all) when the language is one
    dateparser does not know.
    """
    if language is None or language not in DATE_LANGUAGES:
        return None
    return sorted({language, "en"})


def _dates(doc: ExtractedDocument, now: datetime, languages: list[str] | None) -> tuple:
    found: dict[str, tuple[datetime, str]] = {}
    for kind, text, source in doc.date_claims:
        for kind_read, text_read in _readings(kind, text):
            # Only the first date of each kind counts: once one is found, later claims of
            # that kind are not parsed (dateparser is normalize's largest cost).
            if kind_read in found:
                continue
            when = parse_date(text_read, languages=languages, not_after=now)
            if when is not None:
                found[kind_read] = (when, source)
                break
    published, published_source = found.get("published", (None, None))
    updated = found["updated"][0] if "updated" in found else None
    return published, published_source, updated


def _readings(kind: str, text: str) -> Iterator[tuple[str, str]]:
    """The ways to read a date claim, in turn: a "line" by its label, then, when its other
    words defeat the parser ("by Whova | Apr 21, 2025"), the date printed inside it."""
    if kind != "line":
        yield kind, text
        return
    yield split_date_line(text)
    inner = date_within(text)
    if inner is not None:
        yield inner


_TRAILING_BRACKET = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def _captions(doc: ExtractedDocument) -> list[Caption]:
    """Captions with their photo credit split off (credits may differ in spacing)."""
    out = []
    for caption in doc.captions:
        squashed = _SPACE.sub("", caption)
        credit = next((c for c in doc.credits if c and _SPACE.sub("", c) in squashed), None)
        text = _TRAILING_BRACKET.sub("", caption).strip() if credit else caption
        out.append(Caption(caption=text or caption, credit=credit))
    return out


def _standfirst(subtitle: str | None, text: str) -> str | None:
    """The subtitle unless it only repeats (or truncates) the lead, as meta descriptions do."""
    subtitle = " ".join((subtitle or "").split())
    if not subtitle.rstrip(".… "):
        return None
    words = _WORD.findall(subtitle.casefold())
    lead = " ".join(_WORD.findall(text[: 4 * len(subtitle) + 400].casefold()))
    grams = [" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3))]
    repeated = sum(g in lead for g in grams) / len(grams)
    return None if repeated >= 0.8 else subtitle


def normalize_document(doc: ExtractedDocument, *, now: datetime) -> Article:
    """Normalize one extracted document; `now` bounds dates (nothing from the future)."""
    text = "\n\n".join(p.strip() for p in doc.paragraphs if p.strip())
    site = site_from_url(doc.url)
    site_names = [*doc.site_names, *([site] if site else [])]
    title = clean_title(doc.title, site_names)
    language, language_confidence = identify_language(text)
    languages = _date_languages(language)
    published_at, published_source, updated_at = _dates(doc, now, languages)
    page_day = parse_date(doc.page_date, languages=languages, not_after=now)

    attributed = publisher_from_attributions(doc.attributions)
    served_by = doc.site_names[0] if doc.site_names else site
    publisher = canonical_outlet(attributed or served_by)
    served_by = canonical_outlet(served_by)
    host_site = (
        served_by if attributed and served_by and _fold(served_by) != _fold(publisher) else None
    )

    return Article(
        article_id=article_id_for(text),
        source_uri=doc.source_uri,
        input_hash=doc.input_hash,
        url=doc.url,
        title=title,
        subtitle=_standfirst(doc.subtitle, text),
        text=text,
        language=language,
        published_at=published_at,
        published_at_source=published_source,
        date_confidence=DATE_CONFIDENCE.get(published_source) if published_at else None,
        updated_at=updated_at,
        page_date=page_day.date() if page_day else None,
        authors=drop_site_authors(parse_authors(doc.byline), site_names),
        contributors=parse_contributors(doc.attributions),
        publisher=publisher,
        host_site=host_site,
        word_count=len(text.split()),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        input_format=doc.input_format,
        extractor_version=EXTRACTOR_VERSION,
        normalizer_version=NORMALIZER_VERSION,
        language_confidence=language_confidence,
        captions=_captions(doc),
        extraction_method=doc.extraction_method,
        extraction_quality=doc.extraction_quality,
    )
