"""The values the search filters can take, read from the data (``GET /facets``).

The explorer offers only years, bodies and document types that some ingested document
has, so a filter never silently matches nothing; the allowed document types come from
the ontology (subclasses of ``ckg:Document`` stored as documents), never from a list
in the code.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from pydantic import BaseModel, Field
from rdflib import RDFS, URIRef

from graph.store import GraphStore
from ingest.resolution import load_gazetteer
from ontology.errors import InvalidRequestError
from ontology.schema import load_ontology

CKG = "https://w3id.org/councilkg/ontology#"
PAGE = 500


class FacetValueOut(BaseModel):
    value: str = Field(description="what to pass as the filter (an id or a class name)")
    label: str = Field(description="what to show")
    documents: int = Field(description="ingested documents with this value")


class FacetsOut(BaseModel):
    years: list[FacetValueOut] = Field(description="years of ingested documents, oldest first")
    bodies: list[FacetValueOut] = Field(description="bodies documents are submitted to")
    document_types: list[FacetValueOut]
    undated: int = Field(description="ingested documents without a year")


@cache
def document_kinds() -> dict[str, str]:
    """Ontology subclasses of ckg:Document stored as documents: local name -> label."""
    graph = load_ontology()
    document = URIRef(CKG + "Document")
    kinds: dict[str, str] = {}
    for cls in graph.subjects(URIRef(CKG + "storedAs"), document):
        name = str(cls).removeprefix(CKG)
        label = graph.value(cls, RDFS.label)
        text = str(label) if label else re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
        kinds[name] = text[:1].upper() + text[1:]
    return dict(sorted(kinds.items()))


def check_document_type(value: str | None) -> str | None:
    """A document type filter must name an ontology class (422 otherwise)."""
    if value is not None and value not in document_kinds():
        raise InvalidRequestError(
            f"unknown document type {value!r}; one of {', '.join(document_kinds())}",
            field="document_type")
    return value


def facets(store: GraphStore) -> FacetsOut:
    """Count years, bodies and types over every ingested document (paged reads)."""
    years: Counter[int] = Counter()
    bodies: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    undated = offset = 0
    while page := store.list_documents(limit=PAGE, offset=offset):
        offset += len(page)
        for doc in page:
            if doc.year is None:
                undated += 1
            else:
                years[doc.year] += 1
            if doc.body:
                bodies[doc.body] += 1
            if doc.document_type:
                kinds[doc.document_type] += 1
    names = {e.entity.id: e.entity.name for e in load_gazetteer()}
    names.update((i, n.name) for i, n in store.nodes(list(bodies)).items())
    labels = document_kinds()
    return FacetsOut(
        years=[FacetValueOut(value=str(y), label=str(y), documents=n)
               for y, n in sorted(years.items())],
        bodies=[FacetValueOut(value=b, label=names.get(b, b), documents=n)
                for b, n in sorted(bodies.items(), key=lambda item: (-item[1], item[0]))],
        document_types=[FacetValueOut(value=t, label=labels.get(t, t), documents=n)
                        for t, n in sorted(kinds.items(), key=lambda item: (-item[1], item[0]))],
        undated=undated)
