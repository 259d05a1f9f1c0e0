"""The newsetl Prefect flow: discover -> ingest -> extract -> normalize -> load, in batches."""

from __future__ import annotations

import contextlib
import secrets
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from expectations.frames import arrow_frame, extracted_frame, raw_frame
from expectations.suites import StageReport, Validator, merge_results
from flows import progress
from flows.settings import Settings
from flows.sources import InputFile, discover
from flows.workers import StagePool
from transforms import pipeline as stages
from transforms.extract import EXTRACTOR_VERSION, extract_document
from transforms.extract import STAGE as EXTRACT
from transforms.ingest import STAGE as INGEST
from transforms.ingest import ingest_bytes
from transforms.normalize import NORMALIZER_VERSION
from transforms.normalize import STAGE as NORMALIZE
from transforms.records import Article, RawDocument, Reject
from transforms.sitechrome import drop_site_chrome
from warehouse import duck, lake, nearcopies, publish
from warehouse.lock import WriterLock
from warehouse.rows import (
    article_rows,
    caption_rows,
    copy_rows,
    index_rows,
    quarantine_rows,
    site_line_rows,
)
from warehouse.schema import (
    ARTICLE_COPIES,
    ARTICLE_FRAME,
    ARTICLES,
    CAPTIONS,
    INPUTS,
    NEAR_COPIES,
    NEAR_COPY_INDEX,
    PIPELINE_RUNS,
    QUALITY_RESULTS,
    QUARANTINE,
    SITE_LINES,
    WAREHOUSE_FRAME,
)

IO_RETRIES = {"retries": 3, "retry_delay_seconds": exponential_backoff(backoff_factor=1)}


class PublishRefused(RuntimeError):
    """The accounting does not add up, or the warehouse suite failed: nothing is published."""


class RunFailed(RuntimeError):
    """A run that was recorded as failed; carries its summary."""

    def __init__(self, summary: dict[str, Any]):
        super().__init__(summary["error"])
        self.summary = summary


@dataclass(slots=True)
class BatchResult:
    """What one batch produced, for staging and the run report."""

    articles: list[Article] = field(default_factory=list)
    copies: list[Article] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)  # new/changed/reprocessed/unchanged
    reports: list[StageReport] = field(default_factory=list)


@dataclass(slots=True)
class RunSummary:
    """The run report printed by the CLI and stored in pipeline_runs."""

    run_id: str
    status: str
    source: str
    warehouse: str
    lake: str
    inputs_seen: int = 0
    inputs_ignored: int = 0
    inputs_new: int = 0
    inputs_changed: int = 0
    inputs_reprocessed: int = 0
    inputs_unchanged: int = 0
    articles_loaded: int = 0
    duplicates: int = 0
    near_copies: int = 0
    quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)  # "stage/reason" -> n
    validation: list[dict[str, Any]] = field(default_factory=list)
    expectations_failed: int = 0
    seconds: float = 0.0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def new_run_id(now: datetime) -> str:
    """Sortable run id: UTC start time plus a random suffix."""
    return f"{now:%Y%m%dT%H%M%S}Z-{secrets.token_hex(3)}"


