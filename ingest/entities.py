"""Rule recognisers for named entities: bodies, roles, organizations, initiatives,
objectives, events and topics.

Four sources, all deterministic: the gazetteer (spaCy PhraseMatcher over its
names and aliases), acronyms (learned definitions and known acronyms, by token
lookup), patterns for ITU naming conventions (PP-22, COP28, Council 2024,
"Objective 1: ...", "Pillar 3: ...", "E.1", "Chief of the ... Department"), and
capitalised phrases ending in a head noun ("... Department", "... Task Force",
"... Programme"). Overlaps are resolved longest-first; every match is resolved to
a canonical entity by :class:`ingest.resolution.Resolver`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ingest.acronyms import BODY_HEADS, INITIATIVE_HEADS, find_acronym_uses
from ingest.initiative_cues import enumerated_names, itu_product_names, quoted_names
from ingest.resolution import Resolver
from ingest.symbols import slug
from ontology.records import EntityRecord


@dataclass(frozen=True, slots=True)
class EntityMatch:
    start: int
    end: int
    entity: EntityRecord


_EVENT_RE = re.compile(
    r"\b(?P<conf>PP|WTDC|WTSA|WRC|RA|WTPF|WCIT)-(?P<yy>\d{2})\b"
    r"|\bCOP\s?(?P<cop>\d{2})\b"
    r"|\bCouncil[- ](?P<council>\d{2}|\d{4})\b(?!/)"
    r"|\b(?P<session>(?:19|20)\d{2}) [Ss]ession of the Council\b"
    r"|\b(?P<ppyear>(?:19|20)\d{2}) Plenipotentiary Conference\b"
    r"|\bPlenipotentiary Conference \((?:[A-Z][\w ]+), (?P<ppyear2>(?:19|20)\d{2})\)"
    r"|\b(?P<wrcyear>(?:19|20)\d{2}) World Radiocommunication Conference\b"
    r"|\bWorld Radiocommunication Conference (?P<wrcyear2>(?:19|20)\d{2})\b"
)
_EVENT_HEADS = ("Day", "Days", "Forum", "Summit", "Congress", "Symposium", "Week", "Expo",
                "Meeting", "Dialogue", "Conference", "Assembly")
_EVENT_PHRASE_RE = re.compile(
    r"(?<![\w-])(?P<name>(?:[A-Z][\w&'’-]*|ICT|AI)(?:\s(?:in\s|for\s|on\s|of\s)?"
    r"(?:[A-Z][\w&'’-]*|ICT|AI)){0,5}\s(?:" + "|".join(_EVENT_HEADS) + r"))"
    r"(?:\s(?P<year>(?:19|20)\d{2}))?\b")
# enumerations: "the topics of: A, B and C"; "strategic directions A, B, C and D"
_ITEM = r"[A-Za-z][\w'’-]*(?:\s[A-Za-z][\w'’-]*){0,4}"
_TOPIC_LIST_RE = re.compile(
    rf"\b(?:topics|areas|themes|fields)\s(?:of|such as|including|include)\s?:?\s"
    rf"(?P<list>{_ITEM}(?:,\s{_ITEM}){{1,15}},?\s(?:and|&)\s{_ITEM})")
_DIRECTION_LIST_RE = re.compile(
    r"\bstrategic\s(?:directions|priorities|goals)\s(?:are\s|is\s|:\s?)?"
    r"(?P<list>[A-Z][\w-]*(?:\s[A-Z][\w-]*)?(?:,\s[A-Z][\w-]*(?:\s[A-Z][\w-]*)?){0,8}"
    r",?\sand\s[A-Z][\w-]*(?:\s[A-Z][\w-]*)?)")
_LOWER_HEADS_RE = re.compile(
    r"(?<![\w-])(?P<name>(?:[A-Z][\w&'’-]*\s){1,3}(?:project|programme|initiative|system|"
    r"systems|platform|platforms|strategy|solution))\b")
_CONFERENCE_NAMES = {"PP": "Plenipotentiary Conference", "WTDC": "World Telecommunication "
                     "Development Conference", "WTSA": "World Telecommunication Standardization "
                     "Assembly", "WRC": "World Radiocommunication Conference",
                     "RA": "Radiocommunication Assembly", "WTPF": "World Telecommunication/ICT "
                     "Policy Forum", "WCIT": "World Conference on International Telecommunications"}
_OBJECTIVE_RE = re.compile(
    r"\b(?P<kind>Objective|Pillar|Goal|Strategic goal|Enabler)\s(?P<num>\d{1,2})"
    r"(?::\s?(?P<title>[A-Z][^\n.;:–—(]{2,80}?))?(?=\s[–—-]\s|[\n.;:(]|$)"
    r"|(?<![\w.])(?P<enabler>E\.\d{1,2})(?=:)"
)
_ROLE_RE = re.compile(
    r"\b(?P<role>Chief|Head|Director),?\s(?:of\s)?(?:the\s)?"
    r"(?P<unit>(?:[A-Z][\w&'’-]*\s(?:and\s|of\s|for\s)?){0,6}(?:Department|Unit|Division|Service|"
    r"Office|Bureau))\b"
)
_HEADS = "|".join(sorted({h.capitalize() for h in BODY_HEADS | INITIATIVE_HEADS} |
                         {"Task Force", "Taskforce", "Working Group"}, key=len, reverse=True))
_PHRASE_RE = re.compile(
    r"(?<![\w-])(?P<name>(?:[A-Z][\w&'’-]*|ITU)(?:\s(?:(?:and|of|for|on|the|&)\s)?"
    rf"(?:[A-Z][\w&'’-]*|\d{{4}}(?:[–-]\d{{4}})?)){{0,7}}\s(?:{_HEADS})"
    r"(?:\s(?:\d{4}(?:[–-]\d{4})?))?)\b"
)
_FOLLOWING_ACRONYM_RE = re.compile(r"\s?\(([A-Z][A-Za-z0-9&-]{1,15})\)")
# "McKinsey's Skills Gap and Leadership Cultural Analysis", "JigSaw's “Feasibility study ...”":
# what follows an organisation's possessive is a work or project of theirs
_POSSESSIVE_WORK_RE = re.compile(
    r"(?<![\w-])[A-Z][\w&-]*(?:\s[A-Z][\w&-]*){0,2}['’]s\s"
    r"(?:“(?P<quoted>[A-Z][^”\n]{3,100})”|(?P<name>[A-Z][\w-]*(?:\s(?:and\s|of\s|for\s)?"
    r"[A-Z][\w-]*){1,6}))")
_TOPIC_HEAD_RE = re.compile(r"\s(?:strategy|policy|framework|programme|plan|dashboard|fund|"
                            r"roadmap|initiative|project)\b", re.I)
_LEADING_ARTICLE_RE = re.compile(r"^(?:The|This|That|Its|ITU's|ITU’s|A|An)\s")
_SENTENCE_STARTERS = frozenset({"In", "As", "On", "For", "With", "Since", "All", "Each"})


def _event(match: re.Match[str]) -> EntityRecord:
    if match.group("conf"):
        code = f"{match.group('conf')}-{match.group('yy')}"
        year = 2000 + int(match.group("yy"))
        name = f"{_CONFERENCE_NAMES[match.group('conf')]} {year} ({code})"
        return EntityRecord(f"event/{slug(code)}", "Event", name, (code,))
    if match.group("cop"):
        return EntityRecord(f"event/cop{match.group('cop')}", "Event",
                            f"COP{match.group('cop')}", ())
    year_text = (match.group("council") or match.group("session") or "")
    if year_text:
        year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
        return EntityRecord(f"event/council-{year}", "Event", f"Council {year}", ())
    wrc = match.group("wrcyear") or match.group("wrcyear2")
    if wrc:
        return event_for_conference("WRC", int(wrc))
    year = int(match.group("ppyear") or match.group("ppyear2"))
    code = f"PP-{year % 100:02d}"
    return EntityRecord(f"event/{slug(code)}", "Event",
                        f"Plenipotentiary Conference {year} ({code})", (code,))


def event_for_conference(conference: str, year: int) -> EntityRecord:
    """The event at which a resolution version was adopted (PP, Bucharest 2022 -> PP-22)."""
    code = f"{conference}-{year % 100:02d}"
    name = _CONFERENCE_NAMES.get(conference, conference)
    return EntityRecord(f"event/{slug(code)}", "Event", f"{name} {year} ({code})", (code,))


_TITLE_FILLERS = frozenset({"and", "of", "the", "for", "to", "in", "on", "a", "an", "&"})


def _trim_title(title: str) -> str:
    """A long title running into its sentence keeps only its Title Case run."""
    words = title.split()
    if len(words) <= 6:
        return title
    kept: list[str] = []
    for word in words:
        if not (word[0].isupper() or word[0].isdigit() or word in _TITLE_FILLERS):
            break
        kept.append(word)
    while kept and kept[-1] in _TITLE_FILLERS:
        kept.pop()
    return " ".join(kept) or words[0]


def _objective_title(match: re.Match[str]) -> str:
    """The whole title when it ends its line (a list item), else its Title Case run."""
    title = match.group("title").strip()
    following = match.string[match.end("title"):match.end("title") + 1]
    return title if following in ("", "\n") else _trim_title(title)


def _objective(match: re.Match[str], scope: str) -> EntityRecord:
    if match.group("enabler"):
        code = match.group("enabler")
        return EntityRecord(f"objective/enabler-{slug(code)}", "Objective", f"Enabler {code}",
                            (code,))
    kind, num, title = match.group("kind"), match.group("num"), match.group("title")
    label = f"{kind} {num}"
    if title:
        title = _objective_title(match)
        return EntityRecord(f"objective/{slug(title)}", "Objective", f"{label}: {title}",
                            (label,))
    # a bare "Objective 2" only means something inside its document
    return EntityRecord(f"objective/{slug(scope)}-{slug(label)}", "Objective", label, ())


class EntityRecognizer:
    """Finds entity mentions in a text; stateful only through its resolver."""

    def __init__(self, nlp: Language, resolver: Resolver) -> None:
        self.nlp = nlp
        self.resolver = resolver
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        for entry in resolver.entries:
            matcher = self.exact if entry.case_sensitive else self.folded
            matcher.add(entry.entity.id, [nlp.make_doc(form) for form in entry.forms])

    def find(self, text: str, *, scope: str, doc_tokens: Doc | None = None) -> list[EntityMatch]:
        doc = doc_tokens if doc_tokens is not None else self.nlp.make_doc(text)
        by_id = {e.entity.id: e.entity for e in self.resolver.entries}
        primary: list[EntityMatch] = []
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                entity = by_id[self.nlp.vocab.strings[match_id]]
                primary.append(EntityMatch(span.start_char, span.end_char, entity))
        acronyms = self.resolver.acronyms  # built once per text, not per match
        primary.extend(self._patterns(text, scope))
        for start, end, acronym in find_acronym_uses(text, acronyms):
            primary.append(EntityMatch(start, end, acronyms[acronym]))
        chosen = _longest_first(primary)
        chosen += list(self._topic_initiatives(text, chosen))
        # generic capitalised phrases only fill the gaps the precise sources leave
        return _add_phrases(chosen, list(self._phrases(text, acronyms)), text,
                            self.resolver.mint)

    def _patterns(self, text: str, scope: str) -> Iterator[EntityMatch]:
        for m in _EVENT_RE.finditer(text):
            yield EntityMatch(m.start(), m.end(), _event(m))
        for m in _OBJECTIVE_RE.finditer(text):
            end = m.end()
            if m.group("title"):
                end = m.start("title") + len(_objective_title(m))
            yield EntityMatch(m.start(), end, _objective(m, scope))
        for m in _ROLE_RE.finditer(text):
            unit = m.group("unit").strip()
            entity = self.resolver.lookup(f"{m.group('role')} of the {unit}") or EntityRecord(
                f"role/{slug(m.group('role'))}-{slug(unit)}", "Role",
                f"{m.group('role')} of the {unit}")
            yield EntityMatch(m.start(), m.start() + len(m.group(0).rstrip()), entity)
            # the unit a role heads is mentioned too
            yield EntityMatch(m.start("unit"), m.start("unit") + len(unit),
                              self.resolver.mint(unit, "Body"))
        for regex, label in ((_TOPIC_LIST_RE, "Topic"), (_DIRECTION_LIST_RE, "Objective")):
            for m in regex.finditer(text):
                for start, end in _list_items(text, m.start("list"), m.end("list")):
                    yield EntityMatch(start, end, self.resolver.mint(text[start:end], label))

    def _topic_initiatives(self, text: str, chosen: list[EntityMatch]) -> Iterator[EntityMatch]:
        """ "resource mobilization strategy", "cybersecurity policy": a topic plus a head noun."""
        for m in chosen:
            if m.entity.type != "Topic":
                continue
            head = _TOPIC_HEAD_RE.match(text, m.end)
            if head:
                name = text[m.start:head.end()]
                yield EntityMatch(m.start, head.end(), self.resolver.mint(name, "Initiative"))

    def _phrases(self, text: str, acronyms: dict[str, EntityRecord]) -> Iterator[EntityMatch]:
        for start, end in (*quoted_names(text), *enumerated_names(text)):
            yield EntityMatch(start, end, self.resolver.mint(text[start:end], "Initiative"))
        for m in _POSSESSIVE_WORK_RE.finditer(text):
            group = "quoted" if m.group("quoted") else "name"
            name = m.group(group)
            yield EntityMatch(m.start(group), m.end(group),
                              self.resolver.mint(name, "Initiative"))
        for m in _EVENT_PHRASE_RE.finditer(text):
            name = _strip_article(m.group("name"))
            if len(name.split()) >= 2 and name.split()[0] not in _SENTENCE_STARTERS:
                start = m.end("name") - len(name)
                end = m.end()
                yield EntityMatch(start, end, self.resolver.mint(text[start:end], "Event"))
        for m in _LOWER_HEADS_RE.finditer(text):
            name = _strip_article(m.group("name"))
            if name.split()[0] not in _SENTENCE_STARTERS:
                start = m.end("name") - len(name)
                yield EntityMatch(start, m.end("name"), self.resolver.mint(name, "Initiative"))
        for m in _PHRASE_RE.finditer(text):
            name = m.group("name")
            offset = m.start()
            stripped = _strip_article(name)
            offset += len(name) - len(stripped)
            name = stripped
            first = name.split()[0]
            if first in _SENTENCE_STARTERS or len(name.split()) < 2:
                continue
            head = name.split()[-1].lower()
            if head.isdigit() or "–" in head:
                head = name.split()[-2].lower()
            label = "Body" if head in BODY_HEADS or head in ("force", "taskforce") else "Initiative"
            acronym = _FOLLOWING_ACRONYM_RE.match(text, offset + len(name))
            known = acronyms.get(acronym.group(1)) if acronym else None
            if known is not None:
                # "Inter-Sectoral Task Force (ISC-TF)": another long form of a known acronym
                self.resolver.alias(name, known)
            yield EntityMatch(offset, offset + len(name), known or self.resolver.mint(name, label))
        for start, end in itu_product_names(text):  # after head-noun phrases: they win ties
            yield EntityMatch(start, end, self.resolver.mint(text[start:end], "Initiative"))


def _strip_article(name: str) -> str:
    lead = _LEADING_ARTICLE_RE.match(name)
    if lead:
        name = name[lead.end():]
    inner = name.rfind(" the ")
    if inner > 0 and len(name[inner + 5:].split()) >= 2:
        # "Reviewed the Global Communications Strategy": the name follows "the"
        name = name[inner + 5:]
    return name


def _list_items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Offsets of the items of "A, B, C and D" between start and end."""
    for m in re.finditer(r"[^,]+", text[start:end]):
        item = m.group(0)
        for part in re.finditer(r"(?:^|\s(?:and|&)\s)?(?P<item>(?:(?!\s(?:and|&)\s).)+)", item):
            value = part.group("item").strip()
            if value and len(value.split()) <= 5:
                item_start = start + m.start() + part.start("item")
                item_start += len(part.group("item")) - len(part.group("item").lstrip())
                yield item_start, item_start + len(value)


