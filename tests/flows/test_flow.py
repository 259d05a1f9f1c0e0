"""End to end through the real Prefect flow into a real DuckDB file and Parquet lake."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from flows.cli import main
from flows.pipeline import newsetl_flow
from tests.conftest import SAMPLES
from tests.test_readme import readme_sql_examples

pytestmark = pytest.mark.flow

LATIN1_DUMP = """Skip to content
Regeringen presenterar ny budget för skolan

Regeringen presenterade på måndagen en budget där skolan får mer pengar än på flera år. \
Satsningen gäller främst lärarlöner och läromedel, enligt finansministern.

Kommunerna har länge begärt mer stöd för att kunna anställa fler behöriga lärare, och \
förslaget möttes av försiktigt positiva reaktioner från både lärarfacket och oppositionen.

Budgeten ska röstas igenom i riksdagen före jul. Oppositionen säger att den vill se \
detaljerna innan den tar ställning till förslaget i sin helhet.
"""


@pytest.fixture
def landing(tmp_path):
    root = tmp_path / "landing"
    shutil.copytree(SAMPLES, root)
    bad = root / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (bad / "huge.txt").write_bytes(b"word " * 120_000)  # 600 kB, over the limit below
    (bad / "swedish-latin1.txt").write_bytes(LATIN1_DUMP.encode("latin-1"))
    shutil.copy(root / "seeds" / "001_97d4323494856c4c.txt", bad / "copy-of-001.txt")
    return root


def run(landing, warehouse):
    return newsetl_flow(source=str(landing), warehouse=str(warehouse), max_input_bytes=500_000)


def table_digest(con, table):
    return (
        con.execute(
            f"select count(*), sum(hash(columns(*))) from (select * exclude (run_id, "
            f"ingested_at) from {table})"
        ).fetchone()
        if table == "articles"
        else con.execute(f"select count(*) from {table}").fetchone()
    )


def test_flow_loads_quarantines_and_is_idempotent(prefect_server, landing, tmp_path, capsys):
    warehouse = tmp_path / "wh" / "news.duckdb"
    first = run(landing, warehouse)

    assert first["status"] == "success", first["error"]
    assert first["inputs_seen"] == 16
    assert first["articles_loaded"] == 12  # 5 seeds + 6 pages + the Latin-1 dump
    assert first["duplicates"] == 1
    assert first["quarantined"] == 3
    assert first["quarantine_reasons"] == {
        "ingest/binary_file": 1,
        "ingest/empty_file": 1,
        "ingest/too_large": 1,
    }
    assert {r["stage"] for r in first["validation"]} == {
        "raw",
        "extracted",
        "articles",
        "warehouse",
    }

    con = duckdb.connect(str(warehouse), read_only=True)
    quarantined = dict(
        con.execute(
            "select regexp_extract(source_uri, '[^/]+$'), reason from quarantine"
        ).fetchall()
    )
    assert quarantined == {
        "empty.txt": "empty_file",
        "binary.txt": "binary_file",
        "huge.txt": "too_large",
    }
    outcomes = dict(con.execute("select outcome, count(*) from inputs group by all").fetchall())
    assert outcomes == {"loaded": 12, "duplicate": 1, "quarantined": 3}
    swedish = con.execute(
        "select language, title from articles where source_uri like '%latin1%'"
    ).fetchone()
    assert swedish == ("sv", "Regeringen presenterar ny budget för skolan")
    assert con.execute("select count(*) from quality_results").fetchone()[0] == len(
        first["validation"]
    )
    before = {t: table_digest(con, t) for t in ("articles", "captions", "quarantine", "inputs")}
    con.close()

    con = duckdb.connect(str(warehouse), read_only=True)
    results = [con.execute(query).fetchall() for query in readme_sql_examples()]
    con.close()
    by_publisher, reprints, quarantine_reasons, _quality_failures, outlets, top_authors = results
    assert by_publisher and quarantine_reasons and top_authors
    # The outlet dimension: CNN published the reprint Westside People hosted; "Source:
    # Elcomercio" is the mapping's El Comercio.
    reach = {name: (published, hosted, mapped) for name, published, hosted, _, mapped in outlets}
    assert reach["CNN"][0] >= 1 and reach["CNN"][2]
    assert reach["Westside People"][1] == 1
    assert reach["El Comercio"][2]
    assert (
        "Putin and China’s top diplomat pledged to boost ties ahead of the anniversary of "
        "the Ukraine war",
        "CNN",
        "Westside People",
    ) in reprints

    con = duckdb.connect(str(warehouse), read_only=True)
    copies = con.execute(
        "select count(*), count(*) filter (where is_first_copy) from article_copies"
    ).fetchone()
    views = {
        name: con.execute(f"select count(*) from {name}").fetchone()[0]
        for (name,) in con.execute(
            "select view_name from duckdb_views() where not internal"
        ).fetchall()
    }
    reprinted = con.execute("select publisher, reprinted_by from reprints").fetchall()
    con.close()
    assert copies == (13, 12)  # every loaded input and the duplicate, each linked
    assert set(views) == {
        "coverage_by_publisher_day",
        "language_mix",
        "articles_per_author",
        "reprints",
        "quality_pass_rates",
        "quarantine_by_reason",
    }
    assert all(views.values())
    assert ("CNN", "Westside People") in reprinted

    lake_articles = ds.dataset(first["lake"] + "/articles", format="parquet").to_table()
    assert lake_articles.num_rows == 12

    assert (
        main(
            [
                "run",
                "--source",
                str(landing),
                "--warehouse",
                str(warehouse),
                "--max-input-bytes",
                "500000",
            ]
        )
        == 0
    )
    assert "no_op" in capsys.readouterr().out

    con = duckdb.connect(str(warehouse), read_only=True)
    after = {t: table_digest(con, t) for t in before}
    runs = con.execute(
        "select status, inputs_unchanged from pipeline_runs order by started_at"
    ).fetchall()
    con.close()
    assert after == before
    assert runs == [("success", 0), ("no_op", 16)]


def test_changed_input_is_reprocessed_and_copies_across_runs_are_duplicates(
    prefect_server, landing, tmp_path
):
    warehouse = tmp_path / "news.duckdb"
    run(landing, warehouse)
    seed = landing / "seeds" / "000_f821f3d7de1c528f.txt"
    seed.write_text(seed.read_text() + "\nEn ny sista mening som ändrar texten.\n")
    shutil.copy(landing / "seeds" / "002_e72dd647d0b7a6a1.txt", landing / "late-copy.txt")
    second = run(landing, warehouse)
    assert (second["articles_loaded"], second["duplicates"], second["inputs_unchanged"]) == (
        1,
        1,
        15,
    )


def test_quarantine_lists_shows_and_requeues(prefect_server, landing, tmp_path, capsys):
    warehouse = tmp_path / "news.duckdb"
    run(landing, warehouse)
    capsys.readouterr()
    assert main(["quarantine", "--warehouse", str(warehouse), "--format", "csv"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("stage,reason,inputs")
    assert sorted(line.split(",")[1] for line in listing[1:]) == [
        "binary_file",
        "empty_file",
        "too_large",
    ]

    huge = str((landing / "bad" / "huge.txt").absolute())
    assert (
        main(["quarantine", "--show", huge, "--warehouse", str(warehouse), "--format", "json"]) == 0
    )
    record = json.loads(capsys.readouterr().out)
    assert (record["reason"], record["size_bytes"]) == ("too_large", 600_000)

    assert record["stored_copy"] is None  # over the size limit: not copied
    binary = landing / "bad" / "binary.txt"
    assert (
        main(
            [
                "quarantine",
                "--show",
                str(binary.absolute()),
                "--warehouse",
                str(warehouse),
                "--format",
                "json",
            ]
        )
        == 0
    )
    stored = json.loads(capsys.readouterr().out)["stored_copy"]
    assert Path(stored).read_bytes() == binary.read_bytes()

    # The limit was the problem: re-queue, then run with the default limit.
    assert (
        main(["quarantine", "--requeue", "--reason", "too_large", "--warehouse", str(warehouse)])
        == 0
    )
    assert "1 quarantined input(s) re-queued" in capsys.readouterr().out
    again = newsetl_flow(source=str(landing), warehouse=str(warehouse))
    assert (again["inputs_new"], again["inputs_unchanged"]) == (1, 15)
    con = duckdb.connect(str(warehouse), read_only=True)
    reasons = con.execute("select reason from quarantine where source_uri = ?", [huge]).fetchall()
    con.close()
    assert ("too_large",) not in reasons


def test_run_reports_progress_and_publishes_prefect_artifacts(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows import progress

    reports = []
    unsubscribe = progress.subscribe(lambda *report: reports.append(report))
    try:
        summary = newsetl_flow(
            source=str(SAMPLES / "seeds"), warehouse=str(tmp_path / "w.duckdb"), batch_size=2
        )
    finally:
        unsubscribe()
    # Each stage starts at zero, then one report per stage and batch, in stage order.
    assert reports[:3] == [("extract", 0, 5), ("normalize", 0, 5), ("load", 0, 5)]
    assert reports[3:] == [
        (stage, done, 5) for done in (2, 4, 5) for stage in ("extract", "normalize", "load")
    ]
    keys = ["newsetl-run-summary", "newsetl-quarantine"]
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=keys))
        )
    latest = {a.key: a for a in sorted(artifacts, key=lambda a: a.created)}
    assert set(latest) == set(keys)
    assert summary["run_id"] in latest["newsetl-run-summary"].data
