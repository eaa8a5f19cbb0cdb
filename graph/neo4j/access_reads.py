"""Access-control primitives of :class:`~graph.neo4j.store.Neo4jStore` (rules in
:mod:`graph.access`). Nothing is cached: another process may write to the server at any
time, and a stale index could show a document classified since."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from graph import access
from graph.neo4j import queries as q
from graph.store import EdgeRow

if TYPE_CHECKING:
    from neo4j import ManagedTransaction

T = TypeVar("T")


def _edge(r: Any) -> EdgeRow:
    return EdgeRow(r["type"], r["source"], r["source_label"], r["target"], r["target_label"],
                   r["passage"])


class AccessReads:
    def _read(self, work: Callable[[ManagedTransaction], T], action: str) -> T:
        raise NotImplementedError  # provided by Neo4jStore

    def restricted_documents(self) -> list[str]:
        rows = self._read(lambda tx: list(tx.run(q.RESTRICTED_DOCUMENTS)),
                          "listing restricted documents")
        return [r["id"] for r in rows]

    def document_facts(self, document_ids: list[str]) -> list[EdgeRow]:
        def work(tx: ManagedTransaction) -> list[EdgeRow]:
            return [_edge(r) for statement in (q.FACTS_PART_OF, q.FACTS_MENTIONS,
                                               q.FACTS_EVIDENCED, q.FACTS_UNEVIDENCED)
                    for r in tx.run(statement, ids=document_ids)]

        return self._read(work, "reading restricted documents' facts")

    def node_evidence(self, node_ids: list[str], restricted: list[str]
                      ) -> tuple[set[str], list[EdgeRow]]:
        def work(tx: ManagedTransaction) -> tuple[set[str], list[EdgeRow]]:
            mentions = {r["node"] for r in tx.run(q.PUBLICLY_MENTIONED, ids=node_ids,
                                                  restricted=restricted)}
            rows = [_edge(r) for statement in (q.EDGES_FROM_NODES, q.EDGES_TO_NODES)
                    for r in tx.run(statement, ids=node_ids)]
            return mentions, list({(e.type, e.source, e.target): e for e in rows}.values())

        return self._read(work, "reading evidence")

    def access_index(self) -> access.AccessIndex:
        return access.compute(self)  # type: ignore[arg-type]
