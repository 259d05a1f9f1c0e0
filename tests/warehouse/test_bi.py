"""The warehouse as BI tools see it: SQLAlchemy with duckdb-engine, and the Parquet lake
read with another engine (pyarrow datasets), after a real run."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds
import pytest
import sqlalchemy as sa

from flows.pipeline import newsetl_flow
from tests.conftest import SAMPLES
from tests.test_readme import readme_sql_examples
from warehouse.duck import views
from warehouse.schema import TABLES

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def loaded(prefect_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("bi")
    summary = newsetl_flow(source=str(SAMPLES), warehouse=str(root / "w.duckdb"))
    assert summary["status"] == "success"
    return summary


def test_sqlalchemy_reflects_every_table_and_view_and_runs_the_examples(loaded):
    engine = sa.create_engine(f"duckdb:///{loaded['warehouse']}", connect_args={"read_only": True})
    inspector = sa.inspect(engine)
    assert {t.name for t in TABLES} <= set(inspector.get_table_names())
    assert set(views()) <= set(inspector.get_view_names())
    for table in TABLES:
        columns = [c["name"] for c in inspector.get_columns(table.name)]
        assert columns == table.schema.names
    with engine.connect() as con:
        rows = {name: con.execute(sa.text(f"select * from {name}")).fetchall() for name in views()}
        assert all(rows[name] for name in rows if name != "quarantine_by_reason")  # none here
        for query in readme_sql_examples():
            con.execute(sa.text(query)).fetchall()
        count = con.execute(sa.text("select count(*) from articles")).scalar_one()
    engine.dispose()
    assert count == loaded["articles_loaded"]


def test_parquet_lake_reads_without_duckdb(loaded):
    lake = Path(loaded["lake"])
    written = [t for t in TABLES if (lake / t.name).is_dir()]  # quarantine: nothing this run
    assert {t.name for t in written} >= {"articles", "article_copies", "inputs", "pipeline_runs"}
    for table in written:
        data = ds.dataset(lake / table.name, format="parquet").to_table()
        assert data.schema.names == table.schema.names
    articles = ds.dataset(f"{loaded['lake']}/articles", format="parquet").to_table()
    assert articles.num_rows == loaded["articles_loaded"]
