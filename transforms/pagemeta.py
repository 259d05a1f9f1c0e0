"""trafilatura's page metadata, read field by field so the costly searches run only when asked.

`trafilatura.bare_extraction(with_metadata=True)` reads every metadata field of a page before
its text: the author search over a pruned copy of the whole page, htmldate's date search,
categories, tags and the licence. On the dev pages that is a third of its time, and newsetl
reads trafilatura's author and date only when its own cues (JSON-LD, the byline and the date
printed beside the headline) found none. PageMetadata gives the same values as
trafilatura's `extract_metadata` for the fields newsetl uses, the cheap ones at once and the
author and the date on first use; it never changes the tree it reads.
"""

from __future__ import annotations

import logging
from functools import cached_property
from html import unescape

from courlan import extract_domain
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import set_date_params
from trafilatura.utils import line_processing

log = logging.getLogger(__name__)


class PageMetadata:
    """title, description, url, hostname, sitename, author and date, as trafilatura reads them."""

    def __init__(self, tree: HtmlElement) -> None:
        self._tree = tree
        meta = examine_meta(tree)
        # trafilatura drops a one-word author from the meta tags before reading JSON-LD.
        if meta.author and " " not in meta.author:
            meta.author = None
        try:
            meta = extract_meta_json(tree, meta)
        except Exception as err:  # trafilatura's JSON-LD reader fails on some malformed blocks
            log.debug("JSON-LD metadata unreadable: %s", err)
        self._author = meta.author
        url = meta.url or extract_url(tree)
        self.title = _trimmed(meta.title or extract_title(tree))
        self.description = _trimmed(meta.description)
        self.hostname = _trimmed(extract_domain(url, fast=True) if url else meta.hostname)
        self.sitename = _trimmed(_sitename(meta.sitename or extract_sitename(tree), url))
        # htmldate reads the URL as trafilatura found it, before the trim.
        self._url = url
        self.url = _trimmed(url)

    @property
    def declared_author(self) -> str | None:
        """The author the meta tags or JSON-LD declare, without the search of the page."""
        return _trimmed(self._author)

    @cached_property
    def author(self) -> str | None:
        """The declared author, else trafilatura's search of the page's bylines."""
        return _trimmed(self._author or extract_author(self._tree))

    @cached_property
    def date(self) -> str | None:
        """htmldate's publication date (YYYY-MM-DD), with trafilatura's settings."""
        return _trimmed(find_date(self._tree, **set_date_params(True), url=self._url))


def _trimmed(value: str | None) -> str | None:
    """A field as trafilatura hands it out: entities decoded, spaces and controls cleaned."""
    if not isinstance(value, str):
        return value
    if len(value) > 10000:
        value = value[:9999] + "…"
    return line_processing(unescape(value))


def _sitename(name: str | None, url: str | None) -> str | None:
    if name:
        name = name.lstrip("@")
        if name and "." not in name and not name[0].isupper():
            name = name.title()
        return name
    match = META_URL.match(url) if url else None
    return match[1] if match else None
