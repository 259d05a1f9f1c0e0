"""Linking a run's new articles to their near copies, in the run and in the warehouse.

Candidates come from the persisted LSH index (`near_copy_index`) joined in DuckDB, so a
reprint arriving next week meets today's article without any text being rescanned; only
candidate pairs are read back and verified on exact shingle similarity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from transforms.nearcopy import (
    Member,
    Scheme,
    choose_canonical,
    group_links,
    jaccard,
    shingle_array,
)
from warehouse.duck import sql
from warehouse.schema import ARTICLES, NEAR_COPY_INDEX

# Articles whose texts and shingles are held at once. Pairs are verified a group of
# candidates at a time (a group is closed under its pairs), so nothing is kept between
# chunks and linking's memory does not grow with the run.
_ARTICLES_PER_CHUNK = 1000
# The temporary table the texts of a run's candidate articles are gathered into.
_GATHERED = "link_articles"


@dataclass(frozen=True, slots=True)
class _Linked:
    member: Member
    text: str
    is_staged: bool  # loaded by this run


def _as_linked(rows: Iterable[tuple]) -> dict[str, _Linked]:
    """near_copy_articles rows by article id."""
    return {
        article_id: _Linked(Member(article_id, is_original, word_count, first_seen), text, staged)
        for article_id, text, is_original, word_count, first_seen, staged in rows
    }


class _Gathered:
    """What linking needs of a run's candidate articles, read once from the staged parts and
    the warehouse into a temporary table on con (DuckDB spills it past its memory limit), so
    each chunk looks its articles up there instead of scanning every staged part again."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, staged_articles: Sequence[Path], at: datetime
    ):
        self.con = con
        self.files = [str(f) for f in staged_articles]
        self.at = at
        self.ids: set[str] = set()
        con.execute(f"drop table if exists {_GATHERED}")

    def add(self, ids: Iterable[str]) -> None:
        wanted = sorted(set(ids) - self.ids)
        if not wanted:
            return
        params = {"files": self.files, "ids": wanted, "at": self.at}
        query = sql("near_copy_articles")
        if self.ids:
            self.con.execute(f"insert into {_GATHERED} {query}", params)
        else:
            self.con.execute(f"create temp table {_GATHERED} as {query}", params)
        self.ids.update(wanted)

    def get(self, ids: Iterable[str]) -> dict[str, _Linked]:
        self.add(ids)
        query = f"select * from {_GATHERED} where article_id in (select unnest($ids))"
        return _as_linked(self.con.execute(query, {"ids": sorted(ids)}).fetchall())

    def close(self) -> None:
        self.con.execute(f"drop table if exists {_GATHERED}")


class _Shingled(dict[str, np.ndarray]):
    """Sorted shingle arrays of a chunk's articles, each made when first asked for."""

    def __init__(self, found: Mapping[str, _Linked], scheme: Scheme):
        super().__init__()
        self.found = found
        self.size = scheme.shingle_size

    def __missing__(self, article_id: str) -> np.ndarray:
        made = self[article_id] = shingle_array(self.found[article_id].text, self.size)
        return made


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _chunks(groups: list[set[str]], members: int) -> Iterator[tuple[set[str], list[set[str]]]]:
    """Whole groups, about `members` articles at a time (a larger group is a chunk of its
    own): each chunk's articles and its groups."""
    ids: set[str] = set()
    chunk: list[set[str]] = []
    for group in groups:
        ids |= group
        chunk.append(group)
        if len(ids) >= members:
            yield ids, chunk
            ids, chunk = set(), []
    if chunk:
        yield ids, chunk


