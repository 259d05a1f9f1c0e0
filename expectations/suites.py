"""Great Expectations suites, one per stage, derived from the declared schemas."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from warehouse.schema import ARTICLE_FRAME, EXTRACTED_FRAME, RAW_FRAME, WAREHOUSE_FRAME

if TYPE_CHECKING:
    import pandas as pd

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
            gxe.ExpectColumnValuesToMatchRegex(
                column="language", regex=r"^[a-z]{2}$", meta=record("bad_language_code")
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
        self.seconds = 0.0  # spent validating, for the run's timings
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
        started = time.perf_counter()
        try:
            return self._validate(stage, frame, key)
        finally:
            self.seconds += time.perf_counter() - started

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
