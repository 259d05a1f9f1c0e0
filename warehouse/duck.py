"""DuckDB side of the warehouse: DDL from the schemas, SQL files, the one-transaction publish."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from warehouse.schema import TABLES, Table

if TYPE_CHECKING:
    import pandas as pd

_DUCK_TYPES = {
    pa.string(): "varchar",
    pa.int32(): "integer",
    pa.int64(): "bigint",
    pa.uint64(): "ubigint",
    pa.float64(): "double",
    pa.bool_(): "boolean",
    pa.date32(): "date",
    pa.timestamp("us", tz="UTC"): "timestamptz",
    pa.list_(pa.string()): "varchar[]",
}


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or written."""


@cache
def sql(name: str) -> str:
    """Text of warehouse/sql/<name>.sql."""
    return resources.files("warehouse").joinpath("sql", f"{name}.sql").read_text()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duck_type(arrow_type: pa.DataType) -> str:
    """DuckDB type name of a declared Arrow type."""
    return _DUCK_TYPES[arrow_type]


def create_table_sql(table: Table) -> str:
    """CREATE TABLE IF NOT EXISTS statement for a declared table."""
    columns = ",\n    ".join(
        f"{f.name} {duck_type(f.type)}{'' if f.nullable else ' not null'}" for f in table.schema
    )
    return f"create table if not exists {table.name} (\n    {columns}\n)"


def comment_sql(table: Table) -> list[str]:
    """COMMENT ON statements carrying the declared grain and column descriptions."""
    # DuckDB's COMMENT ON takes a literal, not a parameter; descriptions are our own constants.
    out = [f"comment on table {table.name} is {_quote(table.grain)}"]
    out += [
        f"comment on column {table.name}.{f.name} is {_quote(table.description(f.name))}"
        for f in table.schema
    ]
    return out


# DuckDB's buffer pool would otherwise grow to 80% of the machine's memory, caching the
# warehouse as it is read; the flow shares the machine with its workers. Past the limit,
# DuckDB spills to a temporary folder beside the warehouse file.
MEMORY_LIMIT = os.environ.get("NEWSETL_DUCKDB_MEMORY_LIMIT", "256MB")


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, creating it and its tables when writable."""
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": MEMORY_LIMIT})
    except (duckdb.Error, OSError) as exc:
        raise WarehouseError(f"cannot open warehouse {path}: {exc}") from exc
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, add declared columns they lack, apply comments; one transaction."""
    con.execute("begin")
    for table in TABLES:
        con.execute(create_table_sql(table))
        present = columns(con, table.name)
        for f in table.schema:
            if f.name not in present:
                # Additive migration: older warehouses get new columns, null for old rows.
                con.execute(f"alter table {table.name} add column {f.name} {duck_type(f.type)}")
        for statement in comment_sql(table):
            con.execute(statement)
    for name, body in views().items():
        con.execute(f"create or replace view {name} as\n{body}")
        # The view's grain is the first line of its file's header comment.
        con.execute(f"comment on view {name} is {_quote(body.splitlines()[0].lstrip('- '))}")
    con.execute("commit")


def columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """Names of a table's columns in the warehouse (empty when the table does not exist)."""
    rows = con.execute(
        "select column_name from duckdb_columns() where table_name = ?", [table]
    ).fetchall()
    return {row[0] for row in rows}


@cache
def views() -> dict[str, str]:
    """View name -> its query, from warehouse/views/<name>.sql."""
    folder = resources.files("warehouse").joinpath("views")
    return {
        entry.name.removesuffix(".sql"): entry.read_text()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".sql")
    }


def merge_sql(table: Table) -> list[str]:
    """Statements that merge staged Parquet into a table by its key, per its on_match rule."""
    keys = ", ".join(table.key)
    names = {
        "table": table.name,
        "keys": keys,
        "key_match": " and ".join(f"target.{k} = staged.{k}" for k in table.key),
    }
    if table.on_match != "update":
        return [sql("merge_insert").format(**names)]
    statements = []
    replace = join_kept = ""
    if table.keep_on_update:
        kept = ", ".join(table.keep_on_update)
        statements.append(
            sql("merge_kept").format(
                **names, kept=kept, target_keys=", ".join(f"target.{k}" for k in table.key)
            )
        )
        replace = (
            "replace ("
            + ", ".join(
                f"coalesce(merge_kept.{c}, staged.{c}) as {c}" for c in table.keep_on_update
            )
            + ")"
        )
        join_kept = f"left join merge_kept using ({keys})"
    statements += [
        part.strip()
        for part in sql("merge_replace")
        .format(**names, replace=replace, join_kept=join_kept)
        .split(";")
        if part.strip()
    ]
    return statements


def merge_parquet(con: duckdb.DuckDBPyConnection, table: Table, files: Sequence[Path]) -> int:
    """Merge staged Parquet files into a table by its key; returns the staged row count."""
    if not files:
        return 0
    params = {"files": [str(f) for f in files]}
    for statement in merge_sql(table):
        con.execute(statement, params)
    return con.execute(sql("count_parquet_rows"), params).fetchone()[0]


