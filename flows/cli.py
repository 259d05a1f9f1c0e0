"""The `newsetl` command: run the pipeline, query the warehouse, list runs."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows import progress
from flows.settings import (
    DEFAULT_SOURCE,
    DEFAULT_WAREHOUSE,
    RUNNERS,
    Settings,
    prefect_defaults,
)
from flows.sources import SourceError, discover
from transforms.nearcopy import DEFAULT_SHINGLE_SIZE, DEFAULT_THRESHOLD, Scheme
from transforms.sitechrome import MIN_SITE_DOCS
from warehouse import duck, lake
from warehouse.lock import WarehouseBusy, WriterLock
from warehouse.publish import rebuild
from warehouse.schema import TABLES

EXAMPLES = """examples:
  newsetl run                                   bundled samples -> data/newsetl.duckdb
  newsetl run --source landing/ --warehouse news.duckdb
  newsetl run --source 'landing/**/*.html.gz'
  newsetl sql "select publisher, count(*) from articles group by all"
  newsetl sql "select * from quarantine" --format csv > quarantine.csv
  newsetl run --reprocess outdated              rebuild rows made by older code
  newsetl rebuild                               recreate the DuckDB file from the Parquet lake
  newsetl export --table articles --format jsonl --out articles.jsonl
  newsetl report --out report.html              charts and Data Docs for a browser
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
    run.add_argument(
        "--lake-url",
        default=None,
        metavar="URL",
        help="keep a copy of the lake on object storage, e.g. s3://bucket/lake (fsspec URL), "
        "brought up to date after each publish",
    )
    run.add_argument("--batch-size", type=int, default=500, help="documents per batch")
    run.add_argument(
        "--min-site-docs",
        type=int,
        default=MIN_SITE_DOCS,
        help="drop a paragraph printed by this many documents of one site, over all runs "
        f"(default {MIN_SITE_DOCS})",
    )
    run.add_argument(
        "--max-decompressed-bytes",
        type=int,
        default=None,
        help="gzip inputs that inflate past this are quarantined (default 100 MiB)",
    )
    run.add_argument(
        "--max-html-elements",
        type=int,
        default=None,
        help="HTML with more tags than this is quarantined (default 500,000)",
    )
    run.add_argument(
        "--max-text-chars",
        type=int,
        default=None,
        help="decoded texts longer than this are quarantined (default 2,000,000)",
    )
    run.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes for extraction and normalization (default: all cores)",
    )
    run.add_argument(
        "--runner",
        choices=RUNNERS,
        default="local",
        help="where batches are extracted and normalized: this machine's worker processes "
        "(default), or a Dask or Ray cluster (one task per batch; staging and the DuckDB "
        "merge stay in this process)",
    )
    run.add_argument(
        "--dask-address",
        default=None,
        metavar="ADDRESS",
        help="with --runner dask: the scheduler of an existing cluster (tcp://host:8786); "
        "default: a temporary local cluster of --workers processes",
    )
    run.add_argument(
        "--ray-address",
        default=None,
        metavar="ADDRESS",
        help="with --runner ray: the head of an existing cluster (host:6379, ray://host:10001); "
        "default: a temporary local cluster of --workers processes",
    )
    run.add_argument(
        "--doc-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time limit per document and stage; past it the document is quarantined (default 60)",
    )
    run.add_argument(
        "--max-input-bytes",
        type=int,
        default=None,
        help="inputs larger than this are quarantined (default 20 MiB)",
    )
    run.add_argument(
        "--near-copy-threshold",
        type=float,
        default=None,
        metavar="JACCARD",
        help="word-shingle similarity at which two articles are near copies (default 0.5)",
    )
    run.add_argument(
        "--shingle-size",
        type=int,
        default=None,
        metavar="WORDS",
        help="words per shingle for near-copy detection (default 3)",
    )
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument(
        "--reprocess",
        nargs="?",
        const="all",
        choices=("all", "outdated"),
        help="process unchanged inputs again: all of them, or those made by older "
        "extractor/normalizer versions (narrow with --since and --only)",
    )
    run.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="with --reprocess: inputs last processed on or after this day",
    )
    run.add_argument(
        "--only", metavar="SOURCE_URI", help="with --reprocess: this one input (its source_uri)"
    )
    run.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another run writing the warehouse (default: exit at once)",
    )

    query = sub.add_parser("sql", help="run a SQL query against the warehouse")
    query.add_argument("query", help="SQL text")
    warehouse_arg(query)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument(
        "--write", action="store_true", help="open the warehouse read-write (default: read-only)"
    )

    rebuild = sub.add_parser("rebuild", help="recreate the DuckDB file from the Parquet lake alone")
    warehouse_arg(rebuild)
    rebuild.add_argument(
        "--lake", type=Path, default=None, help="Parquet lake folder (default: <warehouse>_lake)"
    )
    rebuild.add_argument(
        "--lake-url",
        default=None,
        metavar="URL",
        help="first copy into the lake folder what this copy on object storage holds and it lacks",
    )
    rebuild.add_argument("--wait", type=float, default=0.0, metavar="SECONDS")

    schedule = sub.add_parser(
        "schedule",
        help="serve a Prefect deployment that runs the pipeline on a cron schedule",
        description="Create a Prefect deployment of the pipeline with a cron schedule and "
        "execute its runs from this process until stopped (Ctrl-C). Schedules need "
        "a Prefect server: PREFECT_API_URL, or --start-server for a local one.",
    )
    schedule.add_argument("--cron", required=True, help='e.g. "*/15 * * * *"')
    schedule.add_argument("--timezone", default="UTC")
    schedule.add_argument("--source", default=str(DEFAULT_SOURCE))
    warehouse_arg(schedule)
    schedule.add_argument("--name", default="scheduled", help="deployment name")
    schedule.add_argument(
        "--start-server",
        action="store_true",
        help="start a local Prefect server if PREFECT_API_URL is not set",
    )

    quarantine = sub.add_parser(
        "quarantine",
        help="quarantined inputs: reasons and counts, one record, or re-queue after a fix",
        description="Without arguments: reasons and counts. --show SOURCE_URI: one record. "
        "--requeue: the next run processes the selected quarantined inputs again "
        "(select with --reason, --stage or --show's SOURCE_URI).",
    )
    warehouse_arg(quarantine)
    quarantine.add_argument("--show", metavar="SOURCE_URI")
    quarantine.add_argument("--requeue", action="store_true")
    quarantine.add_argument("--reason")
    quarantine.add_argument("--stage")
    quarantine.add_argument("--format", choices=("table", "csv", "json"), default="table")

    export = sub.add_parser(
        "export", help="write a table or view to Parquet, CSV or JSON lines for other tools"
    )
    warehouse_arg(export)
    export.add_argument("--table", default="articles", help="table or view (default articles)")
    export.add_argument("--format", choices=("parquet", "csv", "jsonl"), default="parquet")
    export.add_argument("--out", type=Path, required=True, help="file to write")

    report = sub.add_parser(
        "report", help="write an HTML report with charts and Great Expectations Data Docs"
    )
    warehouse_arg(report)
    report.add_argument(
        "--out", type=Path, default=Path("newsetl-report.html"), help="HTML file to write"
    )
    report.add_argument(
        "--no-data-docs", action="store_true", help="skip building the Data Docs site"
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
        ("new", "inputs_new"),
        ("changed", "inputs_changed"),
        ("reprocessed on request", "inputs_reprocessed"),
        ("unchanged since last run", "inputs_unchanged"),
        ("articles loaded", "articles_loaded"),
        ("  of which near copies of another article", "near_copies"),
        ("exact copies of known articles", "duplicates"),
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
    if summary.get("mirror_error"):
        console.print(
            f"[yellow]lake copy not brought up to date:[/yellow] {summary['mirror_error']}"
        )
    elif summary.get("mirrored_files"):
        console.print(f"lake copy:    {summary['mirrored_files']} files copied", soft_wrap=True)
    console.print("query it:", soft_wrap=True)
    console.print(
        f'  newsetl sql "select title, publisher, language, published_at from articles"'
        f" --warehouse {summary['warehouse']}",
        soft_wrap=True,
        highlight=False,
    )
    console.print("  newsetl runs   (run history)", soft_wrap=True, highlight=False)


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    if (args.since or args.only) and not args.reprocess:
        return _fail("--since and --only go with --reprocess")
    if args.dask_address and args.runner != "dask":
        return _fail("--dask-address goes with --runner dask")
    if args.ray_address and args.runner != "ray":
        return _fail("--ray-address goes with --runner ray")
    try:
        Scheme(
            threshold=args.near_copy_threshold or DEFAULT_THRESHOLD,
            shingle_size=args.shingle_size or DEFAULT_SHINGLE_SIZE,
        )
    except ValueError as exc:
        return _fail(str(exc))
    try:
        found, _ = discover(args.source)
        with WriterLock(args.warehouse, wait_seconds=args.wait):
            duck.connect(args.warehouse).close()
    except (SourceError, duck.WarehouseError, WarehouseBusy) as exc:
        return _fail(str(exc))
    if not args.json:
        console.print(
            f"newsetl: {len(found)} inputs in {args.source} -> {args.warehouse} "
            "(Prefect local mode)"
            if not os.environ.get("PREFECT_API_URL")
            else f"(Prefect server {os.environ['PREFECT_API_URL']})",
            style="dim",
        )
    prefect_defaults()
    from flows.pipeline import RunFailed, newsetl_flow  # Prefect loads slowly: only for runs

    show_progress = console.is_terminal and not (args.quiet or args.json)
    try:
        with _progress_bar(console, show_progress):
            summary = newsetl_flow(
                source=args.source,
                warehouse=str(args.warehouse),
                lake_dir=str(args.lake) if args.lake else None,
                lake_url=args.lake_url,
                batch_size=args.batch_size,
                max_input_bytes=args.max_input_bytes,
                max_decompressed_bytes=args.max_decompressed_bytes,
                max_html_elements=args.max_html_elements,
                max_text_chars=args.max_text_chars,
                reprocess=args.reprocess,
                reprocess_since=args.since,
                reprocess_only=args.only,
                wait_seconds=args.wait,
                workers=args.workers,
                doc_timeout_seconds=args.doc_timeout,
                near_copy_threshold=args.near_copy_threshold,
                shingle_size=args.shingle_size,
                min_site_docs=args.min_site_docs,
                runner=args.runner,
                dask_address=args.dask_address,
                ray_address=args.ray_address,
            )
    except RunFailed as exc:
        summary = exc.summary
    except WarehouseBusy as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps(summary, default=str, indent=2))
    else:
        print_summary(summary, console)
    if summary["status"] == "failed":
        return _fail(f"run {summary['run_id']} failed: {summary['error']}", 1)
    return 0


