"""The in-memory dense index: exact scan up to a size, sign bits + exact rescoring above."""

from __future__ import annotations

import numpy as np

from graph.embedded.dense_matrix import DenseMatrix, hamming, sign_bits
from graph.search import SearchFilters
from ontology.records import AccessLevel


def clustered(n: int, dimension: int = 384, seed: int = 0) -> np.ndarray:
    """Unit vectors around 200 topics: neighbours are near, as with sentence embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((200, dimension))
    rows = centres[rng.integers(0, 200, n)] + 0.6 * rng.standard_normal((n, dimension))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def matrix_of(vectors: np.ndarray, *, exact_limit: int) -> DenseMatrix:
    n = len(vectors)
    columns = {"id": [f"p{i}" for i in range(n)],
               "document_id": [f"d{i % 50}" for i in range(n)],
               "year": [2000 + i % 20 for i in range(n)],
               "access_level": ["public" if i % 3 else "restricted" for i in range(n)]}
    return DenseMatrix(1, vectors, columns, exact_limit=exact_limit)


def test_sign_bits_pack_one_bit_per_dimension() -> None:
    v = np.array([[1.0, -1.0] * 192, [-0.5] * 384], dtype=np.float32)
    bits = sign_bits(v)
    assert bits.shape == (6, 2) and bits.dtype == np.uint64  # words x vectors
    assert int(np.bitwise_count(bits[:, 0]).sum()) == 192 and int(bits[:, 1].sum()) == 0
    odd = sign_bits(np.ones((1, 10), dtype=np.float32))  # padded to a whole word
    assert odd.shape == (1, 1) and int(np.bitwise_count(odd).sum()) == 10
    assert list(hamming(bits, sign_bits(v[1:]))) == [192, 0]
    assert list(hamming(bits, sign_bits(-v[1:]))) == [192, 384]


def test_small_matrices_are_scanned_exactly() -> None:
    vectors = clustered(3000)
    dense = matrix_of(vectors, exact_limit=20_000)
    assert dense.bits is None
    query = vectors[7] + 0.1
    rows, scores = dense.nearest(query, 10)
    expected = np.argsort(-(vectors @ (query / np.linalg.norm(query))), kind="stable")[:10]
    assert list(rows) == list(expected)
    assert np.all(np.diff(scores) <= 0)


def test_bits_then_rescoring_keeps_nearly_every_exact_neighbour() -> None:
    vectors = clustered(30_000)
    approximate = matrix_of(vectors, exact_limit=1_000)
    exact = matrix_of(vectors, exact_limit=10**9)
    assert approximate.bits is not None
    rng = np.random.default_rng(1)
    recalls = []
    for i in rng.integers(0, len(vectors), 20):
        query = vectors[i] + 0.05 * rng.standard_normal(vectors.shape[1]).astype(np.float32)
        want = set(exact.nearest(query, 50)[0].tolist())
        got, scores = approximate.nearest(query, 50)
        assert np.all(np.diff(scores) <= 0)  # rescored exactly, best first
        recalls.append(len(want & set(got.tolist())) / 50)
    assert np.mean(recalls) >= 0.95, recalls


def test_filters_hold_on_both_paths() -> None:
    vectors = clustered(30_000)
    for limit in (1_000, 10**9):
        dense = matrix_of(vectors, exact_limit=limit)
        public = dense.search(  # the default clearance is public
            vectors[3], 50, SearchFilters(year_from=2010))
        assert len(public) == 50
        assert all(r["access_level"] == "public" and r["year"] >= 2010 for r in public)
        everything = SearchFilters(clearance=AccessLevel.RESTRICTED)
        assert any(r["access_level"] == "restricted"
                   for r in dense.search(vectors[3], 50, everything))
        one = dense.search(vectors[3], 50, everything, documents=frozenset({"d3"}))
        assert {r["document_id"] for r in one} == {"d3"} and len(one) == 50
        assert dense.search(vectors[3], 5, everything, documents=frozenset()) == []
