"""`newsetl report` opened in headless Chromium: it renders, the charts are there, no console
errors, and the Data Docs it links to exist. A screenshot is kept as a test artefact."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from flows.cli import main
from flows.pipeline import newsetl_flow
from tests.conftest import REPO, SAMPLES

pytestmark = pytest.mark.flow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = REPO / ".artifacts"
# No background traffic: this machine's network is closed and Chromium would log refusals.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]


def chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_the_console_check_sees_a_broken_page(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>missingFunction();</script></body></html>")
    messages = console_messages(chromium(page, tmp_path / "profile", "--dump-dom").stderr)
    assert any("missingFunction is not defined" in m for m in messages)


@pytest.fixture(scope="module")
def report(prefect_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    warehouse = root / "w.duckdb"
    newsetl_flow(source=str(SAMPLES), warehouse=str(warehouse))
    out = root / "out" / "report.html"
    assert main(["report", "--warehouse", str(warehouse), "--out", str(out)]) == 0
    return out


def test_report_renders_in_chromium_with_its_charts_and_no_console_errors(report, tmp_path):
    rendered = chromium(report, tmp_path / "profile", "--dump-dom")
    assert console_messages(rendered.stderr) == []
    dom = rendered.stdout
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", dom)
    assert captions[:2] == ["Articles over time, by publisher", "Languages (articles)"]
    assert "Validation pass rate per stage, by run" in captions
    assert "Quarantine reasons (inputs now in quarantine)" in captions
    assert len(re.findall(r"<svg\b", dom)) == 4  # no quarantine on the samples: no chart there
    assert dom.count('class="bar"') >= 11
    assert "<td>success</td>" in dom

    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / "report.png"
    chromium(report, tmp_path / "profile2", "--window-size=1000,2400", f"--screenshot={shot}")
    assert shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_links_to_the_data_docs_it_built(report):
    html = report.read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="([^"]+)">', html)
    assert len(links) == 3
    for link in links:
        page = report.parent / link
        assert page.is_file(), link
    validation = (report.parent / links[1]).read_text(encoding="utf-8")
    assert "newsetl.articles" in validation
