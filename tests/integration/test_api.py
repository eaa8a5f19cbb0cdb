"""The real FastAPI app over the real store, through its ASGI client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import authorized

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(kg) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with authorized(kg) as c:
        yield c


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == status and body["detail"]
    assert "Traceback" not in response.text
    return body


def test_health(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/health").json()
    assert body == {"status": "ok", "backend": "embedded", "model": "all-MiniLM-L6-v2"}
    stats = client.get("/stats").json()  # the document count moved here (health stays cheap)
    assert stats["documents"] == 10


def test_search_shape_and_content(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/search", params={"q": "Who chairs the ICT governance committee?", "k": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["query"].startswith("Who chairs") and body["mode"] == "hybrid"
    assert 1 <= len(body["hits"]) <= 5
    hit = body["hits"][0]
    assert set(hit) >= {"rank", "score", "passage", "document", "entities"}
    assert set(hit["passage"]) >= {"id", "text", "section", "start", "end"}
    assert set(hit["document"]) >= {"id", "symbol", "title", "date", "source"}
    assert [h["rank"] for h in body["hits"]] == list(range(1, len(body["hits"]) + 1))
    texts = " ".join(h["passage"]["text"] for h in body["hits"])
    assert "Chaired by the Deputy Secretary-General" in texts
    assert any(e["id"] == "body/ictgc" for h in body["hits"] for e in h["entities"])


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_search_modes(client, mode) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/search", params={"q": "ISC-TF chaired by", "mode": mode, "k": 3})
    assert r.status_code == 200 and r.json()["mode"] == mode and r.json()["hits"]


@pytest.mark.parametrize("params", [
    {"q": "x", "k": 0}, {"q": "x", "k": 100000}, {"q": "x" * 10_000}, {"q": ""},
    {"q": "x", "mode": "magic"}, {"q": "x", "year_from": 2025, "year_to": 2020},
    {}])
def test_bad_search_requests_are_problems(client, params) -> None:  # type: ignore[no-untyped-def]
    assert_problem(client.get("/search", params=params), 422)


def test_odd_queries_are_bounded(client) -> None:  # type: ignore[no-untyped-def]
    for q in ["???", "the of and", "C23/52 \"AND (", "' OR 1=1 --"]:
        r = client.get("/search", params={"q": q, "k": 3})
        assert r.status_code == 200, (q, r.text)
        assert len(r.json()["hits"]) <= 3


def test_documents_and_detail(client) -> None:  # type: ignore[no-untyped-def]
    docs = client.get("/documents").json()["documents"]
    assert len(docs) == 10 and all(d["ingested"] for d in docs)
    detail = client.get("/documents/C25/44-E").json()  # language suffix resolves to C25/44
    assert detail["document"]["id"] == "C25/44" and detail["passages"] > 5
    cites = {link["node"]["id"] for link in detail["links"] if link["type"] == "CITES"}
    assert {"C24/58", "resolution/pp-179/rev-bucharest-2022"} <= cites
    page = client.get("/documents", params={"limit": 3, "offset": 3}).json()
    assert [d["id"] for d in page["documents"]] == [d["id"] for d in docs[3:6]]


def test_entities(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/entities/body/ictgc").json()
    assert body["entity"]["type"] == "Body" and "ICTGC" in body["aliases"]
    assert body["mentions"]


def test_not_found_is_a_problem(client) -> None:  # type: ignore[no-untyped-def]
    assert_problem(client.get("/documents/C99/999"), 404)
    assert_problem(client.get("/entities/body/nothing-here"), 404)
    assert_problem(client.get("/no-such-route"), 404)


def test_openapi_documents_every_field(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").json()
    assert {"/health", "/search", "/documents", "/documents/{document_id}",
            "/entities/{entity_id}"} <= set(spec["paths"])
    hit = spec["components"]["schemas"]["HitOut"]["properties"]
    assert set(hit) == {"rank", "score", "passage", "document", "entities"}
    assert "application/problem+json" in spec["paths"]["/search"]["get"]["responses"]["422"][
        "content"]
