"""Two ITU writing habits that name initiatives without a head noun.

* A short quoted name: delivering value as “One ITU”, the UN system's “future of Work”.
* An enumeration of named parts: "an observatory with four prongs – Future Vision (emerging
  trends), Demystifying Digital (...), Learning Labs and a Friends of ITU Academic Network".

Both only fill gaps the precise recognisers leave (see ``entities._add_phrases``), so a quoted
symbol or a known body keeps its own type. Both scan linearly: one bounded regex pass, then plain
string work on a window of at most ``_WINDOW`` characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_QUOTED_RE = re.compile(r"[“\"](?P<name>[^”\"\n]{2,60})[”\"]")
_ENUMERATION_RE = re.compile(
    r"\b(?:prongs|components|streams|workstreams|work streams|strands|tracks|modules|elements)"
    r"\s?(?:[–—:]|-\s)\s?")
_WINDOW = 400
_FILLERS = frozenset({"of", "for", "and", "the", "on", "in", "to", "&"})
_ARTICLE_RE = re.compile(r"^(?:an?|the)\s", re.I)
_SEPARATOR_RE = re.compile(r",|;|\s(?:and|&)\s")
_PARENS_RE = re.compile(r"\([^()]*\)")


def _is_name(words: list[str], *, first_upper: bool) -> bool:
    """Title Case words (fillers allowed inside), at least one capitalised, at most six."""
    if not 1 <= len(words) <= 6 or words[-1].lower() in _FILLERS:
        return False
    if not all(w[0].isupper() or w.lower() in _FILLERS or not first_upper for w in words):
        return False
    if first_upper and not words[0][0].isupper():
        return False
    return any(w[0].isupper() and any(c.isalpha() for c in w) for w in words)


def quoted_names(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of short quoted names with a capital letter: “One ITU”, “future of Work”."""
    for m in _QUOTED_RE.finditer(text):
        name = m.group("name").strip()
        words = name.split()
        if name[-1] in ".,;:!?" or len(words) > 5 or not _is_name(words, first_upper=False):
            continue
        start = m.start("name") + (len(m.group("name")) - len(m.group("name").lstrip()))
        yield start, start + len(name)


def enumerated_names(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of the Title Case items of "N prongs – A (...), B (...), C and a D"."""
    for m in _ENUMERATION_RE.finditer(text):
        window = text[m.end():m.end() + _WINDOW]
        stop = re.search(r"\.\s|\n", window)
        if stop:
            window = window[:stop.start()]
        # blank parenthesised glosses, keeping offsets
        blanked = _PARENS_RE.sub(lambda p: " " * len(p.group(0)), window)
        position = 0
        for part in [*_SEPARATOR_RE.split(blanked)]:
            offset = blanked.index(part, position)
            position = offset + len(part)
            stripped = part.strip()
            article = _ARTICLE_RE.match(stripped)
            if article:
                stripped = stripped[article.end():]
            if stripped and _is_name(stripped.split(), first_upper=True):
                start = m.end() + offset + part.index(stripped)
                yield start, start + len(stripped)


# "ITU Academy", "ITU User Account", "ITU Recruitment Cloud": ITU brands its products and
# services with its name. What follows "ITU" in the wording of bodies, members and texts is no
# product; a precise or head-noun match of the same words wins anyway.
_ITU_NAME_RE = re.compile(r"\bITU(?P<rest>(?:\s[A-Z][a-z][\w-]*){1,3})")
_NOT_PRODUCTS = frozenset({
    "Member", "Members", "Membership", "Sector", "Sectors", "Staff", "Secretariat",
    "Headquarters", "Regional", "Area", "Council", "Bureau", "Bureaux", "Secretary-General",
    "Deputy", "Director", "Directors", "Plenipotentiary", "Constitution", "Convention",
    "Financial", "Regulations", "Rules", "Resolution", "Resolutions", "Decision", "Study",
    "Recommendation", "Recommendations", "Guidelines", "Standards", "Inter-Sector", "Review",
    "Annual", "Strategic", "Operational", "Budget", "General", "Legal", "Officials",
})


def itu_product_names(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of "ITU <Title Case>" product names."""
    for m in _ITU_NAME_RE.finditer(text):
        if m.group("rest").split()[0] not in _NOT_PRODUCTS:
            yield m.start(), m.end()
