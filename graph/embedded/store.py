"""The embedded default store: Ladybug for the graph, LanceDB for passages.

Write order gives crash safety without a cross-store transaction: passages are
written first (tagged with the content hash), then the graph in one
transaction whose last statement sets the document's content hash (the commit
marker). Readers only serve passage rows whose hash equals the marker.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from graph import access
from graph.embedded import ladybug_access, ladybug_lineage
from graph.embedded.dense_matrix import EXACT_LIMIT
from graph.embedded.ladybug_graph import LadybugGraph
from graph.embedded.lance_passages import LancePassages
from graph.embedded.search_maps import SearchMaps
from graph.search import QueryVector, SearchMode, SearchRequest, fuse, resolve_vector
from graph.store import (
    DocumentView,
    EdgeData,
    EdgeRow,
    EntityLinks,
    EntityView,
    GraphDump,
    Hop,
    MentionView,
    NodeData,
    NodeInfo,
    SearchHit,
    StoreStats,
)
from graph.terms import check_terms
from ontology.errors import NotFoundError
from ontology.records import (
    AccessLevel,
    DocumentRecord,
    EntityRecord,
    ParsedDocument,
    PassageRecord,
)
from ontology.schema import GraphSchema, default_schema

log = logging.getLogger(__name__)


def _passage(row: dict[str, Any], page: int | None = None) -> PassageRecord:
    return PassageRecord(
        id=row["id"], document_id=row["document_id"], ordinal=int(row["ordinal"]),
        section=row["section"],
        heading_path=tuple(h for h in row["heading_path"].split(" > ") if h),
        start=int(row["start"]), end=int(row["end"]), text=row["text"], page=page)


class EmbeddedStore:
    backend = "embedded"

    def __init__(self, path: Path, *, dimension: int, schema: GraphSchema | None = None,
                 read_only: bool = False, dense_exact_limit: int = EXACT_LIMIT) -> None:
        """``read_only``: several processes (server workers) may share the store; they see
        it as it was when opened, and recovery is left to the next read-write open."""
        self.path = path
        self.read_only = read_only
        path.mkdir(parents=True, exist_ok=True)
        self.graph = LadybugGraph(path / "graph.lbug", schema or default_schema(),
                                  read_only=read_only)
        self.passages = LancePassages(path / "passages.lance", dimension,
                                      exact_limit=dense_exact_limit)
        self._maps: SearchMaps | None = None
        self._access: access.AccessIndex | None = None
        if not read_only:
            self.recover()
            if self.passages.drop_text_index():
                log.info("dropped the passages' full-text index (BM25 runs in memory)")

    @property
    def maps(self) -> SearchMaps:
        if self._maps is None:
            self._maps = SearchMaps(self.graph)
        return self._maps

    def recover(self) -> int:
        """Drop passage rows that no graph commit marker vouches for: rows of an ingest
        killed before its graph commit, or old versions a killed ingest had not yet
        deleted. Readers never serve them; this keeps counts and disk honest."""
        versions = self.passages.versions()
        markers = self.graph.documents({doc for doc, _ in versions})
        stale = [(doc, h) for doc, h in versions
                 if (d := markers.get(doc)) is None or not d.ingested or d.content_hash != h]
        for doc, h in stale:
            self.passages.delete_version(doc, h)
        if stale:
            log.info("recovered the passage index: %d stale document versions dropped",
                     len(stale))
        return len(stale)

    # ------------------------------------------------------------ writes
    def document_hash(self, document_id: str) -> str | None:
        return self.graph.document_hash(document_id)

    def write_document(self, parsed: ParsedDocument, vectors: npt.NDArray[np.float32],
                       index_texts: list[str]) -> None:
        doc = parsed.document
        check_terms(self.graph.schema, parsed)  # before anything is written
        self._maps = self._access = None
        self.passages.replace_document(parsed, vectors, index_texts)
        try:
            self.graph.write(parsed)
        except Exception:
            self.passages.delete_version(doc.id, doc.content_hash or "")
            raise
        self.passages.delete_stale(doc.id, doc.content_hash or "")

    def delete_document(self, document_id: str) -> bool:
        self._maps = self._access = None
        deleted = self.graph.delete(document_id)
        if deleted:
            self.passages.delete_document(document_id)
        return deleted

    def finalize(self) -> None:
        self.passages.optimize()

    # ------------------------------------------------------------ reads
    def get_document(self, document_id: str) -> DocumentView | None:
        docs = self.graph.documents([document_id])
        if document_id not in docs:
            return None
        return DocumentView(docs[document_id], self.graph.passage_count(document_id),
                            tuple(self.graph.links(document_id)))

    def list_documents(self, *, limit: int, offset: int,
                       public_only: bool = False) -> list[DocumentRecord]:
        return self.graph.list_documents(limit=limit, offset=offset, public_only=public_only)

    def get_entity(self, entity_id: str) -> EntityView | None:
        entity = self.graph.node(entity_id, self.maps.labels.get(entity_id))
        if entity is None:
            return None
        mentions = tuple(MentionView(pid, did, text)
                         for pid, did, text in self.graph.mentions_of(entity_id))
        return EntityView(entity, tuple(self.graph.links(entity_id, entity.type)), mentions)

    def entity_links(self, entity_id: str,
                     types: frozenset[str] | None = None) -> EntityLinks | None:
        entity = self.graph.node(entity_id, self.maps.labels.get(entity_id))
        if entity is None:
            return None
        return EntityLinks(entity.type, tuple(self.graph.links(entity_id, entity.type, types)))

    def entity_names(self) -> list[EntityRecord]:
        return list(self.maps.entities)

    def search(self, request: SearchRequest, query_vector: QueryVector) -> list[SearchHit]:
        if not callable(query_vector):
            request.check_vector(query_vector)
        mode, limit = request.mode, request.candidate_limit
        maps = self.maps
        documents = maps.admitted(request.filters)
        if documents is not None and not documents:
            return []
        rows: dict[str, dict[str, Any]] = {}
        bm25: list[tuple[str, float]] = []
        dense: list[tuple[str, float]] = []
        filters = request.filters
        if filters.public_only and not self.restricted_documents():
            # nothing to hide: spare the filter mask (the marker check below stays)
            filters = replace(filters, clearance=AccessLevel.RESTRICTED)
        if mode in (SearchMode.BM25, SearchMode.HYBRID):
            found = self.passages.bm25(request.keyword_query, limit, filters, documents)
            rows.update((r["id"], r) for r in found)
            bm25 = [(r["id"], float(r.get("_score", 0.0))) for r in found]
        if mode in (SearchMode.DENSE, SearchMode.HYBRID):
            vector = resolve_vector(query_vector)  # encoded meanwhile, if a function
            request.check_vector(vector)
            assert vector is not None
            found = self.passages.dense(vector, limit, filters, documents)
            for r in found:
                rows.setdefault(r["id"], r)
            dense = [(r["id"], 1.0 - float(r.get("_distance", 1.0))) for r in found]
        ranked = fuse(request, bm25, dense, lambda ids: {
            pid: [e.id for e in maps.mentions.get(pid, ())] for pid in ids})
        docs = maps.documents_of({rows[pid]["document_id"] for pid, _ in ranked})
        clearance = request.filters.clearance
        # the graph's level is checked too: a row and its marker disagree only after a crash
        # mid-way through a change of classification
        committed = [(pid, score) for pid, score in ranked
                     if (doc := docs.get(rows[pid]["document_id"])) is not None
                     and doc.content_hash == rows[pid]["content_hash"]
                     and clearance.sees(doc.access_level)][: request.k]
        entities, pages = maps.mentions, maps.pages
        return [SearchHit(rank, score, _passage(rows[pid], pages.get(pid)),
                          docs[rows[pid]["document_id"]], tuple(entities.get(pid, ())))
                for rank, (pid, score) in enumerate(committed, start=1)]

    def get_passages(self, passage_ids: list[str]
                     ) -> dict[str, tuple[PassageRecord, DocumentRecord]]:
        rows = self.passages.rows(passage_ids)
        maps = self.maps  # the commit markers and pages search uses, already in memory
        docs = maps.documents_of({r["document_id"] for r in rows})
        return {r["id"]: (_passage(r, maps.pages.get(r["id"])), doc) for r in rows
                if (doc := docs.get(r["document_id"])) is not None
                and doc.content_hash == r["content_hash"]}

    def dump(self, document_id: str | None = None) -> GraphDump:
        ids = None
        if document_id is not None:
            ids = self.graph.neighbourhood(document_id)
            if not self.graph.documents([document_id]):
                raise NotFoundError(f"no document {document_id!r}", id=document_id)
        edges = [EdgeData(t, s, d, p) for t, s, d, p in self.graph.dump_edges(ids)]
        owner = {e.source: e.target for e in edges if e.type == "PART_OF"}
        nodes = [NodeData(label, props) for label, props in self.graph.dump_nodes(ids)]
        texts = self.passages.texts([n.properties["id"] for n in nodes if n.label == "Passage"])
        for node in nodes:
            if node.label == "Passage":
                node.properties["text"] = texts.get(node.properties["id"])
                node.properties["document_id"] = owner.get(node.properties["id"])
        return GraphDump(nodes, edges)

    def passage_texts(self, passage_ids: list[str]) -> dict[str, str]:
        return self.passages.texts(passage_ids)

    def passage_vectors(self, passage_ids: list[str]
                        ) -> dict[str, tuple[npt.NDArray[np.float32], str]]:
        rows = self.passages.vectors(passage_ids)
        docs = self.graph.documents({r["document_id"] for r in rows})
        return {r["id"]: (np.asarray(r["vector"], dtype=np.float32), r["index_text"] or "")
                for r in rows if (doc := docs.get(r["document_id"])) is not None
                and doc.content_hash == r["content_hash"]}

    # ------------------------------------------------------------ lineage primitives
    def nodes(self, ids: list[str]) -> dict[str, NodeInfo]:
        return ladybug_lineage.nodes(self.graph, ids)

    def neighbours(self, frontier: dict[str, list[str]], *, direction: str,
                   types: tuple[str, ...]) -> list[tuple[Hop, NodeInfo]]:
        return ladybug_lineage.neighbours(self.graph, frontier, direction=direction, types=types)

    def find_nodes(self, name: str, *, limit: int) -> list[NodeInfo]:
        return ladybug_lineage.find_nodes(self.graph, name, limit=limit)

    def node_names(self) -> list[tuple[str, str, str]]:
        return ladybug_lineage.node_names(self.graph)

    # ------------------------------------------------------------ access primitives
    def restricted_documents(self) -> list[str]:
        return sorted(i for i, d in self.maps.documents.items()
                      if d.ingested and d.access_level == "restricted")

    def document_facts(self, document_ids: list[str]) -> list[EdgeRow]:
        return ladybug_access.document_facts(self.graph, document_ids)

    def node_evidence(self, node_ids: list[str], restricted: list[str]
                      ) -> tuple[set[str], list[EdgeRow]]:
        return ladybug_access.node_evidence(self.graph, node_ids, restricted)

    def access_index(self) -> access.AccessIndex:
        """Cached until this store writes (Ladybug admits no other writer meanwhile)."""
        if self._access is None:
            self._access = access.compute(self)
        return self._access

    def stats(self) -> StoreStats:
        nodes, rels = self.graph.counts()
        return StoreStats(
            backend=self.backend,
            documents=nodes.get("Document", 0) - self.graph.cited_only_documents(),
            cited_only_documents=self.graph.cited_only_documents(),
            passages=self.passages.count(),
            nodes=nodes,
            relationships=rels,
        )

    def close(self) -> None:
        self.graph.close()
