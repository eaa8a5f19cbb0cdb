"""The graph schema, derived from the Turtle ontology at load time.

Node labels, relationship types with their allowed endpoints, and the stored
columns all come from ``councilkg.ttl``; both stores build their schema and
validate every label and type they write through :class:`GraphSchema`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, IdentifiedNode, Literal, Namespace, URIRef
from rdflib.collection import Collection

from ontology.errors import OntologyError, UnknownTermError

CKG = Namespace("https://w3id.org/councilkg/ontology#")
ONTOLOGY_PATH = Path(__file__).with_name("councilkg.ttl")

_XSD_TYPES: dict[URIRef, type] = {
    XSD.string: str,
    XSD.integer: int,
    XSD.boolean: bool,
    XSD.double: float,
}

#: Terms the code relies on by name; a missing one fails at start-up.
REQUIRED_LABELS = ("Document", "Passage", "Resolution", "ResolutionVersion", "Decision",
                   "Instrument", "Body", "Initiative")
REQUIRED_RELATIONS = ("PART_OF", "MENTIONS", "CITES", "REVISES", "VERSION_OF")


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    python_type: type
    iri: str


@dataclass(frozen=True, slots=True)
class NodeType:
    label: str
    iri: str
    columns: tuple[Column, ...]
    entity_type: bool
    comment: str


@dataclass(frozen=True, slots=True)
class RelationType:
    name: str
    iri: str
    endpoints: tuple[tuple[str, str], ...]
    columns: tuple[Column, ...]


@dataclass(frozen=True, slots=True)
class GraphSchema:
    """Allow-list of labels and relationship types, derived from the ontology."""

    nodes: dict[str, NodeType]
    relations: dict[str, RelationType]

    def label(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise UnknownTermError(
                f"unknown node label {label!r}; allowed: {sorted(self.nodes)}", term=label
            ) from None

    def relation(self, name: str) -> RelationType:
        try:
            return self.relations[name]
        except KeyError:
            raise UnknownTermError(
                f"unknown relationship type {name!r}; allowed: {sorted(self.relations)}",
                term=name,
            ) from None

    def check_edge(self, name: str, source_label: str, target_label: str) -> None:
        """Raise unless the ontology allows ``(source)-[name]->(target)``."""
        rel = self.relation(name)
        if (source_label, target_label) not in rel.endpoints:
            raise UnknownTermError(
                f"{name} does not connect {source_label} to {target_label}",
                term=name,
            )

    @property
    def entity_labels(self) -> tuple[str, ...]:
        """Labels the extractors may emit."""
        return tuple(label for label, node in self.nodes.items() if node.entity_type)


def _local(term: URIRef) -> str:
    return str(term).rsplit("#", 1)[-1]


def _flag(graph: Graph, subject: URIRef, annotation: URIRef) -> bool:
    value = graph.value(subject, annotation)
    return isinstance(value, Literal) and bool(value.toPython())


def _class_members(graph: Graph, node: IdentifiedNode) -> list[URIRef]:
    """A class or an owl:unionOf list of classes."""
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return [m for m in Collection(graph, union) if isinstance(m, URIRef)]
    if not isinstance(node, URIRef):
        raise OntologyError(f"unsupported class expression {node}")
    return [node]


def _ancestors(graph: Graph, cls: URIRef) -> set[URIRef]:
    seen: set[URIRef] = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(p for p in graph.objects(current, RDFS.subClassOf) if isinstance(p, URIRef))
    return seen


def _columns_for(graph: Graph, domains: Iterable[URIRef]) -> tuple[Column, ...]:
    wanted = set(domains)
    columns: dict[str, Column] = {}
    for prop in sorted(graph.subjects(RDF.type, OWL.DatatypeProperty), key=str):
        column = graph.value(prop, CKG.column)
        if column is None or not isinstance(prop, URIRef) \
                or graph.value(prop, RDFS.domain) not in wanted:
            continue
        rng = graph.value(prop, RDFS.range)
        if rng not in _XSD_TYPES:
            raise OntologyError(f"datatype property {_local(prop)} has unsupported range {rng}",
                                term=_local(prop))
        assert isinstance(rng, URIRef)
        columns.setdefault(str(column), Column(str(column), _XSD_TYPES[rng], str(prop)))
    return tuple(columns.values())


def build_schema(graph: Graph) -> GraphSchema:
    """Derive the property-graph schema from an ontology graph."""
    nodes: dict[str, NodeType] = {}
    iri_to_label: dict[URIRef, str] = {}
    for cls in sorted(graph.subjects(RDF.type, OWL.Class), key=str):
        if not isinstance(cls, URIRef) or not str(cls).startswith(str(CKG)):
            continue
        if _flag(graph, cls, CKG.abstract) or graph.value(cls, CKG.storedAs) is not None:
            continue
        name = graph.value(cls, CKG.graphName)
        if name is None:
            raise OntologyError(f"class {_local(cls)} has neither ckg:graphName nor ckg:abstract",
                                term=_local(cls))
        label = str(name)
        iri_to_label[cls] = label
        nodes[label] = NodeType(
            label=label,
            iri=str(cls),
            columns=_columns_for(graph, _ancestors(graph, cls)),
            entity_type=_flag(graph, cls, CKG.entityType),
            comment=str(graph.value(cls, RDFS.comment) or ""),
        )

    def concrete(cls: URIRef) -> list[str]:
        found = [label for iri, label in iri_to_label.items() if cls in _ancestors(graph, iri)]
        if not found:
            raise OntologyError(f"{_local(cls)} has no concrete subclass", term=_local(cls))
        return sorted(found)

    edge_columns = _columns_for(graph, [CKG.Assertion])
    relations: dict[str, RelationType] = {}
    for prop in sorted(graph.subjects(RDF.type, OWL.ObjectProperty), key=str):
        name = graph.value(prop, CKG.graphName)
        if name is None or not isinstance(prop, URIRef):
            continue
        domain, rng = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        if not isinstance(domain, IdentifiedNode) or not isinstance(rng, IdentifiedNode):
            raise OntologyError(f"relation {_local(prop)} needs rdfs:domain and rdfs:range",
                                term=_local(prop))
        sources = [s for d in _class_members(graph, domain) for s in concrete(d)]
        targets = [t for r in _class_members(graph, rng) for t in concrete(r)]
        relations[str(name)] = RelationType(
            name=str(name),
            iri=str(prop),
            endpoints=tuple(dict.fromkeys((s, t) for s in sources for t in targets)),
            columns=edge_columns,
        )

    schema = GraphSchema(nodes=nodes, relations=relations)
    for label in REQUIRED_LABELS:
        if label not in nodes:
            raise OntologyError(f"the ontology lacks the class the code needs: {label}", term=label)
    for rel in REQUIRED_RELATIONS:
        if rel not in relations:
            raise OntologyError(f"the ontology lacks the relation the code needs: {rel}", term=rel)
    return schema


def load_ontology(path: Path | None = None) -> Graph:
    source = path or ONTOLOGY_PATH
    graph = Graph()
    try:
        graph.parse(source, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types on bad Turtle
        raise OntologyError(f"cannot parse ontology {source}: {exc}") from exc
    return graph


def load_schema(path: Path | None = None, shapes_path: Path | None = None) -> GraphSchema:
    """Parse the ontology, derive its schema and check the shapes against it.

    Errors name the bad term, so an inconsistent edit fails at start-up."""
    from ontology.shapes import load_shapes

    graph = load_ontology(path)
    schema = build_schema(graph)
    load_shapes(graph, shapes_path)
    return schema


@cache
def default_schema() -> GraphSchema:
    """The packaged ontology's schema, parsed once per process."""
    return load_schema()
