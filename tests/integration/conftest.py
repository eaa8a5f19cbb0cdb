"""A real embedded store with ../shared/corpus and the sample corpus ingested once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.embedding import CachedEmbedder
from search_api.service import CouncilKG, IngestOutcome
from search_api.settings import Settings
from tests.conftest import SAMPLES, shared_dir


def open_kg(store: Path, embedder) -> CouncilKG:  # type: ignore[no-untyped-def]
    from graph.registry import open_store

    settings = Settings(store=store)
    cached = CachedEmbedder(embedder, store / "embedding-cache.sqlite")
    return CouncilKG(settings, open_store("embedded", path=store, dimension=cached.dimension),
                     cached)


@pytest.fixture(scope="session")
def corpus_kg(tmp_path_factory, embedder) -> Iterator[tuple[CouncilKG, list[IngestOutcome]]]:  # type: ignore[no-untyped-def]
    store = tmp_path_factory.mktemp("corpus") / "store"
    kg = open_kg(store, embedder)
    outcomes = kg.ingest([shared_dir("corpus"), SAMPLES / "corpus"])
    yield kg, outcomes
    kg.close()


@pytest.fixture(scope="session")
def kg(corpus_kg) -> CouncilKG:  # type: ignore[no-untyped-def]
    return corpus_kg[0]


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Say where the explorer's browser tests left their screenshots."""
    from tests.integration.browser import TAKEN

    if TAKEN:
        terminalreporter.write_line(f"explorer screenshots ({len(TAKEN)}): "
                                    f"{TAKEN[0].parent}")
def key_for(kg: CouncilKG, *, scope: str = "write", clearance: str = "restricted") -> str:
    """A real key, created in the store's key file."""
    from search_api.keys import KEYS_FILE, KeyStore

    keys = KeyStore(kg.settings.store / KEYS_FILE)
    _, key = keys.create(scope=scope, clearance=clearance, name="tests")
    keys.close()
    return key


def authorized(kg: CouncilKG, *, scope: str = "write", clearance: str = "restricted"):  # type: ignore[no-untyped-def]
    """A client of the real app that sends a real key (created in the store's key file)."""
    from fastapi.testclient import TestClient

    from search_api.api import create_app

    return TestClient(create_app(kg=kg),
                      headers={"X-API-Key": key_for(kg, scope=scope, clearance=clearance)})
