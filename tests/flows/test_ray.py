"""The Ray runner: the real flow with its batches on a local multi-process Ray cluster."""

from __future__ import annotations

import shutil

import pytest

from flows.pipeline import newsetl_flow
from tests.conftest import SAMPLES
from tests.flows.test_dask import articles, site_lines
from tests.flows.test_site_chrome import TOPICS, page

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def ray_cluster():
    """One local Ray instance of two worker processes for the module (starting one takes
    seconds); the flow's runner joins it instead of starting its own."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, namespace="prefect", log_to_driver=False)
    yield ray
    ray.shutdown()


def test_the_ray_runner_loads_what_the_local_runner_loads(prefect_server, ray_cluster, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES, landing)
    (landing / "empty.txt").write_bytes(b"")
    for n in range(len(TOPICS)):
        (landing / f"site-{n}.html").write_text(page(n))
    local = newsetl_flow(
        source=str(landing), warehouse=str(tmp_path / "local.duckdb"), batch_size=4
    )
    remote = newsetl_flow(
        source=str(landing), warehouse=str(tmp_path / "ray.duckdb"), batch_size=4, runner="ray"
    )
    assert remote["status"] == "success", remote["error"]
    keys = ("inputs_seen", "articles_loaded", "duplicates", "quarantined", "quarantine_reasons")
    assert {k: remote[k] for k in keys} == {k: local[k] for k in keys}
    assert (remote["articles_loaded"], remote["quarantined"]) == (15, 1)
    assert articles(tmp_path / "ray.duckdb") == articles(tmp_path / "local.duckdb")
    assert site_lines(tmp_path / "ray.duckdb") == site_lines(tmp_path / "local.duckdb")
    assert remote["worker_seconds"]["extract"] > 0


def test_a_ray_task_holds_each_document_to_the_time_limit(ray_cluster):
    from flows.work import run_limited
    from tests.flows.test_work import busy, raw

    limited = ray_cluster.remote(run_limited)
    kept, rejects = ray_cluster.get(
        limited.remote([raw("30"), raw("0")], busy, "extract", 1.0), timeout=60
    )
    assert kept == ["0"]
    assert [(r.source_uri, r.reason) for r in rejects] == [("/in/30.txt", "extract_timeout")]


def test_an_unknown_runner_is_refused_before_anything_runs():
    from flows.settings import Settings

    with pytest.raises(ValueError, match="runner must be one of local, dask, ray, not 'spark'"):
        Settings(runner="spark")
