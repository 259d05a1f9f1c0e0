"""The newsetl Prefect flow: discover -> ingest -> extract -> normalize -> load, in batches."""

from __future__ import annotations

import contextlib
import itertools
import secrets
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
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
from flows.work import (
    Ingested,
    Normalized,
    ReadLimits,
    ToRead,
    extract_batch,
    normalize_batch,
    reader,
)
from flows.workers import StagePool
from transforms import pipeline as stages
from transforms.extract import EXTRACTOR_VERSION
from transforms.extract import STAGE as EXTRACT
from transforms.nearcopy import Scheme
from transforms.normalize import NORMALIZER_VERSION
from transforms.normalize import STAGE as NORMALIZE
from transforms.records import Article, ExtractedDocument, Reject
from transforms.sitechrome import drop_site_chrome
from warehouse import duck, lake, nearcopies, publish
from warehouse.lock import WriterLock
from warehouse.rows import (
    article_rows,
    caption_rows,
    copy_rows,
    index_rows,
    quarantine_rows,
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
    # Lake files copied to settings.lake_url after the publish, and why copying stopped.
    mirrored_files: int = 0
    mirror_error: str | None = None
    # Wall seconds of the run's steps in the flow process, CPU seconds of some of them
    # ("validate"), and CPU seconds summed over the processes that read, extract and
    # normalize ("ingest", "extract", "normalize").
    stage_seconds: dict[str, float] = field(default_factory=dict)
    stage_cpu_seconds: dict[str, float] = field(default_factory=dict)
    worker_seconds: dict[str, float] = field(default_factory=dict)

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


def plan_batch(
    files: Sequence[InputFile], ledger: dict[str, duck.LedgerEntry], settings: Settings
) -> tuple[list[ToRead], dict[str, str], Counter[str]]:
    """The inputs to read, the status each counts as if it changed, and the unchanged count.

    An input whose size and modification time match the ledger is skipped unread; the others
    carry the ledger's hash so a worker can tell a touched but unchanged file.
    """
    items, status, statuses = [], {}, Counter()
    for f in files:
        known = ledger.get(f.source_uri)
        again = known is not None and wants_reprocess(known, f.source_uri, settings)
        if not again and _unchanged_on_disk(known, f):
            statuses["unchanged"] += 1
            continue
        items.append(ToRead(f, known.input_hash if known and not again else None))
        status[f.source_uri] = "reprocessed" if again else "changed" if known else "new"
    return items, status, statuses


def collect_ingested(
    ingested: Sequence[Ingested],
    failed: Sequence[Reject],
    status: dict[str, str],
    statuses: Counter[str],
    validator: Validator,
    site_chrome: SiteChrome | None = None,
) -> tuple[list[ExtractedDocument], list[Reject], list[StageReport]]:
    """Count, drop the sites' common paragraphs (given site_chrome), then validate the raw
    metadata and the extractions; (docs, rejects, reports)."""
    summaries, docs_by_uri, rejects = [], {}, list(failed)
    for r in failed:
        statuses[status[r.source_uri]] += 1
    for i in ingested:
        if i.raw is None:
            statuses["unchanged"] += 1  # touched, not changed
            continue
        statuses[status[i.source_uri]] += 1
        if isinstance(i.raw, Reject):
            rejects.append(i.raw)
        else:
            summaries.append(i.raw)
            docs_by_uri[i.source_uri] = i.doc
    raw_report = validator.validate("raw", raw_frame(summaries))
    summaries, failed_raw = _keep_valid(summaries, raw_report, "raw")
    rejects += failed_raw
    docs = []
    for s in summaries:
        doc = docs_by_uri[s.source_uri]
        if isinstance(doc, Reject):
            rejects.append(doc)
        elif doc is not None:
            docs.append(doc)
    if site_chrome is not None:
        docs = site_chrome.drop(docs)
    extracted_report = validator.validate("extracted", extracted_frame(docs))
    docs, failed_extracted = _keep_valid(docs, extracted_report, "extracted")
    return docs, rejects + failed_extracted, [raw_report, extracted_report]


@dataclass(slots=True)
class SiteChrome:
    """The site chrome filter over the run's connection: earlier runs' paragraph counts are
    looked up in site_lines and this run's kept in a temporary table, a batch's keys at a
    time, so the flow's memory does not grow with the corpus."""

    con: duckdb.DuckDBPyConnection
    min_site_docs: int

    def __post_init__(self) -> None:
        duck.start_site_line_counts(self.con)

    def drop(self, docs: list[ExtractedDocument]) -> list[ExtractedDocument]:
        """Docs without paragraphs their site prints in min_site_docs documents or more."""
        lookup = partial(duck.site_line_counts, self.con)
        docs, counts = drop_site_chrome(docs, lookup, self.min_site_docs)
        duck.add_site_line_counts(self.con, counts)
        return docs


def validate_articles(
    articles: list[Article], validator: Validator
) -> tuple[list[Article], list[Reject], StageReport]:
    """Validate a batch's article rows; (kept, rejected, report)."""
    table = lake.to_arrow(ARTICLE_FRAME, article_rows(articles))
    report = validator.validate("articles", arrow_frame(table))
    articles, failed = _keep_valid(articles, report, "articles")
    return articles, failed, report


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(items: Sequence[ToRead], limits: ReadLimits, pool: StagePool):
    """Read, decode and extract a batch on the worker processes."""
    return pool.map(reader(limits), items, EXTRACT)


@task(name="normalize", cache_policy=NO_CACHE)
def normalize_task(docs, pool: StagePool, now: datetime, scheme):
    """Normalize and index (for near copies) a batch on the worker processes."""
    return pool.map(stages.normalizer(now, scheme), docs, NORMALIZE)


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
def stage_site_lines_task(con, settings: Settings, run_id: str) -> None:
    """Write the run's per-site paragraph counts as one staged Parquet part."""
    lake.write_part(settings.lake_dir, run_id, SITE_LINES, duck.run_site_lines(con, run_id), 0)


@task(name="link", cache_policy=NO_CACHE)
def link_task(settings: Settings, run_id: str, at: datetime, con) -> int:
    """Link the run's staged articles to their near copies; returns how many are copies."""
    staged = publish.run_files(lambda t: lake.staging_dir(settings.lake_dir, run_id) / t.name)
    rows, new_copies = nearcopies.link_near_copies(con, staged, settings.near_copies, run_id, at)
    table = lake.to_arrow(NEAR_COPIES.schema, rows)
    lake.write_part(settings.lake_dir, run_id, NEAR_COPIES, table, 0)
    return new_copies


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
    started = time.perf_counter()
    lake_dir, run_id = settings.lake_dir, summary.run_id
    files = publish.run_files(lambda t: lake.staging_dir(lake_dir, run_id) / t.name)
    con = duck.connect(settings.warehouse)
    try:
        con.execute("begin")
        if summary.status != "failed":
            try:
                summary.articles_loaded = publish.apply_data(con, files)
                validate_warehouse(con, validator, reports)
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
    if settings.lake_url:
        _mirror(summary, settings)
    publish_artifacts(summary)
    summary.stage_seconds["publish"] = time.perf_counter() - started
    summary.stage_seconds["validate"] = validator.seconds
    summary.stage_cpu_seconds["validate"] = round(validator.cpu_seconds, 3)
    summary.stage_seconds = {k: round(v, 3) for k, v in summary.stage_seconds.items()}
    summary.worker_seconds = {k: round(v, 3) for k, v in summary.worker_seconds.items()}
    return summary


def _mirror(summary: RunSummary, settings: Settings) -> None:
    """Copy the lake's new files to object storage. The run is committed by now: a failed
    copy is reported, and the next run copies whatever is still missing."""
    try:
        summary.mirrored_files = lake.sync(str(settings.lake_dir), settings.lake_url)
    except Exception as exc:  # the store is down or refuses: the warehouse is fine
        summary.mirror_error = f"{type(exc).__name__}: {exc}"


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


def validate_warehouse(
    con, validator: Validator, reports: list[StageReport], rows_per_part: int = 25_000
) -> None:
    """Re-check the whole articles table inside the publish transaction, a part at a time."""
    failures: list[str] = []
    parts = duck.key_partitions(
        con, ARTICLES.name, WAREHOUSE_FRAME.names, "article_id", rows_per_part
    )
    for frame in parts:
        part = validator.validate("warehouse", frame, key="article_id")
        reports.append(part)
        failures += [f for f in part.batch_failures if f not in failures]
    if failures:
        raise PublishRefused("warehouse validation failed: " + "; ".join(failures))


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
    lake_url: str | None = None,
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
    runner: str = "local",
    dask_address: str | None = None,
    ray_address: str | None = None,
    near_copy_threshold: float | None = None,
    shingle_size: int | None = None,
    min_site_docs: int | None = None,
) -> dict[str, Any]:
    """Run the pipeline over a source into a DuckDB warehouse; returns the run summary."""
    base = Settings(
        source=source,
        warehouse=Path(warehouse),
        lake=Path(lake_dir) if lake_dir else None,
        lake_url=lake_url,
        batch_size=batch_size,
        reprocess=reprocess,
        reprocess_since=_day_start(reprocess_since),
        reprocess_only=reprocess_only,
        lock_wait_seconds=wait_seconds,
        runner=runner,
        dask_address=dask_address,
        ray_address=ray_address,
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
    with _timed(summary.stage_seconds, "discover"):
        files, summary.inputs_ignored = discover(settings.source)
    summary.inputs_seen = len(files)
    with WriterLock(settings.warehouse, wait_seconds=settings.lock_wait_seconds):
        validator = Validator(settings.thresholds, at)
        reports: list[StageReport] = []
        # One connection for the run's lookups (opening one costs more than a batch's query);
        # closed before the publish opens its own.
        with contextlib.closing(duck.connect(settings.warehouse)) as con:
            publish.recover_staging(con, settings.lake_dir)
            chrome = SiteChrome(con, settings.min_site_docs)
            try:
                _process_batches(files, chrome, settings, validator, summary, reports, at, con)
                # Writes no part when the run counted nothing.
                stage_site_lines_task(quote(con), settings, summary.run_id)
                with _timed(summary.stage_seconds, "link"):
                    summary.near_copies = link_task(settings, summary.run_id, at, quote(con))
            except Exception as exc:
                summary.status, summary.error = "failed", f"{type(exc).__name__}: {exc}"
        return publish_task(summary, settings, validator, quote(reports), at, clock)


@contextlib.contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started


@dataclass(slots=True)
class BatchPlan:
    """A batch of inputs and what to do with it."""

    part: int
    files: Sequence[InputFile]
    items: list[ToRead]  # the inputs to read (the others are unchanged)
    status: dict[str, str]  # source_uri -> new/changed/reprocessed, if its content changed
    statuses: Counter[str]


@dataclass(slots=True)
class Processed:
    """A batch read, extracted (and validated so far) and normalized, before article checks."""

    plan: BatchPlan
    articles: list[Article]
    rejects: list[Reject]
    reports: list[StageReport]


def _local_batches(plans, settings, validator, at, timings, chrome) -> Iterator[Processed]:
    """Batches on this machine's worker pool, consumed in order.

    The pool works its queue in order, so the stages are queued ahead: the next batch's
    extraction before this batch is counted and checked here, and the one after it before
    this batch's normalization is awaited. The workers then stay busy while the flow
    checks, stages and loads (a third of a text batch's time).
    """
    wall, worker = timings
    limits = settings.read_limits
    plans = iter(plans)
    extracting: deque = deque()

    def queue_extraction(ahead: int) -> None:
        while len(extracting) < ahead and (plan := next(plans, None)) is not None:
            extracting.append((plan, extract_task.submit(quote(plan.items), limits, pool)))

    with StagePool(settings.workers, settings.doc_timeout_seconds) as pool:
        queue_extraction(1)
        while extracting:
            plan, extracted = extracting.popleft()
            with _timed(wall, "extract"):
                ingested, failed = extracted.result()
            queue_extraction(1)
            _add_worker_seconds(worker, ingested)
            progress.advance("extract", len(plan.files))
            docs, rejects, reports = collect_ingested(
                ingested, failed, plan.status, plan.statuses, validator, chrome
            )
            normalized = normalize_task.submit(quote(docs), pool, at, settings.near_copies)
            queue_extraction(2)
            with _timed(wall, "normalize"):
                articles, rejected = normalized.result()
            worker["normalize"] = pool.cpu_seconds(NORMALIZE)
            progress.advance("normalize", len(plan.files))
            yield Processed(plan, articles, rejects + rejected, reports)


@task(name="extract_batch", cache_policy=NO_CACHE)
def extract_batch_task(items: Sequence[ToRead], limits: ReadLimits, seconds: float):
    """Read and extract a batch in one process of the cluster."""
    return extract_batch(items, limits, seconds)


@task(name="normalize_batch", cache_policy=NO_CACHE)
def normalize_batch_task(
    docs: Sequence[ExtractedDocument], now: datetime, scheme: Scheme, seconds: float
):
    """Normalize and index a batch in one process of the cluster."""
    return normalize_batch(docs, now, scheme, seconds)


def _cluster_runner(settings: Settings):
    """The task runner of `--runner dask` or `--runner ray`: the cluster at the given address,
    or a temporary local one of `workers` single-threaded processes."""
    workers = max(settings.workers, 1)
    if settings.runner == "ray":
        from prefect_ray import RayTaskRunner

        if settings.ray_address:
            return RayTaskRunner(address=settings.ray_address)
        return RayTaskRunner(init_kwargs={"num_cpus": workers, "include_dashboard": False})
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True}
    )


