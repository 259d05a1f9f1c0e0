"""Near copies across runs: the real flow, a real DuckDB file, the persisted LSH index."""

from __future__ import annotations

import duckdb
import pytest

from flows.pipeline import newsetl_flow
from tests.conftest import SAMPLES
from warehouse.publish import rebuild

pytestmark = pytest.mark.flow

ORIGINAL = (SAMPLES / "seeds" / "001_97d4323494856c4c.txt").read_text(encoding="utf-8")
OTHER = SAMPLES / "seeds" / "000_f821f3d7de1c528f.txt"
LINKED = ("near_copies", "near_copy_index", "articles")


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _reprint(text: str) -> str:
    """Another headline, the ending trimmed, a promo line on top: a content farm's copy."""
    paras = _paragraphs(text)
    body = paras[1 : round(len(paras) * 0.75)]
    return "\n\n".join(["Kremlin talks: what it means for Beijing", "Advertisement", *body])


def _extended(text: str) -> str:
    """The story with two more paragraphs: a more complete copy."""
    paras = _paragraphs(text)
    extra = [
        "Later on Wednesday the Kremlin said the two sides had also discussed energy supplies, "
        "grain exports and the timetable of the planned summit in considerable detail.",
        "Analysts in Moscow said the visit showed that Beijing intends to keep its economic "
        "ties with Russia close despite the pressure of Western sanctions on both countries.",
    ]
    return "\n\n".join([*paras[:-2], *extra, *paras[-2:]])


def _query(warehouse, sql: str):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _ids(warehouse) -> dict[str, str]:
    rows = _query(warehouse, "select source_uri, article_id from articles")
    return {uri.rsplit("/", 1)[-1]: article_id for uri, article_id in rows}


def _links(warehouse) -> dict[str, tuple[str, bool, str, float]]:
    rows = _query(
        warehouse,
        "select a.source_uri, n.canonical_id, n.is_canonical, n.canonical_rule, n.similarity "
        "from near_copies n join articles a using (article_id)",
    )
    return {
        uri.rsplit("/", 1)[-1]: (canon, is_canon, rule, sim)
        for uri, canon, is_canon, rule, sim in rows
    }


def _table(warehouse, table: str) -> list[tuple]:
    return sorted(_query(warehouse, f"select * exclude (run_id) from {table}"), key=str)


def test_reprints_link_across_runs_and_the_canonical_follows_the_rule(prefect_server, tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    (landing / "original.txt").write_text(ORIGINAL, encoding="utf-8")
    (landing / "other.txt").write_bytes(OTHER.read_bytes())
    first = newsetl_flow(source=str(landing), warehouse=str(warehouse))
    assert (first["articles_loaded"], first["near_copies"]) == (2, 0)
    assert _query(warehouse, "select count(*) from near_copies") == [(0,)]

    # Next run: a trimmed reprint under another headline meets yesterday's article through
    # the persisted index, and the fuller original stays canonical.
    (landing / "reprint.txt").write_text(_reprint(ORIGINAL), encoding="utf-8")
    second = newsetl_flow(source=str(landing), warehouse=str(warehouse))
    assert (second["articles_loaded"], second["near_copies"], second["duplicates"]) == (1, 1, 0)
    ids, links = _ids(warehouse), _links(warehouse)
    assert set(links) == {"original.txt", "reprint.txt"}
    assert links["original.txt"][:3] == (ids["original.txt"], True, "most_complete")
    assert links["reprint.txt"][:2] == (ids["original.txt"], False)
    assert 0.5 <= links["reprint.txt"][3] < 1.0
    # The story is counted once, the reprint listed as one.
    assert _query(
        warehouse, "select sum(articles), sum(copies_seen) from coverage_by_publisher_day"
    ) == [(2, 3)]
    assert _query(warehouse, "select kind, source_uri from reprints where kind = 'near'") == [
        ("near", str(landing.absolute() / "reprint.txt"))
    ]

    # A third run brings a more complete copy: it becomes canonical and the group follows.
    (landing / "extended.txt").write_text(_extended(ORIGINAL), encoding="utf-8")
    third = newsetl_flow(source=str(landing), warehouse=str(warehouse))
    assert (third["articles_loaded"], third["near_copies"]) == (1, 0)
    ids, links = _ids(warehouse), _links(warehouse)
    assert {name: link[:3] for name, link in links.items()} == {
        "extended.txt": (ids["extended.txt"], True, "most_complete"),
        "original.txt": (ids["extended.txt"], False, "most_complete"),
        "reprint.txt": (ids["extended.txt"], False, "most_complete"),
    }
    assert _query(warehouse, "select sum(articles) from coverage_by_publisher_day") == [(2,)]

    # Nothing new: nothing changes; and the lake alone rebuilds the same links and index.
    before = {t: _table(warehouse, t) for t in LINKED}
    again = newsetl_flow(source=str(landing), warehouse=str(warehouse))
    assert again["status"] == "no_op"
    assert {t: _table(warehouse, t) for t in LINKED} == before
    rebuilt = tmp_path / "rebuilt.duckdb"
    rebuild(rebuilt, warehouse.with_name("w_lake"))
    assert {t: _table(rebuilt, t) for t in LINKED} == before


def test_a_retired_canonical_dissolves_its_group(prefect_server, tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    (landing / "original.txt").write_text(ORIGINAL, encoding="utf-8")
    (landing / "reprint.txt").write_text(_reprint(ORIGINAL), encoding="utf-8")
    newsetl_flow(source=str(landing), warehouse=str(warehouse))
    assert len(_links(warehouse)) == 2
    # The original's file is replaced by an unrelated story: its article and links go.
    (landing / "original.txt").write_bytes(OTHER.read_bytes())
    newsetl_flow(source=str(landing), warehouse=str(warehouse))
    assert _links(warehouse) == {}
    orphans = _query(
        warehouse,
        "select count(*) from near_copy_index "
        "where article_id not in (select article_id from articles)",
    )
    assert orphans == [(0,)]
