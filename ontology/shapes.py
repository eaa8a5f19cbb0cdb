"""SHACL shapes: loaded beside the ontology and checked against it at start-up.

A shape that names a ckg: class or property the ontology lacks fails here,
with the term, instead of silently validating nothing later.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, RDF, Graph, Namespace, URIRef

from ontology.errors import OntologyError
from ontology.schema import CKG

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_PATH = Path(__file__).with_name("shapes.ttl")
_CLASS_REFS = (SH.targetClass, SH["class"])
_PROPERTY_REFS = (SH.path, SH.targetSubjectsOf, SH.targetObjectsOf)


def load_shapes(ontology: Graph, path: Path | None = None) -> Graph:
    source = path or SHAPES_PATH
    shapes = Graph()
    try:
        shapes.parse(source, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types on bad Turtle
        raise OntologyError(f"cannot parse shapes {source}: {exc}") from exc
    check_shapes(ontology, shapes)
    return shapes


def check_shapes(ontology: Graph, shapes: Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    properties = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
                  for p in ontology.subjects(RDF.type, kind)}
    for refs, known, what in ((_CLASS_REFS, classes, "class"),
                              (_PROPERTY_REFS, properties, "property")):
        for predicate in refs:
            for term in shapes.objects(None, predicate):
                if isinstance(term, URIRef) and str(term).startswith(str(CKG)) \
                        and term not in known:
                    name = str(term).removeprefix(str(CKG))
                    raise OntologyError(
                        f"shapes.ttl names the {what} ckg:{name}, which the ontology lacks",
                        term=name)
