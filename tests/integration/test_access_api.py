"""Keys, scopes, public-read mode and the write routes, through the real app and store."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ontology.records import AccessLevel
from search_api.api import create_app
from search_api.auth import PUBLIC_ROUTES
from search_api.cli import app
from search_api.keys import KEYS_FILE, KeyStore
from search_api.service import CouncilKG
from tests.integration.conftest import open_kg
from tests.integration.test_access_leaks import CORPUS, every_route
from tests.integration.test_api import assert_problem


@pytest.fixture(scope="module")
def small_kg(tmp_path_factory, embedder) -> Iterator[CouncilKG]:  # type: ignore[no-untyped-def]
    kg = open_kg(tmp_path_factory.mktemp("access-api") / "store", embedder)
    assert kg.ingest([CORPUS / "c26-90-public.txt"])[0].status == "ingested"
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def keys(small_kg: CouncilKG) -> Iterator[KeyStore]:
    store = KeyStore(small_kg.settings.store / KEYS_FILE)
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(small_kg: CouncilKG) -> Iterator[TestClient]:
    app = create_app(kg=small_kg)

    @app.get("/_whoami", include_in_schema=False)
    def whoami(request: Request) -> dict[str, object]:
        p = request.state.principal
        return {"key_id": p.key_id, "scope": p.scope, "clearance": p.clearance}

    with TestClient(app) as c:
        yield c


def key(keys: KeyStore, scope: str = "read", clearance: str = "public") -> dict[str, str]:
    return {"X-API-Key": keys.create(scope=scope, clearance=clearance)[1]}


def test_every_route_but_the_exempt_ones_needs_a_key(client: TestClient) -> None:
    checked = 0
    for route in every_route(client.app.routes):  # type: ignore[attr-defined]
        for method in sorted(set(getattr(route, "methods", None) or ["GET"]) - {"HEAD"}):
            url = re.sub(r"\{[^}]+\}", "C26/90", route.path)
            r = client.request(method, url, params={"q": "x", "from": "a", "to": "b"})
            if route.path in PUBLIC_ROUTES:
                assert r.status_code != 401, url
                continue
            body = assert_problem(r, 401)
            assert r.headers["www-authenticate"] == 'Bearer realm="councilkg"'
            assert "councilkg keys create" in body["detail"]
            checked += 1
    assert checked >= 15
    paths = client.get("/openapi.json").json()["paths"]  # the spec says the same
    assert "security" not in paths["/health"]["get"]
    assert {"HTTPBearer": []} in paths["/search"]["get"]["security"]


def test_both_headers_carry_a_key_and_the_principal_is_on_the_request(
        client: TestClient, keys: KeyStore) -> None:
    info, secret = keys.create(scope="write", clearance="restricted")
    for headers in ({"X-API-Key": secret}, {"Authorization": f"Bearer {secret}"}):
        assert client.get("/_whoami", headers=headers).json() == {
            "key_id": info.id, "scope": "write", "clearance": "restricted"}


def test_unknown_and_revoked_keys_are_refused(client: TestClient, keys: KeyStore) -> None:
    info, secret = keys.create(scope="read")
    assert client.get("/stats", headers={"X-API-Key": secret}).status_code == 200
    keys.revoke(info.id)
    for headers in ({"X-API-Key": secret}, {"Authorization": "Bearer ckg_00000000_" + "x" * 43},
                    {"Authorization": "Basic dXNlcjpwYXNz"}, {"X-API-Key": "hello"}):
        body = assert_problem(client.get("/stats", headers=headers), 401)
        assert body["type"].endswith("/unauthenticated")


def test_read_keys_cannot_write(client: TestClient, keys: KeyStore) -> None:
    reader = key(keys, "read", "restricted")
    upload = {"file": ("x.txt", b"Document C26/93-E\nSummary\nA text.\n")}
    body = assert_problem(client.post("/documents", files=upload, headers=reader), 403)
    assert "write scope" in body["detail"]
    assert_problem(client.delete("/documents/C26/90", headers=reader), 403)
    assert client.get("/documents/C26/90", headers=reader).status_code == 200


def test_public_read_mode(small_kg: CouncilKG, keys: KeyStore) -> None:
    kg = CouncilKG(replace_settings(small_kg, public_read=True), small_kg.store,
                   small_kg.embedder, small_kg.parser)
    with TestClient(create_app(kg=kg)) as anonymous:
        r = anonymous.get("/search", params={"q": "submarine cables", "k": 3})
        assert r.status_code == 200 and r.json()["hits"]
        assert anonymous.get("/documents/C26/90").status_code == 200
        assert_problem(anonymous.delete("/documents/C26/90"), 403)  # read scope only
        assert_problem(anonymous.get("/stats", headers={"X-API-Key": "wrong"}), 401)
        writer = key(keys, "write", "restricted")
        assert anonymous.get("/stats", headers=writer).json()["documents"] == 1
    kg.log.close()


def replace_settings(kg: CouncilKG, **changes: object):  # type: ignore[no-untyped-def]
    return kg.settings.model_copy(update=changes)


def test_upload_ingests_classifies_and_deletes(client: TestClient, keys: KeyStore,
                                               small_kg: CouncilKG) -> None:
    writer, reader = key(keys, "write", "restricted"), key(keys, "read", "public")
    data = (CORPUS / "c26-92-forced.txt").read_bytes()

    def send(access: str | None = None, name: str = "../../c26-92.txt"):  # type: ignore[no-untyped-def]
        return client.post("/documents", files={"file": (name, data)}, headers=writer,
                           data={"access": access} if access else {})

    first = send("restricted")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["status"], body["document_id"], body["access_level"], body["passages"]) == \
        ("ingested", "C26/92", "restricted", 5)
    assert body["source"].endswith("/c26-92.txt") and "/uploads/" in body["source"]
    assert ".." not in body["source"]
    assert client.get("/documents/C26/92", headers=reader).json()["document"]["title"] is None
    again = send()  # no marking in the text, but a stored restriction is never lowered
    assert (again.status_code, again.json()["status"], again.json()["access_level"]) == \
        (200, "unchanged", "restricted")
    opened = send("public")  # the same bytes at another level: a change
    assert (opened.status_code, opened.json()["access_level"]) == (201, "public")
    assert client.get("/documents/C26/92", headers=reader).json()["passages"] == 5
    assert client.delete("/documents/C26/92", headers=writer).status_code == 204
    assert_problem(client.delete("/documents/C26/92", headers=writer), 404)


def test_upload_failures_are_problems(client: TestClient, keys: KeyStore,
                                      small_kg: CouncilKG) -> None:
    writer = key(keys, "write", "restricted")
    empty = client.post("/documents", files={"file": ("empty.txt", b"")}, headers=writer)
    assert "empty.txt" in assert_problem(empty, 422)["detail"]
    settings = small_kg.settings
    small_kg.settings = settings.model_copy(update={"max_file_bytes": 100})
    try:
        big = client.post("/documents", files={"file": ("big.txt", b"x" * 101)}, headers=writer)
        assert "100-byte limit" in assert_problem(big, 413)["detail"]
    finally:
        small_kg.settings = settings
    bad = client.post("/documents", files={"file": ("a.txt", b"text")}, headers=writer,
                      data={"access": "secret"})
    assert_problem(bad, 422)
    uploads = small_kg.settings.store / "uploads"
    assert not any(p.name in ("empty.txt", "big.txt") for p in uploads.rglob("*"))


def test_a_public_writer_cannot_replace_or_delete_restricted_documents(
        client: TestClient, keys: KeyStore, small_kg: CouncilKG) -> None:
    restricted = small_kg.ingest([CORPUS / "c26-91-marked.txt"])[0]
    assert restricted.access_level == AccessLevel.RESTRICTED
    writer = key(keys, "write", "public")
    data = (CORPUS / "c26-91-marked.txt").read_bytes()
    r = client.post("/documents", files={"file": ("c.txt", data)}, headers=writer,
                    data={"access": "public"})
    assert "clearance" in assert_problem(r, 422)["detail"]
    assert_problem(client.delete("/documents/C26/91", headers=writer), 404)
    view = small_kg.store.get_document("C26/91")
    assert view is not None and view.document.ingested
    assert view.document.access_level == "restricted"


def test_the_cli_manages_keys_and_forces_levels(tmp_path: Path) -> None:
    runner, store = CliRunner(), str(tmp_path / "store")
    made = runner.invoke(app, ["keys", "create", "--scope", "write", "--clearance",
                               "restricted", "--name", "hub", "--store", store, "--json"])
    assert made.exit_code == 0, made.output
    created = json.loads(made.stdout)
    assert created["key"].startswith("ckg_") and created["scope"] == "write"
    listed = runner.invoke(app, ["keys", "list", "--json", "--store", store])
    assert [k["name"] for k in json.loads(listed.stdout)] == ["hub"]
    assert created["key"] not in listed.stdout
    assert runner.invoke(app, ["keys", "revoke", created["id"], "--store", store]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", "nope", "--store", store]).exit_code == 2
    keys = KeyStore(tmp_path / "store" / KEYS_FILE)
    assert keys.verify(created["key"]) is None
    keys.close()
    done = runner.invoke(app, ["ingest", str(CORPUS / "c26-92-forced.txt"), "--access",
                               "restricted", "--json", "--store", store])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["files"][0]["access_level"] == "restricted"
