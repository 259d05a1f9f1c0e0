"""Site-level chrome: paragraphs that recur across documents of one site are menus and footers."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from urllib.parse import urlsplit

from transforms.records import ExtractedDocument

__all__ = ["MIN_SITE_DOCS", "drop_site_chrome", "line_hash", "site_of"]

# A paragraph printed by this many documents of one site is the site's, not a story's.
MIN_SITE_DOCS = 3
# A document made mostly of its site's common paragraphs is a copy of another document, not
# a story with a footer: it is left whole.
_MAX_COMMON_SHARE = 0.5
_WORD = re.compile(r"\w+")


def line_hash(text: str) -> str:
    """A short stable hash of a paragraph's case-folded words."""
    folded = " ".join(_WORD.findall(text.casefold()))
    return hashlib.sha1(folded.encode()).hexdigest()[:16]


def site_of(doc: ExtractedDocument) -> str | None:
    """The host of the document's URL, else the first site name it shows; None when neither."""
    if doc.url:
        host = urlsplit(doc.url).hostname
        if host:
            return host.removeprefix("www.")
    if doc.site_names:
        return " ".join(doc.site_names[0].casefold().split())
    return None


Key = tuple[str, str]  # (site, line_hash)
Lookup = Callable[[Collection[Key]], Mapping[Key, int]]


def drop_site_chrome(
    docs: Sequence[ExtractedDocument],
    known: Mapping[Key, int] | Lookup,
    min_docs: int = MIN_SITE_DOCS,
) -> tuple[list[ExtractedDocument], dict[Key, int]]:
    """Docs without the paragraphs their site prints in min_docs documents or more.

    known maps (site, line_hash) to the documents of earlier batches that printed the
    paragraph, or is a function giving that map for the batch's keys (so the counts of a
    large corpus can stay on disk). Returns the cleaned docs and the updated counts for
    every (site, line_hash) of this batch. A document is never emptied, and one whose
    paragraphs are mostly common stays whole.
    """
    keys: list[tuple[str | None, list[str]]] = []
    batch: Counter[Key] = Counter()
    for doc in docs:
        site = site_of(doc)
        # A document with no site is left whole, so its paragraphs are not hashed.
        hashes = [line_hash(p) for p in doc.paragraphs] if site is not None else []
        keys.append((site, hashes))
        batch.update({(site, h) for h in hashes})
    before = known(batch.keys()) if callable(known) else known
    totals = {key: before.get(key, 0) + n for key, n in batch.items()}
    out = []
    for doc, (site, hashes) in zip(docs, keys, strict=True):
        if site is None:
            out.append(doc)
            continue
        common = [totals[(site, h)] >= min_docs for h in hashes]
        kept = [p for p, c in zip(doc.paragraphs, common, strict=True) if not c]
        if not kept or sum(common) > _MAX_COMMON_SHARE * len(hashes):
            out.append(doc)
        else:
            out.append(dataclasses.replace(doc, paragraphs=kept))
    return out, totals
