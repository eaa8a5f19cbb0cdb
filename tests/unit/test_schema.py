"""The graph schema derived from the Turtle ontology (ontology.schema)."""

from __future__ import annotations

import re

import pytest

from ontology.errors import OntologyError, UnknownTermError
from ontology.schema import ONTOLOGY_PATH, default_schema, load_schema

CONCRETE = {"Document", "Passage", "Resolution", "ResolutionVersion", "Decision", "Instrument",
            "Body", "Initiative", "Role", "Organization", "Objective", "Event", "Topic"}


@pytest.fixture(scope="module")
def schema():
    return default_schema()


def test_node_labels(schema):
    assert set(schema.nodes) == CONCRETE
    for abstract in ("Node", "Entity", "Citable", "Assertion", "Act", "Agent",
                     # kinds stored under their parent's label (ckg:storedAs)
                     "CouncilDocument", "InformationDocument", "Report", "Committee",
                     "TaskForce", "Council"):
        assert abstract not in schema.nodes


def test_entity_labels(schema):
    # every concrete class but Passage may be emitted by the extractors
    assert set(schema.entity_labels) == CONCRETE - {"Passage"}


def test_relation_endpoints(schema):
    cites = schema.relation("CITES").endpoints
    assert ("Document", "ResolutionVersion") in cites
    assert set(cites) == {("Document", t) for t in
                          ("Document", "Resolution", "ResolutionVersion", "Decision",
                           "Instrument")}
    assert schema.relation("PART_OF").endpoints == (("Passage", "Document"),)
    assert schema.relation("VERSION_OF").endpoints == (("ResolutionVersion", "Resolution"),)
    assert schema.relation("REVISES").endpoints == (("Document", "Document"),)
    assert ("Passage", "Body") in schema.relation("MENTIONS").endpoints
    assert ("Passage", "Passage") not in schema.relation("MENTIONS").endpoints


def test_columns_inherited(schema):
    doc_cols = {c.name: c.python_type for c in schema.label("Document").columns}
    assert doc_cols["id"] is str
    assert doc_cols["year"] is int
    assert doc_cols["ingested"] is bool
    assert "char_start" not in doc_cols
    passage_cols = {c.name for c in schema.label("Passage").columns}
    assert {"id", "section", "ordinal", "char_start", "char_end"} <= passage_cols
    edge_cols = {c.name: c.python_type for c in schema.relation("CITES").columns}
    assert edge_cols == {"passage": str, "text": str, "span_start": int, "span_end": int,
                         "confidence": float}


@pytest.mark.parametrize("label", ["Robert'); DROP", "Node", "Citable", "document", "",
                                   "Document:Admin"])
def test_unknown_label_refused(schema, label):
    with pytest.raises(UnknownTermError) as err:
        schema.label(label)
    assert err.value.detail["term"] == label


@pytest.mark.parametrize("name", ["cites", "CITES]->(x) DETACH DELETE x //", "citedBy"])
def test_unknown_relation_refused(schema, name):
    with pytest.raises(UnknownTermError):
        schema.relation(name)


def test_check_edge(schema):
    schema.check_edge("CITES", "Document", "ResolutionVersion")
    schema.check_edge("MENTIONS", "Passage", "Initiative")
    with pytest.raises(UnknownTermError):
        schema.check_edge("CITES", "Passage", "Document")
    with pytest.raises(UnknownTermError):
        schema.check_edge("VERSION_OF", "Resolution", "ResolutionVersion")
    with pytest.raises(UnknownTermError):
        schema.check_edge("NOPE", "Document", "Document")


def test_unknown_term_is_an_ontology_error():
    assert issubclass(UnknownTermError, OntologyError)


def test_load_schema_of_packaged_file_matches_default(schema):
    fresh = load_schema(ONTOLOGY_PATH)
    assert set(fresh.nodes) == set(schema.nodes)
    assert set(fresh.relations) == set(schema.relations)


