"""Small documents in every format, written by the tests from text of their own."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

SYMBOL = "C26/99-E"
DATE = "12 March 2026"
TITLE = "Report on the accessibility of council meeting rooms"
PARAGRAPHS = [
    ("heading", "1 Introduction"),
    ("text", "1.1 The Secretariat reviewed the accessibility of the meeting rooms used by "
             "the Council in Geneva and reports on the work done since the last session."),
    ("heading", "2 Findings"),
    ("text", "2.1 The review found that the following measures were completed:"),
    ("number", "ramps were installed at every entrance of the main building"),
    ("number", "captioning was offered for every plenary meeting"),
    ("bullet", "hearing loops were tested in the two largest rooms"),
    ("text", "2.2 The costs of the remaining work are shown in the table below."),
]
TABLE = [("Measure", "Cost in CHF"), ("Ramps", "120 000"), ("Captioning", "45 000")]
FOOTNOTE = "Council Decision 588 asked for the review of the meeting rooms."


def cover_lines() -> list[str]:
    return ["Purpose", f"This document presents the {TITLE.lower()}.", "Action required",
            "The Council is invited to note this report."]


# ------------------------------------------------------------------ docx
def docx_bytes(*, footnote: bool = True, filler: int = 0) -> bytes:
    """The fixture report; ``filler`` appends that many long paragraphs (a big file)."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"Document {SYMBOL}"
    section.header.add_paragraph(DATE)
    section.footer.paragraphs[0].text = f"{SYMBOL} confidential draft footer"
    for line in cover_lines():
        document.add_paragraph(line)
    for kind, text in PARAGRAPHS:
        if kind == "heading":
            document.add_heading(text, level=1)
        elif kind == "number":
            document.add_paragraph(text, style="List Number")
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        else:
            paragraph = document.add_paragraph(text)
            if footnote and text.startswith("1.1"):
                paragraph.add_run("FOOTNOTE_HERE")
    for n in range(filler):
        document.add_paragraph(f"Filler paragraph {n} on the upkeep of meeting rooms. " * 8)
    table = document.add_table(rows=0, cols=2)
    for row in TABLE:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = row
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    return _add_footnote(data, FOOTNOTE) if footnote else data


_FOOTNOTES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    '</w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {}'
    '</w:t></w:r></w:p></w:footnote></w:footnotes>')


def _add_footnote(data: bytes, text: str) -> bytes:
    """python-docx writes no footnotes: add the part, its relationship and a reference."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "word/document.xml":
                body = re.sub(rb"<w:r>(?:(?!<w:r>).)*?<w:t>FOOTNOTE_HERE</w:t></w:r>",
                              b'<w:r><w:footnoteReference w:id="1"/></w:r>', body, flags=re.S)
            elif item.filename == "word/_rels/document.xml.rels":
                body = body.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>"))
            elif item.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", (
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
                    b"</Types>"))
            dst.writestr(item, body)
        dst.writestr("word/footnotes.xml", _FOOTNOTES_XML.format(text))
    return out.getvalue()


def replace_member(data: bytes, name: str, body: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, body if item.filename == name else src.read(item))
    return out.getvalue()


# ------------------------------------------------------------------ pdf
def pdf_bytes(pages: list[list[str]] | None = None, *, encrypt: str | None = None,
              image_only: bool = False) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    _, height = A4
    for number, lines in enumerate(pages or pdf_pages(), start=1):
        if image_only:
            c.rect(72, 400, 300, 200, fill=1)  # a drawing, no text
        else:
            c.setFont("Helvetica", 9)
            c.drawString(72, height - 40, f"Council 2026 Document {SYMBOL}")
            c.drawString(72, 30, f"Page {number}")
            c.setFont("Helvetica", 11)
            y = height - 90
            for line in lines:
                c.drawString(72, y, line)
                y -= 16
        c.showPage()
    c.save()
    return out.getvalue()


def pdf_pages() -> list[list[str]]:
    first = [*cover_lines()[:1], f"This document presents the {TITLE.lower()}.",
             "Action required", "The Council is invited to note this report.",
             DATE, "1 Introduction",
             "1.1 The Secretariat reviewed the accessibility of the meeting rooms used by",
             "the Council in Geneva and reports on the work done since the last session."]
    second = ["2 Findings",
              "2.1 The review found that ramps were installed at every entrance of the main",
              "building and that captioning was offered for every plenary meeting.",
              "2.2 The costs of the remaining work are estimated at 165 000 Swiss francs."]
    return [first, second]


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
