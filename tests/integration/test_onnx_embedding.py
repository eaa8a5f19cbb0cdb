"""Queries are encoded by an ONNX export of the real model: the same vectors as torch."""

from __future__ import annotations

import numpy as np
import pytest

from ingest import onnx_embedding
from ingest.onnx_embedding import OnnxEmbedder, onnx_embedder

TEXTS = ["Who chairs the ICT governance committee?", "C23/52", "x",
         "Resolution 71 (Rev. Bucharest, 2022) on the strategic plan of the Union " * 40,
         "Partner2Connect and DT-I: what did the Council decide on the initiatives?"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("onnx-cache")


def test_vectors_match_torch_one_by_one_and_batched(embedder, cache) -> None:  # type: ignore[no-untyped-def]
    twin = onnx_embedder(embedder, cache=cache)
    assert isinstance(twin, OnnxEmbedder)
    assert twin.name == embedder.name and twin.dimension == embedder.dimension
    reference = embedder.embed(TEXTS)
    batched = twin.embed(TEXTS)  # padded to the longest (truncated) text
    singles = np.vstack([twin.embed([t]) for t in TEXTS])
    for got in (batched, singles):
        assert got.shape == reference.shape and got.dtype == np.float32
        assert np.min(np.sum(got * reference, axis=1)) > 0.9999
        assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert twin.embed([]).shape == (0, embedder.dimension)


def test_export_is_reused_and_a_damaged_file_is_exported_again(embedder, cache) -> None:  # type: ignore[no-untyped-def]
    first = onnx_embedder(embedder, cache=cache)
    assert first is not None
    stamp = first.path.stat().st_mtime_ns
    again = onnx_embedder(embedder, cache=cache)
    assert again is not None and again.path == first.path
    assert again.path.stat().st_mtime_ns == stamp  # loaded, not exported again
    first.path.write_bytes(b"not an onnx model")
    mended = onnx_embedder(embedder, cache=cache)
    assert mended is not None
    assert float(mended.embed(["C23/52"])[0] @ embedder.embed(["C23/52"])[0]) > 0.9999
    assert list(cache.glob("*.part")) == []


def test_disagreeing_export_falls_back_to_torch(embedder, cache, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(onnx_embedding, "MIN_AGREEMENT", 1.5)  # no export can reach it
    assert onnx_embedder(embedder, cache=cache) is None
    assert "disagrees with torch" in caplog.text


def test_the_service_encodes_queries_with_onnx_by_default(tmp_path, embedder, cache) -> None:  # type: ignore[no-untyped-def]
    from graph.registry import open_store
    from search_api.query_batching import CoalescingEmbedder
    from search_api.service import CouncilKG
    from search_api.settings import Settings

    for runtime, expected in (("onnx", OnnxEmbedder), ("torch", type(embedder))):
        settings = Settings(store=tmp_path / runtime, query_runtime=runtime, model_cache=cache)
        store = open_store("embedded", path=settings.store, dimension=embedder.dimension)
        kg = CouncilKG(settings, store, embedder)
        try:
            queries = kg.embedder_for_queries
            assert isinstance(queries, CoalescingEmbedder)
            assert isinstance(queries.inner, expected)
        finally:
            kg.close()
