"""Vector, keyword and hybrid search with filters: the same assertions for every backend."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from graph.search import FusionConfig, SearchFilters, SearchMode, SearchRequest
from graph.store import GraphStore
from ontology.errors import InvalidRequestError
from tests.contract.corpus import BODY, RV, axis, doc_a, doc_b, doc_c
from tests.contract.test_store_contract import write

CYBER = axis((0, 1.0))


@pytest.fixture
def corpus(store: GraphStore) -> GraphStore:
    write(store, doc_a(), doc_b(), doc_c())
    return store


def ask(store: GraphStore, query: str, mode: SearchMode,
        vector: npt.NDArray[np.float32] | None = None, k: int = 10,
        **filters: object) -> list[tuple[str, float]]:
    request = SearchRequest(query, k=k, mode=mode, filters=SearchFilters(**filters),  # type: ignore[arg-type]
                            fusion=FusionConfig(candidates=20))
    return [(hit.passage.id, hit.score) for hit in store.search(request, vector)]


def test_dense_ranks_by_cosine_and_reports_it(corpus: GraphStore) -> None:
    hits = ask(corpus, "cyber", SearchMode.DENSE, CYBER, k=2)
    assert [pid for pid, _ in hits] == ["C24/10#0", "C25/7(Rev.1)#0"]
    assert hits[0][1] == pytest.approx(1.0, abs=1e-3)
    assert hits[1][1] == pytest.approx(1 / np.sqrt(1.25), abs=1e-3)


def test_keyword_search_finds_the_words_and_ignores_query_syntax(corpus: GraphStore) -> None:
    assert ask(corpus, "budget", SearchMode.BM25)[0][0] == "C24/10#1"
    hostile = 'budget AND "approved" OR title:(x) ~ * ? \\ [a TO b] {!} ^2 /re/ && ||'
    assert ask(corpus, hostile, SearchMode.BM25)[0][0] == "C24/10#1"
    assert ask(corpus, "?!* :: ()", SearchMode.BM25) == []
    assert ask(corpus, "zebra", SearchMode.BM25) == []


def test_hybrid_fuses_both_rankings(corpus: GraphStore) -> None:
    hits = ask(corpus, "gender mainstreaming", SearchMode.HYBRID, axis((2, 1.0)))
    assert hits[0][0] == "C23/5#0"
    fusion = FusionConfig()  # first in both rankings
    assert hits[0][1] == pytest.approx(
        (fusion.bm25_weight + fusion.dense_weight) / (fusion.rrf_k + 1))


def test_entity_and_evidence_rankings_lift_their_passages_in_hybrid_mode(
        corpus: GraphStore) -> None:
    def ranked(mode: SearchMode = SearchMode.HYBRID, **extra: object) -> list[str]:
        request = SearchRequest("cybersecurity secretariat", mode=mode,
                                fusion=FusionConfig(candidates=20, entity_weight=5.0,
                                                    evidence_weight=5.0),
                                **extra)  # type: ignore[arg-type]
        vector = None if mode is SearchMode.BM25 else axis((2, 1.0))
        return [hit.passage.id for hit in corpus.search(request, vector)]

    plain = ranked()
    assert plain[0] != "C24/10#0" and "C24/10#0" in plain
    assert ranked(entities=(RV,))[0] == "C24/10#0"  # the passage that mentions RV
    assert ranked(entities=("topic/not-stored",)) == plain
    assert ranked(evidence=("C24/10#0",))[0] == "C24/10#0"  # a relation's evidence passage
    assert ranked(evidence=("C99/1#0",)) == plain  # not a candidate: no effect
    # the single-retriever modes stay pure
    bm25 = ranked(SearchMode.BM25)
    assert ranked(SearchMode.BM25, entities=(RV,), evidence=("C24/10#0",)) == bm25


def test_expansions_reach_keyword_search_only(corpus: GraphStore) -> None:
    request = SearchRequest("zebra", mode=SearchMode.BM25, expansions=("budget",))
    assert [hit.passage.id for hit in corpus.search(request, None)][:1] == ["C24/10#1"]


def test_hits_carry_passage_document_and_entities(corpus: GraphStore) -> None:
    request = SearchRequest("cyber", k=1, mode=SearchMode.DENSE)
    hit = corpus.search(request, CYBER)[0]
    assert hit.rank == 1
    assert hit.passage.document_id == "C24/10" and hit.document.id == "C24/10"
    assert hit.passage.heading_path == ("Summary", "S0") and hit.passage.section == "1"
    assert hit.passage.text.startswith("The Council reviewed cybersecurity")
    assert hit.passage.end - hit.passage.start == len(hit.passage.text)
    assert [(e.id, e.type) for e in hit.entities] == [("C23/5", "Document"),
                                                      (RV, "ResolutionVersion")]


@pytest.mark.parametrize("mode", [SearchMode.DENSE, SearchMode.BM25, SearchMode.HYBRID])
def test_filters_apply_in_every_mode(corpus: GraphStore, mode: SearchMode) -> None:
    query = "cybersecurity secretariat"
    only_b = ask(corpus, query + " gender", mode, CYBER, document="C23/5")
    assert only_b and {pid.split("#")[0] for pid, _ in only_b} == {"C23/5"}
    recent = ask(corpus, query, mode, CYBER, year_from=2025)
    assert [pid for pid, _ in recent] == ["C25/7(Rev.1)#0"]
    old = ask(corpus, query + " gender", mode, CYBER, year_to=2023)
    assert old and {pid.split("#")[0] for pid, _ in old} == {"C23/5"}
    assert ask(corpus, query, mode, CYBER, year_from=2024, year_to=2024)[0][0] == "C24/10#0"
    assert ask(corpus, query, mode, CYBER, document="C99/1") == []


@pytest.mark.parametrize("mode", [SearchMode.DENSE, SearchMode.BM25, SearchMode.HYBRID])
def test_body_and_document_type_filters_apply_before_top_k(corpus: GraphStore,
                                                           mode: SearchMode) -> None:
    query = "cybersecurity secretariat"
    # with k=1 one of the two filters must reach past the unfiltered best hit
    best = ask(corpus, query, mode, CYBER, k=1)[0][0]
    to_wg = ask(corpus, query, mode, CYBER, k=1, body=BODY)
    assert [pid for pid, _ in to_wg] == ["C25/7(Rev.1)#0"]
    council = ask(corpus, query, mode, CYBER, k=1, body="body/council")
    assert len(council) == 1 and council[0][0].split("#")[0] in {"C24/10", "C23/5"}
    assert best in (to_wg[0][0], council[0][0])
    kind = ask(corpus, query + " gender", mode, CYBER, document_type="CouncilDocument")
    assert kind and {pid.split("#")[0] for pid, _ in kind} == {"C23/5"}
    both = ask(corpus, query, mode, CYBER, body="body/council", document_type="Report")
    assert both and {pid.split("#")[0] for pid, _ in both} == {"C24/10"}
    assert ask(corpus, query, mode, CYBER, body=BODY, document_type="CouncilDocument") == []
    assert ask(corpus, query, mode, CYBER, body="body/nobody") == []


def test_documents_keep_their_type_and_body(corpus: GraphStore) -> None:
    view = corpus.get_document("C25/7(Rev.1)")
    assert view is not None
    assert (view.document.document_type, view.document.body) == ("Report", BODY)
    assert corpus.list_documents(limit=10, offset=0)[0].body == "body/council"


def test_dense_without_a_vector_is_refused(corpus: GraphStore) -> None:
    with pytest.raises(InvalidRequestError):
        corpus.search(SearchRequest("x", mode=SearchMode.DENSE), None)


def test_search_serves_only_the_current_version(corpus: GraphStore) -> None:
    write(corpus, doc_b("hash-b2", version=2))
    ids = [pid for pid, _ in ask(corpus, "accessibility meetings", SearchMode.BM25)]
    assert "C23/5#1" not in ids
    dense = [pid for pid, _ in ask(corpus, "x", SearchMode.DENSE, axis((3, 1.0)), k=10)]
    assert "C23/5#1" not in dense and len(dense) == 4


def test_search_follows_writes_and_deletes_made_after_a_search(corpus: GraphStore) -> None:
    """Stores may cache what search needs (the embedded one does): writes must show."""
    before = [pid for pid, _ in ask(corpus, "accessibility meetings", SearchMode.BM25)]
    assert "C23/5#1" in before
    write(corpus, doc_b("hash-b2", version=2))
    after = [pid for pid, _ in ask(corpus, "accessibility meetings", SearchMode.BM25)]
    assert "C23/5#1" not in after
    # the new version is served at once (a stale commit marker would hide it)
    assert ask(corpus, "equality strategy", SearchMode.BM25)[0][0] == "C23/5#0"
    hit = corpus.search(SearchRequest("equality strategy", k=1, mode=SearchMode.BM25), None)[0]
    assert hit.document.content_hash == "hash-b2" and hit.entities == ()
    assert ask(corpus, "budget", SearchMode.BM25)[0][0] == "C24/10#1"
    assert corpus.delete_document("C24/10")
    assert all(not pid.startswith("C24/10#")
               for pid, _ in ask(corpus, "budget cybersecurity", SearchMode.BM25))
