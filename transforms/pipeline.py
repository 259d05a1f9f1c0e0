"""Batch stages: each takes a batch of records and returns the survivors and the rejects."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import TypeVar

from transforms import normalize
from transforms.nearcopy import Scheme
from transforms.records import Article, ExtractedDocument, RawDocument, Reject

In = TypeVar("In", RawDocument, ExtractedDocument)
Out = TypeVar("Out")


def guarded(fn: Callable[[In], Out | Reject], item: In, stage: str) -> Out | Reject:
    """fn(item); an exception rejects that item alone, with its type and message."""
    try:
        return fn(item)
    except Exception as exc:  # one bad record must never stop the batch
        return reject(item, stage, f"{stage}_error", f"{type(exc).__name__}: {exc}")


def reject(item: In, stage: str, reason: str, detail: str) -> Reject:
    """A Reject for a record of any stage."""
    return Reject(
        item.source_uri, stage, reason, detail, item.input_hash, getattr(item, "size_bytes", None)
    )


def split_results(results: Iterable[Out | Reject]) -> tuple[list[Out], list[Reject]]:
    """(kept records, rejects) in their original order."""
    kept: list[Out] = []
    rejects: list[Reject] = []
    for result in results:
        (rejects if isinstance(result, Reject) else kept).append(result)
    return kept, rejects


def normalize_and_index(doc: ExtractedDocument, *, now: datetime, scheme: Scheme) -> Article:
    """normalize_document, with the article's near-copy index keys filled in."""
    article = normalize.normalize_document(doc, now=now)
    article.near_copy_keys = scheme.band_keys(article.text)
    return article


def normalizer(now: datetime, scheme: Scheme) -> Callable[[ExtractedDocument], Article]:
    """normalize_and_index bound to the run's clock and scheme, picklable for worker processes."""
    return partial(normalize_and_index, now=now, scheme=scheme)


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
