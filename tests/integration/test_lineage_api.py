"""Lineage routes of the real app over the real store (../shared/corpus + samples/corpus)."""

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


def test_document_lineage_with_slashes_evidence_and_stubs(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/documents/C25/44/lineage", params={"depth": 2, "passages": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["root"]["id"] == "C25/44" and body["direction"] == "out"
    depth = {i["id"]: i["depth"] for i in body["items"]}
    assert depth["C24/58"] == 1 and depth["C25/31"] == 1
    assert depth["resolution/pp-175"] == 2  # through its Bucharest version
    assert len(depth) == len(body["items"]) == body["total"]  # each node once
    nodes = {n["id"]: n for n in body["nodes"]}
    assert nodes["C24/35"]["ingested"] is False and nodes["C24/58"]["ingested"] is True
    cites = [e for e in body["edges"] if e["source"] == "C25/44" and e["target"] == "C24/58"]
    assert len(cites) == 1 and cites[0]["type"] == "CITES"
    ev = cites[0]["evidence"]
    assert ev["passage_id"].startswith("C25/44#")
    assert ev["passage_text"][ev["span_start"]:ev["span_end"]] == ev["text"]
    assert "C24/58" in ev["text"]
    # the human form with a language suffix names the same document
    same = client.get("/documents/C25/44-E/lineage", params={"depth": 2}).json()
    assert [i["id"] for i in same["items"]] == [i["id"] for i in body["items"]]
    assert all(e["evidence"]["passage_text"] is None for e in same["edges"]
               if e["evidence"])  # whole passages only on request
    # a revision, written with a space, and "Doc." before a symbol
    rev = client.get("/documents/C23/52 (Rev.1)/lineage", params={"direction": "both"}).json()
    assert rev["root"]["id"] == "C23/52(Rev.1)" and rev["root"]["ingested"] is False
    assert ("C23/52", "REVISES", "out") in {(i["id"], i["relation"], i["direction"])
                                           for i in rev["items"]}
    cited = client.get("/documents/Doc. C23/52/lineage", params={"direction": "in"}).json()
    assert {"CWG-FHR-20/12", "C23/52(Rev.1)"} <= {i["id"] for i in cited["items"]}
    # the plain document route is not shadowed
    assert client.get("/documents/C25/44").json()["document"]["id"] == "C25/44"


def test_lineage_in_and_pagination(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/documents/C24/58/lineage", params={"direction": "in", "depth": 2})
    items = r.json()["items"]
    assert [(i["id"], i["depth"], i["direction"]) for i in items[:1]] == [("C24/58", 0, None)]
    assert {i["id"] for i in items} >= {"C25/44", "C25/31"}
    assert all(i["direction"] == "in" for i in items[1:])
    page = client.get("/documents/C25/44/lineage",
                      params={"depth": 2, "limit": 3, "offset": 3}).json()
    whole = client.get("/documents/C25/44/lineage", params={"depth": 2}).json()
    assert [i["id"] for i in page["items"]] == [i["id"] for i in whole["items"][3:6]]


def test_bad_input_problems(client) -> None:  # type: ignore[no-untyped-def]
    assert_problem(client.get("/documents/C25/44/lineage", params={"depth": 50}), 422)
    assert_problem(client.get("/documents/C25/44/lineage", params={"types": "BOGUS"}), 422)
    assert_problem(client.get("/documents/C25/44/lineage", params={"direction": "up"}), 422)
    unknown = assert_problem(client.get("/documents/C25/444/lineage"), 404)
    assert "C25/44" in [m["id"] for m in unknown["near_matches"]]
    ambiguous = assert_problem(client.get("/entities/Rev. Bucharest, 2022/neighbors"), 409)
    ids = {c["id"] for c in ambiguous["candidates"]}
    assert {"resolution/pp-71/rev-bucharest-2022",
            "resolution/pp-130/rev-bucharest-2022"} <= ids


def test_resolution_versions_in_order(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/resolutions/Resolution 71").json()
    assert body["work"]["version"]["id"] == "resolution/pp-71"
    versions = [(v["version"]["id"], v["year"]) for v in body["versions"]]
    assert versions == [("resolution/pp-71/rev-busan-2014", 2014),
                        ("resolution/pp-71/rev-bucharest-2022", 2022)]
    assert all(v["cited_by"] for v in body["versions"])
    r191 = client.get("/resolutions/resolution/pp-191").json()
    busan = next(v for v in r191["versions"] if v["year"] == 2014)
    assert busan["conference"] == "PP"
    assert [x["node"]["id"] for x in busan["reported_on_by"]] == ["doc/004-669841f31bd2a738"]
    assert r191["work"]["instructs"]  # "instructs the Secretary-General ..."
    assert_problem(client.get("/resolutions/C25/44"), 404)  # a document is no resolution


def test_paths_between_entities_and_disconnected(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/paths", params={"from": "ICTGC", "to": "ICT Capital Fund"}).json()
    assert body["source"]["id"] == "body/ictgc"
    assert body["target"]["id"] == "initiative/ict-capital-fund"
    assert body["paths"] and all(p["length"] == 2 for p in body["paths"])
    first = body["paths"][0]["steps"]
    assert first[1]["node"]["id"] == "CWG-FHR-20/12"
    assert all(s["via"]["evidence"]["passage_id"] for s in first[1:])
    none = client.get("/paths", params={"from": "C25/44", "to": "CWG-FHR-16/6",
                                        "types": "REVISES", "max_depth": 5})
    assert none.status_code == 200 and none.json()["paths"] == []
    assert_problem(client.get("/paths", params={"from": "C25/44", "to": "C24/58",
                                                "max_depth": 50}), 422)


def test_timeline_and_neighbors(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/timeline", params={"entity": "Resolution 1405"}).json()
    assert [(i["year"], i["node"]["id"]) for i in body["items"]] == [(2024, "C24/58"),
                                                                    (2025, "C25/44")]
    later = client.get("/timeline", params={"entity": "Resolution 1405", "from": 2025}).json()
    assert [i["node"]["id"] for i in later["items"]] == ["C25/44"]
    assert_problem(client.get("/timeline"), 422)
    history = client.get("/timeline", params={"entity": "Resolution 71"}).json()
    assert [(i["year"], i["kind"], i["node"]["id"]) for i in history["items"]][:4] == [
        (2014, "event", "event/pp-14"), (2014, "version", "resolution/pp-71/rev-busan-2014"),
        (2022, "event", "event/pp-22"), (2022, "version", "resolution/pp-71/rev-bucharest-2022")]
    topic = client.get("/timeline", params={"topic": "Digital Skills"}).json()
    assert topic["subject"]["id"] == "topic/digital-skills"
    years = [i["year"] for i in topic["items"]]
    assert years == sorted(years) and years[0] == 2021
    assert {i["node"]["id"] for i in topic["items"]} >= {"doc/001-ac7a0ac9b0a8bf54", "C25/31"}
    assert all(i["relation"] == "MENTIONS" and i["edge"]["evidence"]["passage_id"]
               for i in topic["items"])
    near = client.get("/entities/ICTGC/neighbors").json()
    assert near["root"]["id"] == "body/ictgc"
    assert ("CWG-FHR-20/12", "MENTIONS") in {(i["id"], i["relation"]) for i in near["items"]}
    assert client.get("/entities/body/ictgc").status_code == 200  # not shadowed
