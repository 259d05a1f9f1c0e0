"""One record type per stage; field names equal the warehouse column names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(slots=True)
class Reject:
    """An input kept out of the warehouse, with the stage and reason why."""

    source_uri: str
    stage: str
    reason: str
    detail: str
    input_hash: str | None = None
    size_bytes: int | None = None


@dataclass(slots=True)
class RawDocument:
    """An input file read and decoded to text."""

    source_uri: str
    input_hash: str
    size_bytes: int
    modified_at: datetime | None
    input_format: str  # "html" or "text"
    encoding: str
    text: str

    def summary(self) -> RawSummary:
        """This document's metadata without its text (what the raw suite validates)."""
        return RawSummary(
            self.source_uri,
            self.input_hash,
            self.size_bytes,
            self.modified_at,
            self.input_format,
            self.encoding,
            len(self.text),
        )


@dataclass(slots=True)
class RawSummary:
    """A decoded input's metadata: a RawDocument less its text, small enough to pass around."""

    source_uri: str
    input_hash: str
    size_bytes: int
    modified_at: datetime | None
    input_format: str
    encoding: str
    text_chars: int


@dataclass(slots=True)
class ExtractedDocument:
    """The parts of a page an extractor found, before normalization."""

    source_uri: str
    input_hash: str
    input_format: str
    title: str | None
    subtitle: str | None
    paragraphs: list[str]
    headings: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    attributions: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    url: str | None = None
    byline: str | None = None
    # (kind, text, source): kind is "published", "updated" or "line" (a date line whose label
    # tells which); source is page (shown beside the headline), json_ld, meta, htmldate or
    # text (a dump's date line).
    date_claims: list[tuple[str, str, str]] = field(default_factory=list)
    page_date: str | None = None
    extraction_method: str | None = None
    extraction_quality: float | None = None


@dataclass(slots=True)
class Caption:
    """An image caption and its photo credit."""

    caption: str
    credit: str | None


@dataclass(slots=True)
class Article:
    """A normalized article, ready for the warehouse."""

    article_id: str
    source_uri: str
    input_hash: str
    url: str | None
    title: str | None
    subtitle: str | None
    text: str
    language: str | None
    published_at: datetime | None
    published_at_source: str | None
    updated_at: datetime | None
    page_date: date | None
    authors: list[str]
    contributors: list[str]
    publisher: str | None
    host_site: str | None
    word_count: int
    content_hash: str
    input_format: str
    extractor_version: str
    normalizer_version: str
    date_confidence: float | None = None
    language_confidence: float | None = None
    captions: list[Caption] = field(default_factory=list)
    # LSH bucket keys of the text (transforms.nearcopy.Scheme.band_keys); [] until indexed.
    near_copy_keys: list[int] = field(default_factory=list)
    extraction_method: str | None = None
    extraction_quality: float | None = None
