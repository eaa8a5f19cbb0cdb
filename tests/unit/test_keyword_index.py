"""The in-memory BM25 index: analysis, scores against the formula, filters, reuse."""

from __future__ import annotations

import math

import numpy as np
import pytest

from graph.embedded.keyword_index import K1, Analyzer, B, KeywordIndex, TermCounts

TEXTS = [
    "The Council Working Group on financial and human resources met in Geneva.",
    "The ICT governance committee oversees IT governance, cybersecurity and data.",
    "Resolution 71 sets the strategic plan; the plan was revised in Bucharest.",
    "Staff members co-created the future direction of the organisation.",
    "",
]


def index_of(texts: list[str]) -> tuple[TermCounts, KeywordIndex]:
    counts = TermCounts()
    keys = [(f"p{i}", "h") for i in range(len(texts))]
    return counts, counts.index(keys, texts)


def test_analysis_stems_folds_and_drops_stop_words() -> None:
    terms = Analyzer().terms("Which committees were governing the Café's résumés? C23/52 " +
                             "x" * 41)
    assert terms == ["committe", "govern", "cafe", "resum", "c23", "52"]


def test_scores_follow_okapi_bm25() -> None:
    _, index = index_of(TEXTS)
    rows, scores = index.search("governance plan", 10)
    analyzer = Analyzer()
    docs = [analyzer.terms(t) for t in TEXTS]
    average = sum(len(d) for d in docs) / len(docs)

    def bm25(doc: list[str], term: str) -> float:
        df = sum(term in d for d in docs)
        idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        tf = doc.count(term)
        return idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(doc) / average))

    expected = {i: bm25(d, "govern") + bm25(d, "plan") for i, d in enumerate(docs)}
    assert list(rows) == [1, 2]  # the rows holding a term, best first
    for row, score in zip(rows, scores, strict=True):
        assert score == pytest.approx(expected[row], rel=1e-5)


def test_a_repeated_query_term_weighs_more() -> None:
    _, index = index_of(TEXTS)
    once = index.search("plan governance", 10)
    twice = index.search("plan plan governance", 10)
    assert list(once[0]) == [1, 2] and list(twice[0]) == [2, 1]


def test_nothing_to_match_gives_no_rows() -> None:
    _, index = index_of(TEXTS)
    for query in ["", "the of and which", "?!", "zebra"]:
        rows, scores = index.search(query, 10)
        assert len(rows) == 0 and len(scores) == 0


def test_mask_applies_before_the_top_k() -> None:
    _, index = index_of(TEXTS)
    mask = np.ones(len(TEXTS), dtype=bool)
    mask[1] = False
    rows, _ = index.search("governance plan", 1, mask)
    assert list(rows) == [2]  # row 1 is the best match but not admitted


def test_counts_are_reused_across_versions_and_forgotten_when_rows_go() -> None:
    counts, first = index_of(TEXTS)
    calls: list[str] = []
    original = counts.analyzer.terms

    def counting(text: str) -> list[str]:
        calls.append(text)
        return original(text)

    counts.analyzer.terms = counting  # type: ignore[method-assign]
    keys = [("p1", "h"), ("p2", "h"), ("p9", "h")]
    second = counts.index(keys, [TEXTS[1], TEXTS[2], "A new governance passage."])
    assert calls == ["A new governance passage."]  # only the new row was analysed
    assert second.n_rows == 3 and first.n_rows == len(TEXTS)
    rows, _ = second.search("governance", 10)
    assert sorted(rows) == [0, 2]
    counts.index(keys[:1], [TEXTS[1]])
    calls.clear()
    counts.index(keys[1:2], [TEXTS[2]])
    assert calls == [TEXTS[2]]  # p2 was dropped by the previous version, so analysed again
