"""Great Expectations suites, one per stage, derived from the declared schemas."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from warehouse.schema import ARTICLE_FRAME, EXTRACTED_FRAME, RAW_FRAME, WAREHOUSE_FRAME

if TYPE_CHECKING:
    import pandas as pd

# ISO 639-1: the two-letter language codes `language` may hold.
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
    ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
    ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
    ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
    yo za zh zu
    """.split()  # noqa: SIM905 - a list literal would take 184 lines
)
# What a person's name never holds: an email or a link, digits, or the words of bylines that
# name a desk, a wire or a call to action ("Staff", "CNN Wire", "Email the author").
NOT_A_NAME = (
    r"(?i)@|https?://|www\.|\d|\b(?:staff|team|desk|newsroom|editorial|editors|newsletter|"
    r"e-?mail|subscribe|read more|share|follow|admin|contributors|wire|news|press|agenc(?:y|ies))\b"
)

RECORD = "record"  # failing rows go to quarantine with the rule's reason
BATCH = "batch"  # any failure stops the publish; the warehouse keeps its last good state
WARN = "warn"  # recorded in quality_results only

STAGES = ("raw", "extracted", "articles", "warehouse")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Record-level limits the suites check."""

    max_text_chars: int = 2_000_000
    min_text_chars: int = 100
    min_words: int = 20


@dataclass(slots=True)
class StageReport:
    """Outcome of validating one batch at one stage."""

    stage: str
    results: list[dict[str, Any]] = field(default_factory=list)
    rejected: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (reason, detail)
    batch_failures: list[str] = field(default_factory=list)


def _schema_rules(gxe, schema: pa.Schema, unique: str | None) -> Iterator:
    yield gxe.ExpectTableColumnsToMatchSet(
        column_set=list(schema.names), exact_match=True, meta={"scope": BATCH}
    )
    for f in schema:
        if not f.nullable:
            yield gxe.ExpectColumnValuesToNotBeNull(column=f.name, meta={"scope": BATCH})
    if unique:
        yield gxe.ExpectColumnValuesToBeUnique(column=unique, meta={"scope": BATCH})


def _stage_rules(gxe, stage: str, limits: Thresholds, now: datetime) -> list:
    def record(reason: str) -> dict[str, str]:
        return {"scope": RECORD, "reason": reason}

    if stage == "raw":
        return [
            *_schema_rules(gxe, RAW_FRAME, "source_uri"),
            gxe.ExpectColumnValuesToBeInSet(
                column="input_format", value_set=["html", "text"], meta=record("unknown_format")
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="text_chars",
                min_value=1,
                max_value=limits.max_text_chars,
                meta=record("text_too_long"),
            ),
        ]
    if stage == "extracted":
        return [
            *_schema_rules(gxe, EXTRACTED_FRAME, "source_uri"),
            gxe.ExpectColumnValuesToBeBetween(
                column="text_chars",
                min_value=limits.min_text_chars,
                meta=record("text_too_short"),
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="title", mostly=0.5, meta={"scope": WARN}),
        ]
    if stage == "articles":
        return [
            *_schema_rules(gxe, ARTICLE_FRAME, "article_id"),
            gxe.ExpectColumnValuesToBeBetween(
                column="word_count", min_value=limits.min_words, meta=record("too_few_words")
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="language", value_set=sorted(ISO_639_1), meta=record("bad_language_code")
            ),
            # Lists are checked through their printed form: one bad item fails the row.
            gxe.ExpectColumnValuesToNotMatchRegex(
                column="authors", regex=NOT_A_NAME, meta=record("author_not_a_name")
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="date_confidence", min_value=0, max_value=1, meta={"scope": BATCH}
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="language_confidence", min_value=0, max_value=1, meta={"scope": BATCH}
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="published_at", max_value=now, meta=record("future_date")
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="title", mostly=0.5, meta={"scope": WARN}),
            gxe.ExpectColumnValuesToNotBeNull(column="language", mostly=0.9, meta={"scope": WARN}),
        ]
    if stage == "warehouse":
        return [*_schema_rules(gxe, WAREHOUSE_FRAME, "article_id")]
    raise ValueError(f"unknown stage {stage!r}")


class Validator:
    """Runs the stage suites on DataFrames; build once per run (GX imports slowly)."""

    def __init__(self, limits: Thresholds, now: datetime):
        import great_expectations as gx
        import great_expectations.expectations as gxe

        # GX logs each ephemeral docs folder it makes, from a module that pins its own level.
        logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)

        self._gx = gx
        self.seconds = 0.0  # wall seconds spent validating, for the run's timings
        self.cpu_seconds = 0.0  # and CPU seconds of the validating thread
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = {"globally": False}
        source = self.context.data_sources.add_pandas("newsetl")
        self._definitions = {}
        for stage in STAGES:
            batch = source.add_dataframe_asset(stage).add_batch_definition_whole_dataframe(stage)
            suite = self.context.suites.add(
                gx.ExpectationSuite(
                    name=f"newsetl.{stage}", expectations=_stage_rules(gxe, stage, limits, now)
                )
            )
            self._definitions[stage] = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=f"validate.{stage}", data=batch, suite=suite)
            )

    def validate(self, stage: str, frame: pd.DataFrame, key: str = "source_uri") -> StageReport:
        """Validate one batch; rows failing record rules are returned keyed by `key`."""
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            return self._validate(stage, frame, key)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu_seconds += time.thread_time() - cpu_started

    def _validate(self, stage: str, frame: pd.DataFrame, key: str) -> StageReport:
        report = StageReport(stage)
        if frame.empty:
            return report
        definition = self._definitions[stage]
        result = definition.run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [key]},
        )
        for item in result.results:
            config = item.expectation_config
            meta = config.meta or {}
            scope = meta.get("scope", BATCH)
            column = config.kwargs.get("column") or ""
            res = item.result or {}
            raised = (item.exception_info or {}).get("raised_exception")
            success = bool(item.success) and not raised
            report.results.append(
                {
                    "stage": stage,
                    "suite": definition.suite.name,
                    "expectation": config.type,
                    "column_name": column,
                    "scope": scope,
                    "success": success,
                    "element_count": res.get("element_count", len(frame)),
                    "unexpected_count": res.get("unexpected_count", 0 if success else None),
                    "observed_value": None
                    if res.get("observed_value") is None
                    else str(res["observed_value"])[:500],
                }
            )
            if success:
                continue
            if scope == RECORD and not raised:
                detail = f"{config.type} on {column}"
                for row in res.get("unexpected_index_list") or []:
                    value = row.get(column)
                    report.rejected.setdefault(
                        row[key], (meta["reason"], f"{detail}: {str(value)[:200]!s}")
                    )
            elif scope == BATCH or raised:
                why = (item.exception_info or {}).get("exception_message") or ""
                report.batch_failures.append(f"{config.type}({column}) failed {why}".strip())
        return report

    def build_data_docs(self, frames: dict[str, pd.DataFrame], site_dir: Path) -> dict[str, Path]:
        """Validate each stage's frame through a checkpoint that writes a Data Docs site.

        Returns the site's pages: "index", and one validation page per stage validated.
        """
        gx, context = self._gx, self.context
        context.add_data_docs_site(
            "newsetl",
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(site_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        for stage, frame in frames.items():
            checkpoint = context.checkpoints.add(
                gx.Checkpoint(
                    name=f"docs.{stage}",
                    validation_definitions=[self._definitions[stage]],
                    actions=[
                        gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["newsetl"])
                    ],
                )
            )
            checkpoint.run(batch_parameters={"dataframe": frame})
        context.build_data_docs(site_names=["newsetl"])
        pages = {"index": site_dir / "index.html"}
        for stage in frames:
            found = sorted((site_dir / "validations" / "newsetl" / stage).rglob("*.html"))
            if found:
                pages[stage] = found[-1]
        return pages


def merge_results(reports: list[StageReport]) -> list[dict[str, Any]]:
    """One row per stage and expectation, summing counts over a run's batches."""
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for report in reports:
        for row in report.results:
            k = (row["stage"], row["expectation"], row["column_name"])
            if k not in merged:
                merged[k] = dict(row)
                continue
            m = merged[k]
            m["success"] = m["success"] and row["success"]
            m["element_count"] = (m["element_count"] or 0) + (row["element_count"] or 0)
            m["unexpected_count"] = (m["unexpected_count"] or 0) + (row["unexpected_count"] or 0)
            m["observed_value"] = row["observed_value"] or m["observed_value"]
    return list(merged.values())
