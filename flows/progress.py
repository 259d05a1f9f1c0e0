"""Progress of a running flow, for whoever shows it (the CLI's progress bar)."""

from __future__ import annotations

from collections.abc import Callable

# (inputs done, inputs in the run)
Reporter = Callable[[int, int], None]

_reporters: list[Reporter] = []


def subscribe(reporter: Reporter) -> Callable[[], None]:
    """Receive progress reports in this process; returns the function that unsubscribes."""
    _reporters.append(reporter)
    return lambda: _reporters.remove(reporter)


def report(done: int, total: int) -> None:
    """Tell every subscriber how far the run is."""
    for reporter in list(_reporters):
        reporter(done, total)
