import json

import pytest

from flows.cli import main
from warehouse import duck


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duck.connect(path)
    con.execute(
        "insert into pipeline_runs by name select 'r1' as run_id, now() as started_at, "
        "now() as finished_at, 'success' as status, '/in' as source, 1 as inputs_seen, "
        "1 as inputs_new, 0 as inputs_changed, 0 as inputs_reprocessed, 0 as inputs_unchanged, "
        "1 as articles_loaded, 0 as duplicates, 0 as quarantined, 0 as expectations_failed, "
        "1.5 as seconds"
    )
    con.close()
    return path


def test_sql_prints_csv_and_json(warehouse, capsys):
    assert (
        main(
            [
                "sql",
                "select run_id, status from pipeline_runs",
                "--warehouse",
                str(warehouse),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines() == ["run_id,status", "r1,success"]
    assert (
        main(
            [
                "sql",
                "select run_id, seconds from pipeline_runs",
                "--warehouse",
                str(warehouse),
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == {"run_id": "r1", "seconds": 1.5}


def test_sql_is_read_only_by_default(warehouse, capsys):
    assert main(["sql", "delete from pipeline_runs", "--warehouse", str(warehouse)]) == 2
    assert "read-only" in capsys.readouterr().err
    assert (
        main(
            [
                "sql",
                "select count(*) as n from pipeline_runs",
                "--warehouse",
                str(warehouse),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines()[1] == "1"


def test_runs_lists_history(warehouse, capsys):
    assert main(["runs", "--warehouse", str(warehouse), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("run_id,status") and out[1].startswith("r1,success")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--source", "/no/such/folder"], "does not exist"),
        (["sql", "select 1", "--warehouse", "/no/such/w.duckdb"], "does not exist"),
        (["sql", "select nonsense from nowhere"], None),
    ],
)
def test_failures_exit_non_zero_with_one_line(argv, message, capsys, warehouse):
    if argv[0] == "sql" and "--warehouse" not in argv:
        argv = [*argv, "--warehouse", str(warehouse)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("newsetl: ") and "\n" not in err
    if message:
        assert message in err


def test_unwritable_warehouse_fails_before_running(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", "--warehouse", str(blocker / "w.duckdb")]) == 2
    assert "cannot open warehouse" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_writes_a_file_other_tools_read(warehouse, tmp_path, fmt):
    import pyarrow.csv
    import pyarrow.json
    import pyarrow.parquet

    out = tmp_path / f"runs.{fmt}"
    assert (
        main(
            [
                "export",
                "--table",
                "pipeline_runs",
                "--format",
                fmt,
                "--out",
                str(out),
                "--warehouse",
                str(warehouse),
            ]
        )
        == 0
    )
    reader = {
        "parquet": pyarrow.parquet.read_table,
        "csv": pyarrow.csv.read_csv,
        "jsonl": pyarrow.json.read_json,
    }[fmt]
    table = reader(out)
    assert table.num_rows == 1
    assert table.column("run_id").to_pylist() == ["r1"]


def test_export_refuses_unknown_tables(warehouse, tmp_path, capsys):
    assert (
        main(
            [
                "export",
                "--table",
                "secrets",
                "--out",
                str(tmp_path / "x.csv"),
                "--warehouse",
                str(warehouse),
            ]
        )
        == 2
    )
    assert "no table or view 'secrets'" in capsys.readouterr().err
