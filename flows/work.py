"""The work on one input, done where the bytes are read: a worker process or a cluster node.

The flow process sends file descriptors (InputFile) and receives small records: the raw
metadata, the extracted document and the rejects. The input's bytes and decoded text never
travel, so the flow's memory does not grow with page size or batch size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from flows.sources import InputFile
from transforms.extract import STAGE as EXTRACT
from transforms.extract import extract_document
from transforms.ingest import STAGE as INGEST
from transforms.ingest import ingest_bytes
from transforms.nearcopy import Scheme
from transforms.normalize import STAGE as NORMALIZE
from transforms.pipeline import guarded, normalizer, run_stage
from transforms.records import Article, ExtractedDocument, RawDocument, RawSummary, Reject


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """The limits that apply while an input is read and decoded."""

    max_input_bytes: int
    max_decompressed_bytes: int
    max_html_elements: int
    max_text_chars: int


@dataclass(frozen=True, slots=True)
class ToRead:
    """An input to process; known_hash is the ledger's hash when an unchanged one is skipped."""

    file: InputFile
    known_hash: str | None = None

    @property
    def source_uri(self) -> str:
        return self.file.source_uri

    @property
    def input_hash(self) -> str:
        return ""  # not known until the bytes are read, as for unread inputs

    @property
    def size_bytes(self) -> int:
        return self.file.size_bytes


@dataclass(slots=True)
class Ingested:
    """What reading one input gave: raw is None when its content equals known_hash.

    doc is None when the input was rejected at ingest, was unchanged, or is longer than the
    raw suite allows (the suite then quarantines it; extracting it would be wasted work).
    """

    source_uri: str
    raw: RawSummary | Reject | None
    doc: ExtractedDocument | Reject | None = None
    # CPU seconds of "ingest" and "extract" in the process that did them.
    seconds: dict[str, float] = field(default_factory=dict)


def read_input(f: InputFile, limits: ReadLimits) -> RawDocument | Reject:
    """Read and decode one input, or say why not."""
    if f.size_bytes > limits.max_input_bytes:
        detail = f"{f.size_bytes} bytes is over the limit of {limits.max_input_bytes}"
        return Reject(f.source_uri, INGEST, "too_large", detail, "", f.size_bytes)
    try:
        data = f.read_bytes()
    except OSError as exc:
        detail = f"{type(exc).__name__}: {exc}"
        return Reject(f.source_uri, INGEST, "unreadable", detail, "", f.size_bytes)
    return ingest_bytes(
        f.source_uri,
        data,
        modified_at=f.modified_at,
        max_input_bytes=limits.max_input_bytes,
        max_decompressed_bytes=limits.max_decompressed_bytes,
        max_html_elements=limits.max_html_elements,
    )


def read_and_extract(item: ToRead, limits: ReadLimits) -> Ingested:
    """Read, decode and extract one input; returns metadata and the extraction, not the text."""
    started = time.process_time()
    raw = read_input(item.file, limits)
    read_at = time.process_time()
    seconds = {"ingest": read_at - started}
    if item.known_hash is not None and raw.input_hash == item.known_hash:
        return Ingested(item.source_uri, None, None, seconds)  # touched, not changed
    if isinstance(raw, Reject):
        return Ingested(item.source_uri, raw, None, seconds)
    summary = raw.summary()
    if summary.text_chars > limits.max_text_chars:
        return Ingested(item.source_uri, summary, None, seconds)
    doc = guarded(extract_document, raw, EXTRACT)
    seconds["extract"] = time.process_time() - read_at
    return Ingested(item.source_uri, summary, doc, seconds)


def reader(limits: ReadLimits) -> Callable[[ToRead], Ingested]:
    """read_and_extract bound to the run's limits, picklable for worker processes."""
    return partial(read_and_extract, limits=limits)


def extract_batch(
    items: Sequence[ToRead], limits: ReadLimits
) -> tuple[list[Ingested], list[Reject]]:
    """Read and extract a batch in this process (a cluster task): (ingested, inputs whose
    reading or extraction raised)."""
    return run_stage(items, reader(limits), EXTRACT)


@dataclass(slots=True)
class Normalized:
    """A batch normalized and indexed in one process (a cluster task)."""

    articles: list[Article]
    rejects: list[Reject]
    seconds: float  # CPU seconds


def normalize_batch(docs: Sequence[ExtractedDocument], now: datetime, scheme: Scheme) -> Normalized:
    """Normalize and index a batch in this process."""
    started = time.process_time()
    articles, rejects = run_stage(docs, normalizer(now, scheme), NORMALIZE)
    return Normalized(articles, rejects, time.process_time() - started)