@contextlib.contextmanager
def _progress_bar(console: Console, enabled: bool) -> Iterator[None]:
    """Rich progress bars, one per stage, while the flow runs (a terminal only)."""
    if not enabled:
        yield
        return
    labels = {"extract": "read + extract", "normalize": "normalize", "load": "stage for load"}
    with Progress(
        TextColumn("{task.description:<15}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bars:
        tasks = {stage: bars.add_task(labels[stage], total=None) for stage in progress.STAGES}
        unsubscribe = progress.subscribe(
            lambda stage, done, total: bars.update(tasks[stage], completed=done, total=total)
        )
        try:
            yield
        finally:
            unsubscribe()


def cmd_rebuild(args: argparse.Namespace, console: Console) -> int:
    lake_dir = args.lake or Settings(warehouse=args.warehouse).lake_dir
    try:
        if args.lake_url:
            fetched = lake.sync(args.lake_url, str(lake_dir))
            console.print(f"copied {fetched} files from {args.lake_url} into {lake_dir}")
        counts = rebuild(args.warehouse, lake_dir, wait_seconds=args.wait)
    except (duck.WarehouseError, WarehouseBusy, OSError) as exc:
        return _fail(str(exc))
    console.print(
        f"rebuilt {args.warehouse} from {lake_dir}: "
        + ", ".join(f"{n} {name}" for name, n in counts.items())
    )
    return 0


def cmd_schedule(args: argparse.Namespace, console: Console) -> int:
    from flows import schedule

    prefect_defaults()
    try:
        schedule.validate_cron(args.cron, args.timezone)
        discover(args.source)
        api_url = os.environ.get("PREFECT_API_URL")
        if not api_url:
            start = args.start_server or (
                sys.stdin.isatty()
                and input(
                    "No Prefect server is set (PREFECT_API_URL). Start a local one now? [y/N] "
                )
                .strip()
                .lower()
                in ("y", "yes")
            )
            if not start:
                return _fail(
                    "schedules need a Prefect server: set PREFECT_API_URL, or pass "
                    "--start-server to start a local one"
                )
            log = Path(os.environ["PREFECT_HOME"]) / "newsetl-server.log"
            api_url, server = schedule.start_local_server(log)
            os.environ["PREFECT_API_URL"] = api_url
            console.print(
                f"started a local Prefect server at {api_url} (pid {server.pid}, "
                f"log: {log}); it keeps running after this command stops"
            )
    except (schedule.ScheduleError, SourceError) as exc:
        return _fail(str(exc))
    ui = api_url.removesuffix("/api")
    console.print(
        f"serving deployment newsetl/{args.name} on {args.cron!r} ({args.timezone}); "
        f"to see the runs, {schedule.UI_HINT.format(ui=ui, name=args.name)}. "
        "Ctrl-C stops serving.",
        soft_wrap=True,
    )
    schedule.serve(
        args.name,
        args.cron,
        args.timezone,
        {"source": args.source, "warehouse": str(args.warehouse.absolute())},
    )
    return 0


def cmd_quarantine(args: argparse.Namespace, console: Console) -> int:
    if args.requeue:
        if not (args.reason or args.stage or args.show):
            return _fail("--requeue needs a selection: --reason, --stage or --show SOURCE_URI")
        params = {"reason": args.reason, "stage": args.stage, "source_uri": args.show}
        try:
            with WriterLock(args.warehouse):
                _, rows = _query(args.warehouse, duck.sql("requeue"), params, True)
        except WarehouseBusy as exc:
            return _fail(str(exc))
        console.print(
            f"{len(rows)} quarantined input(s) re-queued: the next `newsetl run` "
            "over their source processes them again"
        )
        return 0
    if args.show:
        columns, rows = _query(
            args.warehouse, duck.sql("quarantine_record"), {"source_uri": args.show}, False
        )
        if not rows:
            return _fail(f"{args.show} is not in quarantine")
    else:
        columns, rows = _query(args.warehouse, duck.sql("quarantine_reasons"), None, False)
    print_rows(columns, rows, args.format, console)
    return 0


def cmd_export(args: argparse.Namespace, console: Console) -> int:
    known = {t.name for t in TABLES} | set(duck.views())
    if args.table not in known:
        return _fail(f"no table or view {args.table!r}; choose from {', '.join(sorted(known))}")
    if not args.warehouse.exists():
        return _fail(f"warehouse {args.warehouse} does not exist (run `newsetl run`)")
    con = duck.connect(args.warehouse, read_only=True)
    try:
        rows = duck.export(con, args.table, args.out, args.format)
    finally:
        con.close()
    console.print(f"wrote {rows} rows of {args.table} to {args.out} ({args.format})")
    return 0


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    if not args.warehouse.exists():
        return _fail(f"warehouse {args.warehouse} does not exist (run `newsetl run`)")
    from flows.report import write_report

    written = write_report(args.warehouse, args.out, data_docs=not args.no_data_docs)
    console.print(f"wrote {written['report']}")
    if "index" in written:
        console.print(f"Data Docs: {written['index']}")
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
        if args.command == "schedule":
            return cmd_schedule(args, console)
        if args.command == "export":
            return cmd_export(args, console)
        if args.command == "report":
            return cmd_report(args, console)
        if args.command == "quarantine":
            return cmd_quarantine(args, console)
        if args.command == "rebuild":
            return cmd_rebuild(args, console)
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
