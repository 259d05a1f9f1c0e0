"""Incremental, idempotent, crash-safe runs: real flow, real DuckDB file, real subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from flows.cli import main
from flows.pipeline import RunFailed, newsetl_flow
from tests.conftest import SAMPLES
from warehouse.publish import rebuild

pytestmark = pytest.mark.flow
TABLES = ("articles", "captions", "quarantine", "inputs", "pipeline_runs", "quality_results")


@pytest.fixture
def landing(tmp_path):
    root = tmp_path / "landing"
    shutil.copytree(SAMPLES / "seeds", root / "seeds")
    shutil.copytree(SAMPLES / "html", root / "html")
    (root / "bad.txt").write_bytes(b"")
    return root


def run(landing, warehouse, **kw):
    return newsetl_flow(source=str(landing), warehouse=str(warehouse), **kw)


def snapshot(warehouse, tables=TABLES) -> dict:
    """Row count and an order-independent content hash of each column, per table."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            t: con.execute(f"select count(*), sum(hash(columns(*))) from {t}").fetchone()
            for t in tables
        }
    finally:
        con.close()


def query(warehouse, sql, params=()):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_new_changed_and_unchanged_inputs(prefect_server, landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    first = run(landing, warehouse)
    assert (first["inputs_new"], first["articles_loaded"], first["quarantined"]) == (12, 11, 1)

    (landing / "extra.txt").write_text(
        (landing / "seeds" / "001_97d4323494856c4c.txt")
        .read_text()
        .replace("Wang Yi meets Putin", "Wang Yi meets Putin again")
        .replace("The warmth of Russia", "The closeness of Russia"),
        encoding="utf-8",
    )
    added = run(landing, warehouse)
    assert (added["inputs_new"], added["inputs_unchanged"], added["articles_loaded"]) == (1, 12, 1)
    assert query(warehouse, "select count(*) from articles") == [(12,)]

    seed = landing / "seeds" / "000_f821f3d7de1c528f.txt"
    before = query(
        warehouse, "select article_id from articles where source_uri = ?", [str(seed.absolute())]
    )
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("Denna vecka har", "Under förra veckan har"),
        encoding="utf-8",
    )
    changed = run(landing, warehouse)
    assert (changed["inputs_changed"], changed["articles_loaded"]) == (1, 1)
    after = query(
        warehouse,
        "select article_id, text from articles where source_uri = ?",
        [str(seed.absolute())],
    )
    assert len(after) == 1 and after[0][0] != before[0][0]
    assert "Under förra veckan har Kinas toppdiplomat" in after[0][1]
    assert query(warehouse, "select count(*) from articles") == [(12,)]  # replaced, not added
    ledger = query(
        warehouse,
        "select first_run_id < last_run_id from inputs where source_uri = ?",
        [str(seed.absolute())],
    )
    assert ledger == [(True,)]

    # The empty file is fixed: it loads, and its quarantine row goes.
    (landing / "bad.txt").write_text(
        seed.read_text(encoding="utf-8").replace("Putin", "Xi"), encoding="utf-8"
    )
    fixed = run(landing, warehouse)
    assert (fixed["inputs_changed"], fixed["articles_loaded"]) == (1, 1)
    assert query(warehouse, "select count(*) from quarantine") == [(0,)]


def test_reprocess_rebuilds_rows_without_duplicates(prefect_server, landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    run(landing, warehouse)
    counts = snapshot(warehouse, ("articles", "captions", "inputs"))
    outdated = run(landing, warehouse, reprocess="outdated")
    assert (outdated["inputs_reprocessed"], outdated["status"]) == (0, "no_op")

    again = run(landing, warehouse, reprocess="all")
    assert (again["inputs_reprocessed"], again["articles_loaded"], again["quarantined"]) == (
        12,
        11,
        1,
    )
    after = snapshot(warehouse, ("articles", "captions", "inputs"))
    assert {t: v[0] for t, v in after.items()} == {t: v[0] for t, v in counts.items()}
    assert query(warehouse, "select count(distinct run_id) from articles") == [(1,)]
    assert query(warehouse, "select max(run_id) from articles") == [(again["run_id"],)]

    one = str((landing / "seeds" / "004_2fac41272dd3c322.txt").absolute())
    single = run(landing, warehouse, reprocess="all", reprocess_only=one)
    assert (single["inputs_reprocessed"], single["inputs_unchanged"]) == (1, 11)
    later = run(landing, warehouse, reprocess="all", reprocess_since="2999-01-01")
    assert later["inputs_reprocessed"] == 0


def test_rebuild_from_the_lake_alone(prefect_server, landing, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    run(landing, warehouse)
    seed = landing / "seeds" / "003_f0604eb540a79818.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8") + "\nOne more line of text here.\n", encoding="utf-8"
    )
    run(landing, warehouse)
    run(landing, warehouse)
    before = snapshot(warehouse)
    warehouse.unlink()
    counts = rebuild(warehouse, tmp_path / "w_lake")
    assert counts["runs"] == 3
    assert snapshot(warehouse) == before
    assert main(["rebuild", "--warehouse", str(warehouse)]) == 0
    assert snapshot(warehouse) == before


