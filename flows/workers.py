"""Running a stage's per-document function on every core, with a time limit per document."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessPool
from pebble.common import ProcessExpired

from transforms.pipeline import guarded, reject, split_results
from transforms.records import Reject


def _set_environment(environ: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(environ)


def _timed_guarded(fn: Callable[[Any], Any], item: Any, stage: str) -> tuple[Any, float]:
    """guarded(fn, item, stage), with the CPU seconds it took in this thread."""
    started = time.thread_time()
    result = guarded(fn, item, stage)
    return result, time.thread_time() - started


class StagePool:
    """A pool of worker processes, started once per run and shared by the batches.

    With workers=0, stages run in this process (no pickling and no time limit: for
    debugging). Workers are spawned from a fork server, never forked from the threaded flow
    process.
    """

    def __init__(self, workers: int, timeout_seconds: float):
        self.workers = workers
        self.timeout_seconds = timeout_seconds
        self._pool: ProcessPool | None = None
        # CPU seconds the workers spent per stage; map is called from several threads.
        self._seconds: Counter[str] = Counter()
        self._lock = threading.Lock()
        if workers > 0:
            # Workers fork from a fork server started once per interpreter: hand them this
            # process's current environment (object-store credentials and endpoints).
            self._pool = ProcessPool(
                max_workers=workers,
                context=multiprocessing.get_context("forkserver"),
                initializer=_set_environment,
                initargs=(dict(os.environ),),
            )

    def map(
        self, fn: Callable[[Any], Any], items: Sequence[Any], stage: str
    ) -> tuple[list[Any], list[Reject]]:
        """fn over items; a timeout or a dead worker rejects that item alone."""
        if self._pool is None:
            timed = [_timed_guarded(fn, item, stage) for item in items]
            self._add_seconds(stage, sum(seconds for _, seconds in timed))
            return split_results(result for result, _ in timed)
        futures = [
            self._pool.schedule(
                _timed_guarded, args=(fn, item, stage), timeout=self.timeout_seconds
            )
            for item in items
        ]
        results = []
        spent = 0.0
        for item, future in zip(items, futures, strict=True):
            try:
                result, seconds = future.result()
                results.append(result)
                spent += seconds
            except FutureTimeout:
                detail = f"no result within {self.timeout_seconds:g} s"
                results.append(reject(item, stage, f"{stage}_timeout", detail))
            except ProcessExpired as exc:
                detail = f"the worker process died (exit code {exc.exitcode})"
                results.append(reject(item, stage, "worker_died", detail))
        self._add_seconds(stage, spent)
        return split_results(results)

    def _add_seconds(self, stage: str, seconds: float) -> None:
        with self._lock:
            self._seconds[stage] += seconds

    def cpu_seconds(self, stage: str) -> float:
        """CPU seconds the stage's items have taken so far, summed over the workers."""
        with self._lock:
            return self._seconds[stage]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> StagePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
