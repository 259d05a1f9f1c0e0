"""Site-level chrome across runs: real flow, real DuckDB file, counts kept in site_lines."""

from __future__ import annotations

import duckdb
import pytest

from flows.pipeline import newsetl_flow
from transforms.sitechrome import line_hash

pytestmark = pytest.mark.flow

FOOTER = (
    "The Harbour Ledger is an independent newsroom funded by readers like you, and every "
    "story we publish depends on that support."
)
TOPICS = ("ferry timetable", "harbour dredging", "fish market", "lighthouse repairs")


def page(n: int) -> str:
    topic = TOPICS[n]
    body = "".join(
        f"<p>Paragraph {k} on the {topic}: council members met on Tuesday evening and voted "
        f"to spend more on the {topic} after residents had complained for several months.</p>"
        for k in range(4)
    )
    return (
        f"<html><head><title>News on the {topic}</title>"
        f'<link rel="canonical" href="https://www.harbour-ledger.test/{n}"></head><body>'
        f"<article><h1>News on the {topic}</h1>{body}<p>{FOOTER}</p></article></body></html>"
    )


def texts(warehouse) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [row[0] for row in con.execute("select text from articles order by url").fetchall()]
    finally:
        con.close()


def test_a_later_run_drops_a_footer_earlier_runs_counted(prefect_server, tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    for n in range(2):
        (landing / f"{n}.html").write_text(page(n))
    newsetl_flow(source=str(landing), warehouse=str(warehouse))
    # Two pages of one site: not yet enough to call the footer chrome.
    assert all("independent newsroom" in t for t in texts(warehouse))

    for n in range(2, 4):
        (landing / f"{n}.html").write_text(page(n))
    second = newsetl_flow(source=str(landing), warehouse=str(warehouse))
    assert second["articles_loaded"] == 2
    old, new = texts(warehouse)[:2], texts(warehouse)[2:]
    assert all("independent newsroom" in t for t in old)
    assert not any("independent newsroom" in t for t in new)
    assert all("Paragraph 3 on the" in t for t in new)

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        documents = con.execute(
            "select documents from site_lines where site = ? and line_hash = ?",
            ["harbour-ledger.test", line_hash(FOOTER)],
        ).fetchone()
    finally:
        con.close()
    assert documents == (4,)
