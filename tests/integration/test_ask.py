"""/ask and `councilkg ask`: answer sentences, graph facts with citations, related documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import authorized
from tests.integration.test_api import assert_problem


@pytest.fixture(scope="module")
def client(kg) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with authorized(kg) as c:
        yield c


def check_citation(c: dict, passage_text: str | None = None) -> None:  # type: ignore[type-arg]
    assert c["end"] > c["start"] >= 0 and c["text"]
    assert c["document_end"] - c["document_start"] == c["end"] - c["start"] == len(c["text"])
    if passage_text is not None:
        assert passage_text[c["start"]:c["end"]] == c["text"]


def test_ask_states_graph_facts_with_citations(client, kg) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/ask", params={"q": "Who chairs the ICTGC?"})
    assert r.status_code == 200, r.text
    body = r.json()
    [entity] = [e for e in body["entities"] if e["text"] == "ICTGC"]
    assert entity["stored"] and entity["entity"]["type"] == "Body"
    chaired = [f for f in entity["facts"] if f["relation"] == "CHAIRED_BY"]
    assert chaired and "Deputy Secretary-General" in chaired[0]["node"]["name"]
    citation = chaired[0]["citation"]
    check_citation(citation)
    assert "Deputy Secretary-General" in citation["text"]
    # the citation points into the stored passage it names
    stored = kg.store.get_passages([citation["passage_id"]])[citation["passage_id"]][0]
    assert stored.text[citation["start"]:citation["end"]] == citation["text"]
    assert citation["document_start"] == stored.start + citation["start"]


def test_ask_highlights_the_answering_sentence(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/ask", params={"q": "Who chairs the ICTGC?", "k": 3}).json()
    assert 1 <= len(body["passages"]) <= 3
    for p in body["passages"]:
        check_citation(p["answer"], p["hit"]["passage"]["text"])
        assert p["answer"]["passage_id"] == p["hit"]["passage"]["id"]
    assert any("Chaired by the Deputy Secretary-General" in p["answer"]["text"]
               for p in body["passages"])
    related = {d["id"] for d in body["related_documents"]}
    assert {p["hit"]["document"]["id"] for p in body["passages"]} <= related


def test_ask_without_entities_still_answers(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/ask", params={"q": "How many people were offline in 2022?"}).json()
    assert body["passages"] and all(e["stored"] or not e["facts"] for e in body["entities"])


@pytest.mark.parametrize("q", ["?!...", "the of and to", "zzzz qqqq"])
def test_ask_odd_questions_are_not_errors(client, q) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/ask", params={"q": q})
    assert r.status_code == 200, r.text
    assert isinstance(r.json()["passages"], list)


def test_ask_bad_input_is_a_problem(client) -> None:  # type: ignore[no-untyped-def]
    assert_problem(client.get("/ask", params={"q": ""}), 422)
    assert_problem(client.get("/ask", params={"q": "x" * 5000}), 422)
    assert_problem(client.get("/ask", params={"q": "x", "k": 0}), 422)


def test_an_empty_store_answers_empty_not_500(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.conftest import authorized, open_kg

    empty = open_kg(tmp_path / "empty", embedder)
    try:
        with authorized(empty) as c:
            for q in ("Who chairs the ICTGC?", "?!", "the and of"):
                r = c.get("/ask", params={"q": q})
                assert r.status_code == 200, r.text
                assert r.json()["passages"] == [] and r.json()["related_documents"] == []
                s = c.get("/search", params={"q": q})
                assert s.status_code == 200 and s.json()["hits"] == []
    finally:
        empty.close()
