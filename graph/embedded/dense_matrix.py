"""Every passage vector of the LanceDB table in one normalised matrix, for exact search."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graph.search import SearchFilters


class DenseMatrix:
    """Rows as loaded at one table version: unit vectors plus the columns a hit needs."""

    def __init__(self, version: int, matrix: npt.NDArray[np.float32],
                 columns: dict[str, list[Any]]) -> None:
        self.version = version
        self.matrix = matrix
        self.columns = columns
        self.document_ids = np.asarray(columns["document_id"], dtype=object)
        self.years = np.asarray([-1 if y is None else y for y in columns["year"]],
                                dtype=np.int64)
        self.public = np.asarray([a == "public" for a in columns["access_level"]], dtype=bool)

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    @classmethod
    def load(cls, table: Any, version: int, names: list[str]) -> DenseMatrix:
        data = table.to_arrow()
        vectors = data.column("vector").combine_chunks()
        dimension = vectors.type.list_size
        matrix = np.asarray(vectors.values.to_numpy(zero_copy_only=False),
                            dtype=np.float32).reshape(-1, dimension)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        unit = (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        columns = {name: data.column(name).to_pylist() for name in names}
        return cls(version, np.ascontiguousarray(unit), columns)

    def _mask(self, filters: SearchFilters,
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

    def search(self, vector: npt.NDArray[np.float32], limit: int, filters: SearchFilters,
               documents: frozenset[str] | None = None) -> list[dict[str, Any]]:
        norm = float(np.linalg.norm(vector)) or 1.0
        scores = self.matrix @ (np.asarray(vector, dtype=np.float32) / norm)
        mask = self._mask(filters, documents)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        limit = min(limit, len(scores))
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [{**{name: values[i] for name, values in self.columns.items()},
                 "_distance": 1.0 - float(scores[i])}
                for i in top if np.isfinite(scores[i])]
