"""The run report: one self-contained HTML page of charts over the warehouse.

Charts are inline SVG drawn here, so the page needs no script, font or network: it opens
from a file, in a mail attachment or behind a firewall alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape

import duckdb

from warehouse.duck import columns, sql

PALETTE = ("#2f6fb0", "#e07b39", "#3f9f5f", "#c44e52", "#8172b2", "#937860", "#8c8c8c")
WIDTH = 760
TOP_PUBLISHERS = 6
RUNS_SHOWN = 20


def _axis(left: int, y: float) -> str:
    return f'<line x1="{left}" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="#999"/>'


def _svg(title: str, height: int, body: list[str], legend: Sequence[str] = ()) -> str:
    keys = "".join(
        f'<span class="key"><i style="background:{PALETTE[i % len(PALETTE)]}"></i>'
        f"{escape(name)}</span>"
        for i, name in enumerate(legend)
    )
    return (
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>'
        f'<div class="legend">{keys}</div></figure>'
    )


def _empty(title: str) -> str:
    return (
        f'<figure class="chart empty"><figcaption>{escape(title)}</figcaption>'
        "<p>No data yet.</p></figure>"
    )


def bar_chart(title: str, rows: Sequence[tuple[str, float]], unit: str = "") -> str:
    """Horizontal bars, one per (label, value)."""
    if not rows:
        return _empty(title)
    top = max(v for _, v in rows) or 1
    left, row_h = 230, 24
    body = []
    for i, (label, value) in enumerate(rows):
        y = 8 + i * row_h
        w = (WIDTH - left - 80) * value / top
        body.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(label[:34])}</text>'
            f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {value:g}{unit}</title></rect>'
            f'<text x="{left + w + 6:.1f}" y="{y + 15}">{value:g}{unit}</text>'
        )
    return _svg(title, 16 + len(rows) * row_h, body)


def stacked_columns(
    title: str, columns: Sequence[str], series: Mapping[str, Mapping[str, float]]
) -> str:
    """Vertical columns (one per x label), stacked by series name."""
    if not columns:
        return _empty(title)
    names = sorted(series)
    totals = {c: sum(series[n].get(c, 0) for n in names) for c in columns}
    top = max(totals.values()) or 1
    left, bottom, height = 48, 40, 260
    step = (WIDTH - left - 10) / len(columns)
    body = [
        _axis(left, height - bottom),
        f'<text x="{left - 6}" y="16" text-anchor="end">{top:g}</text>',
    ]
    for i, column in enumerate(columns):
        x = left + i * step
        y = height - bottom
        for k, name in enumerate(names):
            value = series[name].get(column, 0)
            if not value:
                continue
            h = (height - bottom - 20) * value / top
            y -= h
            body.append(
                f'<rect class="bar" x="{x + 1:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                f"<title>{escape(column)} {escape(name)}: {value:g}</title></rect>"
            )
        if len(columns) <= 12 or i % max(len(columns) // 8, 1) == 0:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{escape(column)}</text>'
            )
    return _svg(title, height, body, names)


def histogram(title: str, values: Sequence[float], lo: float, hi: float, bins: int = 10) -> str:
    """Counts of values in equal bins between lo and hi."""
    if not values:
        return _empty(title)
    width = (hi - lo) / bins or 1
    counts = [0] * bins
    for v in values:
        counts[min(max(int((v - lo) / width), 0), bins - 1)] += 1
    digits = "{:.2f}" if hi - lo <= 10 else "{:,.0f}"
    labels = [
        f"{digits.format(lo + i * width)}–{digits.format(lo + (i + 1) * width)}"
        for i in range(bins)
    ]
    return stacked_columns(title, labels, {"articles": dict(zip(labels, counts, strict=True))})


def _rows(con: duckdb.DuckDBPyConnection, query: str, params=None) -> list[tuple]:
    return con.execute(query, params or {}).fetchall()


def _quality_chart(con: duckdb.DuckDBPyConnection) -> str:
    if "extraction_quality" in columns(con, "articles"):
        values = [r[0] for r in _rows(con, sql("report_extraction_quality"))]
        return histogram("Extraction quality (confidence per article)", values, 0.0, 1.0)
    values = [r[0] for r in _rows(con, sql("report_word_counts"))]
    return histogram("Article length (words)", values, 0, max(values or [1]))


def charts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The report's charts, as SVG figures."""
    by_day: dict[str, dict[str, float]] = defaultdict(dict)
    days = []
    for day, publisher, n in _rows(con, sql("report_articles_by_day"), {"top": TOP_PUBLISHERS}):
        label = day.isoformat() if day else "(undated)"
        if label not in days:
            days.append(label)
        by_day[publisher][label] = n
    runs = _rows(con, sql("report_runs"), {"runs": RUNS_SHOWN})
    run_ids = [r[0] for r in reversed(runs)]
    rates: dict[str, dict[str, float]] = defaultdict(dict)
    for run_id, stage, pass_rate in _rows(con, sql("report_pass_rates"), {"ids": run_ids}):
        rates[stage][run_id[:15]] = float(pass_rate)
    return [
        stacked_columns("Articles over time, by publisher", days, by_day),
        bar_chart(
            "Languages (articles)",
            _rows(con, sql("report_languages")),
        ),
        _quality_chart(con),
        _grouped_rates("Validation pass rate per stage, by run", [r[:15] for r in run_ids], rates),
        bar_chart(
            "Quarantine reasons (inputs now in quarantine)",
            _rows(con, sql("report_quarantine")),
        ),
    ]


