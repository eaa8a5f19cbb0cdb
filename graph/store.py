"""The storage seam: the :class:`GraphStore` protocol and the views it returns.

Backends live beside this module (``graph.embedded``, later ``graph.neo4j``)
and never import each other; ``graph.registry`` picks one by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from graph.search import QueryVector, SearchRequest
from ontology.records import DocumentRecord, EntityRecord, ParsedDocument, PassageRecord

if TYPE_CHECKING:
    from graph.access import AccessIndex


@dataclass(frozen=True, slots=True)
class EntityRef:
    id: str
    type: str
    name: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    rank: int
    score: float
    passage: PassageRecord
    document: DocumentRecord
    entities: tuple[EntityRef, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """One edge seen from a node: the other end and the evidence."""

    type: str
    direction: str  # "out" | "in"
    node: EntityRef
    passage_id: str | None = None
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentView:
    document: DocumentRecord
    passages: int
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class MentionView:
    passage_id: str
    document_id: str
    text: str


@dataclass(frozen=True, slots=True)
class EntityView:
    entity: EntityRecord
    links: tuple[Link, ...]
    mentions: tuple[MentionView, ...]


@dataclass(frozen=True, slots=True)
class EntityLinks:
    """An entity's links without its mentions: what relation-aware search and /ask's facts
    need. Reading mentions matches and sorts every mention edge of the entity (thousands for
    a frequent one) before keeping 50. ``type`` is the entity's label, which access control
    needs to judge the entity's own evidence-less edges (``graph.access``)."""

    type: str
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class NodeData:
    """A stored node as plain data: its label and its stored columns (``id`` included).

    Passages also carry ``text`` and ``document_id`` (from the passage index)."""

    label: str
    properties: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EdgeData:
    type: str
    source: str
    target: str
    properties: dict[str, Any]


@dataclass(frozen=True, slots=True)
class GraphDump:
    """Everything (or one document's neighbourhood), for RDF export and migration."""

    nodes: list[NodeData]
    edges: list[EdgeData]


@dataclass(frozen=True, slots=True)
class StoreStats:
    backend: str
    documents: int
    cited_only_documents: int
    passages: int
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """A node as lineage sees it; document fields are None for other labels.

    ``ingested`` is None for non-documents and False for a document known only
    because something cites it (not ingested yet)."""

    id: str
    label: str
    name: str
    aliases: tuple[str, ...] = ()
    ingested: bool | None = None
    symbol: str | None = None
    title: str | None = None
    date: str | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Hop:
    """One stored edge with its evidence. ``MENTIONS`` hops run document -> entity (a
    passage of the document mentions it) and carry that passage as evidence."""

    type: str
    source: str
    target: str
    passage_id: str | None = None
    evidence: str | None = None
    span_start: int | None = None
    span_end: int | None = None
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class EdgeRow:
    """A stored edge with both ends' labels and its evidence passage (None when it has
    none: REVISES, PART_OF): what access control reasons about."""

    type: str
    source: str
    source_label: str
    target: str
    target_label: str
    passage: str | None = None


class GraphStore(Protocol):
    """Documents, passages (with vectors) and the entity graph, behind one interface."""

    backend: str

    def document_hash(self, document_id: str) -> str | None:
        """Content hash of an ingested document (its commit marker), else None."""

    def write_document(self, parsed: ParsedDocument, vectors: npt.NDArray[np.float32],
                       index_texts: list[str]) -> None:
        """Replace everything derived from this document, atomically for readers."""

    def delete_document(self, document_id: str) -> bool:
        """Remove a document and what only it derived; False if it was not ingested."""

    def get_document(self, document_id: str) -> DocumentView | None: ...

    def list_documents(self, *, limit: int, offset: int,
                       public_only: bool = False) -> list[DocumentRecord]:
        """Ingested documents by id; ``public_only`` filters before the page is cut."""

    def get_entity(self, entity_id: str) -> EntityView | None: ...

    def entity_links(self, entity_id: str,
                     types: frozenset[str] | None = None) -> EntityLinks | None:
        """``get_entity(entity_id).links`` (and the entity's label) without reading its
        mentions, only those of ``types`` when given; None when there is no such entity
        (passages are not entities)."""

    def get_passages(self, passage_ids: list[str]
                 ) -> dict[str, tuple[PassageRecord, DocumentRecord]]:
        """Committed passages by id, each with its document (citations of evidence)."""

    def entity_names(self) -> list[EntityRecord]:
        """Every entity (documents and passages aside) with its name and aliases: the
        lexicon that recognises stored entities in questions."""

    def search(self, request: SearchRequest, query_vector: QueryVector) -> list[SearchHit]:
        """Ranked hits; ``query_vector`` may be a function giving the vector (see
        ``graph.search.QueryVector``)."""

    def finalize(self) -> None:
        """Refresh indexes after a batch of writes."""

    def stats(self) -> StoreStats: ...

    def dump(self, document_id: str | None = None) -> GraphDump:
        """All nodes and edges; with ``document_id``, the document, its passages, the
        entities they mention, the nodes it cites or is cited by, and those edges."""

    def passage_vectors(self, passage_ids: list[str]
                        ) -> dict[str, tuple[npt.NDArray[np.float32], str]]:
        """Stored vector and index text of committed passages (migration copies them
        between stores without re-embedding)."""

    def passage_texts(self, passage_ids: list[str]) -> dict[str, str]: ...

    # ------------------------------------------------------------ lineage primitives
    def nodes(self, ids: list[str]) -> dict[str, NodeInfo]:
        """Non-passage nodes by id (absent ids are left out)."""

    def neighbours(self, frontier: dict[str, list[str]], *, direction: str,
                   types: tuple[str, ...]) -> list[tuple[Hop, NodeInfo]]:
        """One hop from ``frontier`` (label -> ids) along ``types`` (ontology relations, or
        MENTIONS meaning document -> mentioned entity), ``direction`` "out" or "in": each
        edge with the node at its far end. Callers validate ``types`` (graph.lineage)."""

    def find_nodes(self, name: str, *, limit: int) -> list[NodeInfo]:
        """Non-passage nodes whose name or one of whose aliases equals ``name``
        (case-insensitive)."""

    def node_names(self) -> list[tuple[str, str, str]]:
        """(id, label, name) of every non-passage node: near matches for an unknown id."""

    # ------------------------------------------------------------ access primitives
    def restricted_documents(self) -> list[str]:
        """Ids of ingested documents whose access level is restricted."""

    def document_facts(self, document_ids: list[str]) -> list[EdgeRow]:
        """Every edge the ingest of these documents wrote: their passages' PART_OF and
        MENTIONS, relations evidenced by their passages, their evidence-less out-edges."""

    def node_evidence(self, node_ids: list[str], restricted: list[str]
                      ) -> tuple[set[str], list[EdgeRow]]:
        """For these nodes: those a passage of a document outside ``restricted`` mentions,
        and every other edge touching them (PART_OF and MENTIONS aside)."""

    def access_index(self) -> AccessIndex:
        """What a caller without clearance may not see (``graph.access.compute``)."""

    def close(self) -> None: ...
