"""RDF export of the real corpus: SHACL-valid, parsed identically by a second toolkit."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from pyshacl import validate
from rdflib import RDF, Graph, URIRef

from ontology.rdf import PROV
from ontology.schema import CKG
from search_api.export import RdfFormat, export_graph, ontology_graph, serialize, shapes_text
from tests.integration.conftest import authorized

BASE = "https://w3id.org/councilkg"


@pytest.fixture(scope="module")
def exported(kg) -> Graph:  # type: ignore[no-untyped-def]
    return export_graph(kg.store, base=BASE)


@pytest.fixture(scope="module")
def client(kg) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with authorized(kg) as c:
        yield c


def shacl(data: Graph) -> tuple[bool, str]:
    shapes = Graph().parse(data=shapes_text(), format="turtle")
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology_graph(),
                                 inference="rdfs", advanced=True)
    return bool(conforms), str(text)


def test_export_conforms_to_the_shapes(exported) -> None:  # type: ignore[no-untyped-def]
    conforms, report = shacl(exported)
    assert conforms, report[:3000]
    passages = set(exported.subjects(RDF.type, CKG.Passage))
    stats_passages = len(passages)
    assert stats_passages > 200


def test_shapes_catch_broken_data(exported) -> None:  # type: ignore[no-untyped-def]
    broken = Graph()
    for triple in exported:
        broken.add(triple)
    # a passage in two documents, and a citation whose evidence is removed
    passage = next(iter(broken.subjects(RDF.type, CKG.Passage)))
    broken.add((passage, CKG.partOf, URIRef(f"{BASE}/document/C99-1")))
    broken.add((URIRef(f"{BASE}/document/C99-1"), RDF.type, CKG.Document))
    assertion = next(a for a in broken.subjects(RDF.predicate, CKG.cites))
    broken.remove((assertion, PROV.wasDerivedFrom, None))
    conforms, report = shacl(broken)
    assert not conforms
    assert "partOf" in report and "without evidence" in report


def test_second_toolkit_counts_the_same_triples(exported) -> None:  # type: ignore[no-untyped-def]
    for fmt, oxi in ((RdfFormat.TURTLE, pyoxigraph.RdfFormat.TURTLE),
                     (RdfFormat.NT, pyoxigraph.RdfFormat.N_TRIPLES)):
        text = serialize(exported, fmt)
        assert len(list(pyoxigraph.parse(text.encode(), format=oxi))) == len(exported)
    jsonld = serialize(exported, RdfFormat.JSONLD)
    assert len(Graph().parse(data=jsonld, format="json-ld")) == len(exported)


def test_iris_are_stable_and_readable(exported, kg) -> None:  # type: ignore[no-untyped-def]
    doc = URIRef(f"{BASE}/document/C25-44")
    assert (doc, RDF.type, CKG.Document) in exported
    assert (doc, RDF.type, CKG.CouncilDocument) in exported
    assert (URIRef(f"{BASE}/document/C25-INF-12"), RDF.type, CKG.InformationDocument) in exported
    assert (URIRef(f"{BASE}/document/C25-44/passage/0"), CKG.partOf, doc) in exported
    version = URIRef(f"{BASE}/resolution/pp-179/rev-bucharest-2022")
    assert (doc, CKG.cites, version) in exported
    assert (version, CKG.versionOf, URIRef(f"{BASE}/resolution/pp-179")) in exported
    again = export_graph(kg.store, base=BASE)
    assert set(again) == set(exported)  # same IRIs, same triples, run after run


def test_document_neighbourhood_export(kg) -> None:  # type: ignore[no-untyped-def]
    part = export_graph(kg.store, document_id="C25/44", base="http://example.org/kg")
    subjects = {str(s) for s in part.subjects(RDF.type, CKG.Passage)}
    prefix = "http://example.org/kg/document/C25-44/"
    assert subjects and all(s.startswith(prefix) for s in subjects)
    assert shacl(part)[0]


def test_api_ontology_negotiation(client) -> None:  # type: ignore[no-untyped-def]
    turtle = client.get("/ontology")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert (CKG.Resolution, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in Graph(
    ).parse(data=turtle.text, format="turtle")
    jsonld = client.get("/ontology", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(
        Graph().parse(data=turtle.text, format="turtle"))
    context = client.get("/ontology/context.jsonld").json()["@context"]
    assert context["cites"] == {"@id": "ckg:cites", "@type": "@id"}
    assert context["ckg"] == str(CKG)
    assert "sh:NodeShape" in client.get("/ontology/shapes").text


def test_api_export(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/export", params={"format": "jsonld", "document": "C25/44-E"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert "@context" in json.loads(r.text)
    r = client.get("/export", params={"format": "nt"})
    assert r.status_code == 200 and r.text.count("\n") > 1000
    missing = client.get("/export", params={"document": "C99/1"})
    assert missing.status_code == 404
    assert client.get("/export", params={"format": "rdfxml"}).status_code == 422
