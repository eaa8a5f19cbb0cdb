"""The leak test: every route of the real app, called with a public key over a store holding
restricted documents, with parameters chosen to surface them; nothing of theirs comes back.

``tests/access/corpus`` holds three documents written for this test: C26/90 (public, cites
C26/92), C26/91 (marked RESTRICTED on its cover; nothing public cites it) and C26/92 (no
marking, ingested with ``access=restricted``). C26/91 must be wholly invisible, its id
included; C26/92 may appear only as the bare citation stub C26/90's text names. A new route
that this walk does not call fails the test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ontology.records import AccessLevel
from search_api.service import CouncilKG
from tests.conftest import REPO, SAMPLES
from tests.integration.conftest import authorized, open_kg

CORPUS = REPO / "tests" / "access" / "corpus"
#: words only the restricted documents contain (titles, bodies, initiatives, funds)
SECRET_WORDS = ("zephyrine", "quasar", "kestrel", "veridian", "tidewater", "marmalade",
                "osprey", "landing stations", "1987")
PUBLIC_SAFE = {"C26/92"}  # cited by C26/90: may appear as a bare stub


@pytest.fixture(scope="module")
def access_kg(tmp_path_factory, embedder) -> Iterator[CouncilKG]:  # type: ignore[no-untyped-def]
    kg = open_kg(tmp_path_factory.mktemp("access") / "store", embedder)
    outcomes = kg.ingest([SAMPLES / "corpus", CORPUS / "c26-90-public.txt",
                          CORPUS / "c26-91-marked.txt"])
    outcomes += kg.ingest([CORPUS / "c26-92-forced.txt"], access=AccessLevel.RESTRICTED)
    assert all(o.status == "ingested" for o in outcomes), outcomes
    levels = {o.document_id: o.access_level for o in outcomes}
    assert levels["C26/91"] == levels["C26/92"] == "restricted"
    assert levels["C26/90"] == "public"
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def insider(access_kg: CouncilKG) -> Iterator[TestClient]:
    with authorized(access_kg, scope="read", clearance="restricted") as c:
        yield c


@pytest.fixture(scope="module")
def public(access_kg: CouncilKG) -> Iterator[TestClient]:
    with authorized(access_kg, scope="write", clearance="public") as c:
        yield c


def mentioned(client: TestClient, document: str) -> set[str]:
    r = client.get(f"/documents/{document}/lineage", params={"types": "MENTIONS,CITES,REVISES",
                                                             "depth": 1})
    assert r.status_code == 200, r.text
    return {n["id"] for n in r.json()["nodes"]} - {document}


@pytest.fixture(scope="module")
def secret_ids(insider: TestClient) -> set[str]:
    """What only the restricted documents name (read with clearance), and C26/91 itself."""
    public_docs = [d["id"] for d in insider.get("/documents", params={"limit": 500}).json()
                   ["documents"] if d["access_level"] == "public"]
    seen_publicly = set().union(*(mentioned(insider, d) for d in public_docs))
    secret = (mentioned(insider, "C26/91") | mentioned(insider, "C26/92")) - seen_publicly
    secret = (secret | {"C26/91"}) - PUBLIC_SAFE - set(public_docs)
    # not vacuous: the initiative, the fund, the resolution and the stub only they name
    assert {"C26/77", "initiative/zli", "initiative/vtf"} <= secret, secret
    assert any("1987" in s for s in secret), secret
    assert "body/ocrg" in seen_publicly  # shared with the public document: stays visible
    return secret


def requests_for(secret: set[str]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Per route (method, path template): the calls that would surface restricted content."""
    entities = sorted(secret - {"C26/91", "C26/77"})
    docs = ["C26/91", "C26/92", "C26/77", "C26/90"]
    words = "zephyrine lattice quasar kestrel veridian tidewater marmalade osprey"
    search = [{"q": words, "k": 100, "mode": m} for m in ("bm25", "dense", "hybrid")]
    search += [{"q": words, "document": "C26/91"}, {"q": "Document C26/92 VTF", "k": 100}]
    lineage = [{"direction": d, "depth": 5, "passages": "true", "types": t}
               for d in ("out", "in", "both") for t in (None, "MENTIONS,CITES,REVISES")]
    return {
        ("GET", "/health"): [{}], ("GET", "/ready"): [{}], ("GET", "/metrics"): [{}],
        ("GET", "/facets"): [{}], ("GET", "/"): [{}],
        ("GET", "/explorer/static"): [{"url": "/explorer/static/index.html"}],
        ("GET", "/explorer/vendor/{name}"): [{"url": "/explorer/vendor/cytoscape.mjs"}],
        ("GET", "/documents/{document_id:path}/passages"): [
            {"url": f"/documents/{d}/passages", "params": {"limit": 500}} for d in docs],
        ("GET", "/openapi.json"): [{}], ("GET", "/docs"): [{}], ("GET", "/redoc"): [{}],
        ("GET", "/docs/oauth2-redirect"): [{}],
        ("GET", "/search"): [{"params": p} for p in search],
        ("GET", "/ask"): [{"params": {"q": q, "k": 20}} for q in (
            "Who chairs the ZLI?", "What is the Zephyrine Lattice Initiative?",
            "What does Council Resolution 1987 establish?",
            "What are the accounts of the Veridian Tidewater Fund in Document C26/92?",
            "Who works with the Ocean Cable Resilience Group?")],
        ("GET", "/documents"): [{"params": {"limit": 500}}],
        ("GET", "/documents/{document_id:path}"): [{"url": f"/documents/{d}"} for d in docs],
        ("GET", "/documents/{document_id:path}/lineage"): [
            {"url": f"/documents/{d}/lineage", "params": {k: v for k, v in p.items() if v}}
            for d in docs for p in lineage],
        ("GET", "/entities/{entity_id:path}"): [{"url": f"/entities/{e}"}
                                                for e in [*entities, "body/ocrg"]],
        ("GET", "/entities/{entity_id:path}/neighbors"): [
            {"url": f"/entities/{e}/neighbors", "params": {"depth": 3, "passages": "true"}}
            for e in [*entities, "body/ocrg", "role/deputy-secretary-general"]],
        ("GET", "/resolutions/{resolution_id:path}"): [
            {"url": f"/resolutions/{r}"} for r in [
                "Council Resolution 1987", "Resolution 71",
                *[e for e in entities if e.startswith("resolution/")]]],
        ("GET", "/paths"): [{"params": {"from": a, "to": b, "max_depth": 5}} for a, b in (
            ("body/ocrg", "C26/90"), ("body/ocrg", "role/deputy-secretary-general"),
            ("C26/90", "C26/92"), ("ZLI", "OCRG"), ("C26/91", "C26/90"))],
        ("GET", "/timeline"): [{"params": {"entity": e}} for e in
                               ["OCRG", "Resolution 71", "ZLI", "Council Resolution 1987"]],
        ("GET", "/stats"): [{}],
        ("GET", "/ontology"): [{}], ("GET", "/ontology/shapes"): [{}],
        ("GET", "/ontology/context.jsonld"): [{}],
        ("GET", "/export"): [{"params": {"format": f, **({"document": d} if d else {})}}
                             for f in ("turtle", "jsonld", "nt")
                             for d in (None, "C26/90", "C26/91", "C26/92")],
        ("DELETE", "/documents/{document_id:path}"): [{"url": f"/documents/{d}"} for d in
                                                      ("C26/91", "C26/92", "C26/77")],
        ("POST", "/documents"): [{"upload": "c26-91-marked.txt", "access": "public"},
                                 {"upload": "c26-92-forced.txt"}],
    }


