"""``councilkg migrate``: copy a store into another backend, vectors included.

Both stores are opened from the one :class:`Settings` (the embedded store at
``COUNCILKG_STORE``, Neo4j at ``NEO4J_URI``); nothing is re-embedded, the model
is loaded only to learn the vector dimension both stores must agree on.
"""

from __future__ import annotations

from collections.abc import Callable

from graph.migration import MigrationReport, migrate
from graph.registry import BACKENDS, open_store
from ingest.embedding import SentenceTransformerEmbedder
from ontology.errors import InvalidRequestError, StoreError
from search_api.settings import Settings


def check_backends(settings: Settings, source: str, target: str) -> None:
    """Refuse a pointless or impossible migration before anything is opened or loaded."""
    for name in (source, target):
        if name not in BACKENDS:
            raise StoreError(f"unknown backend {name!r}; valid: {', '.join(sorted(BACKENDS))}",
                             backend=name)
    if source == target:
        raise InvalidRequestError(f"--from and --to are both {source!r}: nothing to migrate",
                                  field="to")
    if "neo4j" in (source, target) and settings.neo4j() is None:
        raise StoreError("the neo4j backend needs a server: set NEO4J_URI (and NEO4J_USER, "
                         "NEO4J_PASSWORD, NEO4J_DATABASE)", backend="neo4j")


def migrate_backends(settings: Settings, *, source: str, target: str,
                     progress: Callable[[str], None] | None = None) -> MigrationReport:
    check_backends(settings, source, target)
    dimension = SentenceTransformerEmbedder(settings.model).dimension
    src = open_store(source, path=settings.store, dimension=dimension, neo4j=settings.neo4j())
    try:
        dst = open_store(target, path=settings.store, dimension=dimension,
                         neo4j=settings.neo4j())
        try:
            return migrate(src, dst, progress)
        finally:
            dst.close()
    finally:
        src.close()