def _cli(landing, warehouse, api_url, pause=None):
    env = {**os.environ, "PREFECT_API_URL": api_url}
    if pause:
        env["NEWSETL_PAUSE_BEFORE"] = pause
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "run",
            "--source",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_for(path, proc, seconds=120):
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.stdout.read().decode()
        assert time.monotonic() < deadline, "the run never reached the pause"
        time.sleep(0.2)


@pytest.mark.parametrize("step", ["commit", "promote"])
def test_kill_9_during_the_load_leaves_the_last_good_state(prefect_server, landing, tmp_path, step):
    warehouse = tmp_path / "w.duckdb"
    held = tmp_path / "held"
    shutil.move(landing / "html", held)  # held back for the run that gets killed
    run(landing, warehouse)
    good = snapshot(warehouse)
    shutil.move(held, landing / "html")

    proc = _cli(landing, warehouse, prefect_server, pause=step)
    _wait_for(warehouse.with_name(f"w.duckdb.paused-before-{step}"), proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    if step == "commit":
        assert snapshot(warehouse) == good  # the transaction never happened
    finished = run(landing, warehouse)
    assert finished["status"] in ("success", "no_op")
    articles = query(warehouse, "select count(*), count(distinct article_id) from articles")
    assert articles == [(11, 11)]
    assert query(warehouse, "select count(*) from inputs") == [(12,)]
    assert not any((tmp_path / "w_lake" / "_staging").iterdir())
    # The lake holds every committed run, so a rebuild agrees with the live warehouse.
    live = snapshot(warehouse)
    rebuild(warehouse, tmp_path / "w_lake")
    assert snapshot(warehouse) == live


def test_a_second_writer_exits_with_a_clear_message(prefect_server, landing, tmp_path, capsys):
    warehouse = tmp_path / "w.duckdb"
    proc = _cli(landing, warehouse, prefect_server, pause="commit")
    try:
        _wait_for(warehouse.with_name("w.duckdb.paused-before-commit"), proc)
        code = main(["run", "--source", str(landing), "--warehouse", str(warehouse)])
        assert code == 2
        assert "another newsetl run is writing" in capsys.readouterr().err
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert run(landing, warehouse)["articles_loaded"] == 11


def test_a_failed_publish_keeps_the_last_good_state_and_loses_nothing(
    prefect_server, landing, tmp_path
):
    warehouse = tmp_path / "w.duckdb"
    run(landing, warehouse)
    # A real DuckDB failure inside the publish: a unique index the next load violates.
    con = duckdb.connect(str(warehouse))
    con.execute("create unique index one_article_per_title on articles (title)")
    con.close()
    good = snapshot(warehouse, ("articles", "article_copies", "captions", "inputs"))
    seed = (landing / "seeds" / "001_97d4323494856c4c.txt").read_text(encoding="utf-8")
    # An edited body under the same headline: a new article with an existing title.
    (landing / "edited.txt").write_text(
        seed.replace("The warmth of Russia", "The closeness of Russia"), encoding="utf-8"
    )
    with pytest.raises(RunFailed) as failed:
        run(landing, warehouse)
    assert failed.value.summary["status"] == "failed"
    assert "Constraint" in failed.value.summary["error"]
    assert snapshot(warehouse, tuple(good)) == good
    last = query(warehouse, "select status from pipeline_runs order by started_at desc limit 1")
    assert last == [("failed",)]

    con = duckdb.connect(str(warehouse))
    con.execute("drop index one_article_per_title")
    con.close()
    retry = run(landing, warehouse)
    assert (retry["inputs_new"], retry["articles_loaded"]) == (1, 1)
