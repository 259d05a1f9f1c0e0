"""Object storage through the real flow, against moto's S3 server on loopback: an s3://
landing area, and a copy of the Parquet lake kept on S3."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest

from flows.cli import main
from flows.pipeline import newsetl_flow
from tests.conftest import SAMPLES

pytestmark = pytest.mark.flow


@pytest.fixture
def s3(monkeypatch):
    """An S3 file system on moto's server, reached through the usual AWS variables."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    import fsspec
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    yield fsspec.filesystem("s3")
    s3fs.S3FileSystem.clear_instance_cache()
    server.stop()


@pytest.fixture
def s3_landing(s3):
    s3.mkdir("landing")
    for path in sorted((SAMPLES / "seeds").glob("*.txt")):
        s3.pipe(f"landing/news/{path.name}", path.read_bytes())
    s3.pipe("landing/news/empty.txt", b"")
    return "s3://landing/news"


def test_s3_source_loads_and_is_incremental(prefect_server, s3_landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    first = newsetl_flow(source=s3_landing, warehouse=str(warehouse))
    assert (first["inputs_seen"], first["articles_loaded"], first["quarantined"]) == (6, 5, 1)
    again = newsetl_flow(source=s3_landing, warehouse=str(warehouse))
    assert (again["status"], again["inputs_unchanged"]) == ("no_op", 6)
    con = duckdb.connect(str(warehouse), read_only=True)
    uris = [r[0] for r in con.execute("select source_uri from inputs order by 1").fetchall()]
    con.close()
    assert uris[0] == "s3://landing/news/000_f821f3d7de1c528f.txt"


def count(warehouse, table: str) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


def test_the_lake_is_copied_to_s3_and_a_warehouse_rebuilt_from_the_copy(
    prefect_server, s3, tmp_path
):
    s3.mkdir("lake")
    warehouse = tmp_path / "w.duckdb"
    first = newsetl_flow(source=str(SAMPLES), warehouse=str(warehouse), lake_url="s3://lake/news")
    assert first["mirror_error"] is None
    assert first["mirrored_files"] == len(s3.find("lake/news"))
    articles = pq.read_table("lake/news/articles", filesystem=s3)
    assert articles.num_rows == first["articles_loaded"] == count(warehouse, "articles")
    # A no-op run copies only its own new records.
    again = newsetl_flow(source=str(SAMPLES), warehouse=str(warehouse), lake_url="s3://lake/news")
    assert again["status"] == "no_op"
    assert 0 < again["mirrored_files"] <= 2

    # Lose the machine: the copy on S3 alone gives the warehouse back.
    fresh = tmp_path / "elsewhere" / "w.duckdb"
    assert main(["rebuild", "--warehouse", str(fresh), "--lake-url", "s3://lake/news"]) == 0
    for table in ("articles", "inputs", "pipeline_runs", "near_copy_index"):
        assert count(fresh, table) == count(warehouse, table)


def test_a_failed_copy_keeps_the_run_and_the_next_run_copies_the_rest(prefect_server, tmp_path):
    warehouse, target = tmp_path / "w.duckdb", tmp_path / "copy"
    target.write_text("a file where the lake copy should go")
    first = newsetl_flow(source=str(SAMPLES), warehouse=str(warehouse), lake_url=str(target))
    assert first["status"] == "success" and first["mirror_error"]
    assert count(warehouse, "articles") == first["articles_loaded"]
    target.unlink()
    again = newsetl_flow(source=str(SAMPLES), warehouse=str(warehouse), lake_url=str(target))
    assert again["mirror_error"] is None
    local = tmp_path / "w_lake"
    published = {
        p.relative_to(local)
        for p in local.rglob("*")
        if p.is_file() and not p.relative_to(local).parts[0].startswith("_")
    }
    assert {p.relative_to(target) for p in target.rglob("*") if p.is_file()} == published
    assert again["mirrored_files"] == len(published)
