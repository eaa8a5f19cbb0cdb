"""Word (.docx) to lines: styles give headings, numbering gives list items, tables give
rows, footnotes stay footnotes, headers and footers give the symbol and date.

The package is checked before python-docx sees it: a corrupt or truncated ZIP, a
member that inflates beyond the caps (zip bomb) and any XML part with a DOCTYPE or
entity declaration (XXE, billion laughs) are refused with a reason.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ingest.cleaning import CleanedText, Line, assemble
from ontology.errors import InputTooLargeError, UnsupportedInputError

#: total uncompressed size of all members
MAX_UNCOMPRESSED = 200_000_000
#: inflation ratio above which a large member is taken for a zip bomb
MAX_RATIO = 100
MAX_MEMBERS = 5_000
_RATIO_FLOOR = 1_000_000  # small members may compress very well (repetitive XML)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_RT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                 "footnotes")
_NUMBERING_RT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                 "numbering")


def check_package(data: bytes) -> zipfile.ZipFile:
    """Open the ZIP and refuse a truncated file, a bomb or XML with a DOCTYPE."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UnsupportedInputError(f"not a readable .docx (corrupt or truncated ZIP: {exc})"
                                    ) from exc
    if len(members) > MAX_MEMBERS:
        raise UnsupportedInputError(f"ZIP holds {len(members):,} members (limit "
                                    f"{MAX_MEMBERS:,}): not a Word document")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise InputTooLargeError(
            f"ZIP inflates to {total:,} bytes (limit {MAX_UNCOMPRESSED:,}): refused as a "
            "possible zip bomb", size=total, limit=MAX_UNCOMPRESSED)
    for m in members:
        if m.file_size > _RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise InputTooLargeError(
                f"ZIP member {m.filename} inflates {m.file_size // max(m.compress_size, 1):,}"
                f"-fold (limit {MAX_RATIO}): refused as a possible zip bomb",
                size=m.file_size, limit=MAX_RATIO * m.compress_size)
    names = {m.filename for m in members}
    if "word/document.xml" not in names:
        raise UnsupportedInputError("a ZIP archive but not a Word document "
                                    "(no word/document.xml)")
    for m in members:
        if m.filename.endswith((".xml", ".rels")):
            _refuse_dtd(m.filename, _read_member(archive, m))
    return archive


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """Read at most the declared size (+1: a member that lies about its size fails)."""
    try:
        with archive.open(member) as f:
            data = f.read(member.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise UnsupportedInputError(f"not a readable .docx ({member.filename}: {exc})"
                                    ) from exc
    if len(data) > member.file_size:
        raise UnsupportedInputError(f"ZIP member {member.filename} is larger than declared")
    return data


def _refuse_dtd(name: str, xml: bytes) -> None:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsupportedInputError(
            f"{name} declares a DOCTYPE or entities ({type(exc).__name__}); refused "
            "(external entities are never resolved)", part=name) from exc
    except ParseError as exc:
        raise UnsupportedInputError(f"{name} is not well-formed XML: {exc}", part=name) from exc


def _text_of(element: Any) -> str:
    """Text of a paragraph element: runs, tabs and breaks; footnote marks dropped."""
    parts = []
    for node in element.iter():
        if node.tag == _W + "t" and node.text:
            parts.append(node.text)
        elif node.tag in (_W + "tab",) or node.tag in (_W + "br", _W + "cr"):
            parts.append(" ")
    return "".join(parts)


def _xml(blob: bytes) -> Any:
    from defusedxml.ElementTree import fromstring

    return fromstring(blob, forbid_dtd=True, forbid_entities=True, forbid_external=True)


def _related_part(document: Any, reltype: str) -> Any:
    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return rel.target_part
    return None


def _footnotes(document: Any) -> dict[str, str]:
    part = _related_part(document, _FOOTNOTES_RT)
    if part is None:
        return {}
    notes = {}
    for note in _xml(part.blob).iter(_W + "footnote"):
        kind = note.get(_W + "type")
        if kind in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join(_text_of(p) for p in note.iter(_W + "p")).strip()
        if text:
            notes[note.get(_W + "id") or ""] = text
    return notes


_BULLET_FORMATS = {"bullet", "none"}


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)


