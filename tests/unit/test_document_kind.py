"""Which body a document is submitted to and what kind of document it is."""

from __future__ import annotations

import pytest

from ingest.document_kind import addressed_body, document_type
from ingest.symbols import parse_symbol


def symbol(text: str):  # type: ignore[no-untyped-def]
    return parse_symbol(text)


@pytest.mark.parametrize(("sym", "action", "expected"), [
    ("C25/44", None, "body/council"),
    ("CWG-FHR-22/9(Rev.1)", "The Council is invited to note.", "body/cwg-fhr"),
    (None, "The Council Working Group on financial and human resources is invited to note "
           "the report.", "body/cwg-fhr"),
    (None, "The Council is invited to approve the plan.", "body/council"),
    (None, "Member States are invited to comment.", None),
    (None, None, None),
])
def test_addressed_body(sym, action, expected) -> None:  # type: ignore[no-untyped-def]
    assert addressed_body(symbol(sym) if sym else None, action) == expected


@pytest.mark.parametrize(("sym", "summary", "action", "body", "expected"), [
    ("C25/INF/12", "This report presents a programme.", None, "body/council",
     "InformationDocument"),
    (None, "This report presents progress.", None, "body/council", "Report"),
    (None, "This document presents a report on the implementation of X.", None, None,
     "Report"),
    (None, "This document outlines a strategy.", "The Council is invited to note the report.",
     "body/cwg-fhr", "Report"),
    (None, "This document outlines a strategy.", "The Council is invited to endorse it.",
     "body/council", "CouncilDocument"),
    (None, "This document outlines a strategy.", None, "body/cwg-fhr", None),
])
def test_document_type(sym, summary, action, body, expected) -> None:  # type: ignore[no-untyped-def]
    assert document_type(symbol(sym) if sym else None, summary, action, body) == expected
