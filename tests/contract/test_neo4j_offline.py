"""What the Neo4j backend guarantees without a server: start-up errors that name their
cause, a write plan validated before any Cypher is sent, safe full-text input, the wiring."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from graph.neo4j import plan
from graph.neo4j import queries as q
from graph.neo4j.config import Neo4jConfig
from graph.neo4j.connect import check_version, translate
from graph.neo4j.store import Neo4jStore
from graph.registry import open_store
from graph.search import SearchFilters
from ontology.errors import StoreError, StoreUnavailableError, UnknownTermError
from ontology.records import AccessLevel, EntityRecord
from ontology.schema import default_schema
from search_api.settings import Settings
from tests.contract.corpus import DIM, doc_a

CONFIG = Neo4jConfig(uri="bolt://127.0.0.1:1", user="councilkg", password="secret")


def test_an_unreachable_server_is_named() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as caught:
        Neo4jStore(CONFIG, dimension=DIM)
    assert "unreachable" in caught.value.message and "bolt://127.0.0.1:1" in caught.value.message
    assert caught.value.detail["cause"] == "unreachable"
    assert time.monotonic() - started < 30


def test_a_malformed_uri_is_named() -> None:
    with pytest.raises(StoreError) as caught:
        Neo4jStore(Neo4jConfig(uri="http://localhost:7474"), dimension=DIM)
    assert "http://localhost:7474" in caught.value.message and "bolt://" in caught.value.message
    assert caught.value.detail["cause"] == "configuration"


def server_error(code: str, message: str) -> Exception:
    from neo4j.exceptions import Neo4jError

    return Neo4jError._hydrate_neo4j(code=code, message=message)  # as the driver builds it


def test_server_errors_name_their_cause() -> None:
    from neo4j.exceptions import AuthError, ServiceUnavailable

    auth = translate(AuthError("The client is unauthorized"), CONFIG, "connecting")
    assert auth.detail["cause"] == "authentication"
    assert "'councilkg'" in auth.message and "NEO4J_PASSWORD" in auth.message
    missing = translate(server_error("Neo.ClientError.Database.DatabaseNotFound",
                                     "Database does not exist."), CONFIG, "reading")
    assert missing.detail["cause"] == "database-not-found" and "NEO4J_DATABASE" in missing.message
    timed_out = "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
    slow = translate(server_error(timed_out, "timed out"), CONFIG, "writing C24/10")
    assert slow.detail["cause"] == "timeout" and "60 s" in slow.message
    down = translate(ServiceUnavailable("gone"), CONFIG, "searching")
    assert isinstance(down, StoreUnavailableError)
    other = translate(server_error("Neo.ClientError.Statement.SyntaxError", "bad"), CONFIG, "x")
    assert "Neo.ClientError.Statement.SyntaxError" in other.message


@pytest.mark.parametrize("version", ["5.15.0", "5.26.12", "2025.01.0", "2026.04.1"])
def test_supported_versions(version: str) -> None:
    assert check_version([{"name": "Neo4j Kernel", "versions": [version],
                           "edition": "community"}]) == version


@pytest.mark.parametrize("version", ["5.11.0", "5.14.0", "4.4.30"])
def test_too_old_versions_name_found_and_needed(version: str) -> None:
    with pytest.raises(StoreError) as caught:
        check_version([{"name": "Neo4j Kernel", "versions": [version], "edition": "enterprise"}])
    assert version in caught.value.message and "5.15 or newer" in caught.value.message
    with pytest.raises(StoreError):
        check_version([{"name": "Something else", "versions": ["9.9"]}])


class NoServer:
    """A driver that fails the test if the store tries to talk to it."""

    def session(self, **_: Any) -> Any:
        raise AssertionError("Cypher would have been sent")


def offline_store() -> Neo4jStore:
    store = Neo4jStore.__new__(Neo4jStore)
    store.config, store.dimension, store.schema = CONFIG, DIM, default_schema()
    store._driver = NoServer()  # type: ignore[assignment]
    return store


def test_unknown_terms_are_refused_before_any_cypher_is_sent() -> None:
    parsed, vectors, texts = doc_a()
    parsed.entities.append(EntityRecord("x/1", "Body) DETACH DELETE (n", "x"))
    with pytest.raises(UnknownTermError):
        offline_store().write_document(parsed, vectors, texts)
    with pytest.raises(UnknownTermError):
        plan.document_write(default_schema(), parsed, vectors, texts)


def test_a_document_write_is_planned_with_the_commit_marker_last() -> None:
    parsed, vectors, texts = doc_a()
    batches = plan.document_write(default_schema(), parsed, vectors, texts)
    assert batches[0].query == q.REMOVE_PASSAGES
    assert batches[-1].query == q.SET_CONTENT_HASH
    assert batches[-1].params == {"id": "C24/10", "hash": "hash-a1"}
    passages = next(b for b in batches if b.query == q.WRITE_PASSAGES)
    assert [r["id"] for r in passages.rows] == ["C24/10#0", "C24/10#1"]
    assert passages.rows[0]["embedding"] == pytest.approx(vectors[0].tolist())
    assert list(plan.chunks([{"i": i} for i in range(2500)], 1000)) == [
        [{"i": i} for i in range(s, min(s + 1000, 2500))] for s in (0, 1000, 2000)]
    with pytest.raises(Exception, match="passages but"):
        plan.document_write(default_schema(), parsed, np.zeros((1, DIM), np.float32), texts)


def test_full_text_input_cannot_carry_lucene_syntax() -> None:
    assert plan.lucene_terms('Budget AND "approved" OR title:(x~2) -cyber* [a TO b] \\ /re/') \
        == "budget and approved or title x 2 cyber a to b re"
    assert plan.lucene_terms("?!* :: ()") == ""
    assert len(plan.lucene_terms(" ".join(f"w{i}" for i in range(2000))).split()) == \
        plan.MAX_TERMS


def test_vector_search_over_fetches_only_when_a_filter_applies() -> None:
    everything = AccessLevel.RESTRICTED
    assert plan.vector_fetch(20, SearchFilters(clearance=everything)) == 20
    assert plan.vector_fetch(20, SearchFilters(year_from=2024, clearance=everything)) == 200
    assert plan.vector_fetch(5000, SearchFilters(year_to=2024)) == plan.MAX_FETCH
    assert plan.vector_fetch(20, SearchFilters()) == 200  # public clearance filters too


def test_the_registry_and_settings_choose_neo4j(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Any) -> None:
    with pytest.raises(StoreError, match="NEO4J_URI"):
        open_store("neo4j", path=tmp_path, dimension=DIM)
    with pytest.raises(StoreError, match="embedded, neo4j"):
        open_store("neo5j", path=tmp_path, dimension=DIM)
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    assert Settings().neo4j() is None
    monkeypatch.setenv("COUNCILKG_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example:7687")
    monkeypatch.setenv("NEO4J_USER", "kg")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw")
    monkeypatch.setenv("NEO4J_DATABASE", "council")
    settings = Settings()
    assert settings.backend == "neo4j"
    assert settings.neo4j() == Neo4jConfig(uri="neo4j://db.example:7687", user="kg",
                                           password="pw", database="council")
    assert "pw" not in repr(settings) and "pw" not in repr(settings.neo4j())
