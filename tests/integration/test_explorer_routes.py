"""The explorer's page, assets and passage listing, through the ASGI client (no browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from search_api import routes_explorer
from search_api.api import create_app
from tests.integration.conftest import key_for


@pytest.fixture(scope="module")
def client(kg) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(kg=kg), headers={"X-API-Key": key_for(kg, scope="read")}) as c:
        yield c


def test_the_page_and_its_modules_are_served_locally(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/explorer/static/js/main.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    main = client.get("/explorer/static/js/main.js")
    assert main.status_code == 200 and "javascript" in main.headers["content-type"]
    vendor = client.get("/explorer/vendor/cytoscape.mjs")
    assert vendor.status_code == 200, "run `make setup` (npm ci in search_api/explorer)"
    assert "export" in vendor.text[-2000:]  # an ES module


def test_a_missing_library_is_a_problem_that_says_how_to_install_it(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(routes_explorer.VENDOR, "cytoscape.mjs", tmp_path / "absent.mjs")
    r = client.get("/explorer/vendor/cytoscape.mjs")
    assert r.status_code == 404 and "make setup" in r.json()["detail"]
    assert client.get("/explorer/vendor/anything.js").status_code == 404


def test_passages_of_a_document_in_order_and_paged(client: TestClient) -> None:
    doc = client.get("/documents", params={"limit": 1}).json()["documents"][0]
    total = client.get(f"/documents/{doc['id']}").json()["passages"]
    out = client.get(f"/documents/{doc['id']}/passages").json()
    assert out["total"] == total == len(out["passages"])
    assert [p["id"] for p in out["passages"]] == [f"{doc['id']}#{i}" for i in range(total)]
    starts = [p["start"] for p in out["passages"]]
    assert starts == sorted(starts)
    page = client.get(f"/documents/{doc['id']}/passages", params={"limit": 2, "offset": 1})
    assert [p["id"] for p in page.json()["passages"]] == [f"{doc['id']}#1", f"{doc['id']}#2"]
    assert client.get("/documents/C99/999/passages").status_code == 404
