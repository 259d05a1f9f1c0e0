"""DuckDB side of the warehouse: DDL from the schemas, SQL files, the one-transaction publish."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.schema import TABLES, Table

_DUCK_TYPES = {
    pa.string(): "varchar",
    pa.int32(): "integer",
    pa.int64(): "bigint",
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


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, creating it and its tables when writable."""
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
    except (duckdb.Error, OSError) as exc:
        raise WarehouseError(f"cannot open warehouse {path}: {exc}") from exc
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)apply their comments, in one transaction."""
    con.execute("begin")
    for table in TABLES:
        con.execute(create_table_sql(table))
        for statement in comment_sql(table):
            con.execute(statement)
    con.execute("commit")


def merge_parquet(con: duckdb.DuckDBPyConnection, table: Table, files: Sequence[Path]) -> int:
    """Merge staged Parquet files into a table by its key; returns the rows added."""
    if not files:
        return 0
    before = con.execute(f"select count(*) from {table.name}").fetchone()[0]
    key_match = " and ".join(f"target.{k} = staged.{k}" for k in table.key)
    statement = sql("merge_new_rows").format(table=table.name, key_match=key_match)
    con.execute(statement, {"files": [str(f) for f in files]})
    return con.execute(f"select count(*) from {table.name}").fetchone()[0] - before


def read_ledger(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, int, object]]:
    """source_uri -> (input_hash, size_bytes, modified_at) of its latest known version."""
    rows = con.execute(sql("ledger")).fetchall()
    return {uri: (digest, size, modified) for uri, digest, size, modified in rows}


def existing_article_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
    """The subset of ids already in articles."""
    if not ids:
        return set()
    rows = con.execute(sql("existing_article_ids"), {"ids": list(ids)}).fetchall()
    return {row[0] for row in rows}
