"""Rule-based sentence boundaries, tuned for ITU prose.

Abbreviations common in Council documents (Doc., Rev., No., e.g., Art.) and
decimals or section numbers do not end a sentence.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset({
    "doc", "docs", "rev", "no", "nos", "art", "para", "paras", "e.g", "i.e", "etc", "vs",
    "mr", "ms", "mrs", "dr", "prof", "st", "add", "corr", "res", "dec", "fig", "vol",
    "approx", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "u.s", "u.n", "p", "pp", "cf",
})
# candidate boundary: terminal punctuation, optional closing quote/bracket, space(s)
_BOUNDARY_RE = re.compile(r"[.!?][\"'”’)\]]*\s+")
_WORD_BEFORE_RE = re.compile(r"([\w.]+)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        # a bounded look-behind window keeps this linear in the text length
        before = _WORD_BEFORE_RE.search(text, max(0, match.start() - 40), match.start())
        word = before.group(1).lower() if before else ""
        nxt = text[match.end(): match.end() + 1]
        if text[match.start()] == "." and (
            word.rstrip(".") in _ABBREVIATIONS or len(word) == 1 or not nxt
            or not (nxt.isupper() or nxt.isdigit() or nxt in "“\"'(‘[")
        ):
            continue
        end = match.start() + len(match.group(0).rstrip())
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
