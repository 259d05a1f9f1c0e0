"""Stage records -> warehouse rows (dicts keyed by column name)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from transforms.records import Article, Reject
from warehouse.schema import ARTICLE_FRAME

_ARTICLE_COLUMNS = tuple(ARTICLE_FRAME.names)


def article_rows(articles: Iterable[Article]) -> Iterator[dict[str, Any]]:
    """Article columns of each article (ingested_at and run_id are added at staging)."""
    for a in articles:
        yield {name: getattr(a, name) for name in _ARTICLE_COLUMNS}


def copy_rows(
    firsts: Iterable[Article], copies: Iterable[Article], run_id: str, at: datetime
) -> Iterator[dict[str, Any]]:
    """One row per input an article was found in (first copies, then duplicates)."""
    for articles, first in ((firsts, True), (copies, False)):
        for a in articles:
            yield {
                "article_id": a.article_id,
                "source_uri": a.source_uri,
                "url": a.url,
                "host_site": a.host_site,
                "publisher": a.publisher,
                "is_first_copy": first,
                "seen_at": at,
                "run_id": run_id,
            }


def index_rows(articles: Iterable[Article], scheme: str, run_id: str) -> Iterator[dict[str, Any]]:
    """One near_copy_index row per article and LSH band."""
    for a in articles:
        for band, bucket in enumerate(a.near_copy_keys):
            yield {
                "article_id": a.article_id,
                "scheme": scheme,
                "band": band,
                "bucket": bucket,
                "run_id": run_id,
            }


def caption_rows(articles: Iterable[Article], run_id: str) -> Iterator[dict[str, Any]]:
    for a in articles:
        for position, c in enumerate(a.captions):
            yield {
                "article_id": a.article_id,
                "position": position,
                "caption": c.caption,
                "credit": c.credit,
                "run_id": run_id,
            }


def quarantine_rows(
    rejects: Iterable[Reject], run_id: str, at: datetime, copies: dict[str, str]
) -> Iterator[dict]:
    """Quarantine rows; copies maps source_uri to the stored copy of its bytes."""
    for r in rejects:
        yield {
            "source_uri": r.source_uri,
            "input_hash": r.input_hash,
            "stage": r.stage,
            "reason": r.reason,
            "detail": r.detail,
            "size_bytes": r.size_bytes,
            "stored_copy": copies.get(r.source_uri),
            "run_id": run_id,
            "quarantined_at": at,
        }
