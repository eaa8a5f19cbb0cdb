"""The ``store`` fixture: every contract test runs on each backend.

The embedded store always runs (a fresh one per test, in a temp dir). The Neo4j
store runs when ``NEO4J_URI`` is set, against ``NEO4J_DATABASE`` (emptied before
each test: point it at a throwaway server such as the docker-compose one);
otherwise its cases are reported as SKIPPED with the reason, never dropped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.neo4j.config import Neo4jConfig
from graph.store import GraphStore
from ontology.schema import default_schema
from tests.contract.corpus import DIM

BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]
NO_NEO4J = ("NEO4J_URI not set: start Neo4j 5 (see README) and export "
            "NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD to run these cases")


def neo4j_config() -> Neo4jConfig | None:
    """The only place the contract tests read the environment."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return Neo4jConfig(uri=uri, user=os.environ.get("NEO4J_USER", "neo4j"),
                       password=os.environ.get("NEO4J_PASSWORD", ""),
                       database=os.environ.get("NEO4J_DATABASE", "neo4j"))


@pytest.fixture(scope="session")
def neo4j_store() -> Iterator[Any]:
    config = neo4j_config()
    if config is None:
        pytest.skip(NO_NEO4J)
    from graph.neo4j.store import Neo4jStore

    store = Neo4jStore(config, dimension=DIM)
    foreign = set(store.labels_in_use()) - set(default_schema().nodes)
    if foreign:
        store.close()
        pytest.fail(f"{config.uri} database {config.database!r} holds labels outside the "
                    f"ontology ({sorted(foreign)}): the contract suite empties the database "
                    "it runs on, so give it a throwaway one")
    yield store
    store.close()


def open_backend(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> GraphStore:
    if name == "embedded":
        from graph.embedded.store import EmbeddedStore

        return EmbeddedStore(tmp_path / "store", dimension=DIM)
    store: GraphStore = request.getfixturevalue("neo4j_store")
    store.delete_everything()  # type: ignore[attr-defined]
    return store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    opened = open_backend(request.param, tmp_path, request)
    yield opened
    if request.param == "embedded":
        opened.close()


@pytest.fixture
def embedded_source(tmp_path: Path) -> Iterator[GraphStore]:
    """A second, embedded store (the source of migrations)."""
    from graph.embedded.store import EmbeddedStore

    source = EmbeddedStore(tmp_path / "source", dimension=DIM)
    yield source
    source.close()