def _cluster_slots(settings: Settings, runner) -> int:
    """How many tasks the started runner's cluster runs at once."""
    if settings.runner == "ray":
        import ray

        return max(int(ray.cluster_resources().get("CPU", 1)), 1)
    return max(sum(runner.client.nthreads().values()), 1)


def _cluster_batches(plans, settings, validator, at, timings, chrome) -> Iterator[Processed]:
    """Batches on a Dask or Ray cluster, several in flight in each stage; consumed in order.

    Each batch goes out twice: to be read and extracted, and, once back here to be counted,
    validated and cleared of its sites' chrome in batch order as on a local run, to be
    normalized.
    """
    wall, worker = timings
    plans = iter(plans)
    first = next(plans, None)
    if first is None:
        return  # nothing to read: no cluster to start or connect to
    runner = _cluster_runner(settings)
    with runner:
        in_flight = 2 * _cluster_slots(settings, runner)
        extracting: deque = deque()
        normalizing: deque = deque()

        def hand_over() -> None:
            """The oldest extraction, checked here, out to be normalized."""
            plan, future = extracting.popleft()
            with _timed(wall, "extract"):
                ingested, failed = future.result()
            _add_worker_seconds(worker, ingested)
            progress.advance("extract", len(plan.files))
            docs, rejects, reports = collect_ingested(
                ingested, failed, plan.status, plan.statuses, validator, chrome
            )
            parameters = {
                "docs": docs,
                "now": at,
                "scheme": settings.near_copies,
                "seconds": settings.doc_timeout_seconds,
            }
            future = runner.submit(normalize_batch_task, parameters)
            normalizing.append((plan, future, rejects, reports))

        def finish() -> Processed:
            plan, future, rejects, reports = normalizing.popleft()
            with _timed(wall, "normalize"):
                done: Normalized = future.result()
            worker["normalize"] = worker.get("normalize", 0.0) + done.seconds
            progress.advance("normalize", len(plan.files))
            return Processed(plan, done.articles, rejects + done.rejects, reports)

        for plan in itertools.chain([first], plans):
            parameters = {
                "items": plan.items,
                "limits": settings.read_limits,
                "seconds": settings.doc_timeout_seconds,
            }
            extracting.append((plan, runner.submit(extract_batch_task, parameters)))
            if len(extracting) >= in_flight:
                hand_over()
            if len(normalizing) >= in_flight:
                yield finish()
        while extracting:
            hand_over()
        while normalizing:
            yield finish()