def chunks(items: Sequence[InputFile], size: int) -> Iterator[Sequence[InputFile]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def wants_reprocess(entry: duck.LedgerEntry, uri: str, settings: Settings) -> bool:
    """Whether --reprocess selects this already-processed, unchanged input."""
    if settings.reprocess is None:
        return False
    if settings.reprocess_only and uri != settings.reprocess_only:
        return False
    if settings.reprocess_since and (
        entry.processed_at is None or entry.processed_at < settings.reprocess_since
    ):
        return False
    if settings.reprocess == "outdated":
        # Inputs without an article (quarantined) have no versions: `all` retries them.
        return entry.extractor_version is not None and (
            entry.extractor_version,
            entry.normalizer_version,
        ) != (
            EXTRACTOR_VERSION,
            NORMALIZER_VERSION,
        )
    return True


def _keep_valid(records: list, report: StageReport, stage: str) -> tuple[list, list[Reject]]:
    """Split records by the record-level failures of a validation report."""
    kept, rejects = [], []
    for r in records:
        failure = report.rejected.get(r.source_uri)
        if failure is None:
            kept.append(r)
        else:
            rejects.append(stages.reject(r, f"validate_{stage}", *failure))
    return kept, rejects


def _unchanged_on_disk(known: duck.LedgerEntry | None, f: InputFile) -> bool:
    return known is not None and (known.size_bytes, known.modified_at) == (
        f.size_bytes,
        f.modified_at,
    )


def _read(f: InputFile, settings: Settings) -> RawDocument | Reject:
    """Read and decode one input, or say why not."""
    if f.size_bytes > settings.max_input_bytes:
        detail = f"{f.size_bytes} bytes is over the limit of {settings.max_input_bytes}"
        return Reject(f.source_uri, INGEST, "too_large", detail, "", f.size_bytes)
    try:
        data = f.read_bytes()
    except OSError as exc:
        detail = f"{type(exc).__name__}: {exc}"
        return Reject(f.source_uri, INGEST, "unreadable", detail, "", f.size_bytes)
    return ingest_bytes(
        f.source_uri,
        data,
        modified_at=f.modified_at,
        max_input_bytes=settings.max_input_bytes,
        max_decompressed_bytes=settings.max_decompressed_bytes,
        max_html_elements=settings.max_html_elements,
    )


def ingest_files(
    files: Sequence[InputFile], ledger: dict[str, duck.LedgerEntry], settings: Settings
) -> tuple[list[RawDocument], list[Reject], Counter[str]]:
    """Decode the inputs the ledger does not hold yet; counts new/changed/reprocessed/unchanged."""
    raws, rejects, statuses = [], [], Counter()
    for f in files:
        known = ledger.get(f.source_uri)
        again = known is not None and wants_reprocess(known, f.source_uri, settings)
        if not again and _unchanged_on_disk(known, f):
            statuses["unchanged"] += 1
            continue
        result = _read(f, settings)
        if known and not again and result.input_hash == known.input_hash:
            statuses["unchanged"] += 1  # touched, not changed
            continue
        statuses["reprocessed" if again else "changed" if known else "new"] += 1
        (rejects if isinstance(result, Reject) else raws).append(result)
    return raws, rejects, statuses


@task(name="ingest", cache_policy=NO_CACHE, **IO_RETRIES)
def ingest_task(files: Sequence[InputFile], ledger: dict, settings: Settings, validator: Validator):
    """Read and decode a batch of files and validate the raw documents."""
    raws, rejects, statuses = ingest_files(files, ledger, settings)
    report = validator.validate("raw", raw_frame(raws))
    raws, failed = _keep_valid(raws, report, "raw")
    return raws, rejects + failed, statuses, report


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(raws, validator: Validator, pool: StagePool, site_lines: dict, min_site_docs: int):
    """Extract a batch on the worker processes, drop its sites' common paragraphs, validate.

    Also returns the batch's (site, line_hash) document counts, totalled with site_lines.
    """
    docs, rejects = pool.map(extract_document, raws, EXTRACT)
    docs, counts = drop_site_chrome(docs, site_lines, min_site_docs)
    report = validator.validate("extracted", extracted_frame(docs))
    docs, failed = _keep_valid(docs, report, "extracted")
    return docs, rejects + failed, report, counts


@task(name="normalize", cache_policy=NO_CACHE)
def normalize_task(docs, validator: Validator, pool: StagePool, now: datetime, settings: Settings):
    """Normalize and index a batch on the worker processes and validate the article rows."""
    articles, rejects = pool.map(stages.normalizer(now, settings.near_copies), docs, NORMALIZE)
    table = lake.to_arrow(ARTICLE_FRAME, article_rows(articles))
    report = validator.validate("articles", arrow_frame(table))
    articles, failed = _keep_valid(articles, report, "articles")
    return articles, rejects + failed, report


def keep_quarantined_bytes(
    rejects: Sequence[Reject], files: dict[str, InputFile], settings: Settings
) -> dict[str, str]:
    """Copy the original bytes of quarantined inputs into the lake: source_uri -> copy."""
    copies = {}
    for r in rejects:
        f = files[r.source_uri]
        if f.size_bytes > settings.max_input_bytes:
            continue  # too large to keep twice; the original stays at its source
        try:
            copies[r.source_uri] = str(lake.store_copy(settings.lake_dir, f.read_bytes()))
        except OSError:
            continue  # unreadable or gone: nothing to keep
    return copies


@task(name="stage", cache_policy=NO_CACHE, **IO_RETRIES)
def stage_task(
    result: BatchResult,
    inputs: list[dict],
    files: dict[str, InputFile],
    *,
    settings: Settings,
    run_id: str,
    at: datetime,
    part: int,
):
    """Write a batch's rows as staged Parquet parts, keeping quarantined inputs' bytes."""
    lake_dir = settings.lake_dir
    copies = keep_quarantined_bytes(result.rejects, files, settings)
    rows = [{**row, "ingested_at": at, "run_id": run_id} for row in article_rows(result.articles)]
    parts = (
        (ARTICLES, rows),
        (ARTICLE_COPIES, copy_rows(result.articles, result.copies, run_id, at)),
        (CAPTIONS, caption_rows(result.articles, run_id)),
        (NEAR_COPY_INDEX, index_rows(result.articles, settings.near_copies.name, run_id)),
        (QUARANTINE, quarantine_rows(result.rejects, run_id, at, copies)),
        (INPUTS, inputs),
    )
    for table, table_rows in parts:
        lake.write_part(lake_dir, run_id, table, lake.to_arrow(table.schema, table_rows), part)


@task(name="stage_site_lines", cache_policy=NO_CACHE, **IO_RETRIES)
def stage_site_lines_task(counts: dict, settings: Settings, run_id: str) -> None:
    """Write the run's per-site paragraph counts as one staged Parquet part."""
    table = lake.to_arrow(SITE_LINES.schema, site_line_rows(counts, run_id))
    lake.write_part(settings.lake_dir, run_id, SITE_LINES, table, 0)


def input_rows(result: BatchResult, files: dict[str, InputFile], run_id: str) -> list[dict]:
    """Ledger rows for every processed input of a batch, with its outcome."""
    outcomes = [(a.source_uri, a.input_hash, "loaded", a.article_id) for a in result.articles]
    outcomes += [(a.source_uri, a.input_hash, "duplicate", a.article_id) for a in result.copies]
    outcomes += [(r.source_uri, r.input_hash or "", "quarantined", None) for r in result.rejects]
    return [
        {
            "source_uri": uri,
            "input_hash": digest,
            "size_bytes": files[uri].size_bytes,
            "modified_at": files[uri].modified_at,
            "outcome": outcome,
            "article_id": article_id,
            "first_run_id": run_id,
            "last_run_id": run_id,
        }
        for uri, digest, outcome, article_id in outcomes
    ]


def _check_accounting(s: RunSummary) -> None:
    accounted = s.articles_loaded + s.duplicates + s.quarantined + s.inputs_unchanged
    if accounted != s.inputs_seen:
        raise PublishRefused(
            f"{s.inputs_seen} inputs seen but {accounted} accounted for "
            f"(loaded {s.articles_loaded}, duplicates {s.duplicates}, "
            f"quarantined {s.quarantined}, unchanged {s.inputs_unchanged})"
        )


def _pause(settings: Settings, step: str) -> None:
    """Crash-test hook: announce the step in a marker file and wait to be killed."""
    if settings.pause_before != step:
        return
    marker = settings.warehouse.with_name(settings.warehouse.name + f".paused-before-{step}")
    marker.write_text("waiting to be killed")
    time.sleep(120)


@task(name="link", cache_policy=NO_CACHE)
def link_task(settings: Settings, run_id: str, at: datetime) -> int:
    """Link the run's staged articles to their near copies; returns how many are copies."""
    staged = publish.run_files(lambda t: lake.staging_dir(settings.lake_dir, run_id) / t.name)
    with contextlib.closing(duck.connect(settings.warehouse)) as con:
        rows, new_copies = nearcopies.link_near_copies(
            con, staged, settings.near_copies, run_id, at
        )
    table = lake.to_arrow(NEAR_COPIES.schema, rows)
    lake.write_part(settings.lake_dir, run_id, NEAR_COPIES, table, 0)
    return new_copies


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(
    summary: RunSummary,
    settings: Settings,
    validator: Validator,
    reports: list[StageReport],
    at: datetime,
    clock: float,
) -> RunSummary:
    """Merge the run's Parquet into DuckDB in one transaction, re-validated before commit."""
    lake_dir, run_id = settings.lake_dir, summary.run_id
    files = publish.run_files(lambda t: lake.staging_dir(lake_dir, run_id) / t.name)
    con = duck.connect(settings.warehouse)
    try:
        con.execute("begin")
        if summary.status != "failed":
            try:
                summary.articles_loaded = publish.apply_data(con, files)
                _validate_warehouse(con, validator, reports)
                _check_accounting(summary)
            except Exception as exc:
                summary.status, summary.error = "failed", f"{type(exc).__name__}: {exc}"
        if summary.status == "failed":
            # Nothing of a failed run's data is published; its inputs stay out of the
            # ledger, so the next run processes them again.
            con.execute("rollback")
            for table in publish.DATA_TABLES:
                lake.drop_staged(lake_dir, run_id, table)
            con.execute("begin")
        summary.seconds = round(time.monotonic() - clock, 3)
        _write_records(summary, settings, reports, at)
        publish.apply_records(
            con, publish.run_files(lambda t: lake.staging_dir(lake_dir, run_id) / t.name)
        )
        _pause(settings, "commit")
        con.execute("commit")
    finally:
        con.close()
    _pause(settings, "promote")
    lake.promote(lake_dir, run_id)
    publish_artifacts(summary)
    return summary


def publish_artifacts(s: RunSummary) -> None:
    """The run summary and quarantine reasons as artifacts in the Prefect UI."""
    create_markdown_artifact(
        key="newsetl-run-summary",
        description=f"newsetl run {s.run_id}",
        markdown="\n".join(
            [
                f"# newsetl run `{s.run_id}`: {s.status}",
                "",
                "| inputs seen | new | changed | unchanged | loaded | duplicates | quarantined "
                "| failed checks | seconds |",
                "|---|---|---|---|---|---|---|---|---|",
                f"| {s.inputs_seen} | {s.inputs_new} | {s.inputs_changed} | "
                f"{s.inputs_unchanged} | {s.articles_loaded} | {s.duplicates} | "
                f"{s.quarantined} | {s.expectations_failed} | {s.seconds} |",
                "",
                f"Warehouse: `{s.warehouse}`",
                *(["", f"**Error:** {s.error}"] if s.error else []),
            ]
        ),
    )
    create_table_artifact(
        key="newsetl-quarantine",
        description=f"Inputs quarantined by run {s.run_id}, by stage and reason",
        table=[
            {"stage": key.split("/", 1)[0], "reason": key.split("/", 1)[1], "inputs": n}
            for key, n in s.quarantine_reasons.items()
        ],
    )


def _validate_warehouse(con, validator: Validator, reports: list[StageReport]) -> None:
    """Re-check the whole articles table inside the publish transaction."""
    frame = con.execute(f"select {', '.join(WAREHOUSE_FRAME.names)} from articles").df()
    final = validator.validate("warehouse", frame, key="article_id")
    reports.append(final)
    if final.batch_failures:
        raise PublishRefused("warehouse validation failed: " + "; ".join(final.batch_failures))


def _write_records(s: RunSummary, settings: Settings, reports, at: datetime) -> None:
    """Stage the run's quality results and its pipeline_runs row."""
    results = merge_results(reports)
    s.validation = results
    s.expectations_failed = sum(1 for r in results if not r["success"])
    if s.status != "failed":
        s.status = "success" if s.inputs_seen > s.inputs_unchanged else "no_op"
    finished = datetime.now(UTC)
    run_row = {
        **{k: getattr(s, k) for k in PIPELINE_RUNS.schema.names if hasattr(s, k)},
        "started_at": at,
        "finished_at": finished,
        "source": settings.source,
    }
    quality = [{**r, "run_id": s.run_id, "checked_at": finished} for r in results]
    for table, rows in ((QUALITY_RESULTS, quality), (PIPELINE_RUNS, [run_row])):
        lake.write_part(settings.lake_dir, s.run_id, table, lake.to_arrow(table.schema, rows), 0)


@flow(name="newsetl", log_prints=False, validate_parameters=False)
def newsetl_flow(
    source: str,
    warehouse: str,
    lake_dir: str | None = None,
    batch_size: int = 500,
    max_input_bytes: int | None = None,
    max_decompressed_bytes: int | None = None,
    max_html_elements: int | None = None,
    max_text_chars: int | None = None,
    reprocess: str | None = None,
    reprocess_since: str | None = None,
    reprocess_only: str | None = None,
    wait_seconds: float = 0.0,
    workers: int | None = None,
    doc_timeout_seconds: float | None = None,
    near_copy_threshold: float | None = None,
    shingle_size: int | None = None,
    min_site_docs: int | None = None,
) -> dict[str, Any]:
    """Run the pipeline over a source into a DuckDB warehouse; returns the run summary."""
    base = Settings(
        source=source,
        warehouse=Path(warehouse),
        lake=Path(lake_dir) if lake_dir else None,
        batch_size=batch_size,
        reprocess=reprocess,
        reprocess_since=_day_start(reprocess_since),
        reprocess_only=reprocess_only,
        lock_wait_seconds=wait_seconds,
    )
    settings = replace(
        base,
        max_input_bytes=max_input_bytes or base.max_input_bytes,
        max_decompressed_bytes=max_decompressed_bytes or base.max_decompressed_bytes,
        max_html_elements=max_html_elements or base.max_html_elements,
        thresholds=replace(
            base.thresholds,
            max_text_chars=max_text_chars or base.thresholds.max_text_chars,
        ),
        workers=base.workers if workers is None else workers,
        doc_timeout_seconds=doc_timeout_seconds or base.doc_timeout_seconds,
        near_copies=replace(
            base.near_copies,
            threshold=near_copy_threshold or base.near_copies.threshold,
            shingle_size=shingle_size or base.near_copies.shingle_size,
        ),
        min_site_docs=min_site_docs or base.min_site_docs,
    )
    summary = run_pipeline(settings).as_dict()
    if summary["status"] == "failed":
        raise RunFailed(summary)
    return summary


def _day_start(day: str | None) -> datetime | None:
    if not day:
        return None
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC)


