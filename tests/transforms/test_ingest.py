import codecs
import gzip

import pytest

from transforms.ingest import decode_bytes, gunzip_bounded, ingest_bytes, input_format
from transforms.records import RawDocument, Reject

LIMITS = {"max_input_bytes": 10_000, "max_decompressed_bytes": 50_000}
ARTICLE = "Putin bekräftar resa till Peking nästa månad.\n\nDenna vecka har Kinas toppdiplomat"


def ingest(name: str, data: bytes):
    return ingest_bytes(name, data, **LIMITS)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty_file"),
        ("blank.txt", b"  \n\t\n", "empty_file"),
        ("big.txt", b"a" * 10_001, "too_large"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary_file"),
        ("bomb.txt.gz", gzip.compress(b"a" * 60_000), "too_large_decompressed"),
        ("cut.html.gz", gzip.compress(b"<html>" * 100)[:-12], "bad_gzip"),
        ("empty.txt.gz", gzip.compress(b""), "empty_file"),
    ],
)
def test_bad_inputs_are_rejected_with_a_reason(name, data, reason):
    result = ingest(name, data)
    assert isinstance(result, Reject)
    assert (result.stage, result.reason) == ("ingest", reason)
    assert result.detail


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARTICLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), "utf-8-sig"),
        (ARTICLE.encode("utf-16"), "utf-16"),
    ],
)
def test_unicode_inputs_decode_exactly(data, encoding):
    result = ingest("a.txt", data)
    assert isinstance(result, RawDocument)
    assert (result.text, result.encoding) == (ARTICLE, encoding)


def test_latin1_text_is_detected_and_decoded():
    text = "Le président a déclaré vendredi que la réforme des retraites était nécessaire. " * 5
    result = ingest("latin.txt", text.encode("latin-1"))
    assert isinstance(result, RawDocument)
    assert result.text == text
    assert result.encoding != "utf-8"


def test_gzip_is_decompressed_and_hash_is_of_the_stored_bytes():
    data = gzip.compress(b"<html><body><p>Hello</p></body></html>")
    result = ingest("page.html.gz", data)
    assert isinstance(result, RawDocument)
    assert result.input_format == "html"
    assert result.size_bytes == len(data)
    assert result.text.startswith("<html>")


def test_crlf_becomes_newline():
    result = ingest("a.txt", b"Title\r\n\r\nBody line one.\rBody line two.")
    assert result.text == "Title\n\nBody line one.\nBody line two."


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.html", "plain words", "html"),
        ("a.HTM.gz", "plain words", "html"),
        ("a.txt", "<html><body>x</body></html>", "text"),
        ("noext", "<!DOCTYPE html><html><head></head>", "html"),
        ("noext", "<!-- saved --> <html lang=en>", "html"),
        ("noext", "Just a dump of a page.\nSecond line.", "text"),
    ],
)
def test_input_format(name, text, expected):
    assert input_format(name, text) == expected


def test_gunzip_bounded_stops_at_the_limit():
    with pytest.raises(OverflowError):
        gunzip_bounded(gzip.compress(b"x" * 1000), 999)
    assert gunzip_bounded(gzip.compress(b"x" * 1000), 1000) == b"x" * 1000


def test_decode_bytes_refuses_binary():
    assert decode_bytes(b"abc\x00\x01\x02def") is None


def test_mojibake_is_repaired_and_recorded():
    text = "Kinas toppdiplomat Wang Yi träffade Lavrov – den röda linjen är Taiwan, sade han."
    garbled = text.encode("utf-8").decode("cp1252").encode("utf-8")
    result = ingest("garbled.txt", garbled)
    assert result.text == text
    assert result.encoding == "utf-8+ftfy"


def test_clean_text_is_left_alone():
    result = ingest("clean.txt", ARTICLE.encode("utf-8"))
    assert (result.text, result.encoding) == (ARTICLE, "utf-8")


def test_html_with_too_many_tags_is_rejected():
    page = ("<html><body>" + "<span>x</span>" * 600 + "</body></html>").encode()
    result = ingest_bytes(
        "tags.html",
        page,
        max_input_bytes=10**6,
        max_decompressed_bytes=10**6,
        max_html_elements=1000,
    )
    assert (result.stage, result.reason) == ("ingest", "too_many_elements")