#: (inner, outer): a mention of the first kind may sit inside one of the second
_NESTABLE = {("Body", "Role"), ("Topic", "Initiative"), ("Topic", "Body"), ("Body", "Initiative")}


def _longest_first(matches: list[EntityMatch]) -> list[EntityMatch]:
    """Drop matches that overlap a longer (or earlier equally long) one, except nestable ones."""
    chosen: list[EntityMatch] = []
    for m in sorted(matches, key=lambda x: (-(x.end - x.start), x.start)):
        clash = False
        for c in chosen:
            if m.end <= c.start or m.start >= c.end:
                continue
            inside = c.start <= m.start and m.end <= c.end
            if not (inside and (m.entity.type, c.entity.type) in _NESTABLE) \
                    or (m.start, m.end) == (c.start, c.end):
                clash = True
                break
        if not clash:
            chosen.append(m)
    return sorted(chosen, key=lambda x: x.start)


def _add_phrases(chosen: list[EntityMatch], phrases: list[EntityMatch], text: str,
                 mint: Callable[[str, str], EntityRecord]) -> list[EntityMatch]:
    """Phrase matches where precise ones left room; a phrase that starts inside a precise
    match keeps its remainder ("SPM's Digital Agenda" -> "Digital Agenda")."""
    extra: list[EntityMatch] = []
    for p in _longest_first(phrases):
        # a topic inside a name ("Gender Dashboard") does not block the name
        taken = [(c.start, c.end) for c in chosen + extra
                 if not (p.start <= c.start and c.end <= p.end
                         and (c.entity.type, p.entity.type) in _NESTABLE)]
        start = p.start
        for s, e in taken:
            if s <= start < e < p.end:
                start = e
        if start != p.start:
            rest = re.sub(r"^(?:['’]s)?\s+", "", text[start:p.end])
            start = p.end - len(rest)
            if len(rest.split()) < 2 or not rest[0].isupper():
                continue
            p = EntityMatch(start, p.end, mint(rest, p.entity.type))
        if any(p.start < e and s < p.end for s, e in taken):
            continue
        extra.append(p)
    return sorted(chosen + extra, key=lambda x: x.start)