class _Numbering:
    """List labels ("1.", "a)", "•") from numbering.xml, counted per list and level."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str]] = {}
        self.counters: dict[tuple[str, int], int] = {}
        part = _related_part(document, _NUMBERING_RT)
        if part is None:
            return
        root = _xml(part.blob)
        abstract: dict[str, dict[int, tuple[str, str]]] = {}
        for node in root.iter(_W + "abstractNum"):
            levels = {}
            for lvl in node.iter(_W + "lvl"):
                fmt = lvl.find(_W + "numFmt")
                text = lvl.find(_W + "lvlText")
                levels[int(lvl.get(_W + "ilvl") or 0)] = (
                    fmt.get(_W + "val") if fmt is not None else "decimal",
                    text.get(_W + "val") if text is not None else "%1.")
            abstract[node.get(_W + "abstractNumId") or ""] = levels
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            if ref is not None:
                for ilvl, spec in abstract.get(ref.get(_W + "val") or "", {}).items():
                    self.levels[(num.get(_W + "numId") or "", ilvl)] = spec

    def label(self, num_id: str, ilvl: int) -> str:
        fmt, text = self.levels.get((num_id, ilvl), ("bullet", "•"))
        if fmt in _BULLET_FORMATS:
            return "•"
        for key in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[key]  # a deeper list restarts under a new parent item
        self.counters[(num_id, ilvl)] = self.counters.get((num_id, ilvl), 0) + 1
        label = text
        for level in range(ilvl + 1):
            value = self.counters.get((num_id, level), 1)
            level_fmt = self.levels.get((num_id, level), (fmt, ""))[0]
            label = label.replace(f"%{level + 1}", _format_number(value, level_fmt))
        return label or "•"


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """(numId, level) of a list paragraph, from the paragraph or its style."""
    sources = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        sources.append(style.element.pPr)
        style = style.base_style
    for ppr in sources:
        num = ppr.find(_W + "numPr") if ppr is not None else None
        if num is None:
            continue
        num_id = num.find(_W + "numId")
        ilvl = num.find(_W + "ilvl")
        if num_id is not None and num_id.get(_W + "val") not in (None, "0"):
            return num_id.get(_W + "val") or "", int(ilvl.get(_W + "val") or 0) \
                if ilvl is not None else 0
    return None


def _style_name(paragraph: Any) -> str:
    style = paragraph.style
    return (style.name or "").lower() if style is not None else ""


def _paragraph_line(paragraph: Any, numbering: _Numbering,
                    footnote_ids: list[str]) -> Line:
    for ref in paragraph._p.iter(_W + "footnoteReference"):
        footnote_ids.append(ref.get(_W + "id") or "")
    text = _text_of(paragraph._p)
    style = _style_name(paragraph)
    if style.startswith("heading") or style in ("title", "subtitle"):
        return Line(text, False, hint="heading")
    num = _num_pr(paragraph)
    if num is not None:
        return Line(f"{numbering.label(*num)} {text}", True, hint="item")
    if style.startswith("list"):
        return Line(f"• {text}", True, hint="item")
    return Line(text, False)


def _table_lines(table: Any) -> list[Line]:
    lines = [Line("", False)]
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(_text_of(p._p) for p in cell.paragraphs).strip()
            if text and (not cells or cells[-1] != text):  # merged cells repeat
                cells.append(text)
        if cells:
            lines.append(Line(" | ".join(cells), False, hint="text"))
    lines.append(Line("", False))
    return lines


def _header_footer_lines(document: Any) -> list[str]:
    out: list[str] = []
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            if part.is_linked_to_previous:
                continue
            out += [_text_of(p._p) for p in part.paragraphs]
            for table in part.tables:
                for row in table.rows:
                    out += [_text_of(p._p) for c in row.cells for p in c.paragraphs]
    return [line for line in out if line.strip()]


def read_docx(data: bytes) -> CleanedText:
    check_package(data)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, its own errors
        raise UnsupportedInputError(f"not a readable .docx ({type(exc).__name__}: {exc})"
                                    ) from exc
    numbering = _Numbering(document)
    footnote_ids: list[str] = []
    lines: list[Line] = []
    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            lines.append(_paragraph_line(Paragraph(child, document), numbering, footnote_ids))
        elif child.tag == _W + "tbl":
            lines += _table_lines(Table(child, document))
    notes = _footnotes(document)
    footnotes = {n: notes[i] for n, i in enumerate(dict.fromkeys(footnote_ids), start=1)
                 if i in notes}
    return assemble(lines, footnotes=footnotes, header_lines=_header_footer_lines(document))
