"""Backends picked by name, imported lazily; an unknown name lists the valid ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.store import GraphStore
from ontology.errors import StoreError


def _embedded(path: Path, dimension: int) -> GraphStore:
    from graph.embedded.store import EmbeddedStore

    return EmbeddedStore(path, dimension=dimension)


BACKENDS: dict[str, Callable[[Path, int], GraphStore]] = {"embedded": _embedded}


def open_store(backend: str, *, path: Path, dimension: int) -> GraphStore:
    try:
        factory = BACKENDS[backend]
    except KeyError:
        raise StoreError(f"unknown backend {backend!r}; valid: {', '.join(sorted(BACKENDS))}",
                         backend=backend) from None
    return factory(path, dimension)
