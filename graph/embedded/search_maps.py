"""What search needs from the graph for each hit, held in memory.

A search used to ask Ladybug three questions per query (the candidates' documents for the
commit-marker check, the entities the hits mention, their pages); Ladybug answers
``WHERE id IN $ids`` by scanning, ~14 ms each at 100k passages. These maps are loaded once
and dropped whenever this store writes. No other process can write meanwhile: Ladybug admits
one read-write process per store.
"""

from __future__ import annotations

from graph.embedded.ladybug_graph import LadybugGraph
from graph.store import EntityRef
from ontology.records import DocumentRecord


class SearchMaps:
    def __init__(self, graph: LadybugGraph) -> None:
        self.documents: dict[str, DocumentRecord] = graph.all_documents()
        self.mentions: dict[str, list[EntityRef]] = dict(graph.all_mentions())
        self.pages: dict[str, int] = graph.all_pages()

    def documents_of(self, ids: set[str]) -> dict[str, DocumentRecord]:
        return {i: doc for i in ids if (doc := self.documents.get(i)) is not None}
