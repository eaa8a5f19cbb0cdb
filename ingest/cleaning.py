"""Stage 2: turn a Word plain-text export into clean lines.

Removes export artefacts (bookmarks, footnote markers, image placeholders and
the OCR noise that follows them, repeated page footers, separator rules),
normalises Unicode (NFKC, non-breaking and zero-width spaces) and moves
footnote bodies out of the sentences they interrupt into a footnote list.
Each output line remembers whether it was indented, which the structure stage
uses to tell list items from headings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ingest.symbols import DocumentSymbol, parse_symbol

_BOOKMARK_RE = re.compile(r"\[bookmark:[^\]\n]{0,300}\]")
_FOOTNOTE_REF_RE = re.compile(r"\[footnoteRef:(\d{1,4})\]")
_FOOTNOTE_BODY_START_RE = re.compile(r"\[(\d{1,4}):")
_IMAGE_RE = re.compile(r"^\s*image\d{1,4}\.(?:png|jpe?g|gif|emf|wmf|bmp|tiff?)\s*$", re.I)
_SEPARATOR_RE = re.compile(r"^\s*[_\-=*]{5,}\s*$")
_PAGE_NUMBER_RE = re.compile(r"^\s*[-–]?\s*\d{1,4}\s*[-–]?\s*$")
_FOOTER_RE = re.compile(r"^\s*(?P<symbol>\S{2,40}?-[EFSARC])(?:\s+(?P<page>\d{1,4}))?\s*$")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INLINE_SPACE_RE = re.compile(r"[ \t\u3000]+")
# Word exports bullets from the Symbol font as private-use code points (U+F0B7)
_PRIVATE_BULLET_RE = re.compile(r"^(\s*)[\ue000-\uf8ff][ \t]*")
_PRIVATE_USE_RE = re.compile(r"[\ue000-\uf8ff]")
_IMAGE_NOISE_LINES = 12


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    indented: bool
    #: 1-based page of a paginated source (PDF), else None
    page: int | None = None
    #: what a structured source (Word style, HTML tag) says the line is:
    #: "heading", "item" or "text"; None lets the structure stage decide
    hint: str | None = None


@dataclass(slots=True)
class CleanedText:
    lines: list[Line]
    footnotes: dict[int, str] = field(default_factory=dict)
    footer_symbol: DocumentSymbol | None = None
    removed: dict[str, int] = field(default_factory=dict)
    #: running header/footer lines dropped from the body (metadata reads symbol and date)
    header_lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def normalise(text: str) -> str:
    """NFKC, no zero-width characters, unified line breaks (offsets refer to this)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH_RE.sub("", text)
    return unicodedata.normalize("NFKC", text)


def _matching_brackets(text: str) -> dict[int, int]:
    """Position of each '[' -> its matching ']' (one pass; unmatched ones absent)."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, ch in enumerate(text):
        if ch == "[":
            stack.append(i)
        elif ch == "]" and stack:
            pairs[stack.pop()] = i
    return pairs


def _extract_footnotes(text: str, counts: dict[str, int]) -> tuple[str, dict[int, str]]:
    """Cut ``[N: body]`` blocks whose marker ``[footnoteRef:N]`` exists; drop the markers.

    Bracket depth is tracked so a body holding brackets ends at its own ``]``;
    a body that never closes is left in place (better visible than lost).
    """
    referenced = set(_FOOTNOTE_REF_RE.findall(text))
    footnotes: dict[int, str] = {}
    out: list[str] = []
    pos = 0
    closing = _matching_brackets(text) if referenced else {}
    for match in _FOOTNOTE_BODY_START_RE.finditer(text):
        if match.start() < pos or match.group(1) not in referenced:
            continue
        end = closing.get(match.start())
        if end is None:
            continue
        i = end + 1
        body = _INLINE_SPACE_RE.sub(" ", text[match.end(): i - 1].replace("\n", " ")).strip()
        footnotes[int(match.group(1))] = body
        out.append(text[pos: match.start()])
        pos = i
    out.append(text[pos:])
    joined = "".join(out)
    counts["footnotes"] = len(footnotes)
    counts["footnote_markers"] = len(_FOOTNOTE_REF_RE.findall(joined))
    return _FOOTNOTE_REF_RE.sub("", joined), footnotes


def _footer_symbol(line: str) -> DocumentSymbol | None:
    match = _FOOTER_RE.match(line)
    if not match:
        return None
    symbol = parse_symbol(match.group("symbol"))
    return symbol if symbol is not None and symbol.language else None


def tidy(text: str) -> str:
    """One line of a structured source: normalised, inline whitespace collapsed."""
    text = _PRIVATE_USE_RE.sub("", normalise(text).replace("\n", " "))
    return _INLINE_SPACE_RE.sub(" ", text).strip()


def assemble(lines: list[Line], footnotes: dict[int, str] | None = None,
             header_lines: list[str] | None = None) -> CleanedText:
    """CleanedText from the lines of a structured source (Word, HTML, Markdown).

    Lines are tidied, runs of blank lines collapse to one; the running header and
    footer lines give the document symbol (they are not part of the body).
    """
    out: list[Line] = []
    for line in lines:
        text = tidy(line.text)
        if not text:
            if out and out[-1].text:
                out.append(Line("", False))
            continue
        out.append(Line(text, line.indented, line.page, line.hint))
    while out and not out[-1].text:
        out.pop()
    headers = [t for t in (tidy(h) for h in header_lines or []) if t]
    footer = next((s for s in map(_footer_symbol, headers) if s is not None), None)
    return CleanedText(lines=out, footnotes={n: tidy(b) for n, b in (footnotes or {}).items()},
                       footer_symbol=footer, header_lines=headers)


def clean(raw: str) -> CleanedText:
    """Clean a raw export; see the module docstring for what is removed."""
    counts: dict[str, int] = {}
    text = normalise(raw)
    counts["bookmarks"] = len(_BOOKMARK_RE.findall(text))
    text = _BOOKMARK_RE.sub("", text)
    text, footnotes = _extract_footnotes(text, counts)

    lines: list[Line] = []
    footer: DocumentSymbol | None = None
    skip_noise = 0
    for raw_line in text.split("\n"):
        indented = raw_line.startswith("\t")
        if _PRIVATE_BULLET_RE.match(raw_line):
            raw_line, indented = _PRIVATE_BULLET_RE.sub("• ", raw_line), True
        raw_line = _PRIVATE_USE_RE.sub("", raw_line)
        stripped = _INLINE_SPACE_RE.sub(" ", raw_line).strip()
        if skip_noise:
            # OCR noise under an image: short fragments, until real text resumes
            if not stripped or (len(stripped) < 60 and not re.match(r"\d+(\.\d+)*\.?\s", stripped)):
                skip_noise -= 1
                counts["image_noise"] = counts.get("image_noise", 0) + bool(stripped)
                continue
            skip_noise = 0
        if _IMAGE_RE.match(stripped):
            counts["images"] = counts.get("images", 0) + 1
            skip_noise = _IMAGE_NOISE_LINES
            continue
        symbol = _footer_symbol(stripped)
        if symbol is not None:
            footer = footer or symbol
            counts["footers"] = counts.get("footers", 0) + 1
            continue
        if _SEPARATOR_RE.match(stripped) or _PAGE_NUMBER_RE.match(stripped):
            stripped = ""
        if not stripped:
            if lines and lines[-1].text:
                lines.append(Line("", False))
            continue
        lines.append(Line(stripped, indented))
    while lines and not lines[-1].text:
        lines.pop()
    return CleanedText(lines=lines, footnotes=footnotes, footer_symbol=footer, removed=counts)
