"""The application service: wires parser, embedder and store for the CLI and the API."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from graph.registry import open_store
from graph.search import QueryVector, SearchFilters, SearchMode, SearchRequest
from graph.store import GraphStore, SearchHit
from graph.visible import PublicView
from ingest.embedding import CachedEmbedder, Embedder, SentenceTransformerEmbedder, Vectors
from ingest.onnx_embedding import onnx_embedder
from ingest.pipeline import DocumentParser
from ingest.questions import QuestionAnalysis, QuestionAnalyzer
from ontology.errors import (
    CouncilKGError,
    DuplicateInputError,
    PermissionDeniedError,
    StoreUnavailableError,
)
from ontology.records import AccessLevel, ParsedDocument
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
    access_level: str | None = None


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
        self._analyzers: dict[AccessLevel, QuestionAnalyzer] = {}
        self._query_embedder: Embedder | None = None
        self._query_embedder_lock = threading.Lock()
        self._encoding = ThreadPoolExecutor(max_workers=4, thread_name_prefix="encode")
        #: called once per file with its outcome (metrics, audit), however ingest is reached
        self.observers: list[Callable[[IngestOutcome], None]] = []

    @classmethod
    def open(cls, settings: Settings) -> CouncilKG:
        model = SentenceTransformerEmbedder(settings.model, batch_size=settings.batch_size,
                                            threads=settings.torch_threads or None)
        embedder = CachedEmbedder(model, settings.store / "embedding-cache.sqlite")
        store = open_store(settings.backend, path=settings.store, dimension=embedder.dimension,
                           neo4j=settings.neo4j(), read_only=settings.read_only,
                           dense_exact_limit=settings.dense_exact_limit)
        return cls(settings, store, embedder)

    # ------------------------------------------------------------ ingest
    def ingest(self, paths: Iterable[Path],
               progress: Callable[[IngestOutcome], None] | None = None, *,
               access: AccessLevel | None = None,
               clearance: AccessLevel = AccessLevel.RESTRICTED) -> list[IngestOutcome]:
        """Ingest files and folders; ``access`` forces their classification (else each
        file's marking decides), ``clearance`` is the caller's (see ``ingest_file``)."""
        outcomes = []
        files = list(expand_paths(paths))
        self.learn_acronyms(files)
        claimed: dict[str, str] = {}  # document id -> the file of this batch that holds it
        for path in files:
            outcome = self.ingest_file(path, claimed=claimed, access=access,
                                       clearance=clearance)
            self.log.record(outcome.path, outcome.status, outcome.document_id, outcome.reason)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        if any(o.status == "ingested" for o in outcomes):
            self.store.finalize()
            self._analyzers.clear()  # new entities to recognise in questions
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

    def ingest_file(self, path: Path, *, claimed: dict[str, str] | None = None,
                    access: AccessLevel | None = None,
                    clearance: AccessLevel = AccessLevel.RESTRICTED) -> IngestOutcome:
        """Ingest one file; ``claimed`` (document id -> file) refuses a second file of the
        same batch that is the same document, which would otherwise replace the first."""
        self.writable()
        outcome = self._ingest_file(path, claimed, access, clearance)
        for observer in self.observers:
            try:
                observer(outcome)
            except Exception:  # an observer's bug must not fail the ingest
                log.exception("ingest observer failed")
        return outcome


    def classify(self, parsed: ParsedDocument, access: AccessLevel | None,
                 clearance: AccessLevel) -> tuple[ParsedDocument, bool]:
        """The document with its access level, and whether the store holds it unchanged
        (same bytes, same level: changing the level alone is a change).

        A forced level wins; otherwise the file's marking, except that an unforced re-ingest
        never lowers a stored "restricted" (declassifying takes ``--access public``). A
        caller without clearance may not replace a restricted document."""
        doc = parsed.document
        stored_hash = self.store.document_hash(doc.id)
        stored = self.store.get_document(doc.id) if stored_hash is not None else None
        stored_level = stored.document.access_level if stored is not None else None
        if stored_level == AccessLevel.RESTRICTED and not clearance.sees(stored_level):
            raise PermissionDeniedError(
                f"{doc.id} exists at a level this caller's clearance does not cover",
                document=doc.id)
        level = access or (AccessLevel.RESTRICTED if AccessLevel.RESTRICTED in
                           (doc.access_level, stored_level) else AccessLevel.PUBLIC)
        parsed.document = replace(doc, access_level=level.value)
        unchanged = stored_hash == doc.content_hash and (stored_level or "public") == level
        return parsed, unchanged

    def _ingest_file(self, path: Path, claimed: dict[str, str] | None,
                     access: AccessLevel | None, clearance: AccessLevel) -> IngestOutcome:
        try:
            parsed, unchanged = self.classify(self.parser.parse_file(path), access, clearance)
            doc = parsed.document
            if claimed is not None:
                first = claimed.setdefault(doc.id, str(path))
                if first != str(path):
                    raise DuplicateInputError(
                        f"{path.name}: same document {doc.id} as {Path(first).name}, earlier "
                        "in this batch; ingest one file per document (a language version "
                        "carries its language suffix in its symbol, e.g. -F)",
                        path=str(path), document_id=doc.id, other=first)
            if unchanged:
                return IngestOutcome(str(path), "unchanged", doc.id, len(parsed.passages),
                                     access_level=doc.access_level)
            texts = index_texts(parsed)
            vectors = self.embedder.embed(texts)
            self.store.write_document(parsed, vectors, texts)
            return IngestOutcome(str(path), "ingested", doc.id, len(parsed.passages),
                                 access_level=doc.access_level)
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
            self._analyzers.clear()  # its entities may be gone
        return deleted

    def failures(self) -> list[Failure]:
        """Inputs whose last ingest failed, with the reason."""
        return self.log.failures()

    # ------------------------------------------------------------ reads
    def store_for(self, clearance: AccessLevel) -> GraphStore:
        """The store as a caller with this clearance sees it (the CLI, an operator's tool,
        reads with full clearance)."""
        if clearance is AccessLevel.RESTRICTED:
            return self.store
        return PublicView(self.store, self.store.access_index())

    def analyzer(self, clearance: AccessLevel = AccessLevel.RESTRICTED) -> QuestionAnalyzer:
        """Built on first use from the entities this clearance sees (a public caller's
        questions must not be taught names only restricted documents contain)."""
        if clearance not in self._analyzers:
            self._analyzers[clearance] = QuestionAnalyzer(
                self.store_for(clearance).entity_names())
        return self._analyzers[clearance]

    def analyze(self, question: str,
                clearance: AccessLevel = AccessLevel.RESTRICTED) -> QuestionAnalysis:
        return self.analyzer(clearance).analyze(question)

    def request(self, query: str, *, k: int = 10, mode: str | SearchMode = SearchMode.HYBRID,
                document: str | None = None, year_from: int | None = None,
                year_to: int | None = None, body: str | None = None,
                document_type: str | None = None, understand: bool = True,
                analysis: QuestionAnalysis | None = None,
                clearance: AccessLevel = AccessLevel.RESTRICTED) -> SearchRequest:
        """A search request; ``understand`` adds what question analysis finds (entity ids
        and acronym <-> long form expansions); pass ``analysis`` when already done."""
        filters = SearchFilters(
            document=canonical_document_id(document) if document else None,
            year_from=year_from, year_to=year_to, body=body, document_type=document_type,
            clearance=clearance)
        if analysis is None and understand and query.strip():
            analysis = self.analyze(query, clearance)
        return SearchRequest(query=query, k=k, mode=SearchMode(mode), filters=filters,
                             fusion=self.settings.fusion(),
                             expansions=analysis.expansions if analysis else (),
                             entities=analysis.entity_ids if analysis else (),
                             evidence=self.relation_evidence(analysis) if analysis else ())

    def relation_evidence(self, analysis: QuestionAnalysis) -> tuple[str, ...]:
        """Passages the asked-about relations of the named entities were read from
        ("who chairs ICTGC": the passage of ICTGC's CHAIRED_BY edge)."""
        if not analysis.relations or self.settings.evidence_weight <= 0:
            return ()
        wanted = frozenset(analysis.relations)
        out: list[str] = []
        for entity_id in analysis.entity_ids:
            # not get_entity: no mentions needed, and only the asked-about relations
            found = self.store.entity_links(entity_id, wanted)
            if found is None:
                continue
            out += [link.passage_id for link in found.links if link.passage_id]
        return tuple(dict.fromkeys(out))

    def query_vector(self, request: SearchRequest) -> Vectors | None:
        if request.mode is SearchMode.BM25:
            return None
        vector: Vectors = self.embedder_for_queries.embed([request.dense_query])[0]
        return vector

    def vector_later(self, request: SearchRequest) -> QueryVector:
        """The query vector as a function the store calls when dense retrieval needs it;
        the encoding starts now, in another thread, so it overlaps the store's BM25
        (both release the GIL: ONNX Runtime and LanceDB)."""
        if request.mode is SearchMode.BM25:
            return None
        return self._encoding.submit(self.query_vector, request).result

    def search(self, request: SearchRequest) -> list[SearchHit]:
        return self.store.search(request, self.vector_later(request))

    def warm(self) -> None:
        """Load what the first search would otherwise wait for: the query encoder (an ONNX
        export, made on first use) and the store's in-memory indexes (the embedded store
        builds its dense matrix and BM25 postings in ~5 s at 100k passages)."""
        self.embedder_for_queries  # noqa: B018 (the property loads it)
        try:
            self.search(self.request("council", k=1))
        except Exception as exc:  # the service still starts; /ready tells whether it reads
            log.warning("warm-up search failed: %s", exc)

    @property
    def embedder_for_queries(self) -> Embedder:
        """Queries bypass the passage cache (they would only grow it); concurrent ones
        share model calls (search_api.query_batching)."""
        with self._query_embedder_lock:  # one export and one session per process
            if self._query_embedder is None:
                self._query_embedder = self._make_query_embedder()
        return self._query_embedder

    def _make_query_embedder(self) -> Embedder:
        inner = getattr(self.embedder, "inner", None) or self.embedder
        if self.settings.query_runtime == "onnx" and \
                isinstance(inner, SentenceTransformerEmbedder):
            inner = onnx_embedder(inner, cache=self.settings.model_cache,
                                  threads=self.settings.torch_threads) or inner
        return CoalescingEmbedder(inner)

    def close(self) -> None:
        self._encoding.shutdown(wait=True)
        self.store.close()
        self.log.close()
        closer = getattr(self.embedder, "close", None)
        if closer:
            closer()
