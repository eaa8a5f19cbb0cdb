"""The graph as linked data: stable IRIs, RDF from stored nodes and edges, a JSON-LD context.

Nodes become typed resources with the ontology's datatype properties; every
edge becomes a triple, and an edge with evidence is also reified as a
``ckg:Assertion`` (``rdf:subject/predicate/object``) that is
``prov:wasDerivedFrom`` its passage, with the span text, offsets and confidence.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from ontology.schema import CKG, GraphSchema

DEFAULT_BASE = "https://w3id.org/councilkg"
PROV = Namespace("http://www.w3.org/ns/prov#")
PREFIXES = {
    "ckg": str(CKG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": str(PROV),
    "frbr": "http://purl.org/vocab/frbr/core#",
    "eli": "http://data.europa.eu/eli/ontology#",
}
_XSD_BY_TYPE = {int: XSD.integer, bool: XSD.boolean, float: XSD.double}
_SAFE = "-._~()!$&'*+,;=:@"


class IriMinter:
    """Stable, dereferenceable-in-shape IRIs: ``{base}/document/C23-52``,
    ``{base}/document/C23-52/passage/3``, ``{base}/resolution/pp-71``."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base.rstrip("/")

    def document(self, doc_id: str) -> URIRef:
        return URIRef(f"{self.base}/document/{quote(doc_id.replace('/', '-'), safe=_SAFE)}")

    def passage(self, passage_id: str) -> URIRef:
        doc_id, _, ordinal = passage_id.rpartition("#")
        return URIRef(f"{self.document(doc_id)}/passage/{quote(ordinal, safe=_SAFE)}")

    def node(self, label: str, node_id: str) -> URIRef:
        if label == "Document":
            return self.document(node_id)
        if label == "Passage":
            return self.passage(node_id)
        # entity ids carry their kind already: body/ictgc, resolution/pp-71/rev-...
        return URIRef(f"{self.base}/{quote(node_id, safe=_SAFE + '/')}")

    def assertion(self, source: URIRef, predicate: URIRef, target: URIRef) -> URIRef:
        digest = hashlib.sha256(f"{source} {predicate} {target}".encode()).hexdigest()[:20]
        return URIRef(f"{self.base}/assertion/{digest}")


def _literal(value: Any) -> Literal:
    datatype = _XSD_BY_TYPE.get(type(value))
    return Literal(value, datatype=datatype) if datatype else Literal(str(value))


def _document_kinds(props: Mapping[str, Any]) -> list[URIRef]:
    """Kinds stored under the Document label (ckg:storedAs), read off the symbol."""
    symbol = props.get("symbol") or ""
    kinds = []
    if "/INF/" in symbol or "/INF." in symbol:
        kinds.append(CKG.InformationDocument)
    if re.match(r"C\d{2,4}/", symbol):
        kinds.append(CKG.CouncilDocument)
    return kinds


def to_rdf(nodes: Iterable[tuple[str, Mapping[str, Any]]],
           edges: Iterable[tuple[str, str, str, Mapping[str, Any]]], *,
           schema: GraphSchema, base: str = DEFAULT_BASE) -> Graph:
    """RDF for stored nodes ``(label, properties)`` and edges ``(type, source, target, props)``."""
    mint = IriMinter(base)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    labels: dict[str, str] = {}
    for label, props in nodes:
        node_type = schema.label(label)
        iri = mint.node(label, props["id"])
        labels[props["id"]] = label
        graph.add((iri, RDF.type, URIRef(node_type.iri)))
        if label == "Document":
            for kind in _document_kinds(props):
                graph.add((iri, RDF.type, kind))
        for column in node_type.columns:
            value = props.get(column.name)
            if value is None:
                continue
            values = value.split("; ") if column.name == "alt_label" else [value]
            for item in values:
                graph.add((iri, URIRef(column.iri), _literal(item)))
        if props.get("name"):
            graph.add((iri, RDFS.label, Literal(props["name"])))
        if label == "Passage" and props.get("text") is not None:
            graph.add((iri, CKG.text, Literal(props["text"])))
    for rel, source, target, props in edges:
        rel_type = schema.relation(rel)
        if source not in labels or target not in labels:
            raise ValueError(f"edge {source} -{rel}-> {target} leaves the exported node set")
        subject = mint.node(labels[source], source)
        obj = mint.node(labels[target], target)
        predicate = URIRef(rel_type.iri)
        graph.add((subject, predicate, obj))
        if not props.get("passage"):
            continue
        assertion = mint.assertion(subject, predicate, obj)
        graph.add((assertion, RDF.type, CKG.Assertion))
        graph.add((assertion, RDF.subject, subject))
        graph.add((assertion, RDF.predicate, predicate))
        graph.add((assertion, RDF.object, obj))
        graph.add((assertion, PROV.wasDerivedFrom, mint.passage(props["passage"])))
        for column in rel_type.columns:
            value = props.get(column.name)
            if value is not None and column.name != "passage":
                graph.add((assertion, URIRef(column.iri), _literal(value)))
    return graph


def jsonld_context(ontology: Graph) -> dict[str, Any]:
    """A JSON-LD context with a short term for every ckg class and property."""
    context: dict[str, Any] = dict(PREFIXES)
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and str(cls).startswith(str(CKG)):
            context[str(cls).removeprefix(str(CKG))] = f"ckg:{str(cls).removeprefix(str(CKG))}"
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        if isinstance(prop, URIRef) and str(prop).startswith(str(CKG)):
            context[str(prop).removeprefix(str(CKG))] = {
                "@id": f"ckg:{str(prop).removeprefix(str(CKG))}", "@type": "@id"}
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        if isinstance(prop, URIRef) and str(prop).startswith(str(CKG)):
            term: dict[str, str] = {"@id": f"ckg:{str(prop).removeprefix(str(CKG))}"}
            rng = ontology.value(prop, RDFS.range)
            if rng is not None and rng != XSD.string:
                term["@type"] = f"xsd:{str(rng).removeprefix(str(XSD))}"
            context[str(prop).removeprefix(str(CKG))] = term
    context["wasDerivedFrom"] = {"@id": "prov:wasDerivedFrom", "@type": "@id"}
    return {"@context": context}
