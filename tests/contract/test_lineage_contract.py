"""Lineage gives the same answers on every backend (see conftest for the ``store`` fixture).

Hand-built documents: C24/10 cites C23/5 and Resolution 130 (Rev. Bucharest, 2022);
C23/5 cites C22/99 (not ingested); C25/7(Rev.1) revises C25/7 (not ingested). The
cycle documents X1 -> X2 -> X3 -> X1 and a self-citing X4 are added where needed.
"""

from __future__ import annotations

import numpy as np
import pytest

from graph import lineage as gl
from graph.store import GraphStore
from ontology.errors import AmbiguousError, InvalidRequestError, NotFoundError
from ontology.records import (
    DocumentRecord,
    EntityRecord,
    Evidence,
    MentionRecord,
    ParsedDocument,
    PassageRecord,
    RelationRecord,
)
from search_api import lineage as ops
from search_api.identifiers import resolve
from tests.contract.corpus import BODY, DIM, RV, WORK, Written, doc_a, doc_b, doc_c
from tests.contract.test_store_contract import write


def cites(doc_id: str, *targets: str, year: int = 2020, alias: str | None = None) -> Written:
    """A one-passage document citing ``targets`` (ingested or not)."""
    text = "See " + ", ".join(targets) + "." if targets else "Nothing cited."
    passage = PassageRecord(f"{doc_id}#0", doc_id, 0, "1", (), 0, len(text), text)
    relations = [RelationRecord(doc_id, "Document", "CITES", t, "Document",
                                Evidence(passage.id, t, text.index(t), text.index(t) + len(t)))
                 for t in targets]
    entities, mentions = [], []
    if alias is not None:  # a body called "Task Force" by this document
        entities.append(EntityRecord(f"body/{alias}", "Body", "Task Force", (alias,)))
        mentions.append(MentionRecord(f"body/{alias}", passage.id, 0, 3, "See"))
    parsed = ParsedDocument(
        DocumentRecord(doc_id, symbol=doc_id, title=f"Doc {doc_id}", year=year,
                       content_hash=f"h-{doc_id}"),
        text, [passage], entities=entities, mentions=mentions, relations=relations,
        cited_documents=[DocumentRecord(t, symbol=t, ingested=False)
                         for t in targets if t != doc_id])
    vector = np.zeros((1, DIM), dtype=np.float32)
    vector[0, 0] = 1.0
    return parsed, vector, [text]


def flat(out: object) -> list[tuple[int, str, str | None]]:
    return [(i.depth, i.id, i.relation) for i in out.items]  # type: ignore[attr-defined]


def test_lineage_out_walks_citations_to_depth(store: GraphStore) -> None:
    write(store, doc_a(), doc_b(), doc_c())
    one = ops.lineage(store, "C24/10", direction="out", depth=1)
    assert flat(one) == [(0, "C24/10", None), (1, "C23/5", "CITES"), (1, RV, "CITES")]
    two = ops.lineage(store, "C24/10-E", direction="out", depth=2, passages=True)  # human form
    assert flat(two) == [(0, "C24/10", None), (1, "C23/5", "CITES"), (2, "C22/99", "CITES"),
                         (1, RV, "CITES"), (2, WORK, "VERSION_OF")]
    nodes = {n.id: n for n in two.nodes}
    assert nodes["C22/99"].ingested is False and nodes["C23/5"].ingested is True
    assert nodes[RV].ingested is None  # not a document
    edge = next(e for e in two.edges if e.target == "C23/5")
    assert edge.evidence is not None and edge.evidence.passage_id == "C24/10#0"
    assert edge.evidence.text == "C23/5"
    assert edge.evidence.passage_text is not None
    span = edge.evidence.passage_text[edge.evidence.span_start:edge.evidence.span_end]
    assert span == "C23/5"


def test_lineage_in_and_types(store: GraphStore) -> None:
    write(store, doc_a(), doc_b(), doc_c())
    back = ops.lineage(store, "C22/99", direction="in", depth=3)
    assert flat(back) == [(0, "C22/99", None), (1, "C23/5", "CITES"), (2, "C24/10", "CITES")]
    assert [i.direction for i in back.items[1:]] == ["in", "in"]
    revises = ops.lineage(store, "C25/7", direction="in", depth=1, types=["revises"])
    assert flat(revises) == [(0, "C25/7", None), (1, "C25/7(Rev.1)", "REVISES")]
    assert ops.lineage(store, "C25/7", direction="in", types=["CITES"]).total == 1
    with pytest.raises(InvalidRequestError):
        ops.lineage(store, "C24/10", types=["HACKS) DETACH DELETE (n"])
    with pytest.raises(InvalidRequestError):
        ops.lineage(store, "C24/10", depth=50)


