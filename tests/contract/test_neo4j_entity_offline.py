"""The Neo4j entity reads without a server: ``entity_links`` sends ``get_entity``'s statements
minus the mentions, and builds the same links. A recording transaction stands in for the
server (the statements are linted by test_cypher_lint and run in the contract suite when
NEO4J_URI is set)."""

from __future__ import annotations

from typing import Any

from graph.neo4j import queries as q
from ontology.schema import default_schema
from tests.contract.corpus import RV, WORK
from tests.contract.test_neo4j_lineage_offline import recording


def link_row(rel: str, node: str, label: str) -> dict[str, Any]:
    return {"rel": rel, "label": label, "id": node, "name": None, "passage": "C24/10#0",
            "text": "Resolution 130"}


def test_entity_links_reads_no_mentions_and_agrees_with_get_entity() -> None:
    label, schema = "ResolutionVersion", default_schema()
    finder = q.find_node(tuple(lb for lb in schema.nodes if lb != "Passage"), schema)
    mentions = q.mentions_of(label, schema)
    store, tx = recording({
        finder: [{"label": label, "name": "Resolution 130", "alt": None}],
        q.links_out(label, schema): [link_row("VERSION_OF", WORK, "Resolution")],
        q.links_in(label, schema): [link_row("CITES", "C24/10", "Document")],
        mentions: [{"passage": "C24/10#0", "document": "C24/10", "text": "Resolution 130"}],
    })
    found = store.entity_links(RV)
    sent = [statement for statement, _ in tx.sent]
    assert sent[0] == finder and mentions not in sent
    view = store.get_entity(RV)
    assert found is not None and view is not None and view.mentions
    assert (found.type, found.links) == (view.entity.type, view.links)
    assert [(lk.type, lk.direction, lk.node.id, lk.node.name) for lk in found.links] == \
        [("VERSION_OF", "out", WORK, WORK), ("CITES", "in", "C24/10", "C24/10")]
    missing, tx = recording({})
    assert missing.entity_links("body/nothing") is None
    assert [statement for statement, _ in tx.sent] == [finder]
