"""What search needs from the graph for each hit, held in memory.

A search used to ask Ladybug three questions per query (the candidates' documents for the
commit-marker check, the entities the hits mention, their pages); Ladybug answers
``WHERE id IN $ids`` by scanning, ~14 ms each at 100k passages. These maps are loaded once
and dropped whenever this store writes. No other process can write meanwhile: Ladybug admits
one read-write process per store.
"""

from __future__ import annotations

from graph.embedded.ladybug_graph import LadybugGraph
from graph.search import SearchFilters
from graph.store import EntityRef
from ontology.records import DocumentRecord, EntityRecord


class SearchMaps:
    def __init__(self, graph: LadybugGraph) -> None:
        self.documents: dict[str, DocumentRecord] = graph.all_documents()
        self.mentions: dict[str, list[EntityRef]] = dict(graph.all_mentions())
        self.pages: dict[str, int] = graph.all_pages()
        #: every entity with its names (question analysis learns them after each write)
        self.entities: tuple[EntityRecord, ...] = tuple(graph.entity_names())
        #: the label of every entity and document: a labelled lookup is a key lookup in
        #: Ladybug, an unlabelled one a scan of every table
        self.labels: dict[str, str] = {e.id: e.type for e in self.entities}
        self.labels.update((i, "Document") for i in self.documents)

    def documents_of(self, ids: set[str]) -> dict[str, DocumentRecord]:
        return {i: doc for i in ids if (doc := self.documents.get(i)) is not None}

    def admitted(self, filters: SearchFilters) -> frozenset[str] | None:
        """Ids of the documents the body/type filters admit; None when no such filter is
        set. Retrieval then only sees their passages, so top-k is never cut short."""
        if not filters.on_documents():
            return None
        return frozenset(i for i, d in self.documents.items()
                         if d.ingested and filters.admits(d.body, d.document_type))
