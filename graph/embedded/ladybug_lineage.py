"""Lineage primitives on Ladybug (one hop per label, node look-ups by id or name).

Relationship types are interpolated only after :func:`graph.lineage.applicable`
has kept those the ontology lets touch the label; ids and names are parameters.
"""

from __future__ import annotations

from typing import Any

from graph.embedded.ladybug_graph import LadybugGraph
from graph.lineage import MENTIONS, applicable, first_per_pair, hop_of, node_info
from graph.store import Hop, NodeInfo

_NODE = ("label(m) AS label, m.id AS id, m.name AS name, m.alt_label AS alt, "
         "m.ingested AS ingested, m.symbol AS symbol, m.title AS title, m.date AS date, "
         "m.year AS year")
_EDGE = ("e.text AS evidence, e.span_start AS span_start, e.span_end AS span_end, "
         "e.confidence AS confidence")


def mentions_applies(graph: LadybugGraph, label: str, direction: str) -> bool:
    endpoints = graph.schema.relations["MENTIONS"].endpoints
    return label == "Document" if direction == "out" else any(t == label for _, t in endpoints)


def neighbours(graph: LadybugGraph, frontier: dict[str, list[str]], *, direction: str,
               types: tuple[str, ...]) -> list[tuple[Hop, NodeInfo]]:
    rows: list[dict[str, Any]] = []
    for label, ids in frontier.items():
        node = graph.schema.label(label).label
        rels = applicable(graph.schema, node, direction, types)
        if rels:
            for rel in rels:
                graph.schema.relation(rel)
            pattern = "-[e:{}]->" if direction == "out" else "<-[e:{}]-"
            ends = ("n.id AS source, m.id AS target" if direction == "out"
                    else "m.id AS source, n.id AS target")
            # one id: a primary-key seek; several: ``IN`` (Ladybug plans UNWIND + seek
            # followed by an expansion as a scan, slower still)
            seek, params = (("{id: $id}", {"id": ids[0]}) if len(ids) == 1
                            else ("", {"ids": ids}))
            where = "" if seek else "WHERE n.id IN $ids "
            rows += graph._rows(
                f"MATCH (n:{node} {seek}){pattern.format('|'.join(rels))}(m) {where}"
                f"RETURN label(e) AS type, {ends}, e.passage AS passage, {_EDGE}, {_NODE}",
                params)
        if MENTIONS in types and mentions_applies(graph, node, direction):
            if direction == "out":
                query = ("MATCH (n:Document)<-[:PART_OF]-(p:Passage)-[e:MENTIONS]->(m) "
                         "WHERE n.id IN $ids RETURN 'MENTIONS' AS type, n.id AS source, "
                         f"m.id AS target, p.id AS passage, {_EDGE}, {_NODE} "
                         "ORDER BY p.ordinal")
            else:
                query = (f"MATCH (m:Document)<-[:PART_OF]-(p:Passage)-[e:MENTIONS]->(n:{node}) "
                         "WHERE n.id IN $ids RETURN 'MENTIONS' AS type, m.id AS source, "
                         f"n.id AS target, p.id AS passage, {_EDGE}, {_NODE} "
                         "ORDER BY p.ordinal")
            rows += first_per_pair(graph._rows(query, {"ids": ids}))
    # filtering passages out in Python: ``label(m) <> 'Passage'`` in Cypher costs more
    # than the whole hop (only ABOUT can reach a passage)
    return [(hop_of(r), node_info(r)) for r in rows if r["label"] != "Passage"]


def nodes(graph: LadybugGraph, ids: list[str]) -> dict[str, NodeInfo]:
    """Documents by primary-key seeks first (most look-ups), then one scan for the rest."""
    rows = graph._rows(f"UNWIND $ids AS x MATCH (m:Document {{id: x}}) RETURN {_NODE}",
                       {"ids": ids})
    rest = sorted(set(ids) - {r["id"] for r in rows})
    if rest:
        rows += graph._rows(f"MATCH (m) WHERE m.id IN $ids RETURN {_NODE}", {"ids": rest})
    return {r["id"]: node_info(r) for r in rows if r["label"] != "Passage"}


def find_nodes(graph: LadybugGraph, name: str, *, limit: int) -> list[NodeInfo]:
    key = " ".join(name.split()).lower()
    rows = graph._rows(
        "MATCH (m) WHERE label(m) <> 'Passage' AND (lower(m.name) = $key "
        "OR list_contains(string_split(lower(m.alt_label), '; '), $key)) "
        f"RETURN {_NODE} ORDER BY m.id LIMIT $limit", {"key": key, "limit": limit})
    return [node_info(r) for r in rows]


def node_names(graph: LadybugGraph) -> list[tuple[str, str, str]]:
    rows = graph._run("MATCH (m) WHERE label(m) <> 'Passage' RETURN m.id, label(m), m.name "
                      "ORDER BY m.id")
    return [(r[0], r[1], r[2] or r[0]) for r in rows]
