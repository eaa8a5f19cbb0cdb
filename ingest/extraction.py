"""Stage 5: entity mentions and typed relations, with a blank-English spaCy pipeline.

Two rule components (registered with ``@Language.factory``) annotate each
passage ``Doc``: ``councilkg_citations`` (document symbols, resolutions,
decisions, service orders) and ``councilkg_acronyms`` (bodies and initiatives
defined as "Long Form (ACRONYM)" anywhere in the document, then their uses).
Matches land in ``doc.spans["councilkg"]`` (label = ontology label, kb_id =
canonical id). An installed statistical model can be added to the pipeline;
nothing here depends on one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ingest.acronyms import find_acronym_uses, find_definitions
from ingest.symbols import find_acts, find_instruments, find_symbols, slug
from ontology.records import (
    DocumentRecord,
    EntityRecord,
    Evidence,
    MentionRecord,
    PassageRecord,
    RelationRecord,
)

SPAN_KEY = "councilkg"
if not Doc.has_extension("councilkg_entities"):
    Doc.set_extension("councilkg_entities", default=None)
if not Doc.has_extension("councilkg_known"):
    Doc.set_extension("councilkg_known", default=None)

#: citation targets: labels a document may CITE
CITABLE = ("Document", "Resolution", "ResolutionVersion", "Decision", "Instrument")


def _registry(doc: Doc) -> dict[str, EntityRecord]:
    if doc._.councilkg_entities is None:
        doc._.councilkg_entities = {}
    registry: dict[str, EntityRecord] = doc._.councilkg_entities
    return registry


def _add_span(doc: Doc, start: int, end: int, label: str, kb_id: str) -> None:
    span = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="expand")
    if span is not None:
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


class AcronymRecognizer:
    """Uses of acronyms the document defines (``doc._.councilkg_known``: acronym -> entity)."""

    def __call__(self, doc: Doc) -> Doc:
        known: dict[str, EntityRecord] = doc._.councilkg_known or {}
        registry = _registry(doc)
        for definition in find_definitions(doc.text):
            entity = known.get(definition.acronym)
            if entity is not None:
                _add_span(doc, definition.start, definition.end, entity.type, entity.id)
        covered = {(s.start_char, s.end_char) for s in doc.spans.get(SPAN_KEY, [])}
        for start, end, acronym in find_acronym_uses(doc.text, known):
            entity = known[acronym]
            registry.setdefault(entity.id, entity)
            if not any(s <= start and end <= e for s, e in covered):
                _add_span(doc, start, end, entity.type, entity.id)
        return doc


@Language.factory("councilkg_citations")
def make_citation_recognizer(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return CitationRecognizer()


@Language.factory("councilkg_acronyms")
def make_acronym_recognizer(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return AcronymRecognizer()


def build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.max_length = 2_000_000
    nlp.add_pipe("councilkg_citations")
    nlp.add_pipe("councilkg_acronyms")
    return nlp


def learn_acronyms(text: str) -> dict[str, EntityRecord]:
    """Acronym -> entity for every "Long Form (ACRONYM)" definition in ``text``."""
    known: dict[str, EntityRecord] = {}
    for definition in find_definitions(text):
        ident = f"{definition.label.lower()}/{slug(definition.acronym)}"
        known.setdefault(definition.acronym, EntityRecord(
            ident, definition.label, definition.long_form, (definition.acronym,)))
    return known


@dataclass(slots=True)
class Extraction:
    entities: list[EntityRecord] = field(default_factory=list)
    mentions: list[MentionRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    cited_documents: list[DocumentRecord] = field(default_factory=list)


class Extractor:
    """Runs the pipeline over a document's passages and assembles typed records."""

    def __init__(self, nlp: Language | None = None) -> None:
        self.nlp = nlp or build_pipeline()

    def annotate(self, text: str, known: dict[str, EntityRecord]) -> Doc:
        doc = self.nlp.make_doc(text)
        doc._.councilkg_known = known
        return self.nlp(doc)

    def extract(self, *, document_id: str, full_text: str,
                passages: Iterable[PassageRecord]) -> Extraction:
        known = learn_acronyms(full_text)
        entities: dict[str, EntityRecord] = {}
        mentions: list[MentionRecord] = []
        relations: dict[tuple[str, str, str], RelationRecord] = {}

        def relate(source: str, source_type: str, rel: str, target: str, target_type: str,
                   evidence: Evidence | None) -> None:
            relations.setdefault((source, rel, target), RelationRecord(
                source, source_type, rel, target, target_type, evidence))

        for passage in passages:
            doc = self.annotate(passage.text, known)
            registry: dict[str, EntityRecord] = doc._.councilkg_entities or {}
            for span in doc.spans.get(SPAN_KEY, []):
                ident, label = span.kb_id_, span.label_
                if ident == document_id:
                    continue
                entity = registry.get(ident) or entities.get(ident)
                if entity is None:
                    continue
                entities.setdefault(ident, entity)
                mention = MentionRecord(ident, passage.id, span.start_char, span.end_char,
                                        span.text)
                mentions.append(mention)
                evidence = Evidence(passage.id, span.text, span.start_char, span.end_char)
                if label in CITABLE:
                    relate(document_id, "Document", "CITES", ident, label, evidence)
                if label == "ResolutionVersion":
                    work = ident.rsplit("/", 1)[0]
                    work_entity = registry.get(work)
                    if work_entity is not None:
                        entities.setdefault(work, work_entity)
                        relate(ident, label, "VERSION_OF", work, "Resolution", evidence)
        cited_documents = []
        for entity in entities.values():
            if entity.type != "Document":
                continue
            cited_documents.append(DocumentRecord(id=entity.id, symbol=entity.id, ingested=False))
            base = entity.id.split("(Rev.", 1)[0]
            if base != entity.id:
                cited_documents.append(DocumentRecord(id=base, symbol=base, ingested=False))
                relate(entity.id, "Document", "REVISES", base, "Document", None)
        return Extraction(
            entities=[e for e in entities.values() if e.type != "Document"],
            mentions=mentions,
            relations=list(relations.values()),
            cited_documents=cited_documents,
        )
