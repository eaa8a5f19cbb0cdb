"""Search quality on the development questions (real model, real store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.search import SearchMode
from search_api.evaluation import evaluate, load_questions, normalise_quote
from tests.conftest import REPO, shared_dir

SAMPLE_QUESTIONS = REPO / "tests" / "eval" / "sample_questions.jsonl"
# ours, over ../shared/corpus, gold given as offsets into its files (the repo copies no text)
LOCATED_QUESTIONS = REPO / "tests" / "eval" / "shared_questions.jsonl"


@pytest.mark.parametrize("mode", list(SearchMode))
def test_shared_questions(kg, mode) -> None:  # type: ignore[no-untyped-def]
    questions = load_questions(shared_dir("eval", "questions.jsonl"))
    report = evaluate(kg, questions, mode)
    print(report.summary())
    if mode is SearchMode.HYBRID:
        # issue 2: gold quote in the top 10 for at least 28 of the 32 questions
        assert len(questions) == 32
        assert sum(r is not None for r in report.ranks.values()) >= 28, report.summary()
        # issue 6 targets in the default mode (measured 0.860 / 0.781 when written)
        assert report.mrr >= 0.85 and report.recall_at(1) >= 0.75, report.summary()
    else:
        assert report.recall_at(10) >= 0.8, report.summary()


def test_sample_questions(kg) -> None:  # type: ignore[no-untyped-def]
    questions = load_questions(SAMPLE_QUESTIONS)
    report = evaluate(kg, questions, SearchMode.HYBRID)
    print(report.summary())
    assert len(questions) >= 30
    # floor at the quality measured when the test was written (0.80): a regression guard
    assert report.recall_at(10) >= 0.75, report.summary()


def test_located_questions_point_into_stored_passages(corpus_kg) -> None:  # type: ignore[no-untyped-def]
    """Every gold span of our shared set is text of its file that one stored passage of
    that same document covers: each question is answerable on this store at all."""
    kg, outcomes = corpus_kg
    corpus = shared_dir("corpus")
    document_of = {Path(o.path).name: o.document_id for o in outcomes
                   if Path(o.path).resolve().parent == corpus.resolve()}
    rows = [json.loads(line) for line in LOCATED_QUESTIONS.read_text("utf-8").splitlines()
            if line.strip()]
    questions = load_questions(LOCATED_QUESTIONS, corpus=corpus)
    assert [q.id for q in questions] == [row["id"] for row in rows]
    for row, question in zip(rows, questions, strict=True):
        for item, span in zip(row["relevant"], question.quotes, strict=True):
            gold = normalise_quote(span)
            document = document_of[item["file"]]
            view = kg.store.get_document(document)
            assert gold and view is not None, (question.id, item)
            passages = kg.store.get_passages([f"{document}#{i}" for i in range(view.passages)])
            assert any(gold in normalise_quote(passage.text)
                       for passage, _ in passages.values()), (question.id, span)


def test_located_shared_questions(kg) -> None:  # type: ignore[no-untyped-def]
    """Our 30 questions over ../shared/corpus, in the default mode. Measured on this store
    (shared + samples): hybrid MRR@10 0.815, R@1 0.700, R@10 1.000 (bm25 0.802, dense 0.612;
    hybrid was 0.765 before BM25's clear lead was kept first). The floors sit about one
    question below that (1/30 = 0.033): a regression guard, not a target."""
    questions = load_questions(LOCATED_QUESTIONS, corpus=shared_dir("corpus"))
    report = evaluate(kg, questions, SearchMode.HYBRID)
    print(report.summary())
    assert len(questions) == 30
    assert report.recall_at(10) >= 0.9 and report.mrr >= 0.78, report.summary()


@pytest.mark.parametrize("source", ["shared", "samples", "located"])
def test_hybrid_never_trails_the_better_retriever(kg, source) -> None:  # type: ignore[no-untyped-def]
    """Issue 6: the default mode is within 0.02 MRR of the better single retriever, on
    each of the three question sets."""
    if source == "located":
        questions = load_questions(LOCATED_QUESTIONS, corpus=shared_dir("corpus"))
    else:
        questions = load_questions(shared_dir("eval", "questions.jsonl") if source == "shared"
                                   else SAMPLE_QUESTIONS)
    mrr = {mode: evaluate(kg, questions, mode).mrr for mode in SearchMode}
    print(source, mrr)
    assert mrr[SearchMode.HYBRID] >= max(mrr[SearchMode.BM25], mrr[SearchMode.DENSE]) - 0.02, mrr


def test_relation_evidence_ranks_the_passage_that_answers(kg) -> None:  # type: ignore[no-untyped-def]
    """'Who leads the GEMTF' asks for its CHAIRED_BY edge: the passage that edge was read
    from is in the request and comes first."""
    analysis = kg.analyze("Who leads the GEMTF?")
    assert analysis.relations == ("CHAIRED_BY",) and len(analysis.entity_ids) == 1
    view = kg.store.get_entity(analysis.entity_ids[0])
    chaired = [link.passage_id for link in view.links if link.type == "CHAIRED_BY"]
    assert chaired
    request = kg.request("Who leads the GEMTF?", analysis=analysis)
    assert set(request.evidence) == set(chaired)
    assert kg.search(request)[0].passage.id in chaired
    assert kg.request("What does the GEMTF do?").evidence == ()  # no relation asked


def test_question_analysis_finds_what_the_store_learned(kg) -> None:  # type: ignore[no-untyped-def]
    """An acronym defined in a shared document is recognised in a question, both ways."""
    short = kg.analyze("Who chairs the ICTGC?")
    assert [e.entity.type for e in short.entities] == ["Body"]
    long_form = short.entities[0].entity.name
    assert "Governance Committee" in long_form and long_form in short.expansions
    spelled = kg.analyze(f"who chairs the {long_form.lower()}")
    assert spelled.entity_ids == short.entity_ids and "ICTGC" in spelled.expansions
    request = kg.request("Who chairs the ICTGC?")
    assert request.entities == short.entity_ids and long_form in request.keyword_query


def test_filters_restrict_hits(kg) -> None:  # type: ignore[no-untyped-def]
    hits = kg.search(kg.request("committee", k=20, document="C25/44"))
    assert hits and {h.document.id for h in hits} == {"C25/44"}
    hits = kg.search(kg.request("committee", k=20, year_from=2025, year_to=2025))
    assert hits and all(h.document.year == 2025 for h in hits)
    assert not kg.search(kg.request("committee", document="C99/1"))