def _grouped_rates(
    title: str, runs: Sequence[str], rates: Mapping[str, Mapping[str, float]]
) -> str:
    """One group of bars per run, one bar per stage, heights the pass rate (0 to 1)."""
    if not runs:
        return _empty(title)
    stages = sorted(rates)
    left, bottom, height = 48, 40, 220
    step = (WIDTH - left - 10) / len(runs)
    bar = max(step / (len(stages) + 1), 1)
    body = [
        _axis(left, height - bottom),
        f'<text x="{left - 6}" y="24" text-anchor="end">100%</text>',
    ]
    for i, run in enumerate(runs):
        for k, stage in enumerate(stages):
            rate = rates[stage].get(run)
            if rate is None:
                continue
            h = (height - bottom - 20) * rate
            body.append(
                f'<rect class="bar" x="{left + i * step + k * bar:.1f}" '
                f'y="{height - bottom - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                f"<title>{escape(run)} {escape(stage)}: {rate:.1%}</title></rect>"
            )
        if len(runs) <= 8:
            body.append(
                f'<text x="{left + i * step + step / 2:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{escape(run)}</text>'
            )
    return _svg(title, height, body, stages)


def render(con: duckdb.DuckDBPyConnection, data_docs: Mapping[str, str], warehouse: str) -> str:
    """The whole report page; data_docs maps a label to a link into the Data Docs site."""
    runs = _rows(con, sql("report_runs"), {"runs": RUNS_SHOWN})
    header = (
        "run",
        "started (UTC)",
        "status",
        "inputs",
        "loaded",
        "exact copies",
        "near copies",
        "quarantined",
        "failed checks",
        "seconds",
    )
    table = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>" for row in runs
    )
    docs = "".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a></li>'
        for label, href in data_docs.items()
    )
    totals = _rows(con, sql("report_totals"))[0]
    summary = (
        f"{totals[0]} articles, {totals[1]} copies seen, {totals[2]} near copies linked, "
        f"{totals[3]} inputs in quarantine"
    )
    return _PAGE.format(
        warehouse=escape(warehouse),
        made=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        summary=escape(summary),
        charts="".join(charts(con)),
        head="".join(f"<th>{escape(h)}</th>" for h in header),
        rows=table,
        docs=docs or "<li>No Data Docs were built.</li>",
    )


def _cell(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsetl report</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 820px; color: #222; }}
h1 {{ font-size: 1.5rem; margin-bottom: .2rem; }}
.meta {{ color: #666; margin-top: 0; }}
.chart {{ margin: 1.6rem 0; }}
figcaption {{ font-weight: 600; margin-bottom: .4rem; }}
svg text {{ font-size: 11px; fill: #333; }}
.legend .key {{ margin-right: 1rem; font-size: 12px; }}
.legend i {{ display: inline-block; width: 10px; height: 10px; margin-right: 4px; }}
table {{ border-collapse: collapse; font-size: 12px; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; }}
</style></head>
<body>
<h1>newsetl report</h1>
<p class="meta">Warehouse <code>{warehouse}</code>, made {made}. {summary}.</p>
{charts}
<h2>Runs</h2>
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>
<h2>Great Expectations Data Docs</h2>
<p>The stage suites, validated again over the latest run's articles and the whole warehouse:</p>
<ul class="docs">{docs}</ul>
</body></html>
"""
