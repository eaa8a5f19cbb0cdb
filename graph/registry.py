"""Backends picked by name, imported lazily; an unknown name lists the valid ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.neo4j.config import Neo4jConfig
from graph.store import GraphStore
from ontology.errors import StoreError


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """What any backend may need; each factory takes the part it uses."""

    path: Path
    dimension: int
    neo4j: Neo4jConfig | None = None
    read_only: bool = False  # the embedded store opens its graph read-only (shared by processes)
    dense_exact_limit: int | None = None  # embedded: rows scanned exactly (None: its default)


def _embedded(config: StoreConfig) -> GraphStore:
    from graph.embedded.dense_matrix import EXACT_LIMIT
    from graph.embedded.store import EmbeddedStore

    limit = EXACT_LIMIT if config.dense_exact_limit is None else config.dense_exact_limit
    return EmbeddedStore(config.path, dimension=config.dimension, read_only=config.read_only,
                         dense_exact_limit=limit)


def _neo4j(config: StoreConfig) -> GraphStore:
    if config.neo4j is None or not config.neo4j.uri:
        raise StoreError("the neo4j backend needs a server: set NEO4J_URI (and NEO4J_USER, "
                         "NEO4J_PASSWORD, NEO4J_DATABASE)", backend="neo4j")
    from graph.neo4j.store import Neo4jStore

    return Neo4jStore(config.neo4j, dimension=config.dimension)


BACKENDS: dict[str, Callable[[StoreConfig], GraphStore]] = {
    "embedded": _embedded,
    "neo4j": _neo4j,
}


def open_store(backend: str, *, path: Path, dimension: int,
               neo4j: Neo4jConfig | None = None, read_only: bool = False,
               dense_exact_limit: int | None = None) -> GraphStore:
    try:
        factory = BACKENDS[backend]
    except KeyError:
        raise StoreError(f"unknown backend {backend!r}; valid: {', '.join(sorted(BACKENDS))}",
                         backend=backend) from None
    return factory(StoreConfig(path=path, dimension=dimension, neo4j=neo4j, read_only=read_only,
                               dense_exact_limit=dense_exact_limit))
