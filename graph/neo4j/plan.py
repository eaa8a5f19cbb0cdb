"""Pure functions from records to (statement, parameters) lists: no driver here.

A document write is planned completely, every label and type validated, before
the transaction opens, so an unknown term never reaches the server; the plan is
then run in one managed write transaction (all or nothing).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.neo4j import queries as q
from graph.search import SearchFilters
from graph.terms import DOCUMENT_CONTENT_RELATIONS, check_terms
from ontology.errors import InvalidRequestError
from ontology.records import EntityRecord, ParsedDocument
from ontology.schema import GraphSchema

Statement = tuple[str, dict[str, Any]]

#: a year filter makes the vector index over-fetch this many times k (see VECTOR_SEARCH)
OVERFETCH = 10
MAX_FETCH = 10_000
#: Lucene refuses more than 1,024 clauses; far fewer terms carry any meaning anyway
MAX_TERMS = 256
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_DOC_FIELDS = ("symbol", "title", "date", "year", "language", "source", "summary",
               "action_required", "action_type", "document_type", "body", "access_level")


@dataclass(frozen=True, slots=True)
class Batch:
    """A statement run once per chunk of ``rows`` (UNWIND $rows)."""

    query: str
    rows: list[dict[str, Any]]
    params: dict[str, Any]


def chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield list(rows[start:start + size])


def document_write(schema: GraphSchema, parsed: ParsedDocument,
                   vectors: npt.NDArray[np.float32], index_texts: list[str]) -> list[Batch]:
    """Everything a document write sends, in order; the commit marker is last."""
    check_terms(schema, parsed)
    doc = parsed.document
    if len(vectors) != len(parsed.passages) or len(index_texts) != len(parsed.passages):
        raise InvalidRequestError(
            f"{doc.id}: {len(parsed.passages)} passages but {len(vectors)} vectors and "
            f"{len(index_texts)} index texts", document=doc.id)
    one: list[dict[str, Any]] = [{}]  # a statement without UNWIND runs once
    plan = [Batch(q.REMOVE_PASSAGES, one, {"id": doc.id})]
    plan += [Batch(q.remove_outgoing(rel, schema), one, {"id": doc.id})
             for rel in DOCUMENT_CONTENT_RELATIONS]
    props: dict[str, Any] = {k: getattr(doc, k) for k in _DOC_FIELDS}
    props.update(name=doc.symbol or doc.title or doc.id, ingested=True)
    plan.append(Batch(q.UPSERT_DOCUMENT, one, {"id": doc.id, "props": props}))
    stubs = [{"id": d.id, "symbol": d.symbol} for d in parsed.cited_documents]
    if stubs:
        plan.append(Batch(q.UPSERT_CITED_DOCUMENTS, stubs, {}))
    by_label: dict[str, list[EntityRecord]] = defaultdict(list)
    for entity in parsed.entities:
        by_label[schema.label(entity.type).label].append(entity)
    for label, entities in by_label.items():
        plan.append(Batch(q.upsert_entities(label, schema),
                          [{"id": e.id, "name": e.name, "alt": "; ".join(e.aliases) or None}
                           for e in entities], {}))
    if parsed.passages:
        plan.append(Batch(q.WRITE_PASSAGES, [
            {"id": p.id, "name": p.context, "section": p.section, "ordinal": p.ordinal,
             "char_start": p.start, "char_end": p.end, "page": p.page, "text": p.text,
             "index_text": index_texts[i], "embedding": [float(x) for x in vectors[i]]}
            for i, p in enumerate(parsed.passages)], {"document": doc.id}))
    plan += _mentions(schema, parsed) + _relations(schema, parsed)
    plan.append(Batch(q.SET_CONTENT_HASH, one, {"id": doc.id, "hash": doc.content_hash}))
    return plan


def _mentions(schema: GraphSchema, parsed: ParsedDocument) -> list[Batch]:
    types = {e.id: e.type for e in parsed.entities}
    types.update({d.id: "Document" for d in parsed.cited_documents})
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for m in parsed.mentions:
        if (m.passage_id, m.entity_id) in seen or m.entity_id not in types:
            continue
        seen.add((m.passage_id, m.entity_id))
        rows[types[m.entity_id]].append(
            {"source": m.passage_id, "target": m.entity_id, "passage": m.passage_id,
             "text": m.text, "span_start": m.start, "span_end": m.end, "confidence": 1.0})
    return [Batch(q.create_edges("MENTIONS", "Passage", label, schema), found, {})
            for label, found in rows.items()]


def _relations(schema: GraphSchema, parsed: ParsedDocument) -> list[Batch]:
    rows: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in parsed.relations:
        ev = r.evidence
        rows[(r.type, r.source_type, r.target_type)].append(
            {"source": r.source, "target": r.target, "confidence": r.confidence,
             "passage": ev.passage_id if ev else None, "text": ev.text if ev else None,
             "span_start": ev.start if ev else None, "span_end": ev.end if ev else None})
    return [Batch(q.merge_edges(rel, src, dst, schema), found, {})
            for (rel, src, dst), found in rows.items()]


def orphan_sweep(schema: GraphSchema) -> list[str]:
    """Versions first: deleting one can orphan its work (same order as the embedded store)."""
    order = ["ResolutionVersion", *[label for label in schema.nodes
                                    if label not in ("ResolutionVersion", "Passage")]]
    return [q.delete_orphans(label, schema) for label in order]


def lucene_terms(text: str) -> str:
    """Plain lower-case terms only, so Lucene's query syntax never sees user input:
    operators (+ - && || ! ( ) { } [ ] ^ " ~ * ? : \\ /) are not word characters and
    are dropped, and lower-case and/or/not are ordinary terms to the classic parser."""
    terms = list(dict.fromkeys(_WORD_RE.findall(text.lower())))
    return " ".join(terms[:MAX_TERMS])


def filter_params(filters: SearchFilters) -> dict[str, Any]:
    return {"document": filters.document, "year_from": filters.year_from,
            "year_to": filters.year_to, "body": filters.body,
            "document_type": filters.document_type,
            "levels": ["public"] if filters.public_only else ["public", "restricted"]}


def vector_fetch(limit: int, filters: SearchFilters) -> int:
    """How many neighbours to ask the index for: queryNodes applies WHERE after its
    top-k, so with a year, body, type or access filter we over-fetch to still return
    ``limit`` hits (the store falls back to an exact scan when even that leaves fewer)."""
    if (filters.year_from is None and filters.year_to is None and not filters.on_documents()
            and not filters.public_only):
        return limit
    return min(MAX_FETCH, max(limit * OVERFETCH, 100))