def _add_worker_seconds(worker: dict[str, float], ingested: Sequence[Ingested]) -> None:
    for i in ingested:
        for stage, seconds in i.seconds.items():
            worker[stage] = worker.get(stage, 0.0) + seconds


def _plans(files, con, settings, statuses: Counter[str]) -> Iterator[BatchPlan]:
    """Batches with something to read; batches of unchanged inputs are only counted. The
    ledger is read a batch at a time, so the flow never holds the whole of it."""
    for part, batch in enumerate(chunks(files, settings.batch_size)):
        ledger = duck.read_ledger(con, [f.source_uri for f in batch])
        items, status, batch_statuses = plan_batch(batch, ledger, settings)
        if items:
            yield BatchPlan(part, batch, items, status, batch_statuses)
        else:
            statuses.update(batch_statuses)
            progress.skip(len(batch))


def _process_batches(files, chrome, settings, validator, summary, reports, at, con):
    run_article_ids: set[str] = set()
    reasons: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    timings = summary.stage_seconds, summary.worker_seconds
    produce = _local_batches if settings.runner == "local" else _cluster_batches
    plans = _plans(files, con, settings, statuses)
    progress.start(len(files))
    for processed in produce(plans, settings, validator, at, timings, chrome):
        plan = processed.plan
        articles, failed, report = validate_articles(processed.articles, validator)
        rejects = processed.rejects + failed
        with _timed(summary.stage_seconds, "dedup"):
            held = set()
            if articles:
                held = duck.articles_held_elsewhere(
                    con, [(a.article_id, a.source_uri) for a in articles]
                )
            firsts, copies = stages.split_duplicates(articles, run_article_ids | held)
        run_article_ids.update(a.article_id for a in firsts)
        result = BatchResult(firsts, copies, rejects, plan.statuses, [*processed.reports, report])
        by_uri = {f.source_uri: f for f in plan.files}
        inputs = input_rows(result, by_uri, summary.run_id)
        with _timed(summary.stage_seconds, "stage"):
            stage_task(
                quote(result),
                quote(inputs),
                quote(by_uri),
                settings=settings,
                run_id=summary.run_id,
                at=at,
                part=plan.part,
            )
        statuses.update(plan.statuses)
        progress.advance("load", len(plan.files))
        summary.duplicates += len(copies)
        summary.quarantined += len(rejects)
        reasons.update(f"{r.stage}/{r.reason}" for r in rejects)
        # Summed as the run goes: the batches' reports would otherwise pile up.
        reports[:] = [StageReport("batches", merge_results([*reports, *result.reports]))]
    summary.inputs_new = statuses["new"]
    summary.inputs_changed = statuses["changed"]
    summary.inputs_reprocessed = statuses["reprocessed"]
    summary.inputs_unchanged = statuses["unchanged"]
    summary.quarantine_reasons = dict(reasons.most_common())