def run_pipeline(settings: Settings) -> RunSummary:
    """The flow's body: plain Python calling the batch tasks, under the writer lock."""
    clock = time.monotonic()
    at = datetime.now(UTC)
    summary = RunSummary(
        run_id=new_run_id(at),
        status="running",
        source=settings.source,
        warehouse=str(settings.warehouse),
        lake=str(settings.lake_dir),
    )
    files, summary.inputs_ignored = discover(settings.source)
    summary.inputs_seen = len(files)
    with WriterLock(settings.warehouse, wait_seconds=settings.lock_wait_seconds):
        with contextlib.closing(duck.connect(settings.warehouse)) as con:
            publish.recover_staging(con, settings.lake_dir)
            ledger = duck.read_ledger(con)
            site_lines = duck.read_site_lines(con)
        validator = Validator(settings.thresholds, at)
        reports: list[StageReport] = []
        try:
            _process_batches(files, ledger, site_lines, settings, validator, summary, reports, at)
            summary.near_copies = link_task(settings, summary.run_id, at)
        except Exception as exc:
            summary.status, summary.error = "failed", f"{type(exc).__name__}: {exc}"
        return publish_task(summary, settings, validator, quote(reports), at, clock)


def _process_batches(files, ledger, site_lines, settings, validator, summary, reports, at):
    with StagePool(settings.workers, settings.doc_timeout_seconds) as pool:
        _run_batches(files, ledger, site_lines, settings, validator, pool, summary, reports, at)


