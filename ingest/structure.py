"""Stage 3: classify cleaned lines and group them into passages.

Passages follow the document's own structure: a numbered paragraph (``2.3``)
starts a passage, a heading starts a new section, list items stay with the
paragraph that introduces them, and short paragraphs join their neighbour.
Passages are sized for the embedding model (``target_words``) and never exceed
``max_words``; long paragraphs are split between sentences only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from ingest.cleaning import Line
from ingest.sentences import split_sentences

#: label lines that open the standard blocks of a Council document's cover page
LABELS = {
    "purpose": "Purpose",
    "summary": "Summary",
    "action required": "Action required",
    "action required by the council": "Action required",
    "references": "References",
    "reference": "References",
    "relevant link(s) with the strategic plan": "Strategic plan link",
    "relevant links with the strategic plan": "Strategic plan link",
    "financial implications": "Financial implications",
    "footnotes": "Footnotes",
    "annex": "Annex",
}
_NUMBERED_RE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3}){0,4})\.?\s+(?P<rest>\S.*)$")
_BULLET_RE = re.compile(r"^(?:[·•▪●◦‣∙○■□➢►\-–—*]|\(?[a-z]\)|\(?[ivx]{1,4}\))\s+")
_WORD_RE = re.compile(r"\S+")
_FUNCTION_WORDS = frozenset({"and", "or", "the", "of", "to", "in", "on", "for", "with", "a",
                             "an", "by", "from", "as", "at", "that", "which", "is", "are"})


class Kind(StrEnum):
    LABEL = "label"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    BLANK = "blank"


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    text: str
    start: int
    end: int
    number: str | None = None
    label: str | None = None


@dataclass(slots=True)
class Chunk:
    """A passage under construction: a run of blocks sharing one heading path."""

    heading_path: tuple[str, ...]
    section: str
    blocks: list[Block] = field(default_factory=list)
    words: int = 0


def word_count(text: str) -> int:
    return len(_WORD_RE.findall(text))


def _label_of(text: str) -> str | None:
    key = text.rstrip(" .:").lower()
    if key in LABELS:
        return LABELS[key]
    if re.fullmatch(r"annex(?:\s+\d{1,2}|\s+[a-z])?", key):
        return text.rstrip(" .:")
    return None


def _is_heading_text(text: str) -> bool:
    return (
        word_count(text) <= 12
        and len(text) <= 120
        and (text[0].isupper() or text[0].isdigit())
        and not text.endswith((".", ";", ":", ",", "!", "?"))
        and ";" not in text
        # a line ending in a function word is a sentence cut by a hard wrap
        and text.rsplit(None, 1)[-1].lower() not in _FUNCTION_WORDS
        and not _BULLET_RE.match(text)
    )


def classify(line: Line, start: int) -> Block:
    text = line.text
    end = start + len(text)
    if not text:
        return Block(Kind.BLANK, text, start, end)
    label = _label_of(text)
    if label:
        return Block(Kind.LABEL, text, start, end, label=label)
    numbered = _NUMBERED_RE.match(text)
    if line.hint is not None:  # a Word style or an HTML tag said what the line is
        number = numbered.group("num") if numbered else None
        if line.hint == "heading":
            return Block(Kind.HEADING, text, start, end, number=number)
        if line.hint == "item":
            return Block(Kind.ITEM, text, start, end)
        return Block(Kind.PARAGRAPH, text, start, end, number=number)
    if numbered:
        rest = numbered.group("rest")
        if _is_heading_text(rest) and not line.indented:
            return Block(Kind.HEADING, text, start, end, number=numbered.group("num"))
        if rest[0].islower() or line.indented:
            return Block(Kind.ITEM, text, start, end)
        return Block(Kind.PARAGRAPH, text, start, end, number=numbered.group("num"))
    if line.indented or _BULLET_RE.match(text):
        return Block(Kind.ITEM, text, start, end)
    if _is_heading_text(text) and word_count(text) <= 10:
        return Block(Kind.HEADING, text, start, end)
    return Block(Kind.PARAGRAPH, text, start, end)


def classify_lines(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    offset = 0
    for line in lines:
        block = classify(line, offset)
        previous = next((b for b in reversed(blocks) if b.kind is not Kind.BLANK), None)
        if block.kind is Kind.HEADING and previous is not None and previous.kind is Kind.LABEL:
            # the line under "References" or "Purpose" is that block's content
            block = Block(Kind.PARAGRAPH, block.text, block.start, block.end)
        blocks.append(block)
        offset += len(line.text) + 1
    return blocks


@dataclass(frozen=True, slots=True)
class PassageSpan:
    start: int
    end: int
    section: str
    heading_path: tuple[str, ...]


class _HeadingStack:
    """Numbered headings nest by depth; an unnumbered heading replaces its sibling."""

    def __init__(self) -> None:
        self.items: list[tuple[str | None, str]] = []

    def push(self, block: Block) -> None:
        if block.kind is Kind.LABEL:
            self.items = [(None, block.label or block.text)]
            return
        if block.number is not None:
            depth = block.number.count(".") + 1
            self.items = [(n, t) for n, t in self.items
                          if n is not None and n.count(".") + 1 < depth]
        elif self.items and self.items[-1][0] is None:
            self.items.pop()
        self.items.append((block.number, block.text))

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.items)

    def numbered_section(self) -> str | None:
        for number, _ in reversed(self.items):
            if number is not None:
                return number
        return None

    @property
    def section(self) -> str:
        for number, text in reversed(self.items):
            if number is not None:
                return number
            return text
        return "body"


def _sentence_pieces(block: Block, max_words: int) -> list[Block]:
    """Split an over-long block between sentences into pieces of <= max_words."""
    groups: list[list[tuple[int, int]]] = []
    words_in_group = 0
    for s_start, s_end in split_sentences(block.text):
        words = word_count(block.text[s_start:s_end])
        if not groups or words_in_group + words > max_words:
            groups.append([])
            words_in_group = 0
        groups[-1].append((s_start, s_end))
        words_in_group += words
    pieces = [Block(block.kind, block.text[g[0][0]:g[-1][1]], block.start + g[0][0],
                    block.start + g[-1][1], block.number) for g in groups]
    return [p for piece in pieces for p in _hard_split(piece, max_words)]


def _hard_split(block: Block, max_words: int) -> list[Block]:
    """Last resort for a single 'sentence' longer than max_words: cut between words."""
    words = list(_WORD_RE.finditer(block.text))
    if len(words) <= max_words:
        return [block]
    out = []
    for i in range(0, len(words), max_words):
        first, last = words[i], words[min(i + max_words, len(words)) - 1]
        out.append(Block(block.kind, block.text[first.start():last.end()],
                         block.start + first.start(), block.start + last.end(), block.number))
    return out


def split_passages(blocks: list[Block], *, target_words: int = 150,
                   max_words: int = 220) -> list[PassageSpan]:
    """Group blocks into passage spans (see module docstring)."""
    stack = _HeadingStack()
    chunks: list[Chunk] = []
    current: Chunk | None = None

    def flush() -> None:
        nonlocal current
        if current is not None and current.blocks:
            chunks.append(current)
        current = None

    for block in blocks:
        if block.kind is Kind.BLANK:
            continue
        if block.kind in (Kind.LABEL, Kind.HEADING):
            flush()
            stack.push(block)
            continue
        pieces = [block] if word_count(block.text) <= max_words else _sentence_pieces(block,
                                                                                    max_words)
        heading_number = stack.numbered_section()
        if (block.number and heading_number
                and not block.number.startswith(heading_number + ".")):
            # "1 Operational Planning ..." under heading 3 is a numbered list item
            pieces = [Block(Kind.ITEM, p.text, p.start, p.end) for p in pieces]
        for piece in pieces:
            words = word_count(piece.text)
            # a numbered paragraph always opens a passage; list items stay with
            # their introduction; a very short passage absorbs what follows
            joins = (
                current is not None
                and piece.number is None
                and current.words + words <= target_words
                and (piece.kind is Kind.ITEM or current.words < 25
                     or current.blocks[-1].text.endswith(":"))
            )
            if not joins:
                flush()
                section = piece.number or stack.section
                current = Chunk(stack.path, section)
            assert current is not None
            current.blocks.append(piece)
            current.words += words
    flush()
    return [PassageSpan(c.blocks[0].start, c.blocks[-1].end, c.section, c.heading_path)
            for c in chunks]
