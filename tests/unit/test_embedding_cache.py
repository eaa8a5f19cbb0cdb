"""The embedding cache: unchanged texts are never embedded twice (a counting fake model)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ingest.embedding import CachedEmbedder, Vectors


class CountingEmbedder:
    """Deterministic 4-d vectors; counts the texts it was asked to embed."""

    name = "counting"
    dimension = 4

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.embedded.extend(texts)
        out = np.array([[len(t), t.count("a"), t.count("e"), 1.0] for t in texts],
                       dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_second_call_hits_the_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "cache.sqlite")
    first = cached.embed(["alpha", "beta", "alpha"])
    assert inner.embedded == ["alpha", "beta"]  # duplicates within a call are embedded once
    again = cached.embed(["beta", "gamma", "alpha"])
    assert inner.embedded == ["alpha", "beta", "gamma"]
    assert cached.hits == 3 and cached.misses == 3
    np.testing.assert_array_equal(again[0], first[1])
    np.testing.assert_array_equal(again[2], first[0])


def test_cache_survives_reopening_and_is_keyed_by_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cache.sqlite"
    CachedEmbedder(CountingEmbedder(), path).embed(["delta"])
    inner = CountingEmbedder()
    CachedEmbedder(inner, path).embed(["delta"])
    assert inner.embedded == []
    other = CountingEmbedder()
    other.name = "another-model"  # type: ignore[misc]
    CachedEmbedder(other, path).embed(["delta"])
    assert other.embedded == ["delta"]


def test_empty_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert CachedEmbedder(CountingEmbedder(), tmp_path / "c.sqlite").embed([]).shape == (0, 4)
