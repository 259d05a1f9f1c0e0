"""A 1-minute cron deployment really fires: a real Prefect server, a real served deployment."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import duckdb
import pytest

from flows import schedule
from flows.cli import main
from tests.conftest import SAMPLES


def test_bad_cron_is_refused():
    with pytest.raises(schedule.ScheduleError, match="invalid schedule"):
        schedule.validate_cron("every minute", "UTC")
    schedule.validate_cron("*/15 * * * *", "Europe/Stockholm")


def test_schedule_without_a_server_says_what_to_do(monkeypatch, capsys):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert main(["schedule", "--cron", "* * * * *"]) == 2
    assert "PREFECT_API_URL" in capsys.readouterr().err


def _completed_runs(api_url: str) -> list[dict]:
    body = json.dumps(
        {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "limit": 10}
    ).encode()
    request = urllib.request.Request(
        f"{api_url}/flow_runs/filter", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.flow
@pytest.mark.slow
def test_one_minute_cron_deployment_completes_a_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    # The server's scheduler looks for due deployments every 5 s instead of every 60 s.
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS", "5")
    api_url, server = schedule.start_local_server(tmp_path / "server.log")
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES / "seeds", landing)
    warehouse = tmp_path / "w.duckdb"
    served = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "schedule",
            "--cron",
            "* * * * *",
            "--source",
            str(landing),
            "--warehouse",
            str(warehouse),
            "--name",
            "ci",
        ],
        env={**os.environ, "PREFECT_API_URL": api_url},
        stdout=(tmp_path / "serve.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        runs = []
        while not runs:
            assert served.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "no completed scheduled run within 4 minutes"
            time.sleep(3)
            runs = _completed_runs(api_url)
        assert runs[0]["deployment_id"]
    finally:
        for proc in (served, server):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
    con = duckdb.connect(str(warehouse), read_only=True)
    first = con.execute(
        "select status, inputs_seen from pipeline_runs order by started_at limit 1"
    ).fetchone()
    ledger = con.execute("select count(*) from inputs").fetchone()[0]
    con.close()
    assert first == ("success", 5) and ledger == 5


def test_prefect_yaml_deployments_point_at_the_flow():
    import inspect

    import yaml

    from flows.pipeline import newsetl_flow
    from tests.conftest import REPO

    spec = yaml.safe_load((REPO / "prefect.yaml").read_text())
    accepted = set(inspect.signature(newsetl_flow.fn).parameters)
    assert spec["deployments"]
    for deployment in spec["deployments"]:
        assert deployment["entrypoint"] == "flows/pipeline.py:newsetl_flow"
        assert set(deployment["parameters"]) <= accepted
        for entry in deployment["schedules"]:
            schedule.validate_cron(entry["cron"], entry["timezone"])
