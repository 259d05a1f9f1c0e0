"""The newsetl Prefect flow: discover -> ingest -> extract -> normalize -> load, in batches."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from expectations.frames import arrow_frame, extracted_frame, raw_frame
from expectations.suites import StageReport, Validator, merge_results
from flows.settings import Settings
from flows.sources import InputFile, discover
from transforms import pipeline as stages
from transforms.ingest import STAGE as INGEST
from transforms.ingest import ingest_bytes
from transforms.records import Article, Reject
from warehouse import duck, lake
from warehouse.rows import article_rows, caption_rows, quarantine_rows
from warehouse.schema import (
    ARTICLES,
    CAPTIONS,
    INPUTS,
    PIPELINE_RUNS,
    QUALITY_RESULTS,
    QUARANTINE,
    WAREHOUSE_FRAME,
)


class AccountingError(RuntimeError):
    """Inputs discovered != loaded + duplicates + quarantined + unchanged."""


@dataclass(slots=True)
class BatchResult:
    """What one batch produced, for staging and the run report."""

    articles: list[Article] = field(default_factory=list)
    copies: list[Article] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    unchanged: int = 0
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
    inputs_unchanged: int = 0
    articles_loaded: int = 0
    duplicates: int = 0
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


def _keep_valid(records: list, report: StageReport, stage: str) -> tuple[list, list[Reject]]:
    """Split records by the record-level failures of a validation report."""
    if not report.rejected:
        return records, []
    kept, rejects = [], []
    for r in records:
        failure = report.rejected.get(r.source_uri)
        if failure is None:
            kept.append(r)
        else:
            rejects.append(
                Reject(
                    r.source_uri,
                    f"validate_{stage}",
                    failure[0],
                    failure[1],
                    r.input_hash,
                    getattr(r, "size_bytes", None),
                )
            )
    return kept, rejects


@task(name="ingest", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def ingest_task(files: Sequence[InputFile], ledger: dict, settings: Settings, validator: Validator):
    """Read and decode a batch of files, skipping versions the ledger already holds."""
    raws, rejects, unchanged = [], [], 0
    for f in files:
        known = ledger.get(f.source_uri)
        if known and known[1] == f.size_bytes and known[2] == f.modified_at:
            unchanged += 1
            continue
        if f.size_bytes > settings.max_input_bytes:
            rejects.append(
                Reject(
                    f.source_uri,
                    INGEST,
                    "too_large",
                    f"{f.size_bytes} bytes is over the limit of {settings.max_input_bytes}",
                    "",
                    f.size_bytes,
                )
            )
            continue
        try:
            data = f.path.read_bytes()
        except OSError as exc:
            rejects.append(
                Reject(
                    f.source_uri,
                    INGEST,
                    "unreadable",
                    f"{type(exc).__name__}: {exc}",
                    "",
                    f.size_bytes,
                )
            )
            continue
        result = ingest_bytes(
            f.source_uri,
            data,
            modified_at=f.modified_at,
            max_input_bytes=settings.max_input_bytes,
            max_decompressed_bytes=settings.max_decompressed_bytes,
        )
        if known and result.input_hash == known[0]:
            unchanged += 1  # touched but not changed
        else:
            (rejects if isinstance(result, Reject) else raws).append(result)
    report = validator.validate("raw", raw_frame(raws))
    raws, failed = _keep_valid(raws, report, "raw")
    return raws, rejects + failed, unchanged, report


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(raws, validator: Validator):
    """Extract a batch and validate what came out."""
    docs, rejects = stages.extract_batch(raws)
    report = validator.validate("extracted", extracted_frame(docs))
    docs, failed = _keep_valid(docs, report, "extracted")
    return docs, rejects + failed, report


@task(name="normalize", cache_policy=NO_CACHE)
def normalize_task(docs, validator: Validator, now: datetime):
    """Normalize a batch and validate the article rows."""
    articles, rejects = stages.normalize_batch(docs, now=now)
    table = lake.to_arrow(_article_stage_schema(), article_rows(articles))
    report = validator.validate("articles", arrow_frame(table))
    articles, failed = _keep_valid(articles, report, "articles")
    return articles, rejects + failed, report


def _article_stage_schema() -> pa.Schema:
    schema = ARTICLES.schema
    for name in ("ingested_at", "run_id"):
        schema = schema.remove(schema.get_field_index(name))
    return schema


@task(name="stage", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def stage_task(result: BatchResult, *, lake_dir: Path, run_id: str, at: datetime, part: int):
    """Write a batch's article, caption and quarantine rows as staged Parquet parts."""
    rows = [{**row, "ingested_at": at, "run_id": run_id} for row in article_rows(result.articles)]
    lake.write_part(lake_dir, run_id, ARTICLES, lake.to_arrow(ARTICLES.schema, rows), part)
    lake.write_part(
        lake_dir,
        run_id,
        CAPTIONS,
        lake.to_arrow(CAPTIONS.schema, caption_rows(result.articles, run_id)),
        part,
    )
    lake.write_part(
        lake_dir,
        run_id,
        QUARANTINE,
        lake.to_arrow(QUARANTINE.schema, quarantine_rows(result.rejects, run_id, at)),
        part,
    )


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(
    con,
    summary: RunSummary,
    settings: Settings,
    validator: Validator,
    reports: list[StageReport],
    inputs: list[dict],
    at: datetime,
    clock: float,
) -> RunSummary:
    """Merge the run's Parquet into DuckDB in one transaction, re-validated before commit."""
    lake_dir, run_id = settings.lake_dir, summary.run_id
    lake.write_part(lake_dir, run_id, INPUTS, lake.to_arrow(INPUTS.schema, inputs), 0)
    con.execute("begin")
    try:
        for table in (ARTICLES, CAPTIONS, QUARANTINE, INPUTS):
            added = duck.merge_parquet(con, table, lake.staged_files(lake_dir, run_id, table))
            if table is ARTICLES:
                summary.articles_loaded = added
        frame = con.execute(f"select {', '.join(WAREHOUSE_FRAME.names)} from articles").df()
        final = validator.validate("warehouse", frame, key="article_id")
        reports = [*reports, final]
        if final.batch_failures:
            raise AccountingError("warehouse validation failed: " + "; ".join(final.batch_failures))
        _check_accounting(summary)
    except Exception as exc:
        con.execute("rollback")
        summary.status, summary.error = "failed", f"{type(exc).__name__}: {exc}"
        for table in (ARTICLES, CAPTIONS, QUARANTINE, INPUTS):
            for part in lake.staged_files(lake_dir, run_id, table):
                part.unlink()
        con.execute("begin")
    summary.seconds = round(time.monotonic() - clock, 3)
    _record_run(con, summary, settings, reports, at)
    con.execute("commit")
    lake.promote(lake_dir, run_id)
    return summary


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
            "run_id": run_id,
        }
        for uri, digest, outcome, article_id in outcomes
    ]


