"""`newsetl report`: the warehouse's charts and the Data Docs of its suites, as files."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path

from warehouse import duck, report
from warehouse.schema import ARTICLE_FRAME, WAREHOUSE_FRAME


def write_report(warehouse: Path, out: Path, *, data_docs: bool = True) -> dict[str, Path]:
    """Write the HTML report (and a Data Docs site beside it); returns the files written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(duck.connect(warehouse, read_only=True)) as con:
        pages: dict[str, Path] = {}
        if data_docs:
            pages = _data_docs(con, out.with_name(out.stem + "_data_docs"))
        links = {_LABELS[name]: os.path.relpath(path, out.parent) for name, path in pages.items()}
        out.write_text(report.render(con, links, str(warehouse)), encoding="utf-8")
    return {"report": out, **pages}


_LABELS = {
    "index": "Data Docs home: every stage's expectation suite and validation results",
    "articles": "Validation of the latest run's articles (articles suite)",
    "warehouse": "Validation of the whole articles table (warehouse suite)",
}


def _data_docs(con, site_dir: Path) -> dict[str, Path]:
    from expectations.suites import Thresholds, Validator  # GX imports slowly: only here

    latest = (
        f"select {', '.join(ARTICLE_FRAME.names)} from articles "
        "where run_id = (select max(run_id) from articles)"
    )
    whole = f"select {', '.join(WAREHOUSE_FRAME.names)} from articles"
    frames = {"articles": con.execute(latest).df(), "warehouse": con.execute(whole).df()}
    validator = Validator(Thresholds(), datetime.now(UTC))
    return validator.build_data_docs({k: v for k, v in frames.items() if not v.empty}, site_dir)
