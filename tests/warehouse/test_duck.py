from datetime import UTC, datetime

import pyarrow.parquet as pq
import pytest

from warehouse import duck, lake
from warehouse.publish import apply_data
from warehouse.schema import ARTICLES, INPUTS, PIPELINE_RUNS, SITE_LINES, TABLES

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def article(article_id: str, **overrides) -> dict:
    row = {
        "article_id": article_id,
        "source_uri": f"/in/{article_id}.txt",
        "url": None,
        "title": "A title",
        "subtitle": None,
        "text": "Body text.",
        "language": "en",
        "published_at": AT,
        "published_at_source": "meta",
        "updated_at": None,
        "page_date": None,
        "authors": ["Jane Doe"],
        "contributors": [],
        "publisher": "CNN",
        "host_site": None,
        "word_count": 2,
        "content_hash": "h" + article_id,
        "input_format": "text",
        "extractor_version": "e1",
        "normalizer_version": "n1",
        "ingested_at": AT,
        "run_id": "r1",
    }
    return {**row, **overrides}


@pytest.fixture
def con(tmp_path):
    connection = duck.connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def test_tables_follow_the_declared_schemas_with_comments(con):
    for table in TABLES:
        columns = con.execute(
            "select column_name, comment from duckdb_columns() where table_name = ? "
            "order by column_index",
            [table.name],
        ).fetchall()
        assert [c for c, _ in columns] == table.schema.names
        assert all(comment for _, comment in columns)
        grain = con.execute(
            "select comment from duckdb_tables() where table_name = ?", [table.name]
        ).fetchone()[0]
        assert grain == table.grain


def test_contract_columns_exist():
    contract = {
        "article_id",
        "source_uri",
        "url",
        "title",
        "subtitle",
        "text",
        "language",
        "published_at",
        "authors",
        "publisher",
        "host_site",
        "word_count",
        "content_hash",
        "ingested_at",
        "run_id",
    }
    assert contract <= set(ARTICLES.schema.names)


def test_merging_the_same_parquet_twice_adds_nothing(con, tmp_path):
    data = lake.to_arrow(ARTICLES.schema, [article("a"), article("b")])
    part = lake.write_part(tmp_path / "lake", "r1", ARTICLES, data, 0)
    assert duck.merge_parquet(con, ARTICLES, [part]) == 2  # rows staged
    duck.merge_parquet(con, ARTICLES, [part])
    assert con.execute("select count(*) from articles").fetchone()[0] == 2
    assert duck.articles_held_elsewhere(con, [("a", "/elsewhere.txt"), ("b", "/in/b.txt")]) == {"a"}


def test_upsert_keeps_first_run_of_an_input(con, tmp_path):
    def ledger_row(run_id, digest):
        return {
            "source_uri": "/in/a.txt",
            "input_hash": digest,
            "size_bytes": 1,
            "outcome": "loaded",
            "article_id": "a",
            "first_run_id": run_id,
            "last_run_id": run_id,
        }

    for run_id, digest in (("r1", "h1"), ("r2", "h2")):
        part = lake.write_part(
            tmp_path / "lake",
            run_id,
            INPUTS,
            lake.to_arrow(INPUTS.schema, [ledger_row(run_id, digest)]),
            0,
        )
        duck.merge_parquet(con, INPUTS, [part])
    assert con.execute("select input_hash, first_run_id, last_run_id from inputs").fetchall() == [
        ("h2", "r1", "r2")
    ]


def test_rollback_keeps_the_last_good_state(con, tmp_path):
    first = lake.write_part(
        tmp_path / "lake", "r1", ARTICLES, lake.to_arrow(ARTICLES.schema, [article("a")]), 0
    )
    duck.merge_parquet(con, ARTICLES, [first])
    second = lake.write_part(
        tmp_path / "lake", "r2", ARTICLES, lake.to_arrow(ARTICLES.schema, [article("b")]), 0
    )
    con.execute("begin")
    duck.merge_parquet(con, ARTICLES, [second])
    con.execute("rollback")
    assert con.execute("select article_id from articles").fetchall() == [("a",)]


def test_promote_moves_staged_parts_into_the_lake(tmp_path):
    root = tmp_path / "lake"
    row = {
        "run_id": "r1",
        "started_at": AT,
        "finished_at": AT,
        "status": "success",
        "source": "/in",
        "inputs_seen": 1,
        "inputs_new": 1,
        "inputs_changed": 0,
        "inputs_reprocessed": 0,
        "inputs_unchanged": 0,
        "articles_loaded": 1,
        "duplicates": 0,
        "quarantined": 0,
        "expectations_failed": 0,
        "seconds": 1.0,
        "error": None,
    }
    lake.write_part(root, "r1", PIPELINE_RUNS, lake.to_arrow(PIPELINE_RUNS.schema, [row]), 0)
    lake.promote(root, "r1")
    published = root / "pipeline_runs" / "r1" / "part-00000.parquet"
    assert pq.read_table(published).to_pylist()[0]["status"] == "success"
    assert not (root / lake.STAGING / "r1").exists()


