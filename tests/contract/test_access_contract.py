"""Access by classification, the same assertions for every backend.

C23/5 is restricted here. C24/10 (public) cites it, so it stays visible as a bare stub;
C22/99 is cited only by C23/5, so it is hidden; CWG-FHR is mentioned by both, so it stays.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from graph import access
from graph.migration import migrate
from graph.search import FusionConfig, SearchFilters, SearchMode, SearchRequest
from graph.store import GraphStore
from graph.visible import PublicView
from ontology.records import AccessLevel
from tests.contract.corpus import BODY, Written, axis, doc_a, doc_b, doc_c
from tests.contract.test_store_contract import write

GENDER = axis((2, 1.0))
#: both restricted passages (gender, accessibility) before anything public
RESTRICTED_TOPICS = axis((2, 1.0), (3, 1.0))
PUBLIC_PASSAGES = {"C24/10#0", "C24/10#1", "C25/7(Rev.1)#0"}


def classified(written: Written, level: AccessLevel) -> Written:
    parsed, vectors, texts = written
    parsed.document = replace(parsed.document, access_level=level.value)
    return parsed, vectors, texts


@pytest.fixture
def corpus(store: GraphStore) -> GraphStore:
    write(store, doc_a(), classified(doc_b(), AccessLevel.RESTRICTED), doc_c())
    return store


def hits(store: GraphStore, query: str, mode: SearchMode, clearance: AccessLevel,
         k: int = 3, vector: object = GENDER) -> list[str]:
    """One candidate per retriever (at least 2k are taken): the fewest there can be."""
    request = SearchRequest(query, k=k, mode=mode, filters=SearchFilters(clearance=clearance),
                            fusion=FusionConfig(candidates=1))
    return [h.passage.id for h in store.search(request, vector)]  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", list(SearchMode))
def test_search_filters_before_top_k(corpus: GraphStore, mode: SearchMode) -> None:
    """Both restricted passages outrank everything public: a filter applied after each
    retriever's top 2k would leave a public caller with nothing."""
    query = "gender accessibility secretariat"
    inside = hits(corpus, query, mode, AccessLevel.RESTRICTED, k=1, vector=RESTRICTED_TOPICS)
    assert inside[0].startswith("C23/5#")
    if mode is not SearchMode.HYBRID:  # one retriever: its top 2 are both restricted
        both = hits(corpus, query, mode, AccessLevel.RESTRICTED, k=2,
                    vector=RESTRICTED_TOPICS)
        assert all(pid.startswith("C23/5#") for pid in both), both
    outside = hits(corpus, query, mode, AccessLevel.PUBLIC, k=1, vector=RESTRICTED_TOPICS)
    assert len(outside) == 1 and outside[0] in PUBLIC_PASSAGES
    if mode is not SearchMode.BM25:  # every public passage has a vector: k of them come back
        assert set(hits(corpus, query, mode, AccessLevel.PUBLIC, k=3,
                        vector=RESTRICTED_TOPICS)) == PUBLIC_PASSAGES


def test_the_document_list_is_filtered_before_its_page(corpus: GraphStore) -> None:
    assert [d.id for d in corpus.list_documents(limit=10, offset=0)] == \
        ["C23/5", "C24/10", "C25/7(Rev.1)"]
    assert [d.id for d in corpus.list_documents(limit=1, offset=1, public_only=True)] == \
        ["C25/7(Rev.1)"]
    stored = corpus.get_document("C23/5")
    assert stored is not None and stored.document.access_level == "restricted"


def test_access_index(corpus: GraphStore) -> None:
    index = access.compute(corpus)
    assert index.restricted == {"C23/5"}
    assert index.masked == {"C23/5"}  # C24/10 cites it
    assert "C22/99" in index.hidden and BODY not in index.hidden
    assert "C23/5" not in index.hidden
    assert index.hidden_nodes == {"Document": 1, "Passage": 2}
    assert index.hidden_edges["PART_OF"] == 2 and index.hidden_edges["CITES"] == 1


def test_the_public_view(corpus: GraphStore) -> None:
    view = PublicView(corpus, corpus.access_index())
    stub = view.get_document("C23/5")
    assert stub is not None and stub.passages == 0
    assert stub.document.title is None and not stub.document.ingested
    assert [(link.type, link.node.id) for link in stub.links] == [("CITES", "C24/10")]
    assert view.get_document("C22/99") is None
    body = view.get_entity(BODY)
    assert body is not None and {m.document_id for m in body.mentions} == {"C24/10"}
    assert view.get_passages(["C23/5#0", "C24/10#0"]).keys() == {"C24/10#0"}
    assert "C22/99" not in view.nodes(["C22/99", "C24/10"])
    assert not view.find_nodes("Gender and accessibility", limit=5)
    dump = view.dump()
    ids = {n.properties["id"] for n in dump.nodes}
    assert "C22/99" not in ids and not any(i.startswith("C23/5#") for i in ids)
    assert not any("C22/99" in (e.source, e.target) for e in dump.edges)
    full, seen = corpus.stats(), view.stats()
    assert (full.documents - seen.documents, full.passages - seen.passages) == (1, 2)
    assert seen.documents + seen.cited_only_documents == seen.nodes["Document"]
    hops = view.neighbours({"Body": [BODY]}, direction="in", types=("MENTIONS",))
    assert {h.source for h, _ in hops} == {"C24/10"}


def test_the_public_view_filters_entity_links_as_get_entity(corpus: GraphStore) -> None:
    view = PublicView(corpus, corpus.access_index())
    full = corpus.entity_links("C23/5")
    assert full is not None  # read from restricted C23/5#1: in the store, hidden from view
    assert ("CITES", "out", "C22/99", "C23/5#1") in {
        (lk.type, lk.direction, lk.node.id, lk.passage_id) for lk in full.links}
    stub = view.entity_links("C23/5")
    assert stub is not None
    assert [(lk.type, lk.direction, lk.node.id) for lk in stub.links] == \
        [("CITES", "in", "C24/10")]
    assert view.entity_links("C22/99") is None  # only the restricted document cites it
    assert corpus.entity_links("C22/99") is not None
    assert view.entity_links("body/nothing") is None
    ids = sorted({n.properties["id"] for n in corpus.dump().nodes if n.label != "Passage"})
    for node_id in ids:
        shown, found = view.get_entity(node_id), view.entity_links(node_id)
        assert (shown is None) == (found is None), node_id
        if shown is not None and found is not None:
            assert found.links == shown.links, node_id


def test_changing_only_the_level_is_a_change(corpus: GraphStore) -> None:
    write(corpus, classified(doc_b(), AccessLevel.PUBLIC))  # same bytes, same hash
    assert hits(corpus, "gender", SearchMode.DENSE, AccessLevel.PUBLIC, k=1) == ["C23/5#0"]
    assert corpus.access_index().restricted == frozenset()
    write(corpus, classified(doc_b(), AccessLevel.RESTRICTED))
    assert hits(corpus, "gender", SearchMode.DENSE, AccessLevel.PUBLIC, k=1) != ["C23/5#0"]


def test_migration_keeps_the_classification(embedded_source: GraphStore,
                                            store: GraphStore) -> None:
    write(embedded_source, doc_a(), classified(doc_b(), AccessLevel.RESTRICTED), doc_c())
    migrate(embedded_source, store)
    assert store.access_index().restricted == {"C23/5"}
    assert hits(store, "gender", SearchMode.DENSE, AccessLevel.PUBLIC, k=1) != ["C23/5#0"]