def _verify(
    gathered: _Gathered,
    pairs: Sequence[tuple[str, str]],
    scheme: Scheme,
    similar: dict[tuple[str, str], float],
) -> dict[str, str]:
    """Each staged article's most similar other article among the pairs, at or above the
    scheme's threshold; the similarity of every such pair goes into `similar`."""
    best: dict[str, tuple[float, str]] = {}
    chunks = [ids for ids, _ in _chunks(group_links(pairs), _ARTICLES_PER_CHUNK)]
    chunk_of = {a: i for i, ids in enumerate(chunks) for a in ids}
    chunk_pairs: list[list[tuple[str, str]]] = [[] for _ in chunks]
    for a, b in pairs:
        chunk_pairs[chunk_of[a]].append((a, b))
    for ids, in_chunk in zip(chunks, chunk_pairs, strict=True):
        found = gathered.get(ids)
        shingled = _Shingled(found, scheme)
        for a, b in in_chunk:
            if a not in found or b not in found:
                continue
            sim = jaccard(shingled[a], shingled[b])
            if sim < scheme.threshold:
                continue
            similar[_pair(a, b)] = sim
            for one, other in ((a, b), (b, a)):
                if found[one].is_staged and sim > best.get(one, (0.0, ""))[0]:
                    best[one] = (sim, other)
    return {article_id: other for article_id, (_, other) in best.items()}


def verified_links(
    con: duckdb.DuckDBPyConnection,
    staged: Mapping[str, Sequence[Path]],
    scheme: Scheme,
    gathered: _Gathered,
    similar: dict[tuple[str, str], float],
) -> dict[str, str]:
    """Each staged article's most similar other article at or above the scheme's threshold.

    Linking the best match only, rather than every pair above the threshold, keeps one weak
    pair (two short texts padded with the same boilerplate) from merging two whole groups.
    """
    index_files = staged.get(NEAR_COPY_INDEX.name, ())
    if not index_files or not gathered.files:
        return {}
    params = {"files": [str(f) for f in index_files], "scheme": scheme.name}
    pairs = con.execute(sql("near_copy_candidates"), params).fetchall()
    if not pairs:
        return {}
    gathered.add(x for pair in pairs for x in pair)
    return _verify(gathered, pairs, scheme, similar)


def link_near_copies(
    con: duckdb.DuckDBPyConnection,
    staged: Mapping[str, Sequence[Path]],
    scheme: Scheme,
    run_id: str,
    at: datetime,
) -> tuple[list[dict[str, Any]], int]:
    """near_copies rows to upsert for the groups a run's articles join, form or reshape, and
    how many of the run's own articles are near copies (not canonical).

    A group is every article linked to its best match, directly or through a chain of near
    copies, together with the published groups those touch. Its canonical follows
    transforms.nearcopy.choose_canonical; only rows whose canonical changed are returned.
    """
    gathered = _Gathered(con, staged.get(ARTICLES.name, ()), at)
    try:
        return _link(con, staged, scheme, run_id, at, gathered)
    finally:
        gathered.close()


def _link(
    con: duckdb.DuckDBPyConnection,
    staged: Mapping[str, Sequence[Path]],
    scheme: Scheme,
    run_id: str,
    at: datetime,
    gathered: _Gathered,
) -> tuple[list[dict[str, Any]], int]:
    # Similarities of the verified pairs: a member's to its canonical is most often one.
    similar: dict[tuple[str, str], float] = {}
    links = verified_links(con, staged, scheme, gathered, similar).items()
    if not links:
        return [], 0
    linked = sorted({x for pair in links for x in pair})
    published = dict(con.execute(sql("near_copy_groups"), {"ids": linked}).fetchall())
    groups = group_links([*links, *published.items()])
    rows = []
    new_copies = 0
    for ids, chunk in _chunks(groups, _ARTICLES_PER_CHUNK):
        found = gathered.get(ids)
        shingled = _Shingled(found, scheme)
        for group in chunk:
            members = {a: found[a] for a in sorted(group) if a in found}
            if len(members) < 2:
                continue  # the rest of the group is gone from the warehouse: no group left
            canonical, rule = choose_canonical([m.member for m in members.values()])
            canon_id = canonical.article_id
            new_copies += sum(1 for a, m in members.items() if a != canon_id and m.is_staged)
            for article_id in members:
                if published.get(article_id) == canon_id:
                    continue  # the published link already says this
                similarity = similar.get(_pair(article_id, canon_id))
                if similarity is None:
                    similarity = jaccard(shingled[article_id], shingled[canon_id])
                rows.append(
                    {
                        "article_id": article_id,
                        "canonical_id": canon_id,
                        "is_canonical": article_id == canon_id,
                        "similarity": round(similarity, 4),
                        "canonical_rule": rule,
                        "scheme": scheme.name,
                        "linked_at": at,
                        "run_id": run_id,
                    }
                )
    return rows, new_copies
