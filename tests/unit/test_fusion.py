"""Hybrid fusion on hand-made rankings: weighted RRF, then BM25's clear lead kept first."""

from __future__ import annotations

from graph.search import FusionConfig, SearchMode, SearchRequest, bm25_leader, fuse

DENSE = [("b", 0.9), ("c", 0.8), ("d", 0.7)]  # the dense model misses "a"


def order(bm25: list[tuple[str, float]], mode: SearchMode = SearchMode.HYBRID,
          **fusion: float) -> list[str]:
    request = SearchRequest("q", mode=mode, fusion=FusionConfig(**fusion))  # type: ignore[arg-type]
    return [pid for pid, _ in fuse(request, bm25, DENSE, lambda ids: {})]


def test_a_clear_bm25_lead_stays_first() -> None:
    sure = [("a", 10.0), ("b", 5.0), ("c", 4.0)]  # (10 - 5) / 10 = .5 > .15
    # plain RRF (k 5, weights 2/1) puts "b" first: 2/7 + 1/6 > 2/6
    assert order(sure, bm25_lead=1.0)[0] == "b"
    ranked = order(sure)
    assert ranked[0] == "a"
    assert ranked[1:] == [p for p in order(sure, bm25_lead=1.0) if p != "a"]


def test_an_unsure_bm25_leaves_the_fused_order() -> None:
    unsure = [("a", 10.0), ("b", 9.5), ("c", 4.0)]  # (10 - 9.5) / 10 = .05
    assert order(unsure) == order(unsure, bm25_lead=1.0)
    assert order(unsure)[0] == "b"


def test_the_single_retriever_modes_stay_pure() -> None:
    sure = [("a", 10.0), ("b", 5.0)]
    assert order(sure, SearchMode.BM25) == ["a", "b"]
    assert order(sure, SearchMode.DENSE) == ["b", "c", "d"]


def test_relation_evidence_still_lifts_its_passage_above_the_leader() -> None:
    request = SearchRequest("q", evidence=("c",))
    fused = fuse(request, [("a", 10.0), ("b", 5.0), ("c", 4.0)], DENSE, lambda ids: {})
    assert [pid for pid, _ in fused][:2] == ["c", "a"]


def test_bm25_leader() -> None:
    assert bm25_leader([("a", 2.0), ("b", 1.0)], 0.15) == "a"
    assert bm25_leader([("a", 2.0), ("b", 1.8)], 0.15) is None
    assert bm25_leader([("a", 2.0)], 0.15) == "a"  # nothing else matched
    assert bm25_leader([("a", 2.0), ("b", 0.0)], 1.0) is None  # 1: off
    assert bm25_leader([], 0.15) is None
    assert bm25_leader([("a", 0.0), ("b", 0.0)], 0.15) is None
