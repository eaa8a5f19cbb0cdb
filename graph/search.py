"""Search described as data: the request, its mode, and rank fusion.

Both stores accept a :class:`SearchRequest`; the query vector is computed by
the caller (the application layer owns the embedding model).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from ontology.errors import InvalidRequestError
from ontology.records import AccessLevel

MAX_K = 100
MAX_QUERY_CHARS = 2000


class SearchMode(StrEnum):
    BM25 = "bm25"
    DENSE = "dense"
    HYBRID = "hybrid"


#: the query vector, or a function that gives it (called at most once, when dense retrieval
#: needs it: a caller can encode the query while the store runs BM25)
QueryVector = npt.NDArray[np.float32] | Callable[[], npt.NDArray[np.float32] | None] | None


def resolve_vector(vector: QueryVector) -> npt.NDArray[np.float32] | None:
    return vector() if callable(vector) else vector

@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Candidates are filtered by these *before* each retriever's top-k, so a filtered-out
    passage never takes the place of one the caller may see. ``clearance`` is the caller's:
    public (the fail-safe default) keeps passages of public documents only."""

    document: str | None = None  # document id/symbol
    year_from: int | None = None
    year_to: int | None = None
    body: str | None = None  # id of the body documents are submitted to (body/council)
    document_type: str | None = None  # CouncilDocument | Report | InformationDocument
    clearance: AccessLevel = AccessLevel.PUBLIC

    def on_documents(self) -> bool:
        """Whether a filter reads document metadata beyond id and year (a store then
        narrows the candidate documents before retrieval)."""
        return self.body is not None or self.document_type is not None

    def admits(self, body: str | None, document_type: str | None) -> bool:
        """Whether a document with this body and type passes the metadata filters."""
        return ((self.body is None or body == self.body)
                and (self.document_type is None or document_type == self.document_type))

    @property
    def public_only(self) -> bool:
        return self.clearance is not AccessLevel.RESTRICTED


@dataclass(frozen=True, slots=True)
class FusionConfig:
    """Reciprocal rank fusion: score = sum(weight / (rrf_k + rank)), then BM25's lead.

    Defaults chosen with ``councilkg eval search`` over the shared and the sample question
    sets (see README, "Search quality"): a small ``rrf_k`` lets a retriever's first hits
    count, and BM25 outweighs the small dense model on ITU's symbol- and acronym-heavy text.
    ``bm25_lead``: when BM25's first hit scores more than this fraction of its own score above
    BM25's second ((s1 - s2) / s1 > 0.15), BM25 is sure and that hit stays first in the fused
    ranking; otherwise the fused order stands (1 turns it off). Measured on the suite's store
    (hybrid MRR@10 / R@1, development / samples / held-out sets): .860/.781, .775/.700,
    .815/.700, mean .817, against .860/.781, .775/.700, .765/.600 (mean .800) without it, so
    hybrid no longer trails BM25 (.792, .704, .802) on any set; any lead from .10 to .20 passes.
    ``entity_weight`` adds a third ranking: the fused candidates that mention entities
    recognised in the question, most matched first. ``evidence_weight`` adds the passages
    that evidence the relation the question asks about ("who chairs ICTGC": the passage
    the CHAIRED_BY edge of ICTGC was read from), when they are among the candidates."""

    rrf_k: int = 5
    bm25_weight: float = 2.0
    dense_weight: float = 1.0
    bm25_lead: float = 0.15
    entity_weight: float = 0.0
    evidence_weight: float = 1.0
    candidates: int = 50  # per retriever, before fusion


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str
    k: int = 10
    mode: SearchMode = SearchMode.HYBRID
    filters: SearchFilters = field(default_factory=SearchFilters)
    fusion: FusionConfig = field(default_factory=FusionConfig)
    #: other names of what the question names (acronym <-> long form), for keyword search only
    expansions: tuple[str, ...] = ()
    #: ids of the entities recognised in the question (see ``FusionConfig.entity_weight``)
    entities: tuple[str, ...] = ()
    #: passages evidencing the relations the question asks about, best first
    evidence: tuple[str, ...] = ()

    @property
    def keyword_query(self) -> str:
        return " ".join((self.query, *self.expansions))

    @property
    def dense_query(self) -> str:
        """What the query vector encodes: the question plus the other name of each acronym
        or long form it names, as for BM25 (the model cannot tie "ORMS" to what it stands
        for; measured: dense MRR@10 +.065 on the held-out shared set, +.016 on the samples)."""
        return self.keyword_query

    @property
    def candidate_limit(self) -> int:
        """How many candidates each retriever returns before fusion."""
        return max(self.fusion.candidates, self.k * 2)

    def check_vector(self, query_vector: object | None) -> None:
        """Dense and hybrid modes need the query vector (the caller embeds the query)."""
        if self.mode is not SearchMode.BM25 and query_vector is None:
            raise InvalidRequestError(f"{self.mode.value} search needs a query vector")

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


