"""Running a stage's per-document function on every core, with a time limit per document."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessPool
from pebble.common import ProcessExpired

from transforms.pipeline import guarded, reject, run_stage, split_results
from transforms.records import Reject


def _set_environment(environ: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(environ)


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
            return run_stage(items, fn, stage)
        futures = [
            self._pool.schedule(guarded, args=(fn, item, stage), timeout=self.timeout_seconds)
            for item in items
        ]
        results = []
        for item, future in zip(items, futures, strict=True):
            try:
                results.append(future.result())
            except FutureTimeout:
                detail = f"no result within {self.timeout_seconds:g} s"
                results.append(reject(item, stage, f"{stage}_timeout", detail))
            except ProcessExpired as exc:
                detail = f"the worker process died (exit code {exc.exitcode})"
                results.append(reject(item, stage, "worker_died", detail))
        return split_results(results)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> StagePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
