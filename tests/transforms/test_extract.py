"""extract_document's shared steps: repeated paragraphs."""

from __future__ import annotations

import pytest

from transforms.extract import drop_repeated_paragraphs

LONG = "The council voted on Tuesday to expand the program to every school."


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        ([LONG, "Next.", LONG.upper()], [LONG, "Next."]),
        # Short lines recur in real text (answers, table cells) and stay.
        (["Yes", "No", "Yes"], ["Yes", "No", "Yes"]),
        ([LONG, LONG + " Then more."], [LONG, LONG + " Then more."]),
        ([], []),
    ],
)
def test_drop_repeated_paragraphs(paragraphs, expected):
    assert drop_repeated_paragraphs(paragraphs) == expected
