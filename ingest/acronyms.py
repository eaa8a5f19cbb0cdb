"""Acronym definitions: "Information and Communication Technology Governance Committee (ICTGC)".

The long form is the shortest run of words before the parenthesis whose
initials spell the acronym (function words may be skipped, hyphenated words
may give one initial per part). The head noun of the long form decides
whether it names a Body or an Initiative; anything else is not emitted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

_DEFINITION_RE = re.compile(
    r"\((?P<acr>[A-Z][A-Za-z0-9&]{0,9}(?:-[A-Z0-9][A-Za-z0-9]{0,9}){0,2})\)")
_WORDS_BEFORE_RE = re.compile(r"[A-Za-z][A-Za-z0-9'’&]*(?:-[A-Za-z0-9'’]+)*")
_FUNCTION_WORDS = frozenset({"and", "of", "the", "for", "on", "in", "to", "&", "de", "du", "des"})
_STOP_CHARS = re.compile(r"[.;:!?()“”\"\[\]]")
_MAX_WORDS = 12

BODY_HEADS = frozenset({
    "committee", "group", "team", "force", "taskforce", "bureau", "department", "council",
    "unit", "board", "commission", "secretariat", "office", "division", "service", "centre",
    "center", "panel", "network", "assembly", "forum", "conference", "subcommittee",
})
INITIATIVE_HEADS = frozenset({
    "initiative", "programme", "program", "project", "strategy", "fund", "platform",
    "system", "plan", "roadmap", "framework", "agenda", "policy", "campaign", "facility",
    "coalition", "partnership", "observatory", "dashboard", "portal",
})


@dataclass(frozen=True, slots=True)
class AcronymDefinition:
    acronym: str
    long_form: str
    label: str  # "Body" | "Initiative"
    start: int  # start of the long form
    end: int  # end of the closing parenthesis


def _letters(acronym: str) -> str:
    """Capital letters and digits: 'ISC-TF' -> 'ISCTF', 'SDGs' -> 'SDG', 'I-CoDI' -> 'ICDI'."""
    return "".join(c for c in acronym if c.isupper() or c.isdigit())


def _initial_options(word: str) -> list[str]:
    parts = [p for p in word.split("-") if p]
    options = [word[0].upper()]
    if len(parts) > 1:
        options.append("".join(p[0].upper() for p in parts))
    # CamelCase inside a word: 'CoDI' style long forms are rare; keep to initials
    return options


def _match_words(words: list[str], letters: str) -> int | None:
    """Number of trailing words whose initials spell ``letters``, shortest first."""

    @cache
    def fits(i: int, j: int) -> bool:
        # can words[i:] spell letters[j:] exactly?
        if i == len(words):
            return j == len(letters)
        word = words[i]
        if word.lower() in _FUNCTION_WORDS and fits(i + 1, j):
            return True
        return any(letters.startswith(opt, j) and fits(i + 1, j + len(opt))
                   for opt in _initial_options(word))

    for n in range(1, len(words) + 1):
        start = len(words) - n
        if words[start].lower() not in _FUNCTION_WORDS and fits(start, 0):
            return n
    return None


def head_label(long_form: str) -> str | None:
    """Body or Initiative from the head noun ("Group" in "Working Group on Child Online ...")."""
    words = long_form.lower().split()
    heads = [words[-1]]
    for i, word in enumerate(words[1:], start=1):
        if word in ("on", "for", "of"):
            heads.append(words[i - 1])
            break
    for head in heads:
        head = head.strip("’'").removesuffix("s") if head.endswith("s") else head
        if head in BODY_HEADS:
            return "Body"
        if head in INITIATIVE_HEADS:
            return "Initiative"
    return None


def find_definitions(text: str) -> Iterator[AcronymDefinition]:
    for match in _DEFINITION_RE.finditer(text):
        acronym = match.group("acr")
        letters = _letters(acronym)
        if len(letters) < 2:
            continue
        window_start = max(0, match.start() - 160)
        window = text[window_start: match.start()]
        stops = [m.end() for m in _STOP_CHARS.finditer(window)]
        if stops:
            window_start += stops[-1]
            window = window[stops[-1]:]
        spans = list(_WORDS_BEFORE_RE.finditer(window))[-_MAX_WORDS:]
        count = _match_words([s.group(0) for s in spans], letters) if spans else None
        if count is None:
            continue
        first = spans[-count]
        long_form = window[first.start(): spans[-1].end()]
        label = head_label(long_form)
        if label is None or not long_form[0].isupper():
            continue
        yield AcronymDefinition(acronym, long_form, label, window_start + first.start(),
                                match.end())


_TOKEN_RE = re.compile(r"(?<![\w-])[A-Z][A-Za-z0-9&]*(?:-[A-Z0-9][A-Za-z0-9]*){0,2}(?![\w-])")


def find_acronym_uses(text: str, known: Mapping[str, object]) -> Iterator[tuple[int, int, str]]:
    """Occurrences of known acronyms (dictionary lookup per token: linear in text)."""
    for match in _TOKEN_RE.finditer(text):
        if match.group(0) in known:
            yield match.start(), match.end(), match.group(0)
