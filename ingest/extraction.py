"""Stage 5: entity mentions and typed relations, with a blank-English spaCy pipeline.

Two rule components (registered with ``@Language.factory``) annotate each
passage ``Doc``: ``councilkg_citations`` (document symbols, resolutions,
decisions, service orders) and ``councilkg_entities`` (bodies, roles,
organizations, initiatives, objectives, events, topics; see ``ingest.entities``).
Matches land in ``doc.spans["councilkg"]`` (label = ontology label, kb_id =
canonical id). Relations are read from the annotated sentences by
``ingest.relations``. An installed statistical model could be added to the
pipeline; nothing here depends on one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ingest.acronyms import find_definitions
from ingest.entities import EntityRecognizer
from ingest.relations import Mention, PassageContext, relations_for_passage
from ingest.resolution import Resolver
from ingest.symbols import find_acts, find_instruments, find_symbols
from ontology.records import (
    DocumentRecord,
    EntityRecord,
    Evidence,
    MentionRecord,
    PassageRecord,
    RelationRecord,
)

SPAN_KEY = "councilkg"
for _ext in ("councilkg_entities", "councilkg_scope"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)

#: citation targets: labels a document may CITE
CITABLE = ("Document", "Resolution", "ResolutionVersion", "Decision", "Instrument")


_LONG_RUN_RE = re.compile(r"\S{120,}")


def _break_long_runs(text: str) -> str:
    """Same-length copy with a space every 60 characters inside whitespace-free runs.

    spaCy's tokenizer strips affixes from a token one at a time, which is quadratic
    in the token's length; no real word is 120 characters long, so offsets stay
    valid and nothing that could be an entity is touched."""
    def cut(match: re.Match[str]) -> str:
        run = list(match.group(0))
        for i in range(59, len(run), 60):
            run[i] = " "
        return "".join(run)

    return _LONG_RUN_RE.sub(cut, text)


def _registry(doc: Doc) -> dict[str, EntityRecord]:
    if doc._.councilkg_entities is None:
        doc._.councilkg_entities = {}
    registry: dict[str, EntityRecord] = doc._.councilkg_entities
    return registry


def _add_span(doc: Doc, start: int, end: int, label: str, kb_id: str) -> None:
    span = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="expand")
    if span is None:
        return
    if SPAN_KEY not in doc.spans:
        doc.spans[SPAN_KEY] = []
    doc.spans[SPAN_KEY].append(span)


class CitationRecognizer:
    """Document symbols, resolutions (work + version), decisions and service orders."""

    def __call__(self, doc: Doc) -> Doc:
        registry = _registry(doc)
        text = doc.text
        for sym in find_symbols(text):
            ident = sym.symbol.canonical
            registry.setdefault(ident, EntityRecord(ident, "Document", ident))
            _add_span(doc, sym.start, sym.end, "Document", ident)
        for act in find_acts(text):
            registry.setdefault(act.work_id, EntityRecord(act.work_id, act.kind, act.work_name))
            if act.kind == "Resolution" and act.version_id and act.version_name:
                registry.setdefault(act.version_id, EntityRecord(
                    act.version_id, "ResolutionVersion", act.version_name, (act.version or "",)))
                _add_span(doc, act.start, act.end, "ResolutionVersion", act.version_id)
            else:
                _add_span(doc, act.start, act.end, act.kind, act.work_id)
        for inst in find_instruments(text):
            registry.setdefault(inst.id, EntityRecord(inst.id, "Instrument", inst.name))
            _add_span(doc, inst.start, inst.end, "Instrument", inst.id)
        return doc


class EntityComponent:
    """Named entities that do not overlap a citation span."""

    def __init__(self, recognizer: EntityRecognizer) -> None:
        self.recognizer = recognizer

    def __call__(self, doc: Doc) -> Doc:
        registry = _registry(doc)
        taken = [(s.start_char, s.end_char) for s in doc.spans.get(SPAN_KEY, [])]
        for match in self.recognizer.find(doc.text, scope=doc._.councilkg_scope or "",
                                          doc_tokens=doc):
            if any(match.start < e and s < match.end for s, e in taken):
                continue
            registry.setdefault(match.entity.id, match.entity)
            _add_span(doc, match.start, match.end, match.entity.type, match.entity.id)
        return doc


@Language.factory("councilkg_citations")
def make_citation_recognizer(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return CitationRecognizer()


@Language.factory("councilkg_entities")
def make_entity_component(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return EntityComponent(EntityRecognizer(nlp, Resolver()))


def build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.max_length = 2_000_000
    nlp.add_pipe("councilkg_citations")
    nlp.add_pipe("councilkg_entities")
    return nlp


@dataclass(slots=True)
class Extraction:
    entities: list[EntityRecord] = field(default_factory=list)
    mentions: list[MentionRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    cited_documents: list[DocumentRecord] = field(default_factory=list)


class Extractor:
    """Runs the pipeline over a document's passages and assembles typed records.

    The resolver lives as long as the extractor, so an acronym defined in one
    document is recognised in the documents parsed after it."""

    def __init__(self, nlp: Language | None = None) -> None:
        self.nlp = nlp or build_pipeline()
        component = self.nlp.get_pipe("councilkg_entities")
        assert isinstance(component, EntityComponent)
        self.resolver = component.recognizer.resolver

    def learn(self, text: str, *, local: bool = False) -> None:
        """Register every "Long Form (ACRONYM)" definition of ``text`` (``local``: as the
        meaning that wins inside the document being extracted)."""
        for definition in find_definitions(text):
            self.resolver.learn(definition, local=local)

    def annotate(self, text: str, scope: str = "") -> Doc:
        doc = self.nlp.make_doc(_break_long_runs(text))
        doc._.councilkg_scope = scope
        return self.nlp(doc)

    def mentions_in(self, text: str, scope: str = "") -> list[Mention]:
        doc = self.annotate(text, scope)
        registry: dict[str, EntityRecord] = doc._.councilkg_entities or {}
        return sorted((Mention(s.start_char, s.end_char, text[s.start_char:s.end_char],
                               registry[s.kb_id_])
                       for s in doc.spans.get(SPAN_KEY, []) if s.kb_id_ in registry),
                      key=lambda m: m.start)

    def extract(self, *, document_id: str, full_text: str,
                passages: Iterable[PassageRecord]) -> Extraction:
        self.resolver.begin_document()
        self.learn(full_text, local=True)
        entities: dict[str, EntityRecord] = {}
        mentions: list[MentionRecord] = []
        relations: dict[tuple[str, str, str], RelationRecord] = {}

        def relate(rel: RelationRecord) -> None:
            relations.setdefault((rel.source, rel.type, rel.target), rel)

        heading_cache: dict[str, list[Mention]] = {}
        earlier_acts: list[EntityRecord] = []
        passages = list(passages)
        for passage in passages:
            found = [m for m in self.mentions_in(passage.text, document_id)
                     if m.entity.id != document_id]
            for m in found:
                entities.setdefault(m.entity.id, m.entity)
                mentions.append(MentionRecord(m.entity.id, passage.id, m.start, m.end, m.text))
                if m.entity.type in CITABLE:
                    relate(RelationRecord(document_id, "Document", "CITES", m.entity.id,
                                          m.entity.type,
                                          Evidence(passage.id, m.text, m.start, m.end)))
            heading = passage.context
            if heading not in heading_cache:
                heading_cache[heading] = self.mentions_in(heading, document_id)
            context = PassageContext(document_id=document_id, passage=passage,
                                     heading_mentions=heading_cache[heading],
                                     earlier_acts=tuple(earlier_acts))
            earlier_acts.extend(m.entity for m in found
                                if m.entity.type in ("Resolution", "ResolutionVersion", "Decision"))
            for rel, extra in relations_for_passage(found, context):
                for entity in extra:
                    entities.setdefault(entity.id, entity)
                relate(rel)
        cited_documents = []
        for entity in entities.values():
            if entity.type != "Document":
                continue
            cited_documents.append(DocumentRecord(id=entity.id, symbol=entity.id, ingested=False))
            base = entity.id.split("(Rev.", 1)[0]
            if base != entity.id:
                cited_documents.append(DocumentRecord(id=base, symbol=base, ingested=False))
                relate(RelationRecord(entity.id, "Document", "REVISES", base, "Document", None))
        return Extraction(
            entities=[e for e in entities.values() if e.type != "Document"],
            mentions=mentions,
            relations=list(relations.values()),
            cited_documents=cited_documents,
        )
