"""Linking a run's new articles to their near copies, in the run and in the warehouse.

Candidates come from the persisted LSH index (`near_copy_index`) joined in DuckDB, so a
reprint arriving next week meets today's article without any text being rescanned; only
candidate pairs are read back and verified on exact shingle similarity.
"""

from __future__ import annotations

from collections import OrderedDict
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

# Candidate pairs verified per round trip: bounds the texts held in memory at once.
_PAIRS_PER_CHUNK = 2000
# The temporary table the texts of a run's candidate pairs are gathered into.
_GATHERED = "link_articles"
# Shingle arrays kept between chunks (a few KB each): an article met again is not re-shingled.
_SHINGLED_KEPT = 8192


@dataclass(frozen=True, slots=True)
class _Linked:
    member: Member
    text: str
    is_staged: bool  # loaded by this run


def _articles(
    con: duckdb.DuckDBPyConnection, staged_articles: Sequence[Path], ids: Iterable[str], at
) -> dict[str, _Linked]:
    params = {"files": [str(f) for f in staged_articles], "ids": sorted(ids), "at": at}
    return _as_linked(con.execute(sql("near_copy_articles"), params).fetchall())


def _as_linked(rows: Iterable[tuple]) -> dict[str, _Linked]:
    """near_copy_articles rows by article id."""
    return {
        article_id: _Linked(Member(article_id, is_original, word_count, first_seen), text, staged)
        for article_id, text, is_original, word_count, first_seen, staged in rows
    }


def _gather(
    con: duckdb.DuckDBPyConnection, staged_articles: Sequence[Path], ids: Iterable[str], at
) -> None:
    """Read what linking needs of these articles once, into a temporary table on con, so each
    chunk of pairs looks up its texts there instead of scanning every staged part again."""
    params = {"files": [str(f) for f in staged_articles], "ids": sorted(ids), "at": at}
    con.execute(f"create or replace temp table {_GATHERED} as {sql('near_copy_articles')}", params)


def _gathered(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> dict[str, _Linked]:
    query = f"select * from {_GATHERED} where article_id in (select unnest($ids))"
    return _as_linked(con.execute(query, {"ids": sorted(ids)}).fetchall())


class _Shingled:
    """Sorted shingle arrays of texts, kept for the most recently used articles."""

    def __init__(self, scheme: Scheme, keep: int = _SHINGLED_KEPT):
        self.size = scheme.shingle_size
        self.keep = keep
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __call__(self, article_id: str, text: str) -> np.ndarray:
        found = self._cache.get(article_id)
        if found is None:
            found = shingle_array(text, self.size)
            self._cache[article_id] = found
            if len(self._cache) > self.keep:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(article_id)
        return found


def _chunks(groups: list[set[str]], members: int) -> Iterator[list[set[str]]]:
    """Groups in runs of about `members` articles, so texts are fetched a chunk at a time."""
    chunk: list[set[str]] = []
    size = 0
    for group in groups:
        chunk.append(group)
        size += len(group)
        if size >= members:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def verified_links(
    con: duckdb.DuckDBPyConnection,
    staged: Mapping[str, Sequence[Path]],
    scheme: Scheme,
    at: datetime,
    shingled: _Shingled | None = None,
) -> dict[str, str]:
    """Each staged article's most similar other article at or above the scheme's threshold.

    Linking the best match only, rather than every pair above the threshold, keeps one weak
    pair (two short texts padded with the same boilerplate) from merging two whole groups.
    """
    index_files = staged.get(NEAR_COPY_INDEX.name, ())
    article_files = staged.get(ARTICLES.name, ())
    if not index_files or not article_files:
        return {}
    params = {"files": [str(f) for f in index_files], "scheme": scheme.name}
    pairs = con.execute(sql("near_copy_candidates"), params).fetchall()
    if not pairs:
        return {}
    shingled = shingled or _Shingled(scheme)
    best: dict[str, tuple[float, str]] = {}
    _gather(con, article_files, {x for pair in pairs for x in pair}, at)
    for start in range(0, len(pairs), _PAIRS_PER_CHUNK):
        chunk = pairs[start : start + _PAIRS_PER_CHUNK]
        found = _gathered(con, {x for pair in chunk for x in pair})
        for a, b in chunk:
            if a in found and b in found:
                sim = jaccard(shingled(a, found[a].text), shingled(b, found[b].text))
                if sim < scheme.threshold:
                    continue
                for one, other in ((a, b), (b, a)):
                    if found[one].is_staged and sim > best.get(one, (0.0, ""))[0]:
                        best[one] = (sim, other)
    con.execute(f"drop table if exists {_GATHERED}")
    return {article_id: other for article_id, (_, other) in best.items()}


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
    shingled = _Shingled(scheme)
    links = verified_links(con, staged, scheme, at, shingled).items()
    if not links:
        return [], 0
    linked = sorted({x for pair in links for x in pair})
    published = dict(con.execute(sql("near_copy_groups"), {"ids": linked}).fetchall())
    article_files = staged.get(ARTICLES.name, ())
    rows = []
    new_copies = 0
    for chunk in _chunks(group_links([*links, *published.items()]), _PAIRS_PER_CHUNK):
        found = _articles(con, article_files, {a for group in chunk for a in group}, at)
        for group in chunk:
            members = {a: found[a] for a in sorted(group) if a in found}
            if len(members) < 2:
                continue  # the rest of the group is gone from the warehouse: no group left
            canonical, rule = choose_canonical([m.member for m in members.values()])
            canon_id = canonical.article_id
            canon_shingles = shingled(canon_id, members[canon_id].text)
            new_copies += sum(1 for a, m in members.items() if a != canon_id and m.is_staged)
            for article_id, m in members.items():
                if published.get(article_id) == canon_id:
                    continue  # the published link already says this
                similarity = jaccard(shingled(article_id, m.text), canon_shingles)
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
