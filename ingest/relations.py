"""Typed relations read from annotated sentences, each with its evidence span.

Rules are cue phrases anchored on recognised mentions within one sentence
("X, chaired by the Deputy Secretary-General"; "was established following
Council Resolution 1173"; "instructs the Secretary-General and the Directors
of the Bureaux to ..."). When the subject is only referred to ("the
Committee", "The Resolution"), the entity named in the passage's heading or
the act the passage is about stands in, with a lower confidence. Every
relation carries the sentence it was read from (offsets relative to the passage).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.entities import event_for_conference
from ingest.sentences import split_sentences
from ingest.symbols import conference_of
from ontology.records import EntityRecord, Evidence, PassageRecord, RelationRecord

ACTS = ("Resolution", "ResolutionVersion", "Decision")
AGENTS = ("Role", "Body", "Organization")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    entity: EntityRecord


@dataclass(frozen=True, slots=True)
class PassageContext:
    document_id: str
    passage: PassageRecord
    heading_mentions: list[Mention]
    #: acts mentioned in earlier passages of the document, most recent last
    earlier_acts: tuple[EntityRecord, ...] = ()

    def heading_entity(self, *types: str) -> EntityRecord | None:
        found = [m.entity for m in self.heading_mentions if m.entity.type in types]
        return found[-1] if found else None


Found = tuple[RelationRecord, list[EntityRecord]]

_CHAIRED_RE = re.compile(r"\b[Cc]haired by\b")
_ESTABLISHED_RE = re.compile(
    r"\b(?:established|set up|created|specified|defined|laid down)\b"
    r"(?:\s+\w+){0,2}?\s+(?:by|in|following|through|under|pursuant to)\b")
#: active voice: "the Coordination Committee agreed to initiate a Digital Transformation
#: Initiative", "the Secretary-General established the Task Force"
_FOUNDED_RE = re.compile(
    r"\b(?:(?:agreed|decided|resolved)\s+to\s+(?:initiate|establish|launch|create|set up|"
    r"start)|(?:established|launched|initiated|created|set up))\s+(?:a|an|the)\b")
_INSTRUCTS_RE = re.compile(r"\binstructs\b")
_REPORTS_TO_RE = re.compile(r"\breports?\s+(?:regularly\s+|annually\s+)?to\b")
_ADOPTED_RE = re.compile(r"\badopted\b")
_IMPLEMENT_RE = re.compile(r"\b(?:to implement|implementation of|implementing|to progress "
                           r"implementation of)\b")
_REPORT_ON_RE = re.compile(r"\b(?:report|update|progress|informs?|information)\b[^.]{0,80}?"
                           r"\b(?:on|of|to implement)\b", re.I)
_MEMBERS_RE = re.compile(r"\b(?:[Mm]embers?\b|composed of|comprises|participation of|"
                         r"includes officials)")
_SUPPORTS_RE = re.compile(r"\b(?:support|supports|contribute to|aligned with|enable|"
                          r"underpinned by)\b")
_COREFERENCE_RE = re.compile(r"\b(?:the|The|this|This)\s(?:Committee|Task Force|Group|"
                             r"Team|Council|Resolution|initiative|Initiative)\b|^\s*(?:It|it)\b")


def _relation(source: EntityRecord, rel: str, target: EntityRecord, ev: Evidence,
              confidence: float) -> RelationRecord:
    return RelationRecord(source.id, source.type, rel, target.id, target.type, ev, confidence)


def relations_for_passage(mentions: list[Mention], ctx: PassageContext) -> list[Found]:
    out: list[Found] = list(_structural(mentions, ctx))
    text = ctx.passage.text
    for start, end in split_sentences(text):
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        ev = Evidence(ctx.passage.id, text[start:end][:500], start, end)
        out.extend(_sentence_rules(text, start, end, inside, ctx, ev))
    out.extend(_member_lists(mentions, ctx))
    return out


def _structural(mentions: list[Mention], ctx: PassageContext) -> Iterator[Found]:
    """VERSION_OF and ADOPTED_AT read off the version text itself."""
    for m in mentions:
        if m.entity.type != "ResolutionVersion":
            continue
        ev = Evidence(ctx.passage.id, m.text, m.start, m.end)
        work_id = m.entity.id.rsplit("/", 1)[0]
        work_name = m.entity.name.split(" (", 1)[0]
        work = EntityRecord(work_id, "Resolution", work_name)
        yield _relation(m.entity, "VERSION_OF", work, ev, 1.0), [work]
        version = m.entity.aliases[0] if m.entity.aliases else ""
        conference = conference_of(version)
        if conference:
            event = event_for_conference(*conference)
            yield _relation(m.entity, "ADOPTED_AT", event, ev, 0.9), [event]


def _before(ms: list[Mention], pos: int, types: tuple[str, ...]) -> Mention | None:
    found = [m for m in ms if m.end <= pos and m.entity.type in types]
    return found[-1] if found else None


def _after(ms: list[Mention], pos: int, types: tuple[str, ...], within: int = 120,
           ) -> Mention | None:
    found = [m for m in ms if m.start >= pos and m.start - pos <= within
             and m.entity.type in types]
    return found[0] if found else None


def _sentence_rules(text: str, start: int, end: int, ms: list[Mention], ctx: PassageContext,
                    ev: Evidence) -> Iterator[Found]:
    sentence = text[start:end]
    corefers = bool(_COREFERENCE_RE.search(sentence))
    for cue in _CHAIRED_RE.finditer(sentence):
        pos = start + cue.end()
        chair = _after(ms, pos, AGENTS, within=8)
        body = _before(ms, start + cue.start(), ("Body",))
        if chair and not body:
            body = _after([m for m in ms if m is not chair], chair.end, ("Body",), within=40)
        confidence = 0.9
        if chair and not body and corefers:
            heading = ctx.heading_entity("Body")
            body = Mention(0, 0, "", heading) if heading else None
            confidence = 0.7
        if chair and body and chair.entity.id != body.entity.id:
            yield _relation(body.entity, "CHAIRED_BY", chair.entity, ev, confidence), []
    for cue in _ESTABLISHED_RE.finditer(sentence):
        target = _after(ms, start + cue.end(), ("Resolution", "ResolutionVersion", "Decision",
                                                "Instrument", "Body"), within=40)
        subject = _before(ms, start + cue.start(), ("Body", "Initiative"))
        confidence = 0.9
        if subject is None and corefers:
            heading = ctx.heading_entity("Body", "Initiative")
            subject = Mention(0, 0, "", heading) if heading else None
            confidence = 0.7
        if target and subject and target.entity.id != subject.entity.id:
            yield _relation(subject.entity, "ESTABLISHED_BY", target.entity, ev, confidence), []
    for cue in _FOUNDED_RE.finditer(sentence):
        founder = _before(ms, start + cue.start(), ("Body",))
        founded = _after(ms, start + cue.end(), ("Initiative", "Body"), within=60)
        if founder and founded and founder.entity.id != founded.entity.id:
            yield _relation(founded.entity, "ESTABLISHED_BY", founder.entity, ev, 0.8), []
    for cue in _INSTRUCTS_RE.finditer(sentence):
        act = _before(ms, start + cue.start(), ACTS)
        act_entity = act.entity if act else _salient_act(ctx) if corefers else None
        if act_entity is not None and act_entity.type == "ResolutionVersion" and not act:
            # "The Resolution instructs": the work, whatever version was named before
            work_id = act_entity.id.rsplit("/", 1)[0]
            act_entity = EntityRecord(work_id, "Resolution", act_entity.name.split(" (", 1)[0])
        if act_entity is None:
            continue
        to = re.search(r"\bto\b", sentence[cue.end():])
        stop = start + cue.end() + (to.start() if to else len(sentence))
        for m in ms:
            if start + cue.end() <= m.start < stop and m.entity.type in AGENTS:
                yield _relation(act_entity, "INSTRUCTS", m.entity, ev, 0.9 if act else 0.7), []
    for cue in _REPORTS_TO_RE.finditer(sentence):
        target = _after(ms, start + cue.end(), AGENTS, within=10)
        subject = _before(ms, start + cue.start(), ("Body",))
        if target and subject and target.entity.id != subject.entity.id:
            yield _relation(subject.entity, "REPORTS_TO", target.entity, ev, 0.85), []
    for cue in _ADOPTED_RE.finditer(sentence):
        event = _before(ms, start + cue.start(), ("Event",))
        act = _after(ms, start + cue.end(), ("ResolutionVersion", "Decision"), within=60)
        if event and act:
            yield _relation(act.entity, "ADOPTED_AT", event.entity, ev, 0.95), []
    for cue in _IMPLEMENT_RE.finditer(sentence):
        act = _after(ms, start + cue.end(), ACTS, within=20)
        initiative = _before(ms, start + cue.start(), ("Initiative",))
        if act and initiative:
            yield _relation(initiative.entity, "IMPLEMENTS", act.entity, ev, 0.8), []
    if ctx.passage.section in ("Purpose", "Summary") and _REPORT_ON_RE.search(sentence):
        document = EntityRecord(ctx.document_id, "Document", ctx.document_id)
        for m in ms:
            if m.entity.type in (*ACTS, "Initiative"):
                yield _relation(document, "REPORTS_ON", m.entity, ev, 0.8), []
                break
    initiative = next((m for m in ms if m.entity.type == "Initiative"), None)
    if initiative is not None and _SUPPORTS_RE.search(sentence):
        for m in ms:
            if m.entity.type == "Objective":
                yield _relation(initiative.entity, "SUPPORTS", m.entity, ev, 0.6), []


def _salient_act(ctx: PassageContext) -> EntityRecord | None:
    """The act a passage is about when it says "The Resolution" or "it"."""
    heading_act = ctx.heading_entity(*ACTS)
    if heading_act is not None:
        return heading_act
    return ctx.earlier_acts[-1] if ctx.earlier_acts else None


def _member_lists(mentions: list[Mention], ctx: PassageContext) -> Iterator[Found]:
    """"Members ... include:" followed by list items naming bodies or roles."""
    text = ctx.passage.text
    line_start = 0
    intro_end = -1
    group_entity: EntityRecord | None = None
    for line in text.split("\n"):
        line_end = line_start + len(line)
        cue = _MEMBERS_RE.search(line)
        if cue and line.rstrip().endswith(":"):
            in_line = [m for m in mentions if line_start <= m.start and m.end <= line_end]
            group = _before(in_line, line_start + cue.start(), ("Body",)) or next(
                (m for m in in_line if m.entity.type == "Body"), None)
            group_entity = group.entity if group else ctx.heading_entity("Body")
            intro_end = line_end
            break
        line_start = line_end + 1
    if group_entity is None:
        return
    for m in mentions:
        if m.start > intro_end and m.entity.type in ("Body", "Role") \
                and m.entity.id != group_entity.id:
            line_start = text.rfind("\n", 0, m.start) + 1
            line_end = text.find("\n", m.end)
            line_end = len(text) if line_end < 0 else line_end
            ev = Evidence(ctx.passage.id, text[line_start:line_end], line_start, line_end)
            yield _relation(m.entity, "MEMBER_OF", group_entity, ev, 0.75), []
