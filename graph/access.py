"""What a caller without clearance may see, computed once for both stores.

A restricted document hides its passages and everything derived only from them. The rules:

- an **edge** is evidenced by a document: the document of its evidence passage (MENTIONS and
  extracted relations), of its source passage (PART_OF, ABOUT), or its source when that is
  an ingested document and the edge has no passage (REVISES). An edge evidenced by a
  restricted document is hidden; an edge without any evidence document (REVISES between two
  cited stubs) is visible when both its ends are;
- a **node** is visible when it is a public ingested document, or one of its edges is evidenced
  by a public document, or it is the target of an evidence-less edge from a visible node (the
  base of a visible revision; never the other way round); any other node
  touched by a restricted document (an entity only restricted passages mention, a document
  only restricted documents cite) is hidden;
- a **restricted document** that a public document cites stays visible as a bare citation
  stub (id and symbol, as if not ingested): the public text names it, nothing more shows.

Backends answer three questions (``restricted_documents``, ``document_facts``,
``node_evidence``); everything else lives here, so both stores hide the same things.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graph.store import EdgeRow, GraphStore

#: rounds of following evidence-less edges from hidden candidates (REVISES chains are short)
MAX_ROUNDS = 5


def document_of(passage_id: str) -> str:
    """Passage ids are ``{document id}#{ordinal}``."""
    return passage_id.rsplit("#", 1)[0]


@dataclass(frozen=True, slots=True)
class AccessIndex:
    restricted: frozenset[str] = frozenset()
    #: nodes a public caller never sees (restricted documents not cited publicly included)
    hidden: frozenset[str] = frozenset()
    #: restricted documents a public document cites: shown as bare citation stubs
    masked: frozenset[str] = frozenset()
    #: what /stats must not count for a public caller
    hidden_nodes: dict[str, int] = field(default_factory=dict)
    hidden_edges: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.restricted

    def evidence(self, edge: EdgeRow) -> str | None:
        """The document an edge was read from, None when it has no evidence of its own."""
        if edge.passage:
            return document_of(edge.passage)
        if edge.source_label == "Passage":
            return document_of(edge.source)
        if edge.source_label == "Document" and edge.source in self.restricted:
            return edge.source
        return None

    def edge_visible(self, edge: EdgeRow) -> bool:
        if edge.source in self.hidden or edge.target in self.hidden:
            return False
        source = self.evidence(edge)
        return source is None or source not in self.restricted

    def passage_visible(self, passage_id: str) -> bool:
        return document_of(passage_id) not in self.restricted

    def node_visible(self, node_id: str) -> bool:
        return node_id not in self.hidden


def compute(store: GraphStore) -> AccessIndex:
    """The access index of a store (empty, and one cheap query, without restricted documents)."""
    restricted = frozenset(store.restricted_documents())
    if not restricted:
        return AccessIndex()
    facts = store.document_facts(sorted(restricted))
    labels = {e.source: e.source_label for e in facts} | {e.target: e.target_label for e in facts}
    candidates = {n for n, label in labels.items() if label != "Passage"} | restricted
    mentioned: set[str] = set()  # by a passage of a public document
    edges = {(e.type, e.source, e.target): e for e in facts}
    todo, seen = set(candidates), set[str]()
    for _ in range(MAX_ROUNDS):
        if not todo:
            break
        found, rows = store.node_evidence(sorted(todo), sorted(restricted))
        seen |= todo
        mentioned |= found
        fresh: set[str] = set()
        for e in rows:
            edges.setdefault((e.type, e.source, e.target), e)
            labels.setdefault(e.source, e.source_label)
            labels.setdefault(e.target, e.target_label)
            if e.passage is None and e.source_label == "Document":
                fresh.update(n for n in (e.source, e.target) if n not in seen)
        todo = fresh
    candidates |= seen
    nodes = store.nodes(sorted(n for n in candidates if labels.get(n) == "Document"))
    public_docs = {i for i, n in nodes.items() if n.ingested and i not in restricted}
    probe = AccessIndex(restricted=restricted)
    visible = public_docs | mentioned
    loose: list[EdgeRow] = []
    for e in edges.values():
        source = probe.evidence(e)
        if source is None:
            loose.append(e)
        elif source not in restricted:
            visible.update((e.source, e.target))
    changed = True
    while changed:  # a visible revision shows its base; a base never reveals its revisions
        changed = False
        for e in loose:
            if e.source in visible and e.target not in visible:
                visible.add(e.target)
                changed = True
    hidden = frozenset(n for n in candidates if n not in visible)
    index = AccessIndex(restricted=restricted, hidden=hidden,
                        masked=frozenset(restricted & visible))
    hidden_nodes = Counter(labels.get(n, "Document") for n in hidden)
    hidden_nodes["Passage"] += sum(1 for e in facts if e.type == "PART_OF")
    hidden_edges = Counter(e.type for e in edges.values() if not index.edge_visible(e))
    return AccessIndex(restricted=restricted, hidden=hidden, masked=index.masked,
                       hidden_nodes=dict(hidden_nodes), hidden_edges=dict(hidden_edges))
