"""Answers without an LLM: the best passages with the sentence that answers, the graph facts
about the entities the question names, related documents, and a citation for each statement.

Every statement carries a :class:`Citation` (document symbol, section, passage and character
offsets, both into the passage and into the document's cleaned text), so a reader can check
it against the source.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graph.store import EntityRef, GraphStore, Link, SearchHit
from ingest.questions import QuestionEntity
from ingest.sentences import split_sentences
from ontology.records import AccessLevel, DocumentRecord, PassageRecord
from search_api.service import CouncilKG

#: relationships that are bookkeeping, not facts worth stating
_NOT_FACTS = frozenset({"MENTIONS", "PART_OF"})
MAX_FACTS = 25


@dataclass(frozen=True, slots=True)
class Citation:
    document: DocumentRecord
    passage_id: str
    section: str
    start: int  # offsets into the passage text
    end: int
    document_start: int  # the same span, as offsets into the document's cleaned text
    document_end: int
    text: str

    @classmethod
    def of(cls, passage: PassageRecord, document: DocumentRecord, start: int,
           end: int) -> Citation:
        return cls(document, passage.id, passage.section, start, end, passage.start + start,
                   passage.start + end, passage.text[start:end])


@dataclass(frozen=True, slots=True)
class AnswerPassage:
    hit: SearchHit
    sentence: Citation  # the sentence of the passage closest to the question


@dataclass(frozen=True, slots=True)
class Fact:
    relation: str
    direction: str
    node: EntityRef
    citation: Citation | None


@dataclass(frozen=True, slots=True)
class EntityFacts:
    mention: QuestionEntity
    stored: bool  # False: recognised in the question but not in the store
    facts: tuple[Fact, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    passages: tuple[AnswerPassage, ...]
    entities: tuple[EntityFacts, ...]
    related_documents: tuple[DocumentRecord, ...]


def answer(kg: CouncilKG, question: str, *, k: int = 5,
           clearance: AccessLevel = AccessLevel.RESTRICTED) -> Answer:
    """Everything is read through the store as ``clearance`` sees it: the question's
    entities, the passages, the facts and their evidence."""
    store = kg.store_for(clearance)
    analysis = kg.analyze(question, clearance)
    request = kg.request(question, k=k, analysis=analysis, clearance=clearance)
    vector = kg.query_vector(request)
    assert vector is not None  # the default (hybrid) mode embeds the question
    hits = store.search(request, vector)
    passages = tuple(_answer_passages(kg, vector, hits))
    entities = tuple(_entity_facts(store, e) for e in analysis.entities)
    related: dict[str, DocumentRecord] = {}
    for hit in hits:
        related.setdefault(hit.document.id, hit.document)
    linked = [f.node.id for e in entities for f in e.facts if f.node.type == "Document"]
    linked += [e.mention.entity.id for e in entities if e.mention.entity.type == "Document"]
    for doc_id in linked:
        if doc_id not in related and (view := store.get_document(doc_id)) is not None:
            related[doc_id] = view.document
    return Answer(question, passages, entities, tuple(related.values())[:10])


def _answer_passages(kg: CouncilKG, question_vector: npt.NDArray[np.float32],
                     hits: list[SearchHit]) -> list[AnswerPassage]:
    """Each hit with its sentence closest to the question (the query's own vector)."""
    spans = [split_sentences(hit.passage.text) or [(0, len(hit.passage.text))] for hit in hits]
    texts = [hit.passage.text[s:e] for hit, found in zip(hits, spans, strict=True)
             for s, e in found]
    if not texts:
        return []
    vectors = kg.embedder_for_queries.embed(texts)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    query = question_vector / max(float(np.linalg.norm(question_vector)), 1e-9)
    scores = vectors @ query
    out, offset = [], 0
    for hit, found in zip(hits, spans, strict=True):
        best = int(np.argmax(scores[offset:offset + len(found)]))
        start, end = found[best]
        offset += len(found)
        out.append(AnswerPassage(hit, Citation.of(hit.passage, hit.document, start, end)))
    return out


def _entity_facts(store: GraphStore, mention: QuestionEntity) -> EntityFacts:
    entity = mention.entity
    links: tuple[Link, ...] = ()
    if entity.type == "Document":
        view = store.get_document(entity.id)
        stored = view is not None
        links = view.links if view is not None else ()
    else:
        found = store.entity_links(entity.id)  # its facts only, not its mentions
        stored = found is not None
        links = found.links if found is not None else ()
    links = tuple(link for link in links if link.type not in _NOT_FACTS)[:MAX_FACTS]
    evidence = store.get_passages(sorted({link.passage_id for link in links
                                             if link.passage_id}))
    facts = []
    for link in links:
        citation = None
        if link.passage_id in evidence:
            passage, document = evidence[link.passage_id]
            citation = _cite(passage, document, link.evidence)
        facts.append(Fact(link.type, link.direction, link.node, citation))
    return EntityFacts(mention, stored, tuple(facts))


def _cite(passage: PassageRecord, document: DocumentRecord, evidence: str | None) -> Citation:
    """The evidence span inside its passage (the whole passage if the text is not found)."""
    start = passage.text.find(evidence) if evidence else -1
    if start < 0:
        return Citation.of(passage, document, 0, len(passage.text))
    assert evidence is not None
    return Citation.of(passage, document, start, start + len(evidence))
