"""Applying a run's Parquet parts to DuckDB: the same steps for a live publish and a rebuild."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import duckdb

from transforms.outlets import shipped_outlets
from warehouse import duck, lake
from warehouse.lock import WriterLock
from warehouse.schema import (
    ARTICLE_COPIES,
    ARTICLES,
    CAPTIONS,
    INPUTS,
    NEAR_COPIES,
    NEAR_COPY_INDEX,
    PIPELINE_RUNS,
    QUALITY_RESULTS,
    QUARANTINE,
    SITE_LINES,
    Table,
)

DATA_TABLES: tuple[Table, ...] = (
    ARTICLES,
    ARTICLE_COPIES,
    CAPTIONS,
    QUARANTINE,
    INPUTS,
    NEAR_COPY_INDEX,
    NEAR_COPIES,
    SITE_LINES,
)
RECORD_TABLES: tuple[Table, ...] = (QUALITY_RESULTS, PIPELINE_RUNS)


def apply_data(con: duckdb.DuckDBPyConnection, files: Mapping[str, Sequence[Path]]) -> int:
    """Merge a run's data parts (inside the caller's transaction); returns articles loaded."""
    duck.retire_replaced(con, files.get(INPUTS.name, ()))
    loaded = 0
    for table in DATA_TABLES:
        rows = duck.merge_parquet(con, table, files.get(table.name, ()))
        if table is ARTICLES:
            loaded = rows
    duck.run_script(con, "prune_near_copies")
    outlets = [(o.name, o.domains) for o in shipped_outlets().outlets]
    duck.refresh_sources(con, outlets)
    return loaded


def apply_records(con: duckdb.DuckDBPyConnection, files: Mapping[str, Sequence[Path]]) -> None:
    """Merge a run's quality results and its pipeline_runs row (written last: the commit mark)."""
    for table in RECORD_TABLES:
        duck.merge_parquet(con, table, files.get(table.name, ()))


def run_files(folder_of: Callable[[Table], Path]) -> dict[str, list[Path]]:
    """Parquet parts per table, from a function naming each table's folder for one run."""
    tables = DATA_TABLES + RECORD_TABLES
    return {t.name: sorted(folder_of(t).glob("part-*.parquet")) for t in tables}


def recover_staging(con: duckdb.DuckDBPyConnection, lake_dir: Path) -> list[str]:
    """Finish or drop runs a crash left in staging; returns the run ids promoted.

    A run whose pipeline_runs row is in DuckDB committed before the crash: its parts move
    into the lake. Any other staged run never committed: its parts are dropped, and its
    inputs, absent from the ledger, are processed again by the next run.
    """
    staging = lake_dir / lake.STAGING
    if not staging.is_dir():
        return []
    committed = duck.committed_runs(con)
    promoted = []
    for run_dir in sorted(p for p in staging.iterdir() if p.is_dir()):
        if run_dir.name in committed:
            lake.promote(lake_dir, run_dir.name)
            promoted.append(run_dir.name)
        else:
            lake.discard(lake_dir, run_dir.name)
    return promoted


def rebuild(warehouse: Path, lake_dir: Path, *, wait_seconds: float = 0.0) -> dict[str, int]:
    """Recreate the DuckDB file from the Parquet lake alone, replaying committed runs in order."""
    runs_dir = lake_dir / PIPELINE_RUNS.name
    if not runs_dir.is_dir():
        raise duck.WarehouseError(f"no Parquet lake with runs at {lake_dir}")
    with WriterLock(warehouse, wait_seconds=wait_seconds):
        fresh = warehouse.with_name(warehouse.name + ".rebuild")
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        con = duck.connect(fresh)
        try:
            run_ids = sorted(p.name for p in runs_dir.iterdir() if p.is_dir())
            for run_id in run_ids:
                files = run_files(lambda t, r=run_id: lake_dir / t.name / r)
                con.execute("begin")
                apply_data(con, files)
                apply_records(con, files)
                con.execute("commit")
            counts = {
                t.name: con.execute(f"select count(*) from {t.name}").fetchone()[0]
                for t in DATA_TABLES + RECORD_TABLES
            }
            con.execute("checkpoint")
        finally:
            con.close()
        warehouse.with_name(warehouse.name + ".wal").unlink(missing_ok=True)
        os.replace(fresh, warehouse)
    return {"runs": len(run_ids), **counts}
