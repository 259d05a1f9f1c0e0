"""Progress of a running flow, per stage, for whoever shows it (the CLI's progress bars)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

# The stages an input goes through, in order: read and extracted, normalized, staged for load.
STAGES = ("extract", "normalize", "load")

# (stage, inputs of the run past that stage, inputs in the run)
Reporter = Callable[[str, int, int], None]

_reporters: list[Reporter] = []
_done: Counter[str] = Counter()
_total = 0


def subscribe(reporter: Reporter) -> Callable[[], None]:
    """Receive progress reports in this process; returns the function that unsubscribes."""
    _reporters.append(reporter)
    return lambda: _reporters.remove(reporter)


def _tell(stage: str) -> None:
    for reporter in list(_reporters):
        reporter(stage, _done[stage], _total)


def start(total: int) -> None:
    """A run of `total` inputs begins: every stage at zero."""
    global _total
    _done.clear()
    _total = total
    for stage in STAGES:
        _tell(stage)


def advance(stage: str, inputs: int) -> None:
    """`inputs` more inputs are past `stage`."""
    _done[stage] += inputs
    _tell(stage)


def skip(inputs: int) -> None:
    """Inputs that need no work (unchanged) count as past every stage."""
    for stage in STAGES:
        advance(stage, inputs)