def test_missing_required_class(tmp_path):
    ttl = ONTOLOGY_PATH.read_text(encoding="utf-8")
    # drop the whole "ckg:Decision a owl:Class ; ... ." statement
    without, n = re.subn(r"\nckg:Decision a owl:Class.*?\.\n", "\n", ttl, flags=re.S)
    assert n == 1
    assert "ckg:Decision a owl:Class" not in without
    path = tmp_path / "no-decision.ttl"
    path.write_text(without, encoding="utf-8")
    with pytest.raises(OntologyError, match="Decision") as err:
        load_schema(path)
    assert err.value.detail.get("term") == "Decision"


def test_missing_required_relation(tmp_path):
    ttl = ONTOLOGY_PATH.read_text(encoding="utf-8")
    without, n = re.subn(r'\s*ckg:graphName "VERSION_OF" ;', "", ttl)
    assert n == 1
    path = tmp_path / "no-version-of.ttl"
    path.write_text(without, encoding="utf-8")
    with pytest.raises(OntologyError, match="VERSION_OF"):
        load_schema(path)


def test_class_without_graph_name_or_abstract(tmp_path):
    path = tmp_path / "extra.ttl"
    path.write_text(ONTOLOGY_PATH.read_text(encoding="utf-8")
                    + "\nckg:Orphan a owl:Class ; rdfs:subClassOf ckg:Entity .\n",
                    encoding="utf-8")
    with pytest.raises(OntologyError, match="Orphan"):
        load_schema(path)


def test_broken_turtle(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ckg: <https://w3id.org/councilkg/ontology#> .\n"
                    "ckg:Document a owl:Class ; ckg:graphName \"Document\n", encoding="utf-8")
    with pytest.raises(OntologyError, match="cannot parse"):
        load_schema(path)


def test_missing_ontology_file(tmp_path):
    with pytest.raises(OntologyError):
        load_schema(tmp_path / "absent.ttl")


def test_shape_naming_an_unknown_class_fails_at_load(tmp_path):
    from ontology.shapes import SHAPES_PATH

    shapes = SHAPES_PATH.read_text(encoding="utf-8").replace(
        "sh:targetClass ckg:ResolutionVersion ;", "sh:targetClass ckg:ResolutionEdition ;")
    path = tmp_path / "shapes.ttl"
    path.write_text(shapes, encoding="utf-8")
    with pytest.raises(OntologyError, match="ckg:ResolutionEdition") as err:
        load_schema(shapes_path=path)
    assert err.value.detail.get("term") == "ResolutionEdition"


def test_shape_naming_an_unknown_property_fails_at_load(tmp_path):
    from ontology.shapes import SHAPES_PATH

    shapes = SHAPES_PATH.read_text(encoding="utf-8").replace(
        "sh:path ckg:versionOf", "sh:path ckg:editionOf")
    path = tmp_path / "shapes.ttl"
    path.write_text(shapes, encoding="utf-8")
    with pytest.raises(OntologyError, match="property ckg:editionOf"):
        load_schema(shapes_path=path)


def test_storedas_kinds_do_not_become_labels(schema):
    assert "InformationDocument" not in schema.nodes
    assert "Committee" not in schema.nodes
    # but their parent is an allowed endpoint where the kind would be
    assert ("Body", "Role") in schema.relation("CHAIRED_BY").endpoints


def test_relations_required_by_issue_3_exist(schema):
    for name in ("CITES", "REVISES", "REPORTS_ON", "IMPLEMENTS", "INSTRUCTS", "ADOPTED_AT",
                 "ESTABLISHED_BY", "CHAIRED_BY", "MEMBER_OF", "REPORTS_TO", "SUPPORTS",
                 "MENTIONS", "PART_OF", "VERSION_OF", "ABOUT"):
        assert schema.relation(name).endpoints, name
    assert ("ResolutionVersion", "Event") in schema.relation("ADOPTED_AT").endpoints
    assert ("Initiative", "Objective") in schema.relation("SUPPORTS").endpoints
    assert ("Resolution", "Role") in schema.relation("INSTRUCTS").endpoints
