"""Copy a store into another backend without re-embedding.

Export reads a store back into the records ingestion produced (one
:class:`ParsedDocument` per ingested document, with its stored vectors and index
texts); import is the target's own ``write_document``, so the target holds what
ingesting the same files would have given it. Each stored edge is replayed by
exactly one document (the one whose passage is its evidence, else one that
mentions an end of it), so first-evidence-wins edges keep their evidence.
Works between any two backends; it holds the graph of the source in memory.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.store import EdgeData, GraphDump, GraphStore, NodeData
from ontology.records import (
    DocumentRecord,
    EntityRecord,
    Evidence,
    MentionRecord,
    ParsedDocument,
    PassageRecord,
    RelationRecord,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ExportedDocument:
    parsed: ParsedDocument
    vectors: npt.NDArray[np.float32]
    index_texts: list[str]


@dataclass(slots=True)
class MigrationReport:
    documents: int = 0
    passages: int = 0
    relations: int = 0
    unplaced_edges: list[str] = field(default_factory=list)


def _document(props: dict[str, Any]) -> DocumentRecord:
    return DocumentRecord(
        id=props["id"], symbol=props.get("symbol"), title=props.get("title"),
        date=props.get("date"), year=props.get("year"), language=props.get("language"),
        source=props.get("source"), content_hash=props.get("content_hash"),
        summary=props.get("summary"), action_required=props.get("action_required"),
        action_type=props.get("action_type"), ingested=bool(props.get("ingested")),
        document_type=props.get("document_type"), body=props.get("body"),
        access_level=props.get("access_level"))


class _Exporter:
    def __init__(self, dump: GraphDump) -> None:
        self.nodes: dict[str, NodeData] = {n.properties["id"]: n for n in dump.nodes}
        self.passages: dict[str, list[NodeData]] = defaultdict(list)
        for node in dump.nodes:
            if node.label == "Passage" and node.properties.get("document_id"):
                self.passages[node.properties["document_id"]].append(node)
        self.owner = {n.properties["id"]: n.properties["document_id"]
                      for docs in self.passages.values() for n in docs}
        self.mentions: dict[str, list[EdgeData]] = defaultdict(list)
        mentioned_by: dict[str, set[str]] = defaultdict(set)
        for edge in dump.edges:
            if edge.type == "MENTIONS" and edge.source in self.owner:
                doc = self.owner[edge.source]
                self.mentions[doc].append(edge)
                mentioned_by[edge.target].add(doc)
        self.relations: dict[str, list[EdgeData]] = defaultdict(list)
        self.unplaced: list[EdgeData] = []
        for edge in dump.edges:
            if edge.type in ("MENTIONS", "PART_OF"):
                continue
            home = self._home(edge, mentioned_by)
            if home is None:
                self.unplaced.append(edge)
            else:
                self.relations[home].append(edge)

    def _home(self, edge: EdgeData, mentioned_by: dict[str, set[str]]) -> str | None:
        evidence = edge.properties.get("passage")
        if evidence in self.owner:
            return str(self.owner[evidence])
        if edge.source in self.passages:  # a document's own edge (REVISES its base)
            return edge.source
        for end in (edge.source, edge.target):
            if mentioned_by.get(end):
                return min(mentioned_by[end])
        return None

    def ingested(self) -> list[str]:
        return sorted(i for i, n in self.nodes.items()
                      if n.label == "Document" and n.properties.get("ingested"))

    def record(self, node_id: str, into: ParsedDocument) -> None:
        """Make ``node_id`` exist in the target when ``into`` is written."""
        node = self.nodes[node_id]
        if node_id == into.document.id or node.label == "Passage":
            return
        if node.label == "Document":
            if all(d.id != node_id for d in into.cited_documents):
                into.cited_documents.append(DocumentRecord(
                    id=node_id, symbol=node.properties.get("symbol"), ingested=False))
        elif all(e.id != node_id for e in into.entities):
            alt = node.properties.get("alt_label") or ""
            into.entities.append(EntityRecord(node_id, node.label,
                                              node.properties.get("name") or node_id,
                                              tuple(a for a in alt.split("; ") if a)))

    def parsed(self, doc_id: str) -> ParsedDocument:
        doc = self.nodes[doc_id]
        nodes = sorted(self.passages.get(doc_id, []), key=lambda n: n.properties["ordinal"])
        passages = [PassageRecord(
            id=p["id"], document_id=doc_id, ordinal=int(p["ordinal"]), section=p["section"],
            heading_path=tuple(h for h in (p.get("name") or "").split(" > ") if h),
            start=int(p["char_start"]), end=int(p["char_end"]), text=p.get("text") or "",
            page=p.get("page"))
            for p in (n.properties for n in nodes)]
        parsed = ParsedDocument(document=_document(doc.properties), cleaned_text="",
                                passages=passages)
        for edge in self.mentions.get(doc_id, []):
            e = edge.properties
            parsed.mentions.append(MentionRecord(edge.target, edge.source, e.get("span_start")
                                                 or 0, e.get("span_end") or 0,
                                                 e.get("text") or ""))
            self.record(edge.target, parsed)
        for edge in self.relations.get(doc_id, []):
            e = edge.properties
            evidence = None if e.get("passage") is None else Evidence(
                e["passage"], e.get("text") or "", e.get("span_start") or 0,
                e.get("span_end") or 0)
            parsed.relations.append(RelationRecord(
                edge.source, self.nodes[edge.source].label, edge.type, edge.target,
                self.nodes[edge.target].label, evidence,
                1.0 if e.get("confidence") is None else float(e["confidence"])))
            self.record(edge.source, parsed)
            self.record(edge.target, parsed)
        return parsed


def export_documents(store: GraphStore,
                     report: MigrationReport | None = None) -> Iterator[ExportedDocument]:
    """Every ingested document of ``store`` as the records that would re-create it."""
    exporter = _Exporter(store.dump())
    if report is not None:
        report.unplaced_edges = [f"{e.source} -{e.type}-> {e.target}" for e in exporter.unplaced]
    for doc_id in exporter.ingested():
        parsed = exporter.parsed(doc_id)
        stored = store.passage_vectors([p.id for p in parsed.passages])
        missing = [p.id for p in parsed.passages if p.id not in stored]
        if missing:
            log.warning("%s: %d passages have no stored vector; skipped", doc_id, len(missing))
            parsed.passages = [p for p in parsed.passages if p.id in stored]
        vectors = np.stack([stored[p.id][0] for p in parsed.passages]) if parsed.passages \
            else np.zeros((0, 0), dtype=np.float32)
        yield ExportedDocument(parsed, vectors.astype(np.float32),
                               [stored[p.id][1] for p in parsed.passages])


def migrate(source: GraphStore, target: GraphStore,
            progress: Callable[[str], None] | None = None) -> MigrationReport:
    """Write every document of ``source`` into ``target`` (re-runnable: each write
    replaces that document's previous derivation in the target)."""
    report = MigrationReport()
    for exported in export_documents(source, report):
        target.write_document(exported.parsed, exported.vectors, exported.index_texts)
        report.documents += 1
        report.passages += len(exported.parsed.passages)
        report.relations += len(exported.parsed.relations)
        if progress is not None:
            progress(exported.parsed.document.id)
    target.finalize()
    for edge in report.unplaced_edges:
        log.warning("not copied (no document refers to either end): %s", edge)
    return report