def _run_batches(files, ledger, site_lines, settings, validator, pool, summary, reports, at):
    counted: dict[tuple[str, str], int] = {}
    run_article_ids: set[str] = set()
    reasons: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for part, batch in enumerate(chunks(files, settings.batch_size)):
        raws, rejects, batch_statuses, r1 = ingest_task(
            quote(batch), quote(ledger), settings, validator
        )
        docs, rejected, r2, counts = extract_task(
            quote(raws), validator, pool, quote(site_lines), settings.min_site_docs
        )
        site_lines.update(counts)
        counted.update(counts)
        rejects += rejected
        articles, rejected, r3 = normalize_task(quote(docs), validator, pool, at, settings)
        rejects += rejected
        with contextlib.closing(duck.connect(settings.warehouse)) as con:
            held = duck.articles_held_elsewhere(
                con, [(a.article_id, a.source_uri) for a in articles]
            )
        firsts, copies = stages.split_duplicates(articles, run_article_ids | held)
        run_article_ids.update(a.article_id for a in firsts)
        result = BatchResult(firsts, copies, rejects, batch_statuses, [r1, r2, r3])
        by_uri = {f.source_uri: f for f in batch}
        inputs = input_rows(result, by_uri, summary.run_id)
        stage_task(
            quote(result),
            quote(inputs),
            quote(by_uri),
            settings=settings,
            run_id=summary.run_id,
            at=at,
            part=part,
        )
        statuses.update(batch_statuses)
        progress.report(min((part + 1) * settings.batch_size, len(files)), len(files))
        summary.duplicates += len(copies)
        summary.quarantined += len(rejects)
        reasons.update(f"{r.stage}/{r.reason}" for r in rejects)
        reports += result.reports
    if counted:
        stage_site_lines_task(quote(counted), settings, summary.run_id)
    summary.inputs_new = statuses["new"]
    summary.inputs_changed = statuses["changed"]
    summary.inputs_reprocessed = statuses["reprocessed"]
    summary.inputs_unchanged = statuses["unchanged"]
    summary.quarantine_reasons = dict(reasons.most_common())
