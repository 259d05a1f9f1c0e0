"""Shared fixtures: repo paths, the eval set when present, and one Prefect test server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
EVAL = REPO.parent / "shared" / "eval" / "wcxb-dev"


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not (EVAL / "ground-truth").is_dir():
        pytest.skip(f"eval set not found at {EVAL}: put ../shared/eval beside the repo to run")
    return EVAL


@pytest.fixture(scope="session")
def prefect_server():
    """A real temporary Prefect server for the flow tests (started once, ~15 s)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        from prefect.settings import PREFECT_API_URL

        yield PREFECT_API_URL.value()
