"""PDF to lines with their page numbers (pypdf).

Running headers and footers (lines repeated at the top or bottom of most pages,
page numbers aside) are dropped from the body and kept for the symbol and date;
lines hard-wrapped by the layout are joined back into paragraphs.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from ingest.cleaning import CleanedText, Line, clean
from ontology.errors import EmptyInputError, IngestError, UnsupportedInputError

MAX_PAGES = 3_000
_EDGE_LINES = 3
_DIGITS_RE = re.compile(r"\d+")
_BLOCK_START_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,4}\.?\s|[·•▪●◦‣∙○■□➢►\-–—*]\s|"
                             r"\(?[a-z]\)\s|\(?[ivx]{1,4}\)\s)")
_SENTENCE_END = (".", ":", ";", "!", "?")


def _key(line: str) -> str:
    return _DIGITS_RE.sub("#", " ".join(line.split())).lower()


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines repeated at a page edge on at least half the pages (two or more)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        body = [ln for ln in lines if ln.strip()]
        edge = {_key(ln) for ln in body[:_EDGE_LINES] + body[-_EDGE_LINES:]}
        counts.update(edge)
    threshold = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= threshold and key.strip("# ")}


def _unwrap(lines: list[str]) -> list[str]:
    """Join layout-wrapped lines back into paragraphs."""
    widest = max((len(ln) for ln in lines), default=0)
    out: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            out.append("")
            continue
        prev = out[-1] if out else ""
        continues = (
            prev and not prev.endswith(_SENTENCE_END) and not _BLOCK_START_RE.match(line)
            and (line[0].islower() or len(prev) >= 0.6 * widest)
        )
        if continues:
            out[-1] = prev[:-1] + line if prev.endswith("-") and line[0].islower() \
                else f"{prev} {line}"
        else:
            out.append(line)
    return out


def read_pdf(data: bytes) -> CleanedText:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedInputError("encrypted PDF: a password is needed to read it")
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise UnsupportedInputError(f"PDF has {count:,} pages (limit {MAX_PAGES:,})")
        pages = [(page.extract_text() or "").split("\n") for page in reader.pages]
    except IngestError:
        raise
    except (PyPdfError, RecursionError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, OSError, NotImplementedError) as exc:
        reason = "encrypted PDF" if "decrypt" in str(exc).lower() else "unreadable PDF"
        raise UnsupportedInputError(f"{reason} ({type(exc).__name__}: {exc})") from exc
    if not any(ch.isalnum() for lines in pages for ln in lines for ch in ln):
        raise EmptyInputError(f"PDF has no text layer ({len(pages)} page(s) of images or "
                              "vector drawings only); run OCR on it first", pages=len(pages))
    running = _running_lines(pages)
    header_lines: list[str] = []
    lines: list[Line] = []
    footnotes: dict[int, str] = {}
    footer = None
    for number, page in enumerate(pages, start=1):
        body = []
        for line in page:
            if _key(line) in running:
                header_lines.append(line.strip())
            else:
                body.append(line)
        cleaned = clean("\n".join(_unwrap(body)))
        footer = footer or cleaned.footer_symbol
        footnotes.update(cleaned.footnotes)
        if lines and lines[-1].text:
            lines.append(Line("", False, number))
        lines += [Line(ln.text, ln.indented, number, ln.hint) for ln in cleaned.lines]
    result = CleanedText(lines=lines, footnotes=footnotes, footer_symbol=footer,
                         header_lines=list(dict.fromkeys(header_lines)))
    if result.footer_symbol is None:
        from ingest.cleaning import assemble

        result.footer_symbol = assemble([], header_lines=result.header_lines).footer_symbol
    return result