def every_route(routes: list[Any]) -> Iterator[Any]:
    """Routes, with those of included routers (FastAPI keeps them behind the router)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from every_route(inner.routes)
        else:
            yield route


def without_echoes(path: str, response: Any) -> str:
    """The response minus what merely repeats the request: the query or question, a problem's
    detail ("no entity 'X'"), and question entities the store does not hold. Of /metrics, the
    names and labels only: its sample values are counts and seconds, which may spell a secret
    number ("1987") by chance."""
    if path == "/metrics":
        return "\n".join(line.rsplit(" ", 1)[0] for line in response.text.splitlines())
    if not response.headers.get("content-type", "").startswith(("application/json",
                                                                 "application/problem+json")):
        return str(response.text)
    body = response.json()
    if isinstance(body, dict):
        body.pop("query", None)
        body.pop("question", None)
        if response.status_code >= 400:
            body.pop("detail", None)
        if path == "/ask":
            body["entities"] = [e for e in body["entities"] if e["stored"]]
    return json.dumps(body, ensure_ascii=False)


def walk(client: TestClient, plan: dict[tuple[str, str], list[dict[str, Any]]],
         forbidden: set[str]) -> tuple[int, dict[str, list[str]]]:
    """Every call of the plan: how many, and the forbidden strings each route returned."""
    calls, leaks = 0, {}
    for (method, template), specs in plan.items():
        for spec in specs:
            if "upload" in spec:
                data = (CORPUS / spec["upload"]).read_bytes()
                r = client.post("/documents", files={"file": (spec["upload"], data)},
                                data={"access": spec["access"]} if "access" in spec else {})
                assert r.status_code in (403, 422), r.text  # never replaces a restricted one
            else:
                r = client.request(method, spec.get("url", template), params=spec.get("params"))
            assert r.status_code < 500, (spec, r.text)
            text = without_echoes(template, r).lower()
            if found := sorted(f for f in forbidden if f in text):
                leaks[f"{method} {spec.get('url', template)} {spec.get('params')}"] = found
            calls += 1
    return calls, leaks


def test_a_public_key_sees_nothing_restricted_on_any_route(
        public: TestClient, insider: TestClient, secret_ids: set[str]) -> None:
    plan = requests_for(secret_ids)
    routes = {(m, r.path) for r in every_route(public.app.routes)  # type: ignore[attr-defined]
              for m in getattr(r, "methods", None) or ["GET"] if m != "HEAD"}
    assert routes == set(plan), f"routes not walked: {routes - set(plan)}"
    forbidden = {w.lower() for w in SECRET_WORDS}
    forbidden |= {s.lower() for s in secret_ids} | {s.lower().replace("/", "-")
                                                   for s in secret_ids}
    calls, leaks = walk(public, plan, forbidden)
    assert calls > 80 and not leaks, leaks
    # the same walk with clearance does surface them: the parameters are not vacuous
    _, seen = walk(insider, plan, forbidden)
    surfaced = {key.split()[1].split("/")[1] for key in seen}
    assert surfaced >= {"search", "ask", "documents", "entities", "resolutions", "paths",
                        "timeline", "export"}, sorted(seen)
    # the write routes refused: the restricted documents are still there, unchanged
    for ident in ("C26/91", "C26/92"):
        doc = insider.get(f"/documents/{ident}").json()["document"]
        assert doc["ingested"] and doc["access_level"] == "restricted"


def test_a_restricted_document_a_public_one_cites_is_a_bare_stub(
        public: TestClient, insider: TestClient) -> None:
    stub = public.get("/documents/C26/92").json()
    assert stub["document"] == {**{k: None for k in stub["document"]}, "id": "C26/92",
                                "symbol": "C26/92", "ingested": False}
    assert stub["passages"] == 0
    assert [(link["type"], link["node"]["id"]) for link in stub["links"]] == \
        [("CITES", "C26/90")]
    full = insider.get("/documents/C26/92").json()
    assert full["document"]["title"] and full["passages"] == 5
    assert {link["node"]["id"] for link in full["links"]} > {"C26/90"}
    assert public.get("/documents/C26/91").status_code == 404


def test_search_filters_before_top_k(public: TestClient, insider: TestClient) -> None:
    """The restricted passages are the best hits for their own words; a public caller still
    gets k hits, all public (a post-filter would return fewer, or none)."""
    for mode in ("bm25", "dense", "hybrid"):
        params = {"q": "Zephyrine Lattice Initiative quasar-kestrel submarine cable Council",
                  "k": 5, "mode": mode}
        inside = insider.get("/search", params=params).json()["hits"]
        assert inside[0]["document"]["id"] == "C26/91"
        outside = public.get("/search", params=params).json()["hits"]
        assert len(outside) == 5
        assert all(h["document"]["access_level"] == "public" for h in outside)


def test_counts_are_of_what_the_key_sees(public: TestClient, insider: TestClient) -> None:
    outside, inside = public.get("/stats").json(), insider.get("/stats").json()
    assert inside["documents"] - outside["documents"] == 2
    # C26/77 (cited by C26/91 only) is gone; C26/92 (cited by C26/90) became a stub
    assert outside["cited_only_documents"] == inside["cited_only_documents"]
    assert outside["documents"] + outside["cited_only_documents"] == \
        outside["nodes"]["Document"]
    assert inside["passages"] - outside["passages"] == 6 + 5
    assert outside["relationships"]["PART_OF"] == outside["passages"]
    listed = public.get("/documents", params={"limit": 500}).json()["documents"]
    assert len(listed) == outside["documents"]


def test_fixture_files_exist() -> None:
    assert sorted(p.name for p in Path(CORPUS).iterdir()) == [
        "c26-90-public.txt", "c26-91-marked.txt", "c26-92-forced.txt"]
