"""A store as a caller without clearance sees it: the same :class:`GraphStore`, filtered.

Search is filtered inside each backend, before top-k (``SearchFilters.clearance``); so is
the document list, before its page is cut. Every other read is filtered here, once for
both backends, with the store's :class:`~graph.access.AccessIndex`: hidden nodes, edges and
passages are dropped, and a restricted document a public one cites is reduced to a bare
citation stub (id and symbol, ``ingested: false``), exactly what a cited document that was
never ingested looks like, so a public caller cannot even tell it exists.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.access import AccessIndex
from graph.search import QueryVector, SearchRequest
from graph.store import (
    DocumentView,
    EdgeRow,
    EntityLinks,
    EntityView,
    GraphDump,
    GraphStore,
    Hop,
    Link,
    NodeData,
    NodeInfo,
    SearchHit,
    StoreStats,
)
from ontology.errors import NotFoundError, StoreError
from ontology.records import (
    AccessLevel,
    DocumentRecord,
    EntityRecord,
    ParsedDocument,
    PassageRecord,
)

log = logging.getLogger(__name__)


def stub(doc: DocumentRecord) -> DocumentRecord:
    return DocumentRecord(id=doc.id, symbol=doc.symbol or doc.id, ingested=False)


def stub_node(node: NodeInfo) -> NodeInfo:
    return NodeInfo(id=node.id, label=node.label, name=node.symbol or node.id,
                    ingested=False, symbol=node.symbol or node.id)


class PublicView:
    """The read side of ``inner`` for public clearance; writes are not offered."""

    backend: str

    def __init__(self, inner: GraphStore, index: AccessIndex) -> None:
        self.inner = inner
        self.index = index
        self.backend = inner.backend

    # ------------------------------------------------------------ helpers
    def _link_visible(self, node_id: str, label: str, link: Link) -> bool:
        ends = ((node_id, label, link.node.id, link.node.type) if link.direction == "out"
                else (link.node.id, link.node.type, node_id, label))
        return self.index.edge_visible(EdgeRow(link.type, *ends, passage=link.passage_id))

    def _links(self, node_id: str, label: str, links: tuple[Link, ...]) -> tuple[Link, ...]:
        out = []
        for link in links:
            if not self._link_visible(node_id, label, link):
                continue
            if link.node.id in self.index.masked:
                link = replace(link, node=replace(link.node, name=link.node.id))
            out.append(link)
        return tuple(out)

    def _node(self, node: NodeInfo) -> NodeInfo | None:
        if node.id in self.index.hidden:
            return None
        return stub_node(node) if node.id in self.index.masked else node

    # ------------------------------------------------------------ documents and entities
    def document_hash(self, document_id: str) -> str | None:
        visible = self.index.node_visible(document_id) and document_id not in self.index.masked
        return self.inner.document_hash(document_id) if visible else None

    def get_document(self, document_id: str) -> DocumentView | None:
        if not self.index.node_visible(document_id):
            return None
        view = self.inner.get_document(document_id)
        if view is None:
            return None
        links = self._links(document_id, "Document", view.links)
        if document_id in self.index.masked:
            return DocumentView(stub(view.document), 0, links)
        return DocumentView(view.document, view.passages, links)

    def list_documents(self, *, limit: int, offset: int,
                       public_only: bool = True) -> list[DocumentRecord]:
        return self.inner.list_documents(limit=limit, offset=offset, public_only=True)

    def get_entity(self, entity_id: str) -> EntityView | None:
        if not self.index.node_visible(entity_id):
            return None
        view = self.inner.get_entity(entity_id)
        if view is None:
            return None
        mentions = tuple(m for m in view.mentions if self.index.passage_visible(m.passage_id))
        entity = view.entity
        if entity_id in self.index.masked:
            entity = EntityRecord(entity.id, entity.type, entity.id)
        return EntityView(entity, self._links(entity_id, entity.type, view.links), mentions)

    def entity_links(self, entity_id: str,
                     types: frozenset[str] | None = None) -> EntityLinks | None:
        """Filtered exactly as ``get_entity``'s links (the contract suite compares them)."""
        if not self.index.node_visible(entity_id):
            return None
        found = self.inner.entity_links(entity_id, types)
        if found is None:
            return None
        return EntityLinks(found.type, self._links(entity_id, found.type, found.links))

    def get_passages(self, passage_ids: list[str]
                     ) -> dict[str, tuple[PassageRecord, DocumentRecord]]:
        wanted = [p for p in passage_ids if self.index.passage_visible(p)]
        return {pid: found for pid, found in self.inner.get_passages(wanted).items()
                if AccessLevel.PUBLIC.sees(found[1].access_level)}

    def entity_names(self) -> list[EntityRecord]:
        return [e for e in self.inner.entity_names() if self.index.node_visible(e.id)]

    # ------------------------------------------------------------ search
    def search(self, request: SearchRequest, query_vector: QueryVector) -> list[SearchHit]:
        public = replace(request, filters=replace(request.filters,
                                                  clearance=AccessLevel.PUBLIC))
        hits = self.inner.search(public, query_vector)
        leaked = [h.passage.id for h in hits if not self.index.passage_visible(h.passage.id)]
        if leaked:  # the backend's pre-filter failed: a bug, never served
            log.error("search returned passages of restricted documents: %s", leaked)
        return [h for h in hits if h.passage.id not in leaked]

    # ------------------------------------------------------------ export and stats
    def dump(self, document_id: str | None = None) -> GraphDump:
        if document_id is not None and not self.index.node_visible(document_id):
            raise NotFoundError(f"no document {document_id!r}", id=document_id)
        dump = self.inner.dump(document_id)
        labels = {n.properties["id"]: n.label for n in dump.nodes}
        nodes = []
        for node in dump.nodes:
            ident = node.properties["id"]
            if not self.index.node_visible(ident) or (
                    node.label == "Passage" and not self.index.passage_visible(ident)):
                continue
            if ident in self.index.masked:
                props: dict[str, Any] = dict.fromkeys(node.properties)
                props.update(id=ident, symbol=node.properties.get("symbol") or ident,
                             name=node.properties.get("symbol") or ident, ingested=False)
                node = NodeData(node.label, props)
            nodes.append(node)
        edges = [e for e in dump.edges if self.index.edge_visible(EdgeRow(
            e.type, e.source, labels.get(e.source, ""), e.target, labels.get(e.target, ""),
            e.properties.get("passage")))]
        return GraphDump(nodes, edges)

    def stats(self) -> StoreStats:
        s = self.inner.stats()
        hidden = self.index.hidden_nodes
        masked, restricted = len(self.index.masked), len(self.index.restricted)
        # hidden documents are the restricted ones not cited publicly plus cited-only stubs
        # that only restricted documents cite; masked ones count as cited-only
        hidden_stubs = hidden.get("Document", 0) - (restricted - masked)
        return StoreStats(
            backend=s.backend, documents=s.documents - restricted,
            cited_only_documents=s.cited_only_documents - hidden_stubs + masked,
            passages=s.passages - hidden.get("Passage", 0),
            nodes={k: v - hidden.get(k, 0) for k, v in s.nodes.items()},
            relationships={k: v - self.index.hidden_edges.get(k, 0)
                           for k, v in s.relationships.items()})

    def passage_texts(self, passage_ids: list[str]) -> dict[str, str]:
        return self.inner.passage_texts([p for p in passage_ids
                                         if self.index.passage_visible(p)])

    def passage_vectors(self, passage_ids: list[str]
                        ) -> dict[str, tuple[npt.NDArray[np.float32], str]]:
        return self.inner.passage_vectors([p for p in passage_ids
                                           if self.index.passage_visible(p)])

    # ------------------------------------------------------------ lineage primitives
    def nodes(self, ids: list[str]) -> dict[str, NodeInfo]:
        found = self.inner.nodes([i for i in ids if self.index.node_visible(i)])
        return {i: shown for i, n in found.items() if (shown := self._node(n)) is not None}

    def neighbours(self, frontier: dict[str, list[str]], *, direction: str,
                   types: tuple[str, ...]) -> list[tuple[Hop, NodeInfo]]:
        out = []
        label_of = {i: label for label, ids in frontier.items() for i in ids}
        for hop, far in self.inner.neighbours(frontier, direction=direction, types=types):
            shown = self._node(far)
            near_label = label_of.get(hop.source if direction == "out" else hop.target, "")
            ends = ((hop.source, near_label, hop.target, far.label) if direction == "out"
                    else (hop.source, far.label, hop.target, near_label))
            if hop.type == "MENTIONS":  # document -> entity, read from the passage
                ends = (hop.source, "Document", hop.target, ends[3])
            if shown is not None and self.index.edge_visible(
                    EdgeRow(hop.type, *ends, passage=hop.passage_id)):
                out.append((hop, shown))
        return out

    def find_nodes(self, name: str, *, limit: int) -> list[NodeInfo]:
        """By name: masked documents are left out (their stored name may be their title)."""
        found = self.inner.find_nodes(name, limit=limit)
        return [n for n in found if self.index.node_visible(n.id)
                and n.id not in self.index.masked]

    def node_names(self) -> list[tuple[str, str, str]]:
        return [(i, label, i if i in self.index.masked else name)
                for i, label, name in self.inner.node_names() if self.index.node_visible(i)]

    def access_index(self) -> AccessIndex:
        return self.index

    def restricted_documents(self) -> list[str]:
        return []  # none is visible

    def document_facts(self, document_ids: list[str]) -> list[EdgeRow]:
        return []

    def node_evidence(self, node_ids: list[str], restricted: list[str]
                      ) -> tuple[set[str], list[EdgeRow]]:
        return set(), []

    # ------------------------------------------------------------ no writes through a view
    def write_document(self, parsed: ParsedDocument, vectors: npt.NDArray[np.float32],
                       index_texts: list[str]) -> None:
        raise StoreError("a public view of the store is read-only")

    def delete_document(self, document_id: str) -> bool:
        raise StoreError("a public view of the store is read-only")

    def finalize(self) -> None:
        """Nothing was written through the view."""

    def close(self) -> None:
        """The view does not own the store."""
