"""HTML and Markdown to lines: headings, list items and table rows keep their role."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ingest.cleaning import CleanedText, Line, assemble

_BLOCK_TAGS = frozenset({"p", "div", "section", "article", "header", "footer", "main", "aside",
                         "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "table", "tbody",
                         "thead", "tfoot", "caption", "figure", "figcaption", "address",
                         "hr", "nav", "form", "fieldset", "body", "html"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP = frozenset({"script", "style", "head", "template", "noscript", "svg", "object"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed",
                   "source", "track", "wbr", "param"})


class _LineBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.footer: list[str] = []
        self._buf: list[str] = []
        self._hint: str | None = None
        self._indented = False
        self._skip = 0
        self._cells: list[str] | None = None
        self._in_footer = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf = []
        if text:
            if self._in_footer:
                self.footer.append(text)
            else:
                self.lines.append(Line(text, self._indented, hint=self._hint))
        self._hint, self._indented = None, False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self._skip += 1
            return
        if self._skip:
            return
        if tag == "footer":
            self._flush()
            self._in_footer += 1
        elif tag in _HEADINGS:
            self._flush()
            self._hint = "heading"
        elif tag == "li":
            self._flush()
            self._hint, self._indented = "item", True
            self._buf.append("• ")
        elif tag == "tr":
            self._flush()
            self._cells = []
        elif tag in ("td", "th") and self._cells is not None:
            self._buf = []
        elif tag in _BLOCK_TAGS or tag == "br":
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag in ("td", "th") and self._cells is not None:
            self._cells.append(" ".join("".join(self._buf).split()))
            self._buf = []
        elif tag == "tr" and self._cells is not None:
            row = " | ".join(c for c in self._cells if c)
            self._cells = None
            self._buf = [row]
            self._hint = "text"
            self._flush()
        elif tag == "footer":
            self._flush()
            self._in_footer = max(0, self._in_footer - 1)
        elif tag in _HEADINGS or tag == "li" or tag in _BLOCK_TAGS:
            self._flush()
            if tag in ("p", "table", "ul", "ol") and self.lines and self.lines[-1].text:
                self.lines.append(Line("", False))

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)


def html_to_cleaned(text: str) -> CleanedText:
    builder = _LineBuilder()
    builder.feed(text)
    builder.close()
    builder._flush()
    return assemble(builder.lines, header_lines=builder.footer)


_MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM_RE = re.compile(r"^(\s*)(?:[-*+]|(\d{1,3})[.)])\s+(.*)$")
_MD_RULE_RE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_MD_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")


def _inline(text: str) -> str:
    return _MD_EMPHASIS_RE.sub(r"\2", _MD_LINK_RE.sub(r"\1", text))


def markdown_to_cleaned(text: str) -> CleanedText:
    lines: list[Line] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            lines.append(Line(_inline(" ".join(paragraph)), False))
            paragraph.clear()

    fenced = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw.lstrip().startswith("```"):
            flush()
            fenced = not fenced
            continue
        if fenced:
            lines.append(Line(raw, True, hint="text"))
            continue
        if not raw.strip() or _MD_RULE_RE.match(raw) or _MD_TABLE_SEP_RE.match(raw):
            flush()
            lines.append(Line("", False))
            continue
        heading = _MD_HEADING_RE.match(raw)
        item = _MD_ITEM_RE.match(raw)
        if heading:
            flush()
            lines.append(Line(_inline(heading.group(2)), False, hint="heading"))
        elif item:
            flush()
            marker = f"{item.group(2)}." if item.group(2) else "•"
            lines.append(Line(f"{marker} {_inline(item.group(3))}", True, hint="item"))
        elif raw.lstrip().startswith("|"):
            flush()
            cells = [c.strip() for c in raw.strip().strip("|").split("|")]
            lines.append(Line(_inline(" | ".join(c for c in cells if c)), False, hint="text"))
        elif raw.startswith(("    ", "\t")) and lines and lines[-1].hint == "item":
            lines.append(Line(f"{lines.pop().text} {_inline(raw.strip())}", True, hint="item"))
        else:
            paragraph.append(raw.strip())
    flush()
    return assemble(lines)
