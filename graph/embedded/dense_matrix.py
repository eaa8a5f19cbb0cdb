"""Every passage vector of the LanceDB table in one normalised matrix, searched in memory.

Up to ``exact_limit`` admitted rows the scan is exact: one matrix-vector product. Above
it, a pass over one sign bit per dimension picks candidates and only they are scored
exactly ("binary quantisation + rescoring"): at 100k passages of 384 dimensions the exact
product reads 150 MB per query (~15 ms here, the bandwidth of the machine), the bits
4.6 MB. The candidates are the rows nearest in Hamming distance, ``rescore`` of them or
4% of the admitted rows if more: measured with ``bench/dense_recall.py`` on 12,614
passages of real model vectors and 362 queries, recall of the exact top 10 / top 50 is
.917 / .837 with 1.6% of the rows rescored, .952 / .909 with 3.2%, .979 / .965 with 8%;
on 106,000 synthetic passages with model vectors .931 / .963 at 4% (2.8 ms a query, the
exact scan 8.6 ms). Filters apply before either stage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graph.search import SearchFilters

EXACT_LIMIT = 20_000  # rows; below this an exact scan costs ~3 ms
RESCORE = 2_000  # at least this many candidates ...
RESCORE_SHARE = 0.04  # ... or this share of the rows, whichever is more
RESCORE_PER_HIT = 4  # the pool is never smaller than this many rows per requested hit


def sign_bits(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.uint64]:
    """One bit per dimension (set when positive), packed into 64-bit words: one row of
    words per 64 dimensions, one column per vector (each word row is contiguous, so the
    distance pass runs over long contiguous arrays)."""
    packed = np.packbits(matrix > 0, axis=1)
    pad = (-packed.shape[1]) % 8
    if pad:
        packed = np.pad(packed, ((0, 0), (0, pad)))
    return np.ascontiguousarray(np.ascontiguousarray(packed).view(np.uint64).T)


def hamming(bits: npt.NDArray[np.uint64], query: npt.NDArray[np.uint64]
            ) -> npt.NDArray[np.uint16]:
    """Bits that differ between each column of ``bits`` and the one column of ``query``."""
    distance = np.zeros(bits.shape[1], dtype=np.uint16)
    for word, wanted in zip(bits, query[:, 0], strict=True):
        distance += np.bitwise_count(word ^ wanted)
    return distance


class DenseMatrix:
    """Rows as loaded at one table version: unit vectors plus the columns a hit needs."""

    def __init__(self, version: int, matrix: npt.NDArray[np.float32],
                 columns: dict[str, list[Any]], *, exact_limit: int = EXACT_LIMIT,
                 rescore: int = RESCORE, rescore_share: float = RESCORE_SHARE) -> None:
        self.version = version
        self.matrix = matrix
        self.columns = columns
        self.exact_limit = exact_limit
        self.rescore = rescore
        self.rescore_share = rescore_share
        self.bits = sign_bits(matrix) if len(matrix) > exact_limit else None
        self.document_ids = np.asarray(columns["document_id"], dtype=object)
        self.years = np.asarray([-1 if y is None else y for y in columns["year"]],
                                dtype=np.int64)
        self.public = np.asarray([a == "public" for a in columns["access_level"]], dtype=bool)

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    @classmethod
    def from_arrow(cls, data: Any, version: int, names: list[str], *,
                   exact_limit: int = EXACT_LIMIT) -> DenseMatrix:
        """From a pyarrow table of the passages: its ``vector`` and the ``names`` columns."""
        vectors = data.column("vector").combine_chunks()
        dimension = vectors.type.list_size
        matrix = np.asarray(vectors.values.to_numpy(zero_copy_only=False),
                            dtype=np.float32).reshape(-1, dimension)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        unit = (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        columns = {name: data.column(name).to_pylist() for name in names}
        return cls(version, np.ascontiguousarray(unit), columns, exact_limit=exact_limit)

    def mask(self, filters: SearchFilters,
              documents: frozenset[str] | None = None) -> npt.NDArray[np.bool_] | None:
        mask: npt.NDArray[np.bool_] | None = None

        def both(m: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
            return m if mask is None else mask & m

        if documents is not None:
            mask = both(np.isin(self.document_ids, list(documents)))
        if filters.document:
            mask = both(self.document_ids == filters.document)
        # a passage without a year fails any year bound, as NULL does in SQL
        if filters.year_from is not None:
            mask = both(self.years >= filters.year_from)
        if filters.year_to is not None:
            mask = both((self.years <= filters.year_to) & (self.years >= 0))
        if filters.public_only:
            mask = both(self.public)
        return mask

    def nearest(self, vector: npt.NDArray[np.float32], limit: int,
                mask: npt.NDArray[np.bool_] | None = None
                ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """Row numbers and cosines of the ``limit`` nearest admitted rows, best first."""
        query = np.asarray(vector, dtype=np.float32)
        query = query / (float(np.linalg.norm(query)) or 1.0)
        rows = None if mask is None else np.flatnonzero(mask)
        admitted = len(self) if rows is None else len(rows)
        pool = max(self.rescore, int(self.rescore_share * admitted), RESCORE_PER_HIT * limit)
        candidates: npt.NDArray[np.intp] | None = rows  # exact: every admitted row
        if self.bits is not None and admitted > max(self.exact_limit, pool):
            candidates = self._by_bits(query, pool, mask)
        if mask is not None and candidates is rows and admitted > len(self) // 2:
            # most rows admitted: one product and the rest masked beats copying them out
            scores = np.where(mask, self.matrix @ query, -np.inf).astype(np.float32)
            candidates = None
            limit = min(limit, admitted)
        else:
            scores = (self.matrix @ query if candidates is None
                      else self.matrix[candidates] @ query)
        limit = min(limit, len(scores))
        if limit <= 0:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float32)
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        found = top if candidates is None else candidates[top]
        return found, scores[top]

    def _by_bits(self, query: npt.NDArray[np.float32], pool: int,
                 mask: npt.NDArray[np.bool_] | None) -> npt.NDArray[np.intp]:
        """The ``pool`` admitted rows whose sign bits differ least from the query's."""
        assert self.bits is not None
        distance = hamming(self.bits, sign_bits(query[None, :]))
        if mask is not None:
            distance[~mask] = np.iinfo(np.uint16).max
        return np.argpartition(distance, pool - 1)[:pool]

    def row(self, i: int) -> dict[str, Any]:
        return {name: values[i] for name, values in self.columns.items()}

    def search(self, vector: npt.NDArray[np.float32], limit: int, filters: SearchFilters,
               documents: frozenset[str] | None = None) -> list[dict[str, Any]]:
        rows, scores = self.nearest(vector, limit, self.mask(filters, documents))
        return [{**self.row(i), "_distance": 1.0 - float(score)}
                for i, score in zip(rows, scores, strict=True)]
