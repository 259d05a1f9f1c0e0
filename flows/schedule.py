"""`newsetl schedule`: a Prefect deployment on a cron schedule, served from this process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

UI_HINT = "open {ui} and look under Deployments -> newsetl/{name}, or Runs"


class ScheduleError(RuntimeError):
    """The schedule cannot be set up (bad cron, no server)."""


def validate_cron(cron: str, timezone: str) -> None:
    """Raise ScheduleError for a cron string or timezone Prefect would refuse."""
    from prefect.schedules import Cron

    try:
        Cron(cron, timezone=timezone)
    except Exception as exc:  # pydantic's ValidationError, or a bad timezone
        raise ScheduleError(f"invalid schedule {cron!r} ({timezone}): {exc}") from exc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_local_server(
    log_path: Path, port: int | None = None, timeout: float = 120
) -> tuple[str, subprocess.Popen]:
    """Start `prefect server start` on loopback in the background; returns its API URL."""
    port = port or _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"},
    )
    deadline = time.monotonic() + timeout
    while not _healthy(api_url):
        if time.monotonic() > deadline:
            server.terminate()
            raise ScheduleError(f"the local Prefect server did not start; see {log_path}")
        time.sleep(1)
    return api_url, server


def serve(name: str, cron: str, timezone: str, parameters: dict) -> None:
    """Create (or update) the deployment and run its scheduled flow runs until stopped."""
    from flows.pipeline import newsetl_flow

    newsetl_flow.serve(
        name=name,
        cron=cron,
        parameters=parameters,
        print_starting_message=False,
        pause_on_shutdown=False,
    )