def retire_replaced(con: duckdb.DuckDBPyConnection, input_files: Sequence[Path]) -> None:
    """Drop what re-processed inputs produced before (see sql/retire_replaced.sql)."""
    if not input_files:
        return
    con.execute(sql("stage_run_inputs"), {"files": [str(f) for f in input_files]})
    run_script(con, "retire_replaced")


def run_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Execute the statements of warehouse/sql/<name>.sql in order."""
    for statement in sql(name).split(";"):
        if statement.strip():
            con.execute(statement)


def refresh_sources(
    con: duckdb.DuckDBPyConnection, outlets: Sequence[tuple[str, Sequence[str]]]
) -> int:
    """Rebuild the sources dimension from articles (inside the caller's transaction).

    outlets: (canonical name, domains) of the outlet mapping. Returns the rows written.
    """
    con.execute("delete from sources")
    names = [name for name, _ in outlets]
    domains = [list(d) for _, d in outlets]
    con.execute(sql("refresh_sources"), {"names": names, "domains": domains})
    return con.execute("select count(*) from sources").fetchone()[0]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """What the warehouse knows of an input: its last processed version and article."""

    input_hash: str
    size_bytes: int
    modified_at: datetime | None
    processed_at: datetime | None
    extractor_version: str | None
    normalizer_version: str | None


def read_ledger(con: duckdb.DuckDBPyConnection, uris: Sequence[str]) -> dict[str, LedgerEntry]:
    """source_uri -> its ledger entry, for those of these inputs the warehouse has seen."""
    rows = con.execute(sql("ledger"), {"uris": list(uris)}).fetchall()
    return {row[0]: LedgerEntry(*row[1:]) for row in rows}


def start_site_line_counts(con: duckdb.DuckDBPyConnection) -> None:
    """An empty run_site_lines on this connection, for the run's per-site paragraph counts."""
    con.execute(sql("run_site_lines"))


def site_line_counts(
    con: duckdb.DuckDBPyConnection, keys: Collection[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """(site, line_hash) -> documents that printed it so far, for these keys only."""
    if not keys:
        return {}
    sites, hashes = zip(*keys, strict=True)
    params = {"sites": list(sites), "hashes": list(hashes)}
    return {(s, h): n for s, h, n in con.execute(sql("site_line_counts"), params).fetchall()}


def add_site_line_counts(
    con: duckdb.DuckDBPyConnection, totals: Mapping[tuple[str, str], int]
) -> None:
    """Record new totals in the run's per-site paragraph counts."""
    if not totals:
        return
    sites, hashes = zip(*totals, strict=True)
    params = {"sites": list(sites), "hashes": list(hashes), "documents": list(totals.values())}
    con.execute(sql("add_site_line_counts"), params)


def run_site_lines(
    con: duckdb.DuckDBPyConnection, run_id: str, batch_rows: int = 100_000
) -> pa.RecordBatchReader:
    """The run's per-site paragraph counts as site_lines rows, streamed."""
    # Unordered: sorting millions of counts would hold them in memory for nothing.
    query = "select *, $run_id as last_run_id from run_site_lines"
    return con.sql(query, params={"run_id": run_id}).to_arrow_reader(batch_rows)


def key_partitions(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    key: str,
    rows_per_part: int = 25_000,
) -> Iterator[pd.DataFrame]:
    """A table's columns as DataFrames of about `rows_per_part` rows, split on a hash of `key`.

    Equal keys, and all null keys, fall in the same part, so a uniqueness check run on each part
    checks the whole table without holding it in memory at once.
    """
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    parts = max(1, -(-rows // rows_per_part))
    query = (
        f"select {', '.join(columns)} from {table} where coalesce(hash({key}) % $parts, 0) = $part"
    )
    for part in range(parts):
        yield con.execute(query, {"parts": parts, "part": part}).df()


def articles_held_elsewhere(
    con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[str, str]]
) -> set[str]:
    """Of (article_id, source_uri) pairs, the ids already in articles from another input."""
    if not pairs:
        return set()
    ids, uris = zip(*pairs, strict=True)
    rows = con.execute(
        sql("articles_held_elsewhere"), {"ids": list(ids), "uris": list(uris)}
    ).fetchall()
    return {row[0] for row in rows}


def committed_runs(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Run ids recorded in pipeline_runs."""
    return {row[0] for row in con.execute("select run_id from pipeline_runs").fetchall()}


_EXPORT_OPTIONS = {
    "parquet": "format parquet, compression zstd",
    "csv": "format csv, header",
    "jsonl": "format json",
}


def export(con: duckdb.DuckDBPyConnection, name: str, out: Path, fmt: str) -> int:
    """Write a table or view (a name from the schema or views, checked by the caller) to a file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # COPY takes the target as a literal; the name is one of ours, the path is quoted.
    con.execute(f"copy (select * from {name}) to {_quote(str(out))} ({_EXPORT_OPTIONS[fmt]})")
    return con.execute(f"select count(*) from {name}").fetchone()[0]
