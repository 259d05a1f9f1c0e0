"""The work on one input, done where the bytes are read: a worker process or a cluster node.

The flow process sends file descriptors (InputFile) and receives small records: the raw
metadata, the extracted document and the rejects. The input's bytes and decoded text never
travel, so the flow's memory does not grow with page size or batch size.
"""

from __future__ import annotations

import ctypes
import threading
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
from transforms.pipeline import guarded, normalizer, reject, split_results
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


class _OverTime(BaseException):
    """Raised inside a document's work when its time is up. Not an Exception, so that the
    handlers of the stage and its libraries let it through."""


_raise_in_thread = ctypes.pythonapi.PyThreadState_SetAsyncExc
_raise_in_thread.argtypes = (ctypes.c_ulong, ctypes.py_object)


def time_limited(fn: Callable, item, stage: str, seconds: float | None):
    """guarded(fn, item, stage), rejected with `<stage>_timeout` once it runs `seconds`.

    For cluster tasks, where no process can be killed per document: the limit is an
    exception raised in the working thread, which Python delivers the next time the work
    runs Python code. A call into C that never returns is not stopped; the read limits
    (size, elements) bound those.
    """
    if seconds is None:
        return guarded(fn, item, stage)
    thread, lock = threading.get_ident(), threading.Lock()
    running = [True]

    def stop() -> None:
        with lock:
            if running[0]:
                _raise_in_thread(thread, _OverTime)

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        try:
            return guarded(fn, item, stage)
        finally:
            with lock:
                running[0] = False
            timer.cancel()
    except _OverTime:
        return reject(item, stage, f"{stage}_timeout", f"no result within {seconds:g} s")


def run_limited(
    items: Sequence, fn: Callable, stage: str, seconds: float | None
) -> tuple[list, list[Reject]]:
    """fn over items in this thread, each guarded and held to `seconds`."""
    return split_results(time_limited(fn, item, stage, seconds) for item in items)


def extract_batch(
    items: Sequence[ToRead], limits: ReadLimits, seconds: float | None = None
) -> tuple[list[Ingested], list[Reject]]:
    """Read and extract a batch in this process (a cluster task): (ingested, inputs whose
    reading or extraction raised or ran over `seconds`)."""
    return run_limited(items, reader(limits), EXTRACT, seconds)


@dataclass(slots=True)
class Normalized:
    """A batch normalized and indexed in one process (a cluster task)."""

    articles: list[Article]
    rejects: list[Reject]
    seconds: float  # CPU seconds


def normalize_batch(
    docs: Sequence[ExtractedDocument],
    now: datetime,
    scheme: Scheme,
    seconds: float | None = None,
) -> Normalized:
    """Normalize and index a batch in this process, each document held to `seconds`."""
    started = time.process_time()
    articles, rejects = run_limited(docs, normalizer(now, scheme), NORMALIZE, seconds)
    return Normalized(articles, rejects, time.process_time() - started)
