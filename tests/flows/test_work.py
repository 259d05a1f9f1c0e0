"""Reading, decoding and extracting one input where its bytes are: what comes back is small."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime

import pytest

from flows.sources import discover
from flows.work import (
    Ingested,
    ReadLimits,
    ToRead,
    extract_batch,
    normalize_batch,
    read_and_extract,
    run_limited,
)
from tests.conftest import SAMPLES
from transforms.nearcopy import Scheme
from transforms.records import ExtractedDocument, RawDocument, RawSummary, Reject

LIMITS = ReadLimits(1_000_000, 5_000_000, 100_000, 2_000_000)
SEED = next((SAMPLES / "seeds").glob("*.txt"))


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_bytes(SEED.read_bytes())
    files, _ = discover(str(path))
    return files[0]


def test_an_input_comes_back_as_metadata_and_extraction_without_its_text(seed):
    got = read_and_extract(ToRead(seed), LIMITS)
    assert isinstance(got.raw, RawSummary)
    assert got.raw.text_chars > 1000
    assert isinstance(got.doc, ExtractedDocument) and got.doc.paragraphs
    assert set(got.seconds) == {"ingest", "extract"}
    assert not hasattr(got.raw, "text")


def test_a_touched_file_with_the_known_hash_is_unchanged(seed):
    first = read_and_extract(ToRead(seed), LIMITS)
    os.utime(seed.path, (0, 0))
    again = read_and_extract(ToRead(seed, known_hash=first.raw.input_hash), LIMITS)
    assert (again.raw, again.doc) == (None, None)


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        (ReadLimits(100, 5_000_000, 100_000, 2_000_000), "too_large"),
        (ReadLimits(1_000_000, 5_000_000, 100_000, 2_000_000), "empty_file"),
    ],
)
def test_ingest_rejects_come_back_as_rejects(tmp_path, seed, limits, reason):
    if reason == "empty_file":
        (tmp_path / "empty.txt").write_bytes(b"")
        seed = discover(str(tmp_path / "empty.txt"))[0][0]
    got = read_and_extract(ToRead(seed), limits)
    assert isinstance(got.raw, Reject) and got.raw.reason == reason
    assert got.doc is None


def test_a_text_over_the_raw_limit_is_not_extracted(seed):
    got = read_and_extract(ToRead(seed), ReadLimits(1_000_000, 5_000_000, 100_000, 100))
    assert isinstance(got.raw, RawSummary) and got.raw.text_chars > 100
    assert got.doc is None  # the raw suite quarantines it as text_too_long


def test_a_batch_is_extracted_then_normalized_in_cluster_tasks():
    files, _ = discover(str(SAMPLES))
    ingested, failed = extract_batch([ToRead(f) for f in files], LIMITS)
    assert all(isinstance(i, Ingested) for i in ingested)
    assert failed == []
    docs = [i.doc for i in ingested]
    assert all(isinstance(d, ExtractedDocument) for d in docs)
    done = normalize_batch(docs, datetime.now(UTC), Scheme())
    assert done.rejects == []
    assert {a.source_uri for a in done.articles} == {f.source_uri for f in files}
    # Indexed for near copies on the cluster too.
    assert all(len(a.near_copy_keys) == 25 for a in done.articles)
    assert done.seconds > 0


def busy(raw: RawDocument) -> str:
    """Stand-in stage: spins in Python for as many seconds as the text says, or raises."""
    if raw.text == "raise":
        raise ValueError("bad page")
    until = time.monotonic() + float(raw.text)
    while time.monotonic() < until:
        pass
    return raw.text


def raw(text: str) -> RawDocument:
    return RawDocument(f"/in/{text}.txt", "h-" + text, len(text), None, "text", "utf-8", text)


def limited_outcome(items: list[RawDocument]) -> tuple[list, dict[str, str], float]:
    started = time.monotonic()
    kept, rejects = run_limited(items, busy, "extract", 0.5)
    return kept, {r.source_uri: r.reason for r in rejects}, time.monotonic() - started


@pytest.mark.parametrize("in_thread", [False, True], ids=["main thread", "worker thread"])
def test_a_document_over_its_time_is_stopped_and_the_batch_goes_on(in_thread):
    items = [raw("0"), raw("30"), raw("raise"), raw("0.1")]
    if in_thread:  # as on a Dask worker, which runs tasks in a thread
        box: list = []
        thread = threading.Thread(target=lambda: box.append(limited_outcome(items)))
        thread.start()
        thread.join()
        kept, reasons, seconds = box[0]
    else:
        kept, reasons, seconds = limited_outcome(items)
    assert kept == ["0", "0.1"]
    assert reasons == {"/in/30.txt": "extract_timeout", "/in/raise.txt": "extract_error"}
    assert seconds < 5
    time.sleep(0.7)  # a finished document's timer never fires later


def test_without_a_limit_every_document_runs_to_its_end():
    kept, rejects = run_limited([raw("0.6")], busy, "extract", None)
    assert (kept, rejects) == (["0.6"], [])
