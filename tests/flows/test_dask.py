"""The Dask runner: the real flow with its batches on a local multi-process Dask cluster."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from flows.pipeline import newsetl_flow
from tests.conftest import SAMPLES
from tests.flows.test_site_chrome import TOPICS, page

pytestmark = pytest.mark.flow

ARTICLE_SET = (
    "select article_id, source_uri, title, text, language, publisher, authors, published_at "
    "from articles order by article_id"
)


def articles(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(ARTICLE_SET).fetchall(), con.execute(
            "select source_uri, outcome from inputs order by source_uri"
        ).fetchall()
    finally:
        con.close()


def site_lines(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select site, line_hash, documents from site_lines order by all"
        ).fetchall()
    finally:
        con.close()


def test_the_dask_runner_loads_what_the_local_runner_loads(prefect_server, tmp_path):
    from distributed import LocalCluster

    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES, landing)
    (landing / "empty.txt").write_bytes(b"")
    shutil.copy(next((landing / "seeds").glob("*.txt")), landing / "copy-of-a-seed.txt")
    # Pages of one site sharing a footer: the later batches drop it as the site's chrome.
    for n in range(len(TOPICS)):
        (landing / f"site-{n}.html").write_text(page(n))
    local = newsetl_flow(
        source=str(landing), warehouse=str(tmp_path / "local.duckdb"), batch_size=3
    )
    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        # Batches of 3: five tasks, several in flight at once.
        remote = newsetl_flow(
            source=str(landing),
            warehouse=str(tmp_path / "dask.duckdb"),
            batch_size=3,
            runner="dask",
            dask_address=cluster.scheduler_address,
        )
    assert remote["status"] == "success", remote["error"]
    keys = ("inputs_seen", "articles_loaded", "duplicates", "quarantined", "quarantine_reasons")
    assert {k: remote[k] for k in keys} == {k: local[k] for k in keys}
    assert (remote["articles_loaded"], remote["duplicates"], remote["quarantined"]) == (15, 1, 1)
    assert articles(tmp_path / "dask.duckdb") == articles(tmp_path / "local.duckdb")
    assert site_lines(tmp_path / "dask.duckdb") == site_lines(tmp_path / "local.duckdb")
    texts = [row[3] for row in articles(tmp_path / "dask.duckdb")[0] if "/site-" in row[1]]
    assert len(texts) == len(TOPICS)
    assert sum("independent newsroom" not in t for t in texts) >= 1
    for summary in (local, remote):
        assert summary["worker_seconds"]["extract"] > 0
        assert summary["worker_seconds"]["normalize"] > 0


def test_an_unchanged_rerun_on_the_dask_runner_starts_no_cluster(prefect_server, tmp_path):
    warehouse = str(tmp_path / "w.duckdb")
    newsetl_flow(source=str(SAMPLES), warehouse=warehouse)
    # No scheduler listens at this address: connecting would fail the run.
    again = newsetl_flow(
        source=str(SAMPLES), warehouse=warehouse, runner="dask", dask_address="tcp://127.0.0.1:9"
    )
    assert (again["status"], again["inputs_unchanged"]) == ("no_op", 11)


def test_a_cluster_task_holds_each_document_to_the_time_limit():
    from distributed import Client, LocalCluster

    from flows.work import run_limited
    from tests.flows.test_work import busy, raw

    with (
        LocalCluster(n_workers=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        items = [raw("30"), raw("0")]
        kept, rejects = client.submit(run_limited, items, busy, "extract", 1.0).result(timeout=60)
    assert kept == ["0"]
    assert [(r.source_uri, r.reason) for r in rejects] == [("/in/30.txt", "extract_timeout")]
