"""An s3:// landing area through the real flow, against moto's S3 server on loopback."""

from __future__ import annotations

import duckdb
import pytest

from flows.pipeline import newsetl_flow
from tests.conftest import SAMPLES

pytestmark = pytest.mark.flow


@pytest.fixture
def s3_landing(monkeypatch):
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
    fs = fsspec.filesystem("s3")
    fs.mkdir("landing")
    for path in sorted((SAMPLES / "seeds").glob("*.txt")):
        fs.pipe(f"landing/news/{path.name}", path.read_bytes())
    fs.pipe("landing/news/empty.txt", b"")
    yield "s3://landing/news"
    s3fs.S3FileSystem.clear_instance_cache()
    server.stop()


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
