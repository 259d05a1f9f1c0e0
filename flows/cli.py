"""The `newsetl` command: run the pipeline, query the warehouse, list runs."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

from flows.settings import DEFAULT_SOURCE, DEFAULT_WAREHOUSE, prefect_defaults
from flows.sources import SourceError, discover
from warehouse import duck

EXAMPLES = """examples:
  newsetl run                                   bundled samples -> data/newsetl.duckdb
  newsetl run --source landing/ --warehouse news.duckdb
  newsetl run --source 'landing/**/*.html.gz'
  newsetl sql "select publisher, count(*) from articles group by all"
  newsetl sql "select * from quarantine" --format csv > quarantine.csv
  newsetl runs
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsetl",
        description="Turn scraped news (HTML pages, text dumps) into a validated DuckDB warehouse.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def warehouse_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--warehouse",
            type=Path,
            default=DEFAULT_WAREHOUSE,
            help=f"DuckDB file (default: {DEFAULT_WAREHOUSE})",
        )

    run = sub.add_parser(
        "run",
        help="process new inputs into the warehouse",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--source",
        default=str(DEFAULT_SOURCE),
        help="folder, glob or file of .txt/.html/.htm inputs, optionally .gz "
        f"(default: the bundled samples, {DEFAULT_SOURCE})",
    )
    warehouse_arg(run)
    run.add_argument(
        "--lake",
        type=Path,
        default=None,
        help="Parquet lake folder (default: <warehouse>_lake beside the file)",
    )
    run.add_argument("--batch-size", type=int, default=500, help="documents per batch")
    run.add_argument(
        "--max-input-bytes",
        type=int,
        default=None,
        help="inputs larger than this are quarantined (default 20 MiB)",
    )
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")

    query = sub.add_parser("sql", help="run a SQL query against the warehouse")
    query.add_argument("query", help="SQL text")
    warehouse_arg(query)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument(
        "--write", action="store_true", help="open the warehouse read-write (default: read-only)"
    )

    runs = sub.add_parser("runs", help="list the run history")
    warehouse_arg(runs)
    runs.add_argument("--limit", type=int, default=20)
    runs.add_argument("--format", choices=("table", "csv", "json"), default="table")
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"newsetl: {message}", file=sys.stderr)
    return code


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def print_rows(columns: list[str], rows: list[tuple], fmt: str, console: Console) -> None:
    """Print query results as a rich table, CSV or JSON lines."""
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        for row in rows:
            print(
                json.dumps(
                    {c: _jsonable(v) for c, v in zip(columns, row, strict=True)},
                    ensure_ascii=False,
                    default=str,
                )
            )
    else:
        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
        console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", style="dim")


def _query(warehouse: Path, query: str, params: dict | None, write: bool) -> tuple[list, list]:
    if not warehouse.exists():
        raise duck.WarehouseError(f"warehouse {warehouse} does not exist (run `newsetl run`)")
    con = duck.connect(warehouse, read_only=not write)
    try:
        cursor = con.execute(query, params or {})
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return columns, cursor.fetchall() if columns else []
    finally:
        con.close()


def print_summary(summary: dict[str, Any], console: Console) -> None:
    """The end-of-run report: counts, quarantine reasons, validation per stage, where to look."""
    status_style = {"success": "green", "no_op": "cyan"}.get(summary["status"], "red")
    console.print(
        f"[bold]newsetl run {summary['run_id']}[/bold]  "
        f"[{status_style}]{summary['status']}[/{status_style}]  in {summary['seconds']:.1f} s"
    )
    counts = Table("inputs", "count", show_header=False, box=None, padding=(0, 2))
    for label, key in (
        ("inputs seen", "inputs_seen"),
        ("unchanged since last run", "inputs_unchanged"),
        ("articles loaded", "articles_loaded"),
        ("duplicates of known articles", "duplicates"),
        ("quarantined", "quarantined"),
        ("other files ignored (unsupported suffix)", "inputs_ignored"),
    ):
        counts.add_row(label, str(summary[key]))
    console.print(counts)
    if summary["quarantine_reasons"]:
        reasons = Table("stage", "reason", "records", title="Quarantined")
        for key, n in summary["quarantine_reasons"].items():
            stage, reason = key.split("/", 1)
            reasons.add_row(stage, reason, str(n))
        console.print(reasons)
    per_stage: dict[str, list[int]] = {}
    for r in summary["validation"]:
        passed_failed = per_stage.setdefault(r["stage"], [0, 0])
        passed_failed[0 if r["success"] else 1] += 1
    if per_stage:
        checks = Table(
            "stage", "expectations passed", "failed", title="Validation (Great Expectations)"
        )
        for stage, (ok, bad) in per_stage.items():
            checks.add_row(stage, str(ok), f"[red]{bad}[/red]" if bad else "0")
        console.print(checks)
    if summary["error"]:
        console.print(f"[red]error:[/red] {summary['error']}")
    console.print(f"warehouse:    {summary['warehouse']}", soft_wrap=True)
    console.print(f"parquet lake: {summary['lake']}", soft_wrap=True)
    console.print("query it:", soft_wrap=True)
    console.print(
        f'  newsetl sql "select title, publisher, language, published_at from articles"'
        f" --warehouse {summary['warehouse']}",
        soft_wrap=True,
        highlight=False,
    )
    console.print("  newsetl runs   (run history)", soft_wrap=True, highlight=False)


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    try:
        found, _ = discover(args.source)
        duck.connect(args.warehouse).close()
    except (SourceError, duck.WarehouseError) as exc:
        return _fail(str(exc))
    if not args.json:
        console.print(
            f"newsetl: {len(found)} inputs in {args.source} -> {args.warehouse} "
            "(Prefect local mode)",
            style="dim",
        )
    prefect_defaults()
    from flows.pipeline import newsetl_flow  # Prefect loads slowly: only for runs

    summary = newsetl_flow(
        source=args.source,
        warehouse=str(args.warehouse),
        lake_dir=str(args.lake) if args.lake else None,
        batch_size=args.batch_size,
        max_input_bytes=args.max_input_bytes,
    )
    if args.json:
        print(json.dumps(summary, default=str, indent=2))
    else:
        print_summary(summary, console)
    if summary["status"] == "failed":
        return _fail(f"run {summary['run_id']} failed: {summary['error']}", 1)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    console = Console()
    try:
        if args.command == "run":
            return cmd_run(args, console)
        if args.command == "sql":
            columns, rows = _query(args.warehouse, args.query, None, args.write)
            print_rows(columns, rows, args.format, console)
            return 0
        if args.command == "runs":
            columns, rows = _query(args.warehouse, duck.sql("runs"), {"limit": args.limit}, False)
            print_rows(columns, rows, args.format, console)
            return 0
    except duck.WarehouseError as exc:
        return _fail(str(exc))
    except duckdb.Error as exc:
        return _fail(f"query failed: {str(exc).splitlines()[0]}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
