"""Stage 4: document metadata from the cover blocks of a Council document.

Reads the symbol (a ``Document C24/58-E`` header line, a bare symbol line near
the top, or the repeated page footer), the Purpose/Summary, "Action required"
and "References" blocks, the first date of the cover page, and a restriction
marking ("Restricted", "For official use only", "Limited distribution") on a
cover or running-header line of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.cleaning import CleanedText
from ingest.sentences import split_sentences
from ingest.structure import Block, Kind
from ingest.symbols import DocumentSymbol, find_symbols

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DATE_RE = re.compile(rf"\b(\d{{1,2}})\s+({'|'.join(_MONTHS)})\s+(\d{{4}})\b")
_HEADER_SYMBOL_RE = re.compile(r"^(?:Document|Doc\.)\s+(?P<sym>\S+)(?:\s|$)")
_COVER_BLOCKS = 15
#: a classification marking standing alone on a cover or running-header line; in running
#: text these words are ordinary ("restricted access to the portal"), so the whole line
#: must be the marking (punctuation and an "ITU" prefix aside)
_MARKING_RE = re.compile(
    r"^[\W_]*(?:ITU\s+)?(?:strictly\s+)?(?:restricted(?:\s+(?:document|distribution|access))?"
    r"|confidential|for\s+official\s+use\s+only|(?:for\s+)?internal\s+use\s+only"
    r"|limited\s+distribution|distribution\s*:\s*(?:limited|restricted)"
    r"|not\s+for\s+(?:public\s+)?(?:distribution|release))[\W_]*$", re.I)


@dataclass(frozen=True, slots=True)
class Metadata:
    symbol: DocumentSymbol | None
    title: str | None
    date: str | None
    year: int | None
    summary: str | None
    action_required: str | None
    references: str | None
    references_span: tuple[int, int] | None
    #: "restricted" when the cover carries a restriction marking, else None
    access_level: str | None = None


def _block_texts(blocks: list[Block]) -> dict[str, list[Block]]:
    """Blocks under each cover label, until the next label or heading."""
    found: dict[str, list[Block]] = {}
    current: str | None = None
    for block in blocks:
        if block.kind is Kind.LABEL:
            current = block.label
            if current is not None:
                found.setdefault(current, [])
            continue
        if block.kind is Kind.HEADING:
            current = None
            continue
        if current is not None and block.kind is not Kind.BLANK:
            found[current].append(block)
    return found


def _header_symbol(blocks: list[Block]) -> DocumentSymbol | None:
    for block in blocks[:_COVER_BLOCKS]:
        match = _HEADER_SYMBOL_RE.match(block.text)
        candidate = match.group("sym") if match else block.text
        symbols = list(find_symbols(candidate))
        # the symbol must stand alone on its header line (a date may follow it)
        if symbols and symbols[0].start == 0 and len(block.text) <= 60 and not any(
                c in block.text for c in ";,"):
            return symbols[0].symbol
    return None


def _running_symbol(lines: list[str]) -> DocumentSymbol | None:
    """The symbol of a running header or footer ("Document C24/58-E", "C24/58-E 3")."""
    for line in lines:
        match = _HEADER_SYMBOL_RE.match(line)
        for found in find_symbols(match.group("sym") if match else line):
            if found.symbol.language or match:
                return found.symbol
    return None


_ACTIONS = (("approve", r"\bapprov"), ("endorse", r"\bendors"), ("decide", r"\bdecid"),
            ("comment", r"\b(?:comment|advise|provide guidance|guidance)"),
            ("note", r"\b(?:take note|to note|note)\b"))


def action_type(action_required: str | None) -> str | None:
    """The strongest request in an "Action required" block (approve > ... > note)."""
    if not action_required:
        return None
    for name, pattern in _ACTIONS:
        if re.search(pattern, action_required, re.I):
            return name
    return None


def restriction_marking(blocks: list[Block], cleaned: CleanedText) -> str | None:
    """The restriction marking of the cover or a running header, if any."""
    lines = [b.text for b in blocks[:_COVER_BLOCKS]] + list(cleaned.header_lines)
    return next((line.strip() for line in lines if _MARKING_RE.match(line.strip())), None)


def iso_date(day: str, month: str, year: str) -> str:
    return f"{int(year):04d}-{_MONTHS.index(month) + 1:02d}-{int(day):02d}"


def detect_metadata(blocks: list[Block], cleaned: CleanedText) -> Metadata:
    labelled = _block_texts(blocks)
    # the running footer is the document's own; a header line is next best
    symbol = (cleaned.footer_symbol or _running_symbol(cleaned.header_lines)
              or _header_symbol(blocks))

    def joined(label: str) -> str | None:
        parts = labelled.get(label)
        return " ".join(b.text for b in parts) if parts else None

    summary = joined("Purpose") or joined("Summary")
    refs = labelled.get("References")
    date = year = None
    for block in blocks[:_COVER_BLOCKS]:
        match = _DATE_RE.search(block.text)
        # a cover date stands (almost) alone on its line; a date inside a
        # sentence ("Service Order 24/10 (20 September 2024)") is not the document's
        in_range = match is not None and block.text[:match.start()].rstrip()[-1:] in ("-", "–")
        if match and not in_range and len(block.text) - len(match.group(0)) <= 30:
            date = iso_date(*match.groups())
            year = int(match.group(3))
            break
    for line in cleaned.header_lines if date is None else ():
        match = _DATE_RE.search(line)  # a Word or PDF running header: "Geneva, 10 May 2024"
        if match:
            date, year = iso_date(*match.groups()), int(match.group(3))
            break
    if year is None and symbol is not None:
        year = symbol.year
    title = None
    if summary:
        first = split_sentences(summary)[0]
        title = summary[first[0]:first[1]]
        if len(title) > 200:
            title = title[:197].rsplit(" ", 1)[0] + "..."
    return Metadata(
        symbol=symbol,
        title=title,
        date=date,
        year=year,
        summary=summary,
        action_required=joined("Action required"),
        references=" ".join(b.text for b in refs) if refs else None,
        references_span=(refs[0].start, refs[-1].end) if refs else None,
        access_level="restricted" if restriction_marking(blocks, cleaned) else None,
    )
