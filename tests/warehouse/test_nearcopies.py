"""Near-copy linking against a real DuckDB file and real staged Parquet parts."""

from datetime import UTC, datetime

import pytest

from bench.nearcopy import build_docs, write_runs
from tests.conftest import SAMPLES
from transforms.nearcopy import Scheme
from warehouse import duck, nearcopies

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def staged_run(tmp_path_factory):
    """The five seeds and five edited reprints of each, the first half published."""
    pages = {
        path.stem: [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
        for path in sorted((SAMPLES / "seeds").glob("*.txt"))
    }
    docs = build_docs(pages)
    scheme = Scheme()
    keys = [scheme.band_keys(text) for _, text in docs]
    workdir = tmp_path_factory.mktemp("link")
    con = duck.connect(workdir / "w.duckdb")
    staged = write_runs(con, docs, keys, scheme, workdir, AT)
    yield con, staged, scheme, [f"{page}:{kind}" for (page, kind), _ in docs[len(docs) // 2 :]]
    con.close()


def _link(staged_run, per_chunk: int, monkeypatch) -> list[dict]:
    con, staged, scheme, _ = staged_run
    monkeypatch.setattr(nearcopies, "_ARTICLES_PER_CHUNK", per_chunk)
    rows, _ = nearcopies.link_near_copies(con, staged, scheme, "r2", AT)
    return sorted(rows, key=lambda r: r["article_id"])


def test_every_staged_reprint_joins_the_group_of_its_own_seed(staged_run, monkeypatch):
    rows = _link(staged_run, 1000, monkeypatch)
    canonical = {r["article_id"]: r["canonical_id"] for r in rows}
    assert set(staged_run[3]) <= canonical.keys()
    assert all(a.split(":")[0] == c.split(":")[0] for a, c in canonical.items())
    assert len(set(canonical.values())) == 5
    assert all(r["similarity"] >= 0.5 for r in rows)


@pytest.mark.parametrize("per_chunk", [1, 3, 7])
def test_small_chunks_link_exactly_as_one_chunk(staged_run, per_chunk, monkeypatch):
    # A chunk holds whole candidate groups, so a pair is never split across two chunks.
    assert _link(staged_run, per_chunk, monkeypatch) == _link(staged_run, 1000, monkeypatch)


def test_linking_leaves_no_temporary_table(staged_run, monkeypatch):
    con, *_ = staged_run
    _link(staged_run, 3, monkeypatch)
    left = con.execute(
        "select count(*) from duckdb_tables() where table_name = $name",
        {"name": nearcopies._GATHERED},
    ).fetchone()
    assert left == (0,)
