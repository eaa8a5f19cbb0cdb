"""The read side of :class:`~graph.neo4j.store.Neo4jStore`: views, hits and dumps.

Shapes match the embedded store exactly (the contract suite checks both): links
ordered by type then id, outgoing before incoming, dumps with every ontology
column present (``None`` when unset).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

from graph.neo4j import queries as q
from graph.store import (
    DocumentView,
    EdgeData,
    EntityLinks,
    EntityRef,
    EntityView,
    GraphDump,
    Link,
    MentionView,
    NodeData,
    SearchHit,
)
from ontology.errors import NotFoundError
from ontology.records import DocumentRecord, EntityRecord, PassageRecord
from ontology.schema import GraphSchema

if TYPE_CHECKING:
    from neo4j import ManagedTransaction

T = TypeVar("T")
MENTION_LIMIT = 50


def document_from(props: Any) -> DocumentRecord:
    data = dict(props)
    year = data.get("year")
    return DocumentRecord(
        id=str(data["id"]), symbol=data.get("symbol"), title=data.get("title"),
        date=data.get("date"), year=None if year is None else int(year),
        language=data.get("language"), source=data.get("source"),
        content_hash=data.get("content_hash"), summary=data.get("summary"),
        action_required=data.get("action_required"), action_type=data.get("action_type"),
        ingested=bool(data.get("ingested")), document_type=data.get("document_type"),
        body=data.get("body"), access_level=data.get("access_level"))


class Reads:
    schema: GraphSchema

    def _read(self, work: Callable[[ManagedTransaction], T], action: str) -> T:
        raise NotImplementedError  # provided by Neo4jStore

    # ------------------------------------------------------------ documents
    def document_hash(self, document_id: str) -> str | None:
        row = self._read(lambda tx: tx.run(q.DOCUMENT_HASH, id=document_id).single(),
                         "reading a content hash")
        return None if row is None else row["hash"]

    def get_document(self, document_id: str) -> DocumentView | None:
        def work(tx: ManagedTransaction) -> DocumentView | None:
            row = tx.run(q.DOCUMENTS_BY_ID, ids=[document_id]).single()
            if row is None:
                return None
            count = tx.run(q.PASSAGE_COUNT, id=document_id).single(strict=True)["n"]
            return DocumentView(document_from(row["d"]), int(count),
                                tuple(self._links(tx, "Document", document_id)))

        return self._read(work, f"reading {document_id}")

    def list_documents(self, *, limit: int, offset: int,
                       public_only: bool = False) -> list[DocumentRecord]:
        levels = ["public"] if public_only else ["public", "restricted"]
        rows = self._read(lambda tx: list(tx.run(q.LIST_DOCUMENTS, limit=limit, offset=offset,
                                                 levels=levels)),
                          "listing documents")
        return [document_from(r["d"]) for r in rows]

    # ------------------------------------------------------------ entities
    def get_entity(self, entity_id: str) -> EntityView | None:
        def work(tx: ManagedTransaction) -> EntityView | None:
            entity = self._entity(tx, entity_id)
            if entity is None:
                return None
            mentions = tuple(MentionView(r["passage"], r["document"], r["text"]) for r in
                             tx.run(q.mentions_of(entity.type, self.schema), id=entity_id,
                                    limit=MENTION_LIMIT))
            return EntityView(entity, tuple(self._links(tx, entity.type, entity_id)), mentions)

        return self._read(work, f"reading {entity_id}")

    def entity_links(self, entity_id: str,
                     types: frozenset[str] | None = None) -> EntityLinks | None:
        def work(tx: ManagedTransaction) -> EntityLinks | None:
            entity = self._entity(tx, entity_id)
            if entity is None:
                return None
            return EntityLinks(entity.type, tuple(
                link for link in self._links(tx, entity.type, entity_id)
                if types is None or link.type in types))

        return self._read(work, f"reading the links of {entity_id}")

    def _entity(self, tx: ManagedTransaction, entity_id: str) -> EntityRecord | None:
        """Any node but a passage, by id (one index seek per label)."""
        labels = tuple(label for label in self.schema.nodes if label != "Passage")
        row = tx.run(q.find_node(labels, self.schema), id=entity_id).single()
        if row is None:
            return None
        return EntityRecord(entity_id, row["label"], row["name"] or entity_id,
                            tuple(a for a in (row["alt"] or "").split("; ") if a))

    def entity_names(self) -> list[EntityRecord]:
        labels = [label for label in self.schema.nodes if label not in ("Document", "Passage")]

        def work(tx: ManagedTransaction) -> list[EntityRecord]:
            return [EntityRecord(r["id"], label, r["name"] or r["id"],
                                 tuple(a for a in (r["alt"] or "").split("; ") if a))
                    for label in labels for r in tx.run(q.entity_names(label))]

        return self._read(work, "reading entity names")

    def _links(self, tx: ManagedTransaction, label: str, node_id: str) -> list[Link]:
        out = []
        for direction, statement in (("out", q.links_out(label, self.schema)),
                                     ("in", q.links_in(label, self.schema))):
            for r in tx.run(statement, id=node_id):
                out.append(Link(r["rel"], direction,
                                EntityRef(r["id"], r["label"], r["name"] or r["id"]),
                                r["passage"], r["text"]))
        return out

    # ------------------------------------------------------------ search hits
    def _hits(self, tx: ManagedTransaction, ranked: list[tuple[str, float]]) -> list[SearchHit]:
        ids = [pid for pid, _ in ranked]
        rows = {r["id"]: r for r in tx.run(q.HYDRATE_PASSAGES, ids=ids)}
        entities: dict[str, list[EntityRef]] = {}
        for r in tx.run(q.MENTIONED, ids=ids):
            entities.setdefault(r["passage"], []).append(
                EntityRef(r["id"], r["label"], r["name"] or r["id"]))
        hits: list[SearchHit] = []
        for pid, score in ranked:
            row = rows.get(pid)
            if row is None:
                continue
            document = document_from(row["document"])
            passage = PassageRecord(
                id=pid, document_id=document.id, ordinal=int(row["ordinal"]),
                section=row["section"],
                heading_path=tuple(h for h in (row["context"] or "").split(" > ") if h),
                start=int(row["char_start"]), end=int(row["char_end"]), text=row["text"],
                page=row["page"])
            hits.append(SearchHit(len(hits) + 1, score, passage, document,
                                  tuple(entities.get(pid, ()))))
        return hits

    def get_passages(self, passage_ids: list[str]
                     ) -> dict[str, tuple[PassageRecord, DocumentRecord]]:
        def work(tx: ManagedTransaction) -> dict[str, tuple[PassageRecord, DocumentRecord]]:
            return {hit.passage.id: (hit.passage, hit.document)
                    for hit in self._hits(tx, [(pid, 0.0) for pid in passage_ids])}

        return self._read(work, "reading passages")

    @staticmethod
    def _mentioned(tx: ManagedTransaction, ids: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for r in tx.run(q.MENTIONED, ids=ids):
            found.setdefault(r["passage"], []).append(r["id"])
        return found

    # ------------------------------------------------------------ export
    def passage_texts(self, passage_ids: list[str]) -> dict[str, str]:
        rows = self._read(lambda tx: list(tx.run(q.PASSAGE_TEXTS, ids=passage_ids)),
                          "reading passage texts")
        return {r["id"]: r["text"] for r in rows}

    def passage_vectors(self, passage_ids: list[str]
                        ) -> dict[str, tuple[npt.NDArray[np.float32], str]]:
        rows = self._read(lambda tx: list(tx.run(q.PASSAGE_VECTORS, ids=passage_ids)),
                          "reading passage vectors")
        return {r["id"]: (np.asarray(r["embedding"], dtype=np.float32), r["index_text"] or "")
                for r in rows if r["embedding"] is not None}

    def dump(self, document_id: str | None = None) -> GraphDump:
        def work(tx: ManagedTransaction) -> GraphDump:
            ids = None if document_id is None else self._neighbourhood(tx, document_id)
            edges = []
            for name, rel in self.schema.relations.items():
                statement = (q.dump_edges(name, self.schema) if ids is None
                             else q.dump_edges_among(name, self.schema))
                for r in tx.run(statement, ids=ids):
                    props = dict(r["e"])
                    edges.append(EdgeData(name, r["source"], r["target"],
                                          {c.name: props.get(c.name) for c in rel.columns}))
            owner = {e.source: e.target for e in edges if e.type == "PART_OF"}
            nodes = []
            for label, node in self.schema.nodes.items():
                statement = (q.dump_nodes(label, self.schema) if ids is None
                             else q.dump_nodes_among(label, self.schema))
                for r in tx.run(statement, ids=ids):
                    stored = dict(r["n"])
                    props = {c.name: stored.get(c.name) for c in node.columns}
                    if label == "Passage":
                        props["text"] = stored.get("text")
                        props["document_id"] = owner.get(props["id"])
                    nodes.append(NodeData(label, props))
            return GraphDump(nodes, edges)

        return self._read(work, "dumping the graph")

    @staticmethod
    def _neighbourhood(tx: ManagedTransaction, document_id: str) -> list[str]:
        row = tx.run(q.NEIGHBOURHOOD, id=document_id).single()
        if row is None:
            raise NotFoundError(f"no document {document_id!r}", id=document_id)
        linked = tx.run(q.LINKED_TO_DOCUMENT, id=document_id).single(strict=True)["ids"]
        ids = {document_id, *row["passages"], *row["entities"], *linked}
        works = tx.run(q.WORKS_OF_VERSIONS, ids=sorted(ids)).single(strict=True)["ids"]
        return sorted(ids | set(works))
