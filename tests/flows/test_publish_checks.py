"""The warehouse suite re-checks the whole articles table at publish, a part at a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from expectations.suites import Thresholds, Validator, merge_results
from flows.pipeline import PublishRefused, validate_warehouse
from tests.warehouse.test_duck import article
from warehouse import duck, lake
from warehouse.schema import ARTICLES


@pytest.fixture
def loaded(tmp_path):
    con = duck.connect(tmp_path / "w.duckdb")
    rows = [article(f"a{i}", source_uri=f"/in/{i}.txt") for i in range(60)]
    part = lake.write_part(
        tmp_path / "lake", "r1", ARTICLES, lake.to_arrow(ARTICLES.schema, rows), 0
    )
    duck.merge_parquet(con, ARTICLES, [part])
    yield con
    con.close()


@pytest.fixture(scope="module")
def validator():
    return Validator(Thresholds(), datetime(2026, 11, 22, tzinfo=UTC))


def test_parts_add_up_to_the_whole_table(loaded, validator):
    reports = []
    validate_warehouse(loaded, validator, reports, rows_per_part=10)
    assert len(reports) == 6
    merged = {r["expectation"] + "/" + r["column_name"]: r for r in merge_results(reports)}
    unique = merged["expect_column_values_to_be_unique/article_id"]
    assert unique["success"]
    assert unique["element_count"] == 60


def test_a_repeated_article_id_is_refused_whichever_part_it_falls_in(loaded, validator):
    loaded.execute(
        "insert into articles select * replace ('/in/again.txt' as source_uri) "
        "from articles where article_id = 'a7'"
    )
    with pytest.raises(PublishRefused, match="expect_column_values_to_be_unique"):
        validate_warehouse(loaded, validator, [], rows_per_part=10)
