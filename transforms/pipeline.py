"""Batch stages: each takes a batch of records and returns the survivors and the rejects."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from transforms import extract, normalize
from transforms.records import Article, ExtractedDocument, RawDocument, Reject

In = TypeVar("In", RawDocument, ExtractedDocument)
Out = TypeVar("Out")


def run_stage(
    items: Iterable[In], fn: Callable[[In], Out | Reject], stage: str
) -> tuple[list[Out], list[Reject]]:
    """Apply fn to each item; an exception rejects that item alone, with its type and message."""
    kept: list[Out] = []
    rejects: list[Reject] = []
    for item in items:
        try:
            result = fn(item)
        except Exception as exc:  # one bad record must never stop the batch
            result = Reject(
                item.source_uri,
                stage,
                f"{stage}_error",
                f"{type(exc).__name__}: {exc}",
                item.input_hash,
                getattr(item, "size_bytes", None),
            )
        (rejects if isinstance(result, Reject) else kept).append(result)
    return kept, rejects


def extract_batch(raws: Iterable[RawDocument]) -> tuple[list[ExtractedDocument], list[Reject]]:
    """Extract a batch of decoded inputs."""
    return run_stage(raws, extract.extract_document, extract.STAGE)


def normalize_batch(
    docs: Iterable[ExtractedDocument], *, now: datetime
) -> tuple[list[Article], list[Reject]]:
    """Normalize a batch of extracted documents."""
    return run_stage(docs, lambda d: normalize.normalize_document(d, now=now), normalize.STAGE)


def split_duplicates(
    articles: Iterable[Article], known_ids: set[str]
) -> tuple[list[Article], list[Article]]:
    """(first copies, later copies) by article_id; known_ids grows with each first copy."""
    firsts: list[Article] = []
    copies: list[Article] = []
    for article in articles:
        if article.article_id in known_ids:
            copies.append(article)
        else:
            known_ids.add(article.article_id)
            firsts.append(article)
    return firsts, copies
