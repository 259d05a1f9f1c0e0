"""Stage records -> the DataFrames the suites validate, shaped by the declared frame schemas."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa

from transforms.records import ExtractedDocument, RawSummary
from warehouse.lake import to_arrow
from warehouse.schema import EXTRACTED_FRAME, RAW_FRAME


def raw_frame(raws: Sequence[RawSummary]) -> pd.DataFrame:
    """One row per decoded input (its metadata; the text itself stays with the worker)."""
    rows = [
        {
            "source_uri": r.source_uri,
            "input_hash": r.input_hash,
            "size_bytes": r.size_bytes,
            "input_format": r.input_format,
            "encoding": r.encoding,
            "text_chars": r.text_chars,
        }
        for r in raws
    ]
    return to_arrow(RAW_FRAME, rows).to_pandas()


def extracted_frame(docs: Sequence[ExtractedDocument]) -> pd.DataFrame:
    """One row per extracted document."""
    rows = [
        {
            "source_uri": d.source_uri,
            "input_format": d.input_format,
            "title": d.title,
            "paragraph_count": len(d.paragraphs),
            "text_chars": sum(len(p) for p in d.paragraphs),
        }
        for d in docs
    ]
    return to_arrow(EXTRACTED_FRAME, rows).to_pandas()


def arrow_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table (e.g. a batch of article rows) as a DataFrame."""
    return table.to_pandas()