def test_cycles_terminate_each_node_once_and_self_citation(store: GraphStore) -> None:
    write(store, cites("X1", "X2"), cites("X2", "X3"), cites("X3", "X1"), cites("X4", "X4"))
    out = ops.lineage(store, "X1", direction="both", depth=5)
    assert sorted(i.id for i in out.items) == ["X1", "X2", "X3"]
    assert {(e.source, e.target) for e in out.edges} == {("X1", "X2"), ("X2", "X3"),
                                                         ("X3", "X1")}
    me = ops.lineage(store, "X4", direction="out", depth=3)
    assert flat(me) == [(0, "X4", None)]
    assert [(e.source, e.target) for e in me.edges] == [("X4", "X4")]


def test_pagination_is_a_window_on_the_same_order(store: GraphStore) -> None:
    write(store, doc_a(), doc_b(), doc_c())
    whole = ops.lineage(store, "C24/10", depth=2)
    pages = [ops.lineage(store, "C24/10", depth=2, limit=2, offset=o) for o in (0, 2, 4)]
    assert [i.id for p in pages for i in p.items] == [i.id for i in whole.items]
    assert all(p.total == 5 for p in pages)
    assert {n.id for n in pages[1].nodes} >= {i.id for i in pages[1].items}


def test_neighbors_include_mentioning_documents(store: GraphStore) -> None:
    write(store, doc_a(), doc_b())
    out = ops.neighbors(store, "CWG-FHR", depth=1)
    assert out.root.id == BODY
    assert {(i.id, i.relation) for i in out.items[1:]} == {("C24/10", "MENTIONS"),
                                                          ("C23/5", "MENTIONS")}
    edge = next(e for e in out.edges if e.source == "C24/10")
    assert edge.evidence is not None and edge.evidence.text == "CWG-FHR"


def test_paths_shortest_with_evidence_and_disconnected(store: GraphStore) -> None:
    write(store, doc_a(), doc_b(), doc_c())
    found = ops.paths(store, "C22/99", "Resolution 130", max_depth=4, types=["CITES",
                                                                             "VERSION_OF"])
    assert [[s.node.id for s in p.steps] for p in found.paths] == [
        ["C22/99", "C23/5", "C24/10", RV, WORK]]
    assert found.paths[0].length == 4
    assert all(s.via is not None and s.via.type for s in found.paths[0].steps[1:])
    assert ops.paths(store, "C24/10", "C25/7", max_depth=5).paths == []
    too_short = ops.paths(store, "C22/99", WORK, max_depth=2, types=["CITES", "VERSION_OF"])
    assert too_short.paths == []


def test_resolution_versions_and_citers(store: GraphStore) -> None:
    write(store, doc_a(), doc_b())
    out = ops.resolution(store, "Resolution 130")
    assert out.work.version.id == WORK
    assert [v.version.id for v in out.versions] == [RV]
    assert (out.versions[0].conference, out.versions[0].year) == ("PP", 2022)
    assert [c.node.id for c in out.versions[0].cited_by] == ["C24/10"]
    same = ops.resolution(store, "PP Resolution 130 (Rev. Bucharest, 2022)")
    assert same.work.version.id == WORK


def test_timeline_orders_dated_documents(store: GraphStore) -> None:
    write(store, doc_a(), doc_b())
    out = ops.timeline(store, entity="CWG-FHR")
    assert [(i.year, i.node.id) for i in out.items] == [(2023, "C23/5"), (2024, "C24/10")]
    assert ops.timeline(store, entity="CWG-FHR", year_from=2024).items[0].node.id == "C24/10"


def test_identifiers_unknown_and_ambiguous(store: GraphStore) -> None:
    write(store, doc_a(), cites("Y1", alias="TF1"), cites("Y2", alias="TF2"))
    assert resolve(store, "C24/10").id == "C24/10"
    assert resolve(store, "tf1").id == "body/TF1"  # alias, case-insensitive
    with pytest.raises(AmbiguousError) as ambiguous:
        resolve(store, "task force")
    assert {c["id"] for c in ambiguous.value.detail["candidates"]} == {"body/TF1",
                                                                       "body/TF2"}
    with pytest.raises(NotFoundError) as unknown:
        resolve(store, "C24/100")
    assert "C24/10" in [n["id"] for n in unknown.value.detail["near_matches"]]


def test_traversal_refuses_bad_bounds(store: GraphStore) -> None:
    write(store, doc_a())
    root = resolve(store, "C24/10")
    with pytest.raises(InvalidRequestError):
        gl.traverse(store, root, direction="sideways", depth=1, types=("CITES",))
    capped = gl.traverse(store, root, direction="out", depth=2, types=gl.DOCUMENT_TYPES,
                         max_nodes=2)
    assert capped.truncated and len(capped.nodes) == 2
