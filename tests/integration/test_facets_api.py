"""Body and document type: stored at ingest, offered by /facets, filtering /search."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from search_api.api import create_app
from search_api.facets import document_kinds
from tests.integration.conftest import key_for


@pytest.fixture(scope="module")
def client(kg) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(kg=kg), headers={"X-API-Key": key_for(kg, scope="read")}) as c:
        yield c


def all_documents(client: TestClient) -> list[dict]:  # type: ignore[type-arg]
    return client.get("/documents", params={"limit": 500}).json()["documents"]


def test_facets_count_what_the_documents_hold(client: TestClient) -> None:
    docs = all_documents(client)
    facets = client.get("/facets").json()
    bodies = {f["value"]: f["documents"] for f in facets["bodies"]}
    assert bodies == {b: sum(d["body"] == b for d in docs) for b in {d["body"] for d in docs}
                      if b is not None}
    assert {"body/council", "body/cwg-fhr"} <= set(bodies)
    labels = {f["value"]: f["label"] for f in facets["bodies"]}
    assert labels["body/cwg-fhr"].startswith("Council Working Group")
    kinds = {f["value"] for f in facets["document_types"]}
    assert kinds <= set(document_kinds()) and {"Report", "InformationDocument"} <= kinds
    years = [int(f["value"]) for f in facets["years"]]
    assert years == sorted(years) and 2025 in years
    assert facets["undated"] == sum(d["year"] is None for d in docs)


def test_search_filters_by_body_and_type(client: TestClient) -> None:
    docs = {d["id"]: d for d in all_documents(client)}
    q = {"q": "IT governance and cybersecurity", "k": 20}
    for body in ("body/cwg-fhr", "body/council"):
        hits = client.get("/search", params={**q, "body": body}).json()["hits"]
        assert hits and {docs[h["document"]["id"]]["body"] for h in hits} == {body}
        assert all(h["document"]["body"] == body for h in hits)
    hits = client.get("/search", params={**q, "document_type": "InformationDocument"}).json()
    assert hits["hits"] and {h["document"]["document_type"] for h in hits["hits"]} == {
        "InformationDocument"}


def test_unknown_document_type_is_a_422(client: TestClient) -> None:
    r = client.get("/search", params={"q": "x", "document_type": "Memo"})
    assert r.status_code == 422 and "Memo" in r.json()["detail"]
    assert "InformationDocument" in r.json()["detail"]