def bm25_leader(bm25: Sequence[tuple[str, float]], lead: float) -> str | None:
    """BM25's first hit when it scores more than ``lead`` of its own score above the second
    (a missing second scores 0): a keyword match BM25 is sure of, such as a symbol or an
    acronym the dense model cannot place; None otherwise, and always for ``lead`` >= 1."""
    if not bm25 or lead >= 1:
        return None
    first = bm25[0][1]
    second = bm25[1][1] if len(bm25) > 1 else 0.0
    if first <= 0 or (first - second) / first <= lead:
        return None
    return bm25[0][0]


def keep_first(ranked: list[tuple[str, float]], leader: str | None) -> list[tuple[str, float]]:
    """``ranked`` with ``leader`` moved first (scored as the former first), if it is in it."""
    if leader is None or not ranked or ranked[0][0] == leader:
        return ranked
    top = ranked[0][1]
    rest = [(pid, score) for pid, score in ranked if pid != leader]
    if len(rest) == len(ranked):
        return ranked
    return [(leader, top), *rest]


def fuse(request: SearchRequest, bm25: Sequence[tuple[str, float]],
         dense: Sequence[tuple[str, float]],
         mentioned: Callable[[list[str]], Mapping[str, Iterable[str]]]
         ) -> list[tuple[str, float]]:
    """The ranking both stores serve: one retriever's scores, or the fused ranks; in hybrid
    mode BM25's first hit kept first when it leads clearly (``FusionConfig.bm25_lead``), then
    the entity and relation-evidence rankings when the question gives them.
    ``mentioned`` maps passage ids to the ids of the entities they mention (a graph read,
    done only when needed)."""
    fusion = request.fusion
    if request.mode is SearchMode.BM25:
        ranked = list(bm25)
    elif request.mode is SearchMode.DENSE:
        ranked = list(dense)
    else:
        ranked = reciprocal_rank_fusion(
            [([pid for pid, _ in bm25], fusion.bm25_weight),
             ([pid for pid, _ in dense], fusion.dense_weight)], fusion.rrf_k)
        ranked = keep_first(ranked, bm25_leader(bm25, fusion.bm25_lead))
    if request.mode is not SearchMode.HYBRID or not ranked:
        return ranked  # the single-retriever modes stay pure (for comparison)
    pool = [pid for pid, _ in ranked[:fusion.candidates]]
    boosts: list[tuple[Sequence[str], float]] = []
    if request.entities and fusion.entity_weight > 0:
        wanted = set(request.entities)
        found = mentioned(pool)
        matched = {pid: len(wanted & set(found.get(pid, ()))) for pid in pool}
        boosted = sorted((pid for pid in pool if matched[pid]), key=lambda p: -matched[p])
        boosts.append((boosted, fusion.entity_weight))
    if request.evidence and fusion.evidence_weight > 0:
        candidates = set(pool)
        boosts.append(([pid for pid in request.evidence if pid in candidates],
                       fusion.evidence_weight))
    if not boosts:
        return ranked
    return reciprocal_rank_fusion([(pool, 1.0), *boosts], fusion.rrf_k)
