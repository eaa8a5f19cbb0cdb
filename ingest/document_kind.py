"""What kind of document this is and which body it is submitted to.

Both are search filters in the explorer ("only reports to the CWG-FHR"), so they are read
once at ingest and stored on the document. The body comes from the symbol series first
(``C25/..`` goes to the Council, ``CWG-FHR-20/..`` to that working group) and otherwise from
the "Action required" block ("The Council Working Group on financial and human resources is
invited to ..."), matched against the gazetteer's bodies. The kind is one of the ontology's
subclasses of ``ckg:Document`` (``CouncilDocument``, ``Report``, ``InformationDocument``).
"""

from __future__ import annotations

import re

from ingest.resolution import load_gazetteer
from ingest.symbols import DocumentSymbol

COUNCIL = "body/council"
INFORMATION = "InformationDocument"
REPORT = "Report"
COUNCIL_DOCUMENT = "CouncilDocument"

_COUNCIL_SERIES_RE = re.compile(r"^C(?:\d{2}|\d{4})/")
_INF_RE = re.compile(r"/INF[/.]", re.I)
#: "This report ...", "presents a report on ...", "report on the implementation"
_REPORT_RE = re.compile(r"\b(?:this|a|the annual|annual) report\b|\breport(?:s)? on\b", re.I)
_INVITED_RE = re.compile(r"^(?P<who>.{3,160}?)\s+(?:is|are)\s+(?:invited|requested|asked)\b",
                         re.I | re.S)


def _bodies() -> list[tuple[str, str]]:
    """(form, body id) for every body in the gazetteer, longest form first."""
    forms = [(form, entry.entity.id) for entry in load_gazetteer()
             if entry.entity.type == "Body" for form in entry.forms]
    return sorted(forms, key=lambda item: -len(item[0]))


def _body_in(text: str) -> str | None:
    lowered = text.lower()
    for form, ident in _bodies():
        if re.search(rf"(?<!\w){re.escape(form.lower())}(?!\w)", lowered):
            return ident
    return None


def addressed_body(symbol: DocumentSymbol | None, action_required: str | None) -> str | None:
    """Id of the body the document is submitted to, or None when neither the symbol
    series nor the "Action required" sentence names a known body."""
    if symbol is not None:
        if _COUNCIL_SERIES_RE.match(symbol.base):
            return COUNCIL
        series = re.split(r"[-/]\d", symbol.base, maxsplit=1)[0]
        if series != symbol.base and (found := _body_in(series)) is not None:
            return found
    if action_required:
        match = _INVITED_RE.match(action_required.strip())
        if match and (found := _body_in(match.group("who"))) is not None:
            return found
    return None


def document_type(symbol: DocumentSymbol | None, summary: str | None,
                  action_required: str | None, body: str | None) -> str | None:
    """The ontology class of the document: an information document by its symbol, a
    report by how it describes itself, else a Council document when the Council is its
    addressee; None when nothing says."""
    if symbol is not None and _INF_RE.search(symbol.base):
        return INFORMATION
    first = (summary or "").split(". ")[0]
    if _REPORT_RE.search(first) or re.search(r"\bnote (?:of )?(?:this|the) report\b",
                                              action_required or "", re.I):
        return REPORT
    if body == COUNCIL:
        return COUNCIL_DOCUMENT
    return None