def test_empty_batches_write_no_file(tmp_path):
    assert lake.write_part(tmp_path, "r", ARTICLES, lake.to_arrow(ARTICLES.schema, []), 0) is None


def test_read_only_connection_refuses_writes(tmp_path):
    duck.connect(tmp_path / "w.duckdb").close()
    con = duck.connect(tmp_path / "w.duckdb", read_only=True)
    with pytest.raises(Exception, match="read-only"):
        con.execute("delete from articles")
    con.close()


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(duck.WarehouseError, match="cannot open warehouse"):
        duck.connect(blocker / "w.duckdb")


def test_publish_rebuilds_the_sources_dimension(con, tmp_path):
    rows = [
        # A CNN story reprinted by another site, and one served by CNN itself.
        article("a", url="https://www.westsidepeople.com/x", host_site="Westside People"),
        article("b", url="https://edition.cnn.com/y", content_hash="hb"),
        article("c", url="https://blog.example.org/z", publisher="Example Blog"),
        # A text dump states no URL: the outlet is known, its domains are not.
        article("d", publisher="Westside Weekly", content_hash="hd"),
    ]
    path = tmp_path / "articles.parquet"
    pq.write_table(lake.to_arrow(ARTICLES.schema, rows), path)
    for _ in range(2):  # publishing the same parts again changes nothing
        con.execute("begin")
        apply_data(con, {"articles": [path]})
        con.execute("commit")
    got = con.execute("select * from sources order by source_name").fetchall()
    assert got == [
        ("CNN", ["cnn.com"], True, 2, 0),
        ("Example Blog", ["blog.example.org"], False, 1, 0),
        ("Westside People", ["westsidepeople.com"], False, 0, 1),
        ("Westside Weekly", [], False, 1, 0),
    ]


def test_site_line_counts_add_the_run_to_earlier_runs(con, tmp_path):
    con.execute(
        "insert into site_lines values ('a.test', 'h1', 4, 'r0'), ('a.test', 'h2', 1, 'r0')"
    )
    duck.start_site_line_counts(con)
    keys = [("a.test", "h1"), ("a.test", "h3"), ("b.test", "h1")]
    assert duck.site_line_counts(con, keys) == {k: n for k, n in zip(keys, (4, 0, 0), strict=True)}
    duck.add_site_line_counts(con, {("a.test", "h1"): 6, ("a.test", "h3"): 1})
    # The run's total (which includes the earlier runs') wins over site_lines.
    assert duck.site_line_counts(con, [("a.test", "h1"), ("a.test", "h3"), ("a.test", "h2")]) == {
        ("a.test", "h1"): 6,
        ("a.test", "h3"): 1,
        ("a.test", "h2"): 1,
    }
    duck.add_site_line_counts(con, {("a.test", "h3"): 2})
    assert duck.site_line_counts(con, []) == {}
    # The run's counts are staged as one streamed part; the warehouse file holds none of them.
    path = lake.write_part(tmp_path, "r1", SITE_LINES, duck.run_site_lines(con, "r1", 1), 0)
    assert pq.read_table(path).to_pylist() == [
        {"site": "a.test", "line_hash": "h1", "documents": 6, "last_run_id": "r1"},
        {"site": "a.test", "line_hash": "h3", "documents": 2, "last_run_id": "r1"},
    ]
    assert pq.ParquetFile(path).metadata.num_row_groups == 2
    assert con.execute("select count(*) from site_lines").fetchone() == (2,)
    duck.start_site_line_counts(con)
    assert lake.write_part(tmp_path, "r2", SITE_LINES, duck.run_site_lines(con, "r2"), 0) is None


def test_key_partitions_keep_equal_and_null_keys_together(con):
    con.execute("create table t (k varchar, v integer)")
    keys = [f"k{i % 700}" for i in range(1000)] + [None] * 5
    con.executemany("insert into t values (?, ?)", [(k, i) for i, k in enumerate(keys)])

    parts = list(duck.key_partitions(con, "t", ["k", "v"], "k", rows_per_part=100))

    assert len(parts) == 11
    assert sorted(v for p in parts for v in p["v"]) == list(range(1005))
    part_of: dict = {}
    for n, part in enumerate(parts):
        assert len(part) < 250  # about even: no part holds the table
        for k in part["k"].where(part["k"].notna(), "null"):
            assert part_of.setdefault(k, n) == n
    assert len(part_of) == 701


def test_key_partitions_of_an_empty_table_is_one_empty_frame(con):
    parts = list(duck.key_partitions(con, ARTICLES.name, ["article_id"], "article_id"))
    assert [len(p) for p in parts] == [0]
