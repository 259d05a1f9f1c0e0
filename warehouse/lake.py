"""The Parquet lake: staged part files per run, published under <lake>/<table>/<run_id>/."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.schema import Table

STAGING = "_staging"


def to_arrow(schema: pa.Schema, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows (dicts keyed by column) to an Arrow table of exactly this schema."""
    return pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in rows], schema=schema)


QUARANTINE_FILES = "quarantine_files"


def store_copy(lake: Path, data: bytes) -> Path:
    """Keep bytes content-addressed under <lake>/quarantine_files/; returns the path."""
    digest = hashlib.sha256(data).hexdigest()
    path = lake / QUARANTINE_FILES / digest[:2] / digest
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)
    return path


def staging_dir(lake: Path, run_id: str) -> Path:
    return lake / STAGING / run_id


def write_part(
    lake: Path, run_id: str, table: Table, data: pa.Table | pa.RecordBatchReader, part: int
) -> Path | None:
    """Write one batch of a table as a staged Parquet part; None when the batch is empty.

    A RecordBatchReader is written as it is read, one row group per record batch.
    """
    if isinstance(data, pa.Table):
        if data.num_rows == 0:
            return None
        data = data.to_reader()
    folder = staging_dir(lake, run_id) / table.name
    path = folder / f"part-{part:05d}.parquet"
    rows = 0
    writer = None
    try:
        for batch in data:
            if batch.num_rows == 0:
                continue
            if writer is None:
                folder.mkdir(parents=True, exist_ok=True)
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_batch(batch.cast(table.schema))
            rows += batch.num_rows
    finally:
        if writer is not None:
            writer.close()
    return path if rows else None


def drop_staged(lake: Path, run_id: str, table: Table) -> None:
    """Remove one table's staged parts of a run."""
    shutil.rmtree(staging_dir(lake, run_id) / table.name, ignore_errors=True)


def promote(lake: Path, run_id: str) -> None:
    """Move a run's staged parts into the lake once DuckDB has committed them."""
    staged = staging_dir(lake, run_id)
    if not staged.exists():
        return
    for folder in sorted(p for p in staged.iterdir() if p.is_dir()):
        target = lake / folder.name / run_id
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        folder.rename(target)
    shutil.rmtree(staged)


def discard(lake: Path, run_id: str) -> None:
    """Drop a run's staged parts (its publish was refused)."""
    shutil.rmtree(staging_dir(lake, run_id), ignore_errors=True)
