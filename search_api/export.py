"""RDF export of the store (whole graph or one document's neighbourhood) and the ontology."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache

from rdflib import Graph

from graph.store import GraphStore
from ontology.rdf import DEFAULT_BASE, PREFIXES, jsonld_context, to_rdf
from ontology.schema import default_schema, load_ontology
from ontology.shapes import SHAPES_PATH


class RdfFormat(StrEnum):
    TURTLE = "turtle"
    JSONLD = "jsonld"
    NT = "nt"


MEDIA_TYPES = {
    RdfFormat.TURTLE: "text/turtle",
    RdfFormat.JSONLD: "application/ld+json",
    RdfFormat.NT: "application/n-triples",
}


@cache
def ontology_graph() -> Graph:
    graph = load_ontology()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


@cache
def context() -> dict[str, object]:
    return jsonld_context(ontology_graph())


def serialize(graph: Graph, fmt: RdfFormat) -> str:
    if fmt is RdfFormat.JSONLD:
        return graph.serialize(format="json-ld", context=context()["@context"], indent=2)
    if fmt is RdfFormat.NT:
        return graph.serialize(format="nt")
    return graph.serialize(format="turtle")


def export_graph(store: GraphStore, *, document_id: str | None = None,
                 base: str = DEFAULT_BASE) -> Graph:
    dump = store.dump(document_id)
    return to_rdf(((n.label, n.properties) for n in dump.nodes),
                  ((e.type, e.source, e.target, e.properties) for e in dump.edges),
                  schema=default_schema(), base=base)


def ontology_text(fmt: RdfFormat) -> str:
    return serialize(ontology_graph(), fmt)


def shapes_text() -> str:
    return SHAPES_PATH.read_text(encoding="utf-8")


def context_text() -> str:
    return json.dumps(context(), indent=2)
