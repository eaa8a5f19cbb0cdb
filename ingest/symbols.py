"""Recognisers for ITU citation forms: document symbols, resolutions, decisions, service orders.

Pure functions over text (no spaCy) so that ingestion, query understanding and
identifier resolution in the API share one implementation. Patterns are linear
(no nested quantifiers over overlapping classes), so a 1 MB line stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# ---------------------------------------------------------------- document symbols

_SUFFIX = r"(?:\s?\((?:Rev|Add|Corr)\.\s?\d{1,2}\))"
_SYMBOL_RE = re.compile(
    r"(?<![\w/.-])(?:"
    # Council documents: C23/52, C2001/102, C23/INF/11
    r"(?P<council>C(?:\d{2}|\d{4})/(?:INF/)?\d{1,3})"
    # working groups and expert groups, incl. typo forms CWGFHR-20/3 and CWG-FHR12/3
    r"|(?P<wg>(?P<wgroot>CWG|EWG|EG|ISCG)(?:-?(?P<wgname>[A-Z][A-Za-z&]{1,15}))?-?"
    r"(?P<wgnum>\d{1,2})/(?P<wginf>INF/)?(?P<wgdoc>\d{1,3}))"
    # virtual consultations: VC/13, VC-2/INF.22
    r"|(?P<vc>VC(?:-\d{1,2})?/(?:INF[./])?\d{1,3})"
    # Joint Inspection Unit: JIU/REP/2016/1
    r"|(?P<jiu>JIU/(?:REP|NOTE|ML|MAN)/\d{4}/\d{1,2})"
    # UN General Assembly resolutions as documents: A/RES/70/1
    r"|(?P<un>A/RES/\d{1,3}/\d{1,4})"
    r")(?!\d)"
    rf"(?P<suffixes>{_SUFFIX}{{0,3}})"
    r"(?:-(?P<lang>[EFSARC])(?![A-Za-z]))?"
)
#: the language citations and unsuffixed symbols refer to (ITU's reference text)
REFERENCE_LANGUAGE = "E"
_SUFFIX_PART = re.compile(r"\((Rev|Add|Corr)\.\s?(\d{1,2})\)")


@dataclass(frozen=True, slots=True)
class DocumentSymbol:
    """A parsed document symbol; ``canonical`` is the graph id of the document."""

    base: str
    revision: int | None = None
    addendum: int | None = None
    corrigendum: int | None = None
    language: str | None = None

    @property
    def canonical(self) -> str:
        out = self.base
        if self.revision is not None:
            out += f"(Rev.{self.revision})"
        if self.addendum is not None:
            out += f"(Add.{self.addendum})"
        if self.corrigendum is not None:
            out += f"(Corr.{self.corrigendum})"
        return out

    @property
    def document_id(self) -> str:
        """The graph id of this language version: the canonical id for the reference
        language (English, or no language given), ``canonical-F`` for the others, so that
        C24/58-E and C24/58-F are two linked documents, not one overwritten twice."""
        if self.language is None or self.language == REFERENCE_LANGUAGE:
            return self.canonical
        return f"{self.canonical}-{self.language}"

    @property
    def year(self) -> int | None:
        """Council session year encoded in C-symbols (C23/52 -> 2023)."""
        match = re.match(r"C(\d{2}|\d{4})/", self.base)
        if not match:
            return None
        digits = match.group(1)
        return int(digits) if len(digits) == 4 else 2000 + int(digits)


@dataclass(frozen=True, slots=True)
class SymbolMatch:
    start: int
    end: int
    text: str
    symbol: DocumentSymbol


def _base_from(match: re.Match[str]) -> str:
    if match.group("wg"):
        name = match.group("wgname")
        root = match.group("wgroot")
        prefix = f"{root}-{name}" if name else root
        inf = "INF/" if match.group("wginf") else ""
        return f"{prefix}-{match.group('wgnum')}/{inf}{match.group('wgdoc')}"
    return next(g for g in (match.group("council"), match.group("vc"), match.group("jiu"),
                            match.group("un")) if g)


def _symbol_from(match: re.Match[str]) -> DocumentSymbol:
    parts: dict[str, int] = {}
    for kind, number in _SUFFIX_PART.findall(match.group("suffixes") or ""):
        parts.setdefault(kind, int(number))
    return DocumentSymbol(
        base=_base_from(match),
        revision=parts.get("Rev"),
        addendum=parts.get("Add"),
        corrigendum=parts.get("Corr"),
        language=match.group("lang"),
    )


def find_symbols(text: str) -> Iterator[SymbolMatch]:
    """Every document symbol in ``text``, with character offsets."""
    for match in _SYMBOL_RE.finditer(text):
        yield SymbolMatch(match.start(), match.end(), match.group(0), _symbol_from(match))


def parse_symbol(text: str) -> DocumentSymbol | None:
    """Parse a string that is exactly one symbol (surrounding spaces allowed)."""
    stripped = text.strip()
    match = _SYMBOL_RE.fullmatch(stripped)
    return _symbol_from(match) if match else None


# ---------------------------------------------------------------- resolutions and decisions

_ISSUER = r"(?:PP|Council|WTDC|WTSA|RA|UNGA|Plenipotentiary(?:\s+Conference)?)"
_VERSION = r"(?:Rev\.\s?)?[A-Z][\w'\-]+(?:\s[\w'\-]+){0,3},\s\d{4}"
_ACT_RE = re.compile(
    rf"(?<![\w])(?:(?P<issuer>{_ISSUER})\s+)?"
    r"(?P<kind>Resolution|Decision|Dec\.?)\s+(?:No\.\s?)?"
    r"(?P<num>\d{1,4}(?:/\d{1,3})?)(?!\w|/\d)"
    rf"(?:\s?\((?P<version>{_VERSION})\))?"
)
#: where a bare "Resolution N (City, Year)" comes from, by (city, year)
_CONFERENCES: dict[tuple[str, int], str] = {
    **{(c, y): "PP" for c, y in [("Kyoto", 1994), ("Minneapolis", 1998), ("Marrakesh", 2002),
                                  ("Antalya", 2006), ("Guadalajara", 2010), ("Busan", 2014),
                                  ("Dubai", 2018), ("Bucharest", 2022), ("Doha", 2026)]},
    **{(c, y): "WTSA" for c, y in [("Johannesburg", 2008), ("Dubai", 2012), ("Hammamet", 2016),
                                    ("Geneva", 2022), ("New Delhi", 2024)]},
    **{(c, y): "WTDC" for c, y in [("Hyderabad", 2010), ("Dubai", 2014),
                                    ("Buenos Aires", 2017), ("Kigali", 2022), ("Baku", 2025)]},
    **{(c, y): "RA" for c, y in [("Geneva", 2015), ("Sharm el-Sheikh", 2019), ("Dubai", 2023)]},
}


@dataclass(frozen=True, slots=True)
class ActMatch:
    """A resolution or decision mention."""

    start: int
    end: int
    text: str
    kind: str  # "Resolution" | "Decision"
    issuer: str
    number: str
    version: str | None

    @property
    def work_id(self) -> str:
        return f"{self.kind.lower()}/{self.issuer.lower()}-{self.number.replace('/', '-')}"

    @property
    def version_id(self) -> str | None:
        if self.version is None:
            return None
        return f"{self.work_id}/{slug(self.version)}"

    @property
    def work_name(self) -> str:
        return f"{self.issuer} {self.kind} {self.number}"

    @property
    def version_name(self) -> str | None:
        return None if self.version is None else f"{self.work_name} ({self.version})"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def conference_of(version: str) -> tuple[str, int] | None:
    """The conference that adopted a version: "Rev. Bucharest, 2022" -> ("PP", 2022)."""
    match = re.search(r"([A-Z][\w'\- ]+?),\s(\d{4})$", version.removeprefix("Rev.").strip())
    if not match:
        return None
    year = int(match.group(2))
    found = _CONFERENCES.get((match.group(1).strip(), year))
    return (found, year) if found else None


def _issuer(explicit: str | None, number: str, version: str | None) -> str:
    if explicit:
        if explicit.startswith("Plenipotentiary"):
            return "PP"
        return explicit
    if version:
        conference = conference_of(version)
        if conference:
            return conference[0]
    if "/" in number:
        return "UNGA"
    # Council resolutions are numbered from 1000 upwards; bare low numbers cited
    # in Council documents are Plenipotentiary resolutions.
    return "Council" if int(number) >= 1000 else "PP"


def find_acts(text: str) -> Iterator[ActMatch]:
    """Every resolution and decision mention in ``text``."""
    for match in _ACT_RE.finditer(text):
        kind = "Resolution" if match.group("kind") == "Resolution" else "Decision"
        number = match.group("num")
        version = match.group("version")
        if version:
            version = re.sub(r"^Rev\.\s?", "Rev. ", version)
        yield ActMatch(
            start=match.start(), end=match.end(), text=match.group(0), kind=kind,
            issuer=_issuer(match.group("issuer"), number, version), number=number,
            version=version,
        )


# ---------------------------------------------------------------- instruments

_SERVICE_ORDER_RE = re.compile(
    r"\bService\s+Order\s+(?:No\.?\s?)?(?P<yy>\d{2})/(?P<num>\d{1,3})\b"
    r"(?:\s?\((?P<date>\d{1,2}\s[A-Z][a-z]{2,8}\s\d{4})\))?")


@dataclass(frozen=True, slots=True)
class InstrumentMatch:
    start: int
    end: int
    text: str
    name: str
    date: str | None = None

    @property
    def id(self) -> str:
        return f"instrument/{slug(self.name)}"


def find_instruments(text: str) -> Iterator[InstrumentMatch]:
    for match in _SERVICE_ORDER_RE.finditer(text):
        name = f"Service Order {match.group('yy')}/{match.group('num')}"
        # the mention is the order itself; its date is kept apart
        yield InstrumentMatch(match.start(), match.end("num"),
                              text[match.start():match.end("num")], name, match.group("date"))
