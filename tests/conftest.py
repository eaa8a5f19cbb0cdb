"""Shared fixtures: the real embedding model, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"


def shared_dir(*parts: str) -> Path:
    """A path under ../shared; skipped (saying why) only outside CI, failed in CI."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"{path} is absent: the real Council documents live beside the checkout"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI must provide ../shared)")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from ingest.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()
