"""The ingestion chain for one file: read -> clean -> structure -> metadata -> extract.

Embedding and writing are done by the caller (the application layer), so this
module stays free of models and stores and can run in ``councilkg extract``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.cleaning import CleanedText, Line, clean
from ingest.document_kind import addressed_body, document_type
from ingest.extraction import Extractor
from ingest.formats.isolation import ReaderLimits
from ingest.loading import SourceText, read_source
from ingest.metadata import action_type, detect_metadata
from ingest.structure import classify_lines, split_passages
from ingest.symbols import slug
from ontology.errors import EmptyInputError, ReaderLimitError, UnknownTermError
from ontology.records import DocumentRecord, ParsedDocument, PassageRecord, RelationRecord
from ontology.schema import GraphSchema, default_schema


@dataclass(frozen=True, slots=True)
class ParseOptions:
    max_bytes: int = 20_000_000
    target_words: int = 150
    max_words: int = 220
    #: time and memory budget of the Word and PDF readers (run in a child process)
    reader: ReaderLimits = field(default_factory=ReaderLimits)


def _page_index(lines: list[Line]) -> Callable[[int], int | None]:
    """Offset in the cleaned text -> page of the line there (None without pages)."""
    starts: list[int] = []
    pages: list[int | None] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        pages.append(line.page)
        offset += len(line.text) + 1
    if not any(p is not None for p in pages):
        return lambda _: None
    return lambda at: pages[max(0, bisect_right(starts, at) - 1)]


class DocumentParser:
    """Parses files into :class:`ParsedDocument`; holds the spaCy pipeline (build once)."""

    def __init__(self, options: ParseOptions | None = None,
                 extractor: Extractor | None = None, schema: GraphSchema | None = None) -> None:
        self.options = options or ParseOptions()
        self.extractor = extractor or Extractor()
        self.schema = schema or default_schema()
        #: files that ran out of their reader budget, by (path, size, mtime): a file read
        #: twice (acronym pass, then parse) must not spend its time limit twice
        self._over_budget: dict[tuple[str, int, int], ReaderLimitError] = {}

    def _read(self, path: Path) -> SourceText:
        try:
            stat = path.stat()
            key = (str(path), stat.st_size, stat.st_mtime_ns)
        except OSError:
            key = None  # read_source says why
        if key is not None and key in self._over_budget:
            raise self._over_budget[key]
        try:
            return read_source(path, max_bytes=self.options.max_bytes,
                               limits=self.options.reader)
        except ReaderLimitError as exc:
            if key is not None:
                self._over_budget[key] = exc
            raise

    def learn(self, path: Path) -> None:
        """Register the acronym definitions of a file without parsing it further."""
        self.extractor.learn(self._read(path).clean().text)

    def parse_file(self, path: Path) -> ParsedDocument:
        source = self._read(path)
        return self.parse_cleaned(source.clean(), source=str(path),
                                  content_hash=source.content_hash,
                                  fallback_id=f"doc/{slug(path.stem)}")

    def parse_text(self, text: str, *, source: str, content_hash: str,
                   fallback_id: str) -> ParsedDocument:
        return self.parse_cleaned(clean(text), source=source, content_hash=content_hash,
                                  fallback_id=fallback_id)

    def parse_cleaned(self, cleaned: CleanedText, *, source: str, content_hash: str,
                      fallback_id: str) -> ParsedDocument:
        if cleaned.footnotes:
            cleaned.lines += [Line("", False), Line("Footnotes", False)]
            cleaned.lines += [Line(f"[{n}] {body}", False)
                              for n, body in sorted(cleaned.footnotes.items())]
        full_text = cleaned.text
        if not any(ch.isalnum() for ch in full_text):
            raise EmptyInputError(f"{Path(source).name}: no text left after cleaning",
                                  path=source)
        blocks = classify_lines(cleaned.lines)
        meta = detect_metadata(blocks, cleaned)
        doc_id = meta.symbol.document_id if meta.symbol else fallback_id
        body = addressed_body(meta.symbol, meta.action_required)
        document = DocumentRecord(
            id=doc_id,
            symbol=doc_id if meta.symbol else None,
            title=meta.title,
            date=meta.date,
            year=meta.year,
            language=meta.symbol.language if meta.symbol else None,
            source=source,
            content_hash=content_hash,
            summary=meta.summary,
            action_required=meta.action_required,
            action_type=action_type(meta.action_required),
            document_type=document_type(meta.symbol, meta.summary, meta.action_required, body),
            body=body,
            access_level=meta.access_level or "public",
        )
        spans = split_passages(blocks, target_words=self.options.target_words,
                               max_words=self.options.max_words)
        page_at = _page_index(cleaned.lines)
        passages = [
            PassageRecord(id=f"{doc_id}#{i}", document_id=doc_id, ordinal=i, section=s.section,
                          heading_path=s.heading_path, start=s.start, end=s.end,
                          text=full_text[s.start:s.end], page=page_at(s.start))
            for i, s in enumerate(spans)
        ]
        if not passages:
            raise EmptyInputError(f"{Path(source).name}: no passages found", path=source)
        extraction = self.extractor.extract(document_id=doc_id, full_text=full_text,
                                            passages=passages)
        allowed = self.schema.entity_labels
        for entity in extraction.entities:
            if entity.type not in allowed:  # only the ontology decides what may be emitted
                raise UnknownTermError(f"extractor emitted {entity.type!r}, which is not an "
                                       f"entity class of the ontology", term=entity.type)
        for relation in extraction.relations:
            self.schema.check_edge(relation.type, relation.source_type, relation.target_type)
        relations = extraction.relations
        cited = extraction.cited_documents
        if meta.symbol is not None and doc_id != meta.symbol.canonical:
            # a language version: linked to the reference-language document, not merged
            work = meta.symbol.canonical
            relations = [*relations, RelationRecord(doc_id, "Document", "LANGUAGE_VERSION_OF",
                                                    work, "Document", None)]
            cited = [*cited, DocumentRecord(id=work, symbol=work, ingested=False)]
        elif meta.symbol is not None and meta.symbol.revision is not None:
            base = meta.symbol.base
            relations = [*relations, RelationRecord(doc_id, "Document", "REVISES", base,
                                                    "Document", None)]
            cited = [*cited, DocumentRecord(id=base, symbol=base, ingested=False)]
        return ParsedDocument(
            document=document,
            cleaned_text=full_text,
            passages=passages,
            entities=extraction.entities,
            mentions=extraction.mentions,
            relations=relations,
            cited_documents=list({c.id: c for c in cited if c.id != doc_id}.values()),
            footnotes=[cleaned.footnotes[n] for n in sorted(cleaned.footnotes)],
            references=[meta.references] if meta.references else [],
        )
