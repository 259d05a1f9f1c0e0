"""PageMetadata reads trafilatura's metadata fields as trafilatura does, on real pages."""

from __future__ import annotations

import gzip

import pytest
import trafilatura
from lxml import etree
from trafilatura.metadata import extract_metadata
from trafilatura.settings import set_date_params

from tests.conftest import SAMPLES
from transforms.pagemeta import PageMetadata

FIELDS = ("title", "description", "url", "hostname", "sitename", "author", "date")


def _tree(path):
    return trafilatura.load_html(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))


def _mismatches(paths) -> list[str]:
    out = []
    for path in paths:
        tree = _tree(path)
        expected = extract_metadata(tree, None, set_date_params(True))
        meta = PageMetadata(tree)
        out += [
            f"{path.name} {field}: {getattr(meta, field)!r} != {getattr(expected, field)!r}"
            for field in FIELDS
            if getattr(meta, field) != getattr(expected, field)
        ]
    return out


def test_fields_equal_trafilaturas_on_the_bundled_pages():
    pages = sorted((SAMPLES / "html").glob("*.html.gz"))
    assert pages
    assert _mismatches(pages) == []


def test_fields_equal_trafilaturas_on_every_fifth_dev_page(eval_dir):
    assert _mismatches(sorted((eval_dir / "html").glob("*.html.gz"))[::5]) == []


@pytest.mark.parametrize("name", ["0161.html.gz", "4560.html.gz"])
def test_reading_every_field_leaves_the_tree_as_it_was(name):
    tree = _tree(SAMPLES / "html" / name)
    before = etree.tostring(tree)
    meta = PageMetadata(tree)
    assert [getattr(meta, field) for field in FIELDS]
    assert etree.tostring(tree) == before


def test_author_and_date_searches_run_only_when_asked():
    tree = trafilatura.load_html(
        "<html><head><title>A headline</title></head><body><h1>A headline</h1>"
        '<p class="byline">By Jane Example</p><p>Published 2024-03-05 in the paper.</p>'
        "</body></html>"
    )
    meta = PageMetadata(tree)
    assert "author" not in vars(meta) and "date" not in vars(meta)
    assert meta.declared_author is None
    assert meta.author == "Jane Example"
    assert meta.date == "2024-03-05"
