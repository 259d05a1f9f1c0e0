"""Bytes of an input file -> decoded RawDocument, or a Reject saying why not."""

from __future__ import annotations

import codecs
import hashlib
import re
import zlib
from datetime import datetime

import ftfy
from charset_normalizer import from_bytes
from ftfy.badness import is_bad

from transforms.records import RawDocument, Reject

STAGE = "ingest"

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text")
_HTML_SNIFF = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_TAG = re.compile(r"<(p|div|a|span|br|script|meta|li|h[1-6])\b", re.I)
_GZIP_MAGIC = b"\x1f\x8b"
_MOJIBAKE_SAMPLE = 50_000
# A UTF-8 lead byte (0xC2-0xF4) then a continuation byte (0x80-0xBF), both read as cp1252.
_MOJIBAKE_LEAD = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
# Control characters other than tab, newline, form feed and carriage return mark binary data.
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def input_format(source_uri: str, text: str) -> str:
    """'html' or 'text', from the file name, else from the content."""
    name = source_uri.lower().removesuffix(".gz")
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    head = text[:4096]
    if _HTML_SNIFF.match(head.encode("utf-8", "ignore")) or len(_TAG.findall(head)) >= 5:
        return "html"
    return "text"


def gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, raising ValueError past max_bytes (gzip bombs)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, max_bytes + 1)
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise OverflowError(f"decompresses past {max_bytes} bytes")
    if not inflater.eof:
        raise ValueError("truncated gzip stream")
    return out


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return b"\x00" in sample or controls / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str] | None:
    """Decode to (text, encoding): BOM, then strict UTF-8, then detection; None if none fits."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    if _looks_binary(data):
        return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        return None
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        return None


def ingest_bytes(
    source_uri: str,
    data: bytes,
    *,
    modified_at: datetime | None = None,
    max_input_bytes: int,
    max_decompressed_bytes: int,
    max_html_elements: int = 500_000,
) -> RawDocument | Reject:
    """Check, decompress and decode one input's bytes."""
    input_hash = hashlib.sha256(data).hexdigest()
    size = len(data)

    def reject(reason: str, detail: str) -> Reject:
        return Reject(source_uri, STAGE, reason, detail, input_hash, size)

    if size == 0:
        return reject("empty_file", "the file has no bytes")
    if size > max_input_bytes:
        return reject("too_large", f"{size} bytes is over the limit of {max_input_bytes}")
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gunzip_bounded(data, max_decompressed_bytes)
        except OverflowError as exc:
            return reject("too_large_decompressed", str(exc))
        except (ValueError, zlib.error) as exc:
            return reject("bad_gzip", f"{type(exc).__name__}: {exc}")
        if not data:
            return reject("empty_file", "the gzip stream holds no bytes")
    decoded = decode_bytes(data)
    if decoded is None:
        if _looks_binary(data):
            return reject("binary_file", "control bytes found: not a text or HTML document")
        return reject("undecodable", "not UTF-8 and no other encoding fits")
    text, encoding = decoded
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return reject("empty_file", "the file holds only whitespace")
    # Mojibake (UTF-8 once read as Windows-1252, ...) is repaired, and the repair is recorded.
    # ftfy's check is thorough but slow on big pages: only texts showing the characters that
    # mis-decoded UTF-8 starts with get it.
    sample = text[:_MOJIBAKE_SAMPLE]
    if _MOJIBAKE_LEAD.search(sample) and is_bad(sample):
        text, encoding = ftfy.fix_text(text), f"{encoding}+ftfy"
    fmt = input_format(source_uri, text)
    if fmt == "html" and text.count("<") > max_html_elements:
        return reject(
            "too_many_elements", f"over {max_html_elements} tags: too complex to extract safely"
        )
    return RawDocument(
        source_uri=source_uri,
        input_hash=input_hash,
        size_bytes=size,
        modified_at=modified_at,
        input_format=fmt,
        encoding=encoding,
        text=text,
    )
