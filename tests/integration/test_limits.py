"""Every cap on what a client may ask, one test each: a 413 or 422 problem with a reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from search_api.api import create_app
from tests.integration.conftest import key_for
from tests.integration.test_api import assert_problem

CAP = 1_000  # request body cap of the app under test


@pytest.fixture(scope="module")
def client(kg) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    settings = kg.settings.model_copy(update={"max_body_bytes": CAP, "rate_limit": 0})
    app = create_app(settings, kg=kg)

    @app.post("/echo-length", include_in_schema=False)
    async def echo(request: Request) -> dict[str, int]:  # reads the body as an upload would
        return {"length": len(await request.body())}

    with TestClient(app, headers={"X-API-Key": key_for(kg)}) as c:
        yield c


def test_body_declared_over_the_cap_is_refused_before_reading(client) -> None:  # type: ignore[no-untyped-def]
    body = assert_problem(client.post("/search", content=b"x" * (CAP + 1)), 413)
    assert str(CAP) in body["detail"]


def test_chunked_body_over_the_cap_is_cut_off(client) -> None:  # type: ignore[no-untyped-def]
    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap is counted while reading
        for _ in range(5):
            yield b"y" * 400

    body = assert_problem(client.post("/echo-length", content=chunks()), 413)
    assert "limit" in body["detail"]
    small = client.post("/echo-length", content=iter([b"z" * 300, b"z" * 300]))
    assert small.status_code == 200 and small.json() == {"length": 600}


def test_query_length(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/search", params={"q": "x" * 2000, "k": 1}).status_code == 200
    body = assert_problem(client.get("/search", params={"q": "x" * 2001}), 422)
    assert body["detail"].startswith("q:") and "2000" in body["detail"]
    assert_problem(client.get("/ask", params={"q": "y" * 2001}), 422)


@pytest.mark.parametrize(("path", "limit"), [("/search", 100), ("/ask", 20)])
def test_k(client, path, limit) -> None:  # type: ignore[no-untyped-def]
    body = assert_problem(client.get(path, params={"q": "ICTGC", "k": limit + 1}), 422)
    assert body["detail"].startswith("k:") and str(limit) in body["detail"]


def test_page_size(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/documents", params={"limit": 500}).status_code == 200
    body = assert_problem(client.get("/documents", params={"limit": 501}), 422)
    assert body["detail"].startswith("limit:")
    assert_problem(client.get("/documents/C25/44/lineage", params={"limit": 100_000}), 422)
    assert_problem(client.get("/paths", params={"from": "C25/44", "to": "C24/58",
                                                "limit": 51}), 422)


def test_lineage_depth(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/documents/C25/44/lineage", params={"depth": 5}).status_code == 200
    body = assert_problem(client.get("/documents/C25/44/lineage", params={"depth": 6}), 422)
    assert body["detail"].startswith("depth:") and "5" in body["detail"]
    assert_problem(client.get("/paths", params={"from": "C25/44", "to": "C24/58",
                                                "max_depth": 6}), 422)
    assert_problem(client.get("/entities/body/ictgc/neighbors", params={"depth": 6}), 422)


def test_identifier_length(client) -> None:  # type: ignore[no-untyped-def]
    long_id = "C" + "9" * 300
    for path in (f"/documents/{long_id}", f"/entities/body/{long_id}",
                 f"/resolutions/{long_id}", f"/documents/{long_id}/lineage"):
        body = assert_problem(client.get(path), 422)
        assert "200" in body["detail"], path
    assert_problem(client.delete(f"/documents/{long_id}"), 422)


def test_filter_lengths(client) -> None:  # type: ignore[no-untyped-def]
    assert_problem(client.get("/search", params={"q": "x", "document": "C" * 201}), 422)
    assert_problem(client.get("/documents/C25/44/lineage", params={"types": "A," * 300}), 422)
