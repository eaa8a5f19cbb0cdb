"""The GraphStore contract: the same assertions for every backend (see conftest)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from graph.store import GraphDump, GraphStore
from ontology.errors import NotFoundError, UnknownTermError
from ontology.records import EntityRecord, RelationRecord
from tests.contract.corpus import BODY, DIM, RV, WORK, Written, doc_a, doc_b, doc_c


def write(store: GraphStore, *docs: Written) -> None:
    for parsed, vectors, texts in docs:
        store.write_document(parsed, vectors, texts)
    store.finalize()


def normalised(dump: GraphDump) -> tuple[list[Any], list[Any]]:
    """Order-free and comparable (values may be None, so sort by repr)."""
    nodes = sorted(((n.label, sorted(n.properties.items())) for n in dump.nodes), key=repr)
    edges = sorted(((e.type, e.source, e.target, sorted(e.properties.items()))
                    for e in dump.edges), key=repr)
    return nodes, edges


def links(store: GraphStore, node_id: str) -> set[tuple[str, str, str, str | None]]:
    view = store.get_document(node_id)
    found = view.links if view is not None else store.get_entity(node_id).links  # type: ignore[union-attr]
    return {(link.type, link.direction, link.node.id, link.passage_id) for link in found}


def test_upsert_then_read_back(store: GraphStore) -> None:
    write(store, doc_a())
    assert store.document_hash("C24/10") == "hash-a1"
    view = store.get_document("C24/10")
    assert view is not None and view.passages == 2
    assert view.document.title == "Report on cybersecurity" and view.document.year == 2024
    assert links(store, "C24/10") == {("CITES", "out", "C23/5", "C24/10#0"),
                                      ("CITES", "out", RV, "C24/10#0")}
    evidence = {link.node.id: link.evidence for link in view.links}
    assert evidence["C23/5"] == "C23/5"
    # a citation to a document not ingested yet is a stub
    stub = store.get_document("C23/5")
    assert stub is not None and not stub.document.ingested and stub.passages == 0
    assert stub.document.title is None
    assert store.document_hash("C23/5") is None
    assert [d.id for d in store.list_documents(limit=10, offset=0)] == ["C24/10"]


def test_rewriting_the_same_document_is_idempotent(store: GraphStore) -> None:
    write(store, doc_a(), doc_b())
    before, stats = normalised(store.dump()), store.stats()
    write(store, doc_a(), doc_b())
    assert normalised(store.dump()) == before
    assert store.stats() == stats


def test_citation_filled_in_when_the_cited_document_arrives(store: GraphStore) -> None:
    write(store, doc_a())
    assert store.stats().cited_only_documents == 1
    write(store, doc_b())
    view = store.get_document("C23/5")
    assert view is not None and view.document.ingested and view.passages == 2
    assert view.document.title == "Gender and accessibility"
    assert ("CITES", "in", "C24/10", "C24/10#0") in links(store, "C23/5")
    assert store.stats().cited_only_documents == 1  # now C22/99, cited by C23/5


def test_update_replaces_passages_and_outgoing_edges_keeps_incoming(store: GraphStore) -> None:
    write(store, doc_a(), doc_b())
    write(store, doc_b("hash-b2", version=2))
    view = store.get_document("C23/5")
    assert view is not None and view.passages == 1 and store.document_hash("C23/5") == "hash-b2"
    assert links(store, "C23/5") == {("CITES", "in", "C24/10", "C24/10#0")}
    passages = {n.properties["id"]: n.properties["text"] for n in store.dump().nodes
                if n.label == "Passage"}
    assert passages["C23/5#0"].startswith("Gender equality strategy")
    assert "C23/5#1" not in passages


def test_delete_keeps_a_cited_document_as_stub_and_removes_orphans(store: GraphStore) -> None:
    write(store, doc_a(), doc_b())
    assert store.delete_document("C23/5") is True
    stub = store.get_document("C23/5")
    assert stub is not None and not stub.document.ingested and stub.passages == 0
    assert stub.document.title is None and stub.document.content_hash is None
    assert [d.id for d in store.list_documents(limit=10, offset=0)] == ["C24/10"]
    assert store.get_document("C22/99") is None  # cited only by the deleted version
    assert store.get_entity(BODY) is not None  # still mentioned by C24/10
    assert store.delete_document("C23/5") is False  # a stub is not ingested
    assert store.delete_document("C24/10") is True
    for gone in ("C24/10", "C23/5"):
        assert store.get_document(gone) is None
    for gone in (RV, WORK, BODY):
        assert store.get_entity(gone) is None
    stats = store.stats()
    assert stats.documents == stats.cited_only_documents == stats.passages == 0
    assert sum(stats.nodes.values()) == 0 and sum(stats.relationships.values()) == 0


def test_delete_of_an_uncited_document_removes_it_and_only_its_orphans(
        store: GraphStore) -> None:
    write(store, doc_a(), doc_b())
    assert store.delete_document("C24/10") is True
    assert store.get_document("C24/10") is None
    assert store.get_entity(RV) is None and store.get_entity(WORK) is None
    assert store.get_entity(BODY) is not None  # C23/5 mentions it too
    assert store.document_hash("C23/5") == "hash-b1"
    assert store.delete_document("C99/1") is False


def test_entity_links_carry_evidence_and_mentions(store: GraphStore) -> None:
    write(store, doc_a())
    view = store.get_entity(RV)
    assert view is not None
    assert view.entity.type == "ResolutionVersion"
    assert view.entity.aliases == ("Rev. Bucharest, 2022",)
    assert links(store, RV) == {("VERSION_OF", "out", WORK, "C24/10#0"),
                                ("CITES", "in", "C24/10", "C24/10#0")}
    assert [(m.passage_id, m.document_id) for m in view.mentions] == [("C24/10#0", "C24/10")]
    assert view.mentions[0].text == "Resolution 130 (Rev. Bucharest, 2022)"
    work = store.get_entity(WORK)
    assert work is not None and [(lk.type, lk.direction, lk.node.id) for lk in work.links] \
        == [("VERSION_OF", "in", RV)]
    assert store.get_entity("body/nothing") is None
    assert store.get_entity("C24/10#0") is None  # passages are not entities


def test_entity_links_are_get_entity_s_links_without_mentions(store: GraphStore) -> None:
    write(store, doc_a(), doc_b(), doc_c())
    ids = sorted({n.properties["id"] for n in store.dump().nodes if n.label != "Passage"})
    assert {RV, WORK, BODY, "C24/10", "C23/5", "C22/99", "C25/7"} <= set(ids)
    for node_id in ids:
        view, found = store.get_entity(node_id), store.entity_links(node_id)
        assert view is not None and found is not None, node_id
        assert (found.type, found.links) == (view.entity.type, view.links), node_id
        for kinds in ({"CITES"}, {"VERSION_OF", "REVISES"}, {"MENTIONS"}):
            some = store.entity_links(node_id, frozenset(kinds))
            assert some is not None and some.type == found.type, node_id
            assert some.links == tuple(lk for lk in found.links if lk.type in kinds), node_id
    found = store.entity_links(RV)
    assert found is not None and {(lk.type, lk.direction, lk.node.id) for lk in found.links} \
        == {("VERSION_OF", "out", WORK), ("CITES", "in", "C24/10")}
    assert store.entity_links("body/nothing") is None
    assert store.entity_links("C24/10#0") is None  # passages are not entities


def test_list_documents_pages_in_id_order(store: GraphStore) -> None:
    write(store, doc_a(), doc_b(), doc_c())
    page = [d.id for d in store.list_documents(limit=2, offset=0)]
    assert page == ["C23/5", "C24/10"]
    assert [d.id for d in store.list_documents(limit=2, offset=2)] == ["C25/7(Rev.1)"]
    assert store.list_documents(limit=2, offset=5) == []
    # far past the end (Ladybug's SKIP used to crash the process there, or wrap around)
    for offset in (65_535, 1_000_000, 2**32):
        assert store.list_documents(limit=500, offset=offset) == []


def test_stats_count_every_label_and_type(store: GraphStore) -> None:
    write(store, doc_a(), doc_c())
    stats = store.stats()
    assert (stats.documents, stats.cited_only_documents, stats.passages) == (2, 2, 3)
    assert {k: v for k, v in stats.nodes.items() if v} == {
        "Document": 4, "Passage": 3, "Resolution": 1, "ResolutionVersion": 1, "Body": 1}
    assert {k: v for k, v in stats.relationships.items() if v} == {
        "PART_OF": 3, "MENTIONS": 3, "CITES": 2, "VERSION_OF": 1, "REVISES": 1}
    assert set(stats.nodes) >= {"Topic", "Event"}  # every ontology label is reported


def test_dump_of_one_document_is_its_neighbourhood(store: GraphStore) -> None:
    write(store, doc_a(), doc_b(), doc_c())
    dump = store.dump("C24/10")
    assert {n.properties["id"] for n in dump.nodes} == {
        "C24/10", "C24/10#0", "C24/10#1", "C23/5", RV, WORK, BODY}
    passage = next(n for n in dump.nodes if n.properties["id"] == "C24/10#1")
    assert passage.properties["document_id"] == "C24/10"
    assert passage.properties["text"].startswith("The budget for 2024")
    assert passage.properties["ordinal"] == 1
    assert passage.properties["char_end"] - passage.properties["char_start"] == \
        len(passage.properties["text"])
    cites = {(e.source, e.target) for e in dump.edges if e.type == "CITES"}
    assert cites == {("C24/10", "C23/5"), ("C24/10", RV)}
    with pytest.raises(NotFoundError):
        store.dump("C00/0")


def test_terms_outside_the_ontology_are_refused_before_any_write(store: GraphStore) -> None:
    parsed, vectors, texts = doc_a()
    bad_entity = dataclasses.replace(parsed, entities=[
        *parsed.entities, EntityRecord("x/1", "Body) DETACH DELETE (n", "x")])
    with pytest.raises(UnknownTermError):
        store.write_document(bad_entity, vectors, texts)
    bad_relation = dataclasses.replace(parsed, relations=[
        *parsed.relations, RelationRecord("C24/10", "Document", "HACKS", BODY, "Body")])
    with pytest.raises(UnknownTermError):
        store.write_document(bad_relation, vectors, texts)
    not_allowed = dataclasses.replace(parsed, relations=[
        RelationRecord(BODY, "Body", "VERSION_OF", WORK, "Resolution")])
    with pytest.raises(UnknownTermError):
        store.write_document(not_allowed, vectors, texts)
    assert store.document_hash("C24/10") is None
    assert store.get_document("C24/10") is None
    assert store.stats().passages == 0


def test_embedded_read_only_open_serves_and_refuses_writes(tmp_path: Path) -> None:
    """Several server workers share an embedded store read-only (see search_api.serving)."""
    from graph.embedded.store import EmbeddedStore
    from ontology.errors import StoreUnavailableError

    with pytest.raises(StoreUnavailableError, match="ingest first"):
        EmbeddedStore(tmp_path / "none", dimension=DIM, read_only=True)
    writer = EmbeddedStore(tmp_path / "s", dimension=DIM)
    write(writer, doc_a(), doc_b())
    writer.close()
    readers = [EmbeddedStore(tmp_path / "s", dimension=DIM, read_only=True) for _ in range(2)]
    try:
        for reader in readers:
            assert [d.id for d in reader.list_documents(limit=10, offset=0)] == [
                "C23/5", "C24/10"]
        with pytest.raises(Exception, match=r"(?i)read.only"):
            readers[0].delete_document("C23/5")
        assert readers[1].get_document("C23/5") is not None
    finally:
        for reader in readers:
            reader.close()
