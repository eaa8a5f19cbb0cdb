"""The application service: wires parser, embedder and store for the CLI and the API."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.registry import open_store
from graph.search import SearchFilters, SearchMode, SearchRequest
from graph.store import GraphStore, SearchHit
from ingest.embedding import CachedEmbedder, Embedder, SentenceTransformerEmbedder, Vectors
from ingest.pipeline import DocumentParser
from ingest.questions import QuestionAnalysis, QuestionAnalyzer
from ontology.errors import CouncilKGError, StoreUnavailableError
from ontology.records import ParsedDocument
from search_api.identifiers import canonical_document_id
from search_api.ingest_log import Failure, IngestLog
from search_api.query_batching import CoalescingEmbedder
from search_api.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    path: str
    status: str  # "ingested" | "unchanged" | "failed"
    document_id: str | None = None
    passages: int = 0
    reason: str | None = None


def index_texts(parsed: ParsedDocument) -> list[str]:
    """What is embedded and full-text indexed, per passage.

    The title and heading path make a passage understandable alone; the names
    of the bodies and initiatives it mentions expand acronyms ("ICTC" is also
    indexed as "Information and Communication Technology Committee").
    """
    names = {e.id: e for e in parsed.entities if e.type in ("Body", "Initiative")}
    expansions: dict[str, list[str]] = {}
    for mention in parsed.mentions:
        entity = names.get(mention.entity_id)
        if entity is not None:
            found = expansions.setdefault(mention.passage_id, [])
            if entity.name not in found:
                found.append(entity.name)
    out = []
    for passage in parsed.passages:
        parts = [parsed.document.symbol or "", parsed.document.title or "", passage.context,
                 passage.text, "; ".join(expansions.get(passage.id, []))]
        out.append("\n".join(p for p in parts if p))
    return out


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders recursively, sorted, hidden entries skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in rel.parts):
                    yield child
        else:
            yield path


class CouncilKG:
    """One store and one model per process."""

    def __init__(self, settings: Settings, store: GraphStore, embedder: Embedder,
                 parser: DocumentParser | None = None) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.parser = parser or DocumentParser(settings.parse_options())
        self.log = IngestLog(settings.store / "ingest-log.sqlite")
        self._analyzer: QuestionAnalyzer | None = None
        self._query_embedder: Embedder | None = None
        #: called once per file with its outcome (metrics, audit), however ingest is reached
        self.observers: list[Callable[[IngestOutcome], None]] = []

    @classmethod
    def open(cls, settings: Settings) -> CouncilKG:
        model = SentenceTransformerEmbedder(settings.model, batch_size=settings.batch_size,
                                            threads=settings.torch_threads or None)
        embedder = CachedEmbedder(model, settings.store / "embedding-cache.sqlite")
        store = open_store(settings.backend, path=settings.store, dimension=embedder.dimension,
                           neo4j=settings.neo4j(), read_only=settings.read_only)
        return cls(settings, store, embedder)

    # ------------------------------------------------------------ ingest
    def ingest(self, paths: Iterable[Path],
               progress: Callable[[IngestOutcome], None] | None = None) -> list[IngestOutcome]:
        outcomes = []
        files = list(expand_paths(paths))
        self.learn_acronyms(files)
        for path in files:
            outcome = self.ingest_file(path)
            self.log.record(outcome.path, outcome.status, outcome.document_id, outcome.reason)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        if any(o.status == "ingested" for o in outcomes):
            self.store.finalize()
            self._analyzer = None  # new entities to recognise in questions
        return outcomes

    def learn_acronyms(self, files: list[Path]) -> None:
        """Read every "Long Form (ACR)" definition of the batch first, so an acronym defined
        in any file is recognised in all of them, whatever their order."""
        for path in files:
            try:
                self.parser.learn(path)
            except CouncilKGError:
                continue  # the file fails with its reason when it is ingested

    def writable(self) -> None:
        """Writes are refused on a read-only service (one of several server workers)."""
        if self.settings.read_only:
            raise StoreUnavailableError("this server opened the store read-only "
                                        "(COUNCILKG_READ_ONLY): writes go to a read-write one")

    def ingest_file(self, path: Path) -> IngestOutcome:
        self.writable()
        outcome = self._ingest_file(path)
        for observer in self.observers:
            try:
                observer(outcome)
            except Exception:  # an observer's bug must not fail the ingest
                log.exception("ingest observer failed")
        return outcome

    def _ingest_file(self, path: Path) -> IngestOutcome:
        try:
            parsed = self.parser.parse_file(path)
            doc = parsed.document
            if self.store.document_hash(doc.id) == doc.content_hash:
                return IngestOutcome(str(path), "unchanged", doc.id, len(parsed.passages))
            texts = index_texts(parsed)
            vectors = self.embedder.embed(texts)
            self.store.write_document(parsed, vectors, texts)
            return IngestOutcome(str(path), "ingested", doc.id, len(parsed.passages))
        except CouncilKGError as exc:
            log.warning("failed %s: %s", path, exc.message)
            return IngestOutcome(str(path), "failed", reason=exc.message)
        except Exception as exc:  # a bug must not lose the rest of the batch
            log.exception("internal error on %s", path)
            return IngestOutcome(str(path), "failed",
                                 reason=f"internal error: {type(exc).__name__}: {exc}")

    def delete(self, document_id: str) -> bool:
        """Remove an ingested document and what only it derived; False if not ingested."""
        self.writable()
        deleted = self.store.delete_document(canonical_document_id(document_id))
        if deleted:
            self.log.forget_document(canonical_document_id(document_id))
            self._analyzer = None  # its entities may be gone
        return deleted

    def failures(self) -> list[Failure]:
        """Inputs whose last ingest failed, with the reason."""
        return self.log.failures()

    # ------------------------------------------------------------ search
    @property
    def analyzer(self) -> QuestionAnalyzer:
        """Built on first use from the store's entities; rebuilt after an ingest."""
        if self._analyzer is None:
            self._analyzer = QuestionAnalyzer(self.store.entity_names())
        return self._analyzer

    def analyze(self, question: str) -> QuestionAnalysis:
        return self.analyzer.analyze(question)

    def request(self, query: str, *, k: int = 10, mode: str | SearchMode = SearchMode.HYBRID,
                document: str | None = None, year_from: int | None = None,
                year_to: int | None = None, understand: bool = True,
                analysis: QuestionAnalysis | None = None) -> SearchRequest:
        """A search request; ``understand`` adds what question analysis finds (entity ids
        and acronym <-> long form expansions); pass ``analysis`` when already done."""
        filters = SearchFilters(
            document=canonical_document_id(document) if document else None,
            year_from=year_from, year_to=year_to)
        if analysis is None and understand and query.strip():
            analysis = self.analyze(query)
        return SearchRequest(query=query, k=k, mode=SearchMode(mode), filters=filters,
                             fusion=self.settings.fusion(),
                             expansions=analysis.expansions if analysis else (),
                             entities=analysis.entity_ids if analysis else ())

    def query_vector(self, request: SearchRequest) -> Vectors | None:
        if request.mode is SearchMode.BM25:
            return None
        vector: Vectors = self.embedder_for_queries.embed([request.query])[0]
        return vector

    def search(self, request: SearchRequest) -> list[SearchHit]:
        return self.store.search(request, self.query_vector(request))

    @property
    def embedder_for_queries(self) -> Embedder:
        """Queries bypass the passage cache (they would only grow it); concurrent ones
        share model calls (search_api.query_batching)."""
        if self._query_embedder is None:
            inner = getattr(self.embedder, "inner", None)
            self._query_embedder = CoalescingEmbedder(inner if inner is not None
                                                      else self.embedder)
        return self._query_embedder

    def close(self) -> None:
        self.store.close()
        self.log.close()
        closer = getattr(self.embedder, "close", None)
        if closer:
            closer()
