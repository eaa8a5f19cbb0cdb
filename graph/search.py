"""Search described as data: the request, its mode, and rank fusion.

Both stores accept a :class:`SearchRequest`; the query vector is computed by
the caller (the application layer owns the embedding model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ontology.errors import InvalidRequestError

MAX_K = 100
MAX_QUERY_CHARS = 2000


class SearchMode(StrEnum):
    BM25 = "bm25"
    DENSE = "dense"
    HYBRID = "hybrid"


@dataclass(frozen=True, slots=True)
class SearchFilters:
    document: str | None = None  # document id/symbol
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True, slots=True)
class FusionConfig:
    """Reciprocal rank fusion: score = sum(weight / (rrf_k + rank))."""

    rrf_k: int = 60
    bm25_weight: float = 1.0
    dense_weight: float = 1.0
    candidates: int = 50  # per retriever, before fusion


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str
    k: int = 10
    mode: SearchMode = SearchMode.HYBRID
    filters: SearchFilters = field(default_factory=SearchFilters)
    fusion: FusionConfig = field(default_factory=FusionConfig)

    def __post_init__(self) -> None:
        if not self.query or not self.query.strip():
            raise InvalidRequestError("query must not be empty", field="q")
        if len(self.query) > MAX_QUERY_CHARS:
            raise InvalidRequestError(
                f"query has {len(self.query)} characters; the limit is {MAX_QUERY_CHARS}",
                field="q", limit=MAX_QUERY_CHARS)
        if not 1 <= self.k <= MAX_K:
            raise InvalidRequestError(f"k must be between 1 and {MAX_K}, got {self.k}",
                                      field="k", limit=MAX_K)
        f = self.filters
        if f.year_from is not None and f.year_to is not None and f.year_from > f.year_to:
            raise InvalidRequestError("year_from is after year_to", field="year_from")


def reciprocal_rank_fusion(rankings: Sequence[tuple[Sequence[str], float]],
                           rrf_k: int) -> list[tuple[str, float]]:
    """Fuse ranked id lists, each with a weight; best first, ties broken by id."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, ident in enumerate(ids, start=1):
            scores[ident] = scores.get(ident, 0.0) + weight / (rrf_k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
