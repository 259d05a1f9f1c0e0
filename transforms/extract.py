"""RawDocument -> ExtractedDocument: trafilatura for HTML, the line cleaner for text dumps."""

from __future__ import annotations

import re

import trafilatura

from transforms.records import ExtractedDocument, RawDocument, Reject
from transforms.textdump import clean_text_dump

STAGE = "extract"
EXTRACTOR_VERSION = "extract-1"

_BLANK_LINES = re.compile(r"\n\s*\n+")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def extract_html(raw: RawDocument) -> ExtractedDocument:
    """Main text and metadata of an HTML page through trafilatura."""
    doc = trafilatura.bare_extraction(
        raw.text,
        with_metadata=True,
        include_comments=False,
        deduplicate=False,
    )
    if doc is None:
        return _empty(raw)
    meta = doc.as_dict()
    lines = [line.strip() for line in (meta.get("text") or "").split("\n")]
    paragraphs = [line for line in lines if line]
    title = meta.get("title")
    # trafilatura sometimes repeats the headline as the first body line.
    if paragraphs and title and _norm(paragraphs[0]) == _norm(title):
        paragraphs.pop(0)
    site_names = [name for name in (meta.get("sitename"), meta.get("hostname")) if name]
    date_claims = [("published", meta["date"], "meta")] if meta.get("date") else []
    return ExtractedDocument(
        source_uri=raw.source_uri,
        input_hash=raw.input_hash,
        input_format=raw.input_format,
        title=title,
        subtitle=meta.get("description"),
        paragraphs=paragraphs,
        site_names=site_names,
        url=meta.get("url"),
        byline=meta.get("author"),
        date_claims=date_claims,
    )


def extract_text_dump(raw: RawDocument) -> ExtractedDocument:
    """Title, body, captions and attributions of a plain-text page dump."""
    # The cleaner picks its stopword list from the page itself; language is detected once,
    # on the clean text, by the normalizer.
    parts = clean_text_dump(raw.text)
    date_claims = [("line", line, "text") for line in parts.date_lines]
    return ExtractedDocument(
        source_uri=raw.source_uri,
        input_hash=raw.input_hash,
        input_format=raw.input_format,
        title=parts.title,
        subtitle=parts.subtitle,
        paragraphs=list(parts.paragraphs),
        headings=list(parts.headings),
        captions=list(parts.captions),
        credits=list(parts.credits),
        attributions=list(parts.attributions),
        site_names=list(parts.site_lines),
        byline=parts.byline,
        date_claims=date_claims,
        page_date=parts.page_date,
    )


def _empty(raw: RawDocument) -> ExtractedDocument:
    return ExtractedDocument(raw.source_uri, raw.input_hash, raw.input_format, None, None, [])


def extract_document(raw: RawDocument) -> ExtractedDocument | Reject:
    """Extract one document; a page with no body text is a Reject."""
    extracted = extract_html(raw) if raw.input_format == "html" else extract_text_dump(raw)
    if not any(p.strip() for p in extracted.paragraphs):
        return Reject(
            raw.source_uri,
            STAGE,
            "no_text",
            f"the {raw.input_format} extractor found no article text",
            raw.input_hash,
            raw.size_bytes,
        )
    return extracted