def _check_accounting(s: RunSummary) -> None:
    accounted = s.articles_loaded + s.duplicates + s.quarantined + s.inputs_unchanged
    if accounted != s.inputs_seen:
        raise AccountingError(
            f"{s.inputs_seen} inputs seen but {accounted} accounted for "
            f"(loaded {s.articles_loaded}, duplicates {s.duplicates}, "
            f"quarantined {s.quarantined}, unchanged {s.inputs_unchanged})"
        )


def _record_run(con, s: RunSummary, settings: Settings, reports, at: datetime) -> None:
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
    lake_dir = settings.lake_dir
    for table, rows in ((QUALITY_RESULTS, quality), (PIPELINE_RUNS, [run_row])):
        lake.write_part(lake_dir, s.run_id, table, lake.to_arrow(table.schema, rows), 0)
        duck.merge_parquet(con, table, lake.staged_files(lake_dir, s.run_id, table))


@flow(name="newsetl", log_prints=False, validate_parameters=False)
def newsetl_flow(
    source: str,
    warehouse: str,
    lake_dir: str | None = None,
    batch_size: int = 500,
    max_input_bytes: int | None = None,
) -> dict[str, Any]:
    """Run the pipeline over a source into a DuckDB warehouse; returns the run summary."""
    base = Settings(
        source=source,
        warehouse=Path(warehouse),
        lake=Path(lake_dir) if lake_dir else None,
        batch_size=batch_size,
    )
    settings = replace(base, max_input_bytes=max_input_bytes or base.max_input_bytes)
    return run_pipeline(settings).as_dict()


def run_pipeline(settings: Settings) -> RunSummary:
    """The flow's body: plain Python calling the batch tasks."""
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
    con = duck.connect(settings.warehouse)
    try:
        ledger = duck.read_ledger(con)
        validator = Validator(settings.thresholds, at)
        run_ids: set[str] = set()
        reports: list[StageReport] = []
        reasons: Counter[str] = Counter()
        inputs: list[dict] = []
        for part, batch in enumerate(chunks(files, settings.batch_size)):
            raws, rejects, unchanged, r1 = ingest_task(
                quote(batch), quote(ledger), settings, validator
            )
            docs, rejected, r2 = extract_task(quote(raws), validator)
            rejects += rejected
            articles, rejected, r3 = normalize_task(quote(docs), validator, at)
            rejects += rejected
            known = run_ids | duck.existing_article_ids(con, [a.article_id for a in articles])
            firsts, copies = stages.split_duplicates(articles, known)
            run_ids.update(a.article_id for a in firsts)
            result = BatchResult(firsts, copies, rejects, unchanged, [r1, r2, r3])
            stage_task(
                quote(result), lake_dir=settings.lake_dir, run_id=summary.run_id, at=at, part=part
            )
            inputs += input_rows(result, {f.source_uri: f for f in batch}, summary.run_id)
            summary.inputs_unchanged += unchanged
            summary.duplicates += len(copies)
            summary.quarantined += len(rejects)
            reasons.update(f"{r.stage}/{r.reason}" for r in rejects)
            reports += result.reports
        summary.quarantine_reasons = dict(reasons.most_common())
        return publish_task(
            con, summary, settings, validator, quote(reports), quote(inputs), at, clock
        )
    finally:
        con.close()
