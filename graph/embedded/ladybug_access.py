"""Access-control primitives on Ladybug (see :mod:`graph.access` for the rules).

Edge scans here are unlabelled (every relationship table): they run only when restricted
documents exist, and the embedded store caches their result until its next write.
"""

from __future__ import annotations

from graph.embedded.ladybug_graph import LadybugGraph
from graph.store import EdgeRow

_EDGE = ("RETURN label(e) AS type, a.id AS source, label(a) AS source_label, b.id AS target, "
         "label(b) AS target_label, e.passage AS passage")
_NOT_BOOKKEEPING = "label(e) <> 'MENTIONS' AND label(e) <> 'PART_OF'"


def _edges(graph: LadybugGraph, query: str, params: dict[str, object]) -> list[EdgeRow]:
    return [EdgeRow(r["type"], r["source"], r["source_label"], r["target"], r["target_label"],
                    r["passage"]) for r in graph._rows(query, params)]


def document_facts(graph: LadybugGraph, document_ids: list[str]) -> list[EdgeRow]:
    if not document_ids:
        return []
    rows = [EdgeRow("PART_OF", pid, "Passage", doc, "Document")
            for pid, doc in graph._run("MATCH (p:Passage)-[:PART_OF]->(d:Document) "
                                       "WHERE d.id IN $ids RETURN p.id, d.id",
                                       {"ids": document_ids})]
    passages = [e.source for e in rows]
    rows += _edges(graph, "MATCH (d:Document)<-[:PART_OF]-(a:Passage)-[e:MENTIONS]->(b) "
                   f"WHERE d.id IN $ids {_EDGE}", {"ids": document_ids})
    relations = [r for r in graph.schema.relations if r not in ("MENTIONS", "PART_OF")]
    if passages and relations:
        # relation tables only: scanning MENTIONS (the largest) by property costs seconds
        rows += _edges(graph, f"MATCH (a)-[e:{'|'.join(relations)}]->(b) "
                       f"WHERE e.passage IN $passages {_EDGE}", {"passages": passages})
    rows += _edges(graph, "MATCH (a:Document)-[e]->(b) WHERE a.id IN $ids "
                   f"AND e.passage IS NULL {_EDGE}", {"ids": document_ids})
    return rows


def node_evidence(graph: LadybugGraph, node_ids: list[str], restricted: list[str]
                  ) -> tuple[set[str], list[EdgeRow]]:
    if not node_ids:
        return set(), []
    mentions = {r[0] for r in graph._run(
        "MATCH (d:Document)<-[:PART_OF]-(p:Passage)-[:MENTIONS]->(n) WHERE n.id IN $ids "
        "AND NOT d.id IN $restricted RETURN DISTINCT n.id",
        {"ids": node_ids, "restricted": restricted})}
    rows = _edges(graph, f"MATCH (a)-[e]->(b) WHERE a.id IN $ids AND {_NOT_BOOKKEEPING} {_EDGE}",
                  {"ids": node_ids})
    rows += _edges(graph, f"MATCH (a)-[e]->(b) WHERE b.id IN $ids AND {_NOT_BOOKKEEPING} "
                   f"{_EDGE}", {"ids": node_ids})
    return mentions, list({(e.type, e.source, e.target): e for e in rows}.values())
