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


def _files(fs, root: str) -> dict[str, int]:
    """Relative path -> size of every published file under root (staging left out)."""
    root = root.rstrip("/")
    if not fs.exists(root):
        return {}
    found = fs.find(root, detail=True)
    return {
        path[len(root) + 1 :]: info["size"]
        for path, info in found.items()
        if info.get("type") == "file" and not path[len(root) + 1 :].startswith(STAGING)
    }


def sync(source: str, target: str) -> int:
    """Copy every published lake file missing from target, or of another size there (a copy
    cut short), from source; source and target are folders or fsspec URLs. Returns the
    number of files copied. Parts are immutable once published, so this is a mirror."""
    import fsspec

    src_fs, src_root = fsspec.core.url_to_fs(source)
    dst_fs, dst_root = fsspec.core.url_to_fs(target)
    have = _files(dst_fs, dst_root)
    copied = 0
    for rel, size in sorted(_files(src_fs, src_root).items()):
        if have.get(rel) == size:
            continue
        dst = f"{dst_root.rstrip('/')}/{rel}"
        dst_fs.makedirs(dst.rsplit("/", 1)[0], exist_ok=True)
        with src_fs.open(f"{src_root.rstrip('/')}/{rel}", "rb") as r, dst_fs.open(dst, "wb") as w:
            shutil.copyfileobj(r, w, 1 << 20)
        copied += 1
    return copied
