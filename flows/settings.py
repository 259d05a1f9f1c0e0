"""Run settings: one object, filled at the edge (CLI flags, environment) and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from expectations.suites import Thresholds
from flows.work import ReadLimits
from transforms.nearcopy import Scheme
from transforms.sitechrome import MIN_SITE_DOCS

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT / "samples"
DEFAULT_WAREHOUSE = REPO_ROOT / "data" / "newsetl.duckdb"


def prefect_defaults() -> None:
    """Prefect settings that make the local, server-less mode dependable on small machines."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", str(Path.home() / ".prefect"))
    # The run summary says what happened; Prefect's per-task lines would bury it.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


# Where batches are read, extracted and normalized (see Settings.runner).
RUNNERS = ("local", "dask", "ray")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run needs to know."""

    source: str = str(DEFAULT_SOURCE)
    warehouse: Path = DEFAULT_WAREHOUSE
    lake: Path | None = None  # default: <warehouse stem>_lake beside the warehouse file
    # A copy of the lake on object storage (an fsspec URL such as s3://bucket/lake), brought
    # up to date after each publish.
    lake_url: str | None = None
    batch_size: int = 500
    max_input_bytes: int = 20 * 1024 * 1024
    max_decompressed_bytes: int = 100 * 1024 * 1024
    max_html_elements: int = 500_000
    # Extraction and normalization run on this many processes (0: in the flow's own, with no
    # time limit); one document gets at most doc_timeout_seconds in a stage before it is
    # quarantined and its worker replaced.
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    doc_timeout_seconds: float = 60.0
    # Where batches are read, extracted and normalized: "local" (the worker pool above),
    # "dask" or "ray" (one task per batch on a cluster: the one at dask_address or
    # ray_address, or a local one of `workers` processes). Validation, staging and the DuckDB
    # merge stay here.
    runner: str = "local"
    dask_address: str | None = None
    ray_address: str | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    # Process unchanged inputs again: "all", or "outdated" (made by older extractor or
    # normalizer versions); narrowed by reprocess_since (last processed on or after) and
    # reprocess_only (one source_uri).
    reprocess: str | None = None
    reprocess_since: datetime | None = None
    reprocess_only: str | None = None
    lock_wait_seconds: float = 0.0
    # Near copies: word-shingle size and the Jaccard similarity at which two articles link.
    near_copies: Scheme = field(default_factory=Scheme)
    # A paragraph printed by this many documents of one site (this run and earlier ones) is
    # dropped as the site's chrome.
    min_site_docs: int = MIN_SITE_DOCS
    # Crash tests: stop before this publish step ("commit" or "promote") until killed.
    pause_before: str | None = field(default_factory=lambda: os.environ.get("NEWSETL_PAUSE_BEFORE"))

    def __post_init__(self) -> None:
        if self.runner not in RUNNERS:
            raise ValueError(f"runner must be one of {', '.join(RUNNERS)}, not {self.runner!r}")

    @property
    def read_limits(self) -> ReadLimits:
        return ReadLimits(
            self.max_input_bytes,
            self.max_decompressed_bytes,
            self.max_html_elements,
            self.thresholds.max_text_chars,
        )

    @property
    def lake_dir(self) -> Path:
        return self.lake or self.warehouse.with_name(self.warehouse.stem + "_lake")
