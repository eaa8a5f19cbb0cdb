"""Lineage primitives of the Neo4j backend; same shapes as the embedded store's."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from graph.lineage import MENTIONS, applicable, first_per_pair, hop_of, node_info
from graph.neo4j import queries as q
from graph.store import Hop, NodeInfo
from ontology.schema import GraphSchema

if TYPE_CHECKING:
    from neo4j import ManagedTransaction

T = TypeVar("T")


def name_patterns(name: str) -> dict[str, str]:
    """Java regular expressions: the whole name, or one whole entry of the '; '-joined
    alias list, ignoring case; the name is quoted literally (\\Q...\\E)."""
    literal = "\\Q" + " ".join(name.split()).replace("\\E", "") + "\\E"
    return {"name": f"(?i){literal}", "aliases": f"(?i)(?:.*; )?{literal}(?:; .*)?"}


class LineageReads:
    schema: GraphSchema

    def _read(self, work: Callable[[ManagedTransaction], T], action: str) -> T:
        raise NotImplementedError  # provided by Neo4jStore

    def _labels(self) -> tuple[str, ...]:
        return tuple(label for label in self.schema.nodes if label != "Passage")

    def nodes(self, ids: list[str]) -> dict[str, NodeInfo]:
        statement = q.nodes_by_id(self._labels(), self.schema)
        rows = self._read(lambda tx: tx.run(statement, ids=ids).data(), "reading nodes")
        return {r["id"]: node_info(r) for r in rows}

    def neighbours(self, frontier: dict[str, list[str]], *, direction: str,
                   types: tuple[str, ...]) -> list[tuple[Hop, NodeInfo]]:
        mention_targets = {t for _, t in self.schema.relations["MENTIONS"].endpoints}

        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = []
            for label, ids in frontier.items():
                rels = applicable(self.schema, label, direction, types)
                if rels:
                    build = q.lineage_out if direction == "out" else q.lineage_in
                    rows += tx.run(build(label, rels, self.schema), ids=ids).data()
                if MENTIONS not in types:
                    continue
                if direction == "out" and label == "Document":
                    rows += first_per_pair(tx.run(q.MENTIONS_OUT, ids=ids).data())
                elif direction == "in" and label in mention_targets:
                    rows += first_per_pair(
                        tx.run(q.mentions_in(label, self.schema), ids=ids).data())
            return rows

        rows = self._read(work, "walking lineage")
        return [(hop_of(r), node_info(r)) for r in rows]

    def find_nodes(self, name: str, *, limit: int) -> list[NodeInfo]:
        statement = q.nodes_by_name(self._labels(), self.schema)
        patterns = name_patterns(name)
        rows = self._read(lambda tx: tx.run(statement, patterns).data(), "finding nodes")
        return sorted((node_info(r) for r in rows), key=lambda n: n.id)[:limit]

    def node_names(self) -> list[tuple[str, str, str]]:
        rows = self._read(lambda tx: tx.run(q.NODE_NAMES).data(), "listing node names")
        return [(r["id"], r["label"], r["name"] or r["id"]) for r in rows]
