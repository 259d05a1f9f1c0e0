"""The stage pool: real worker processes, a real time limit, a worker that dies."""

import os
import time

import pytest

from flows.workers import StagePool
from transforms.records import RawDocument


def doc(text: str) -> RawDocument:
    return RawDocument(f"/in/{text}.txt", "h-" + text, len(text), None, "text", "utf-8", text)


def behave(raw: RawDocument) -> str:
    """Stand-in stage: returns, hangs, kills its process or raises, as the text says."""
    if raw.text == "hang":
        time.sleep(30)
    if raw.text == "die":
        os._exit(3)
    if raw.text == "raise":
        raise ValueError("bad page")
    return raw.text.upper()


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_results_keep_order_and_errors_become_rejects(workers):
    with StagePool(workers, timeout_seconds=20) as pool:
        kept, rejects = pool.map(behave, [doc("a"), doc("raise"), doc("b")], "extract")
    assert kept == ["A", "B"]
    assert [(r.source_uri, r.stage, r.reason) for r in rejects] == [
        ("/in/raise.txt", "extract", "extract_error")
    ]
    assert rejects[0].detail == "ValueError: bad page"


def test_a_hanging_document_times_out_and_a_dead_worker_is_replaced():
    with StagePool(2, timeout_seconds=2) as pool:
        started = time.monotonic()
        kept, rejects = pool.map(behave, [doc("hang"), doc("die"), doc("ok")], "extract")
        assert time.monotonic() - started < 15
        # The pool still works after losing workers.
        assert pool.map(behave, [doc("again")], "extract") == (["AGAIN"], [])
    assert kept == ["OK"]
    assert {r.source_uri: r.reason for r in rejects} == {
        "/in/hang.txt": "extract_timeout",
        "/in/die.txt": "worker_died",
    }


def spin(raw: RawDocument) -> str:
    """Stand-in stage that burns 50 ms of CPU."""
    until = time.thread_time() + 0.05
    while time.thread_time() < until:
        pass
    return raw.text


@pytest.mark.parametrize("workers", [0, 2])
def test_the_workers_cpu_seconds_are_summed_per_stage(workers):
    with StagePool(workers, timeout_seconds=20) as pool:
        pool.map(spin, [doc("a"), doc("b"), doc("c")], "normalize")
        pool.map(spin, [doc("d")], "extract")
        normalize, extract = pool.cpu_seconds("normalize"), pool.cpu_seconds("extract")
    # Each item's own CPU time, counted in the process that ran it; nothing else.
    assert 0.15 <= normalize < 1.0
    assert 0.05 <= extract < 0.5
    assert pool.cpu_seconds("ingest") == 0
