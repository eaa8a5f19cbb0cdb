"""The Neo4j backend: the same :class:`~graph.store.GraphStore` as the embedded store.

Passages are nodes carrying their text, index text and embedding, with a native
vector index and a full-text index, so both retrievers run inside Neo4j; hybrid
search ranks them with the same :func:`~graph.search.fuse` as the embedded store.
A document write (old derivation removed, passages with vectors, entities,
mentions, relations, then the commit marker) is one managed write transaction:
it commits whole or not at all, and the driver retries transient failures.
All Cypher lives in :mod:`graph.neo4j.queries`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

from graph.neo4j import plan
from graph.neo4j import queries as q
from graph.neo4j.access_reads import AccessReads
from graph.neo4j.config import Neo4jConfig
from graph.neo4j.connect import check_version, open_driver, translate
from graph.neo4j.lineage_reads import LineageReads
from graph.neo4j.reads import Reads
from graph.search import QueryVector, SearchMode, SearchRequest, fuse, resolve_vector
from graph.store import SearchHit, StoreStats
from graph.terms import DOCUMENT_CONTENT_RELATIONS
from ontology.errors import CouncilKGError, InvalidRequestError, StoreError
from ontology.records import ParsedDocument
from ontology.schema import GraphSchema, default_schema

if TYPE_CHECKING:
    from neo4j import ManagedTransaction

log = logging.getLogger(__name__)
T = TypeVar("T")


class Neo4jStore(Reads, LineageReads, AccessReads):
    backend = "neo4j"

    def __init__(self, config: Neo4jConfig, *, dimension: int,
                 schema: GraphSchema | None = None) -> None:
        self.config = config
        self.dimension = dimension
        self.schema = schema or default_schema()
        self._driver = open_driver(config)
        try:
            rows = self._read(lambda tx: tx.run(q.COMPONENTS).data(), "reading the version")
            self.version = check_version(rows)
            self._create_schema()
        except BaseException:
            self._driver.close()
            raise

    # ------------------------------------------------------------ plumbing
    def _session(self) -> Any:
        return self._driver.session(database=self.config.database)

    def _run(self, work: Callable[[ManagedTransaction], T], action: str, *, write: bool) -> T:
        from neo4j import unit_of_work

        timed = unit_of_work(timeout=self.config.timeout)(work)
        try:
            with self._session() as session:
                if write:
                    return session.execute_write(timed)  # type: ignore[no-any-return]
                return session.execute_read(timed)  # type: ignore[no-any-return]
        except CouncilKGError:
            raise
        except Exception as exc:
            raise translate(exc, self.config, action) from exc

    def _read(self, work: Callable[[ManagedTransaction], T], action: str) -> T:
        return self._run(work, action, write=False)

    def _write(self, work: Callable[[ManagedTransaction], T], action: str) -> T:
        return self._run(work, action, write=True)

    def _create_schema(self) -> None:
        """Idempotent (IF NOT EXISTS); schema commands each run in their own transaction."""
        statements = [q.uniqueness_constraint(label, self.schema) for label in self.schema.nodes]
        statements += [q.vector_index(self.dimension), q.FULLTEXT_INDEX]
        for statement in statements:
            self._write(_consume(statement), "creating the schema")
        found = self._read(lambda tx: tx.run(q.INDEX_OPTIONS,
                                             name=q.vector_index_name).data(),
                           "reading the vector index")
        config = (found[0].get("options") or {}).get("indexConfig", {}) if found else {}
        stored = config.get("vector.dimensions")
        if stored is not None and int(stored) != self.dimension:
            raise StoreError(
                f"the Neo4j vector index {q.vector_index_name} holds {stored}-d vectors but "
                f"the model gives {self.dimension}-d; use another database or the model it "
                "was built with", stored=stored, model=self.dimension)
        wait = max(1, int(self.config.timeout * 0.8))  # inside the transaction's own timeout
        self._read(lambda tx: tx.run(q.AWAIT_INDEXES, seconds=wait).consume(),
                   "waiting for the indexes")

    @staticmethod
    def _run_batches(tx: ManagedTransaction, batches: list[plan.Batch], size: int) -> None:
        for batch in batches:
            for rows in plan.chunks(batch.rows, size):
                tx.run(batch.query, {"rows": rows, **batch.params}).consume()

    # ------------------------------------------------------------ writes
    def write_document(self, parsed: ParsedDocument, vectors: npt.NDArray[np.float32],
                       index_texts: list[str]) -> None:
        if vectors.ndim == 2 and len(vectors) and vectors.shape[1] != self.dimension:
            raise InvalidRequestError(f"vectors are {vectors.shape[1]}-d, the store "
                                      f"{self.dimension}-d", document=parsed.document.id)
        batches = plan.document_write(self.schema, parsed, vectors, index_texts)
        self._write(lambda tx: self._run_batches(tx, batches, self.config.batch_size),
                    f"writing {parsed.document.id}")

    def delete_document(self, document_id: str) -> bool:
        sweep = plan.orphan_sweep(self.schema)
        outgoing = [q.remove_outgoing(rel, self.schema) for rel in DOCUMENT_CONTENT_RELATIONS]

        def work(tx: ManagedTransaction) -> bool:
            if tx.run(q.DOCUMENT_HASH, id=document_id).single() is None:
                return False
            for statement in [q.REMOVE_PASSAGES, *outgoing]:
                tx.run(statement, id=document_id).consume()
            cited = tx.run(q.CITATIONS_OF, id=document_id).single(strict=True)["n"]
            tx.run(q.CLEAR_DOCUMENT if cited else q.DELETE_DOCUMENT, id=document_id).consume()
            for statement in sweep:
                tx.run(statement).consume()
            return True

        return self._write(work, f"deleting {document_id}")

    def finalize(self) -> None:
        """Nothing to do: Neo4j updates both indexes when a write transaction commits."""

    def delete_everything(self) -> None:
        """Empty the configured database (contract tests; a deliberate migration target)."""
        self._write(lambda tx: tx.run(q.DELETE_EVERYTHING).consume(), "emptying the database")

    def labels_in_use(self) -> list[str]:
        row = self._read(lambda tx: tx.run(q.LABELS_IN_USE).single(strict=True),
                         "listing labels")
        return list(row["labels"])

    # ------------------------------------------------------------ search
    def search(self, request: SearchRequest, vector: QueryVector) -> list[SearchHit]:
        query_vector = resolve_vector(vector)
        request.check_vector(query_vector)
        mode, limit = request.mode, request.candidate_limit
        filters = plan.filter_params(request.filters)

        def work(tx: ManagedTransaction) -> list[SearchHit]:
            bm25: list[tuple[str, float]] = []
            dense: list[tuple[str, float]] = []
            if mode in (SearchMode.BM25, SearchMode.HYBRID):
                bm25 = self._bm25(tx, request.keyword_query, limit, filters)
            if mode in (SearchMode.DENSE, SearchMode.HYBRID):
                assert query_vector is not None
                dense = self._dense(tx, query_vector, limit, request, filters)
            ranked = fuse(request, bm25, dense, lambda ids: self._mentioned(tx, ids))
            return self._hits(tx, ranked[: request.k])

        return self._read(work, "searching")

    def _bm25(self, tx: ManagedTransaction, query: str, limit: int,
              filters: dict[str, Any]) -> list[tuple[str, float]]:
        terms = plan.lucene_terms(query)
        if not terms:
            return []
        rows = tx.run(q.FULLTEXT_SEARCH, index=q.fulltext_index_name, terms=terms,
                      limit=limit, **filters)
        return [(r["id"], float(r["score"])) for r in rows]

    def _dense(self, tx: ManagedTransaction, vector: npt.NDArray[np.float32], limit: int,
               request: SearchRequest, filters: dict[str, Any]) -> list[tuple[str, float]]:
        values = [float(x) for x in vector]
        norm = float(np.linalg.norm(vector)) or 1.0
        if request.filters.document is not None:
            scan = tx.run(q.VECTOR_SEARCH_IN_DOCUMENT, vector=values, norm=norm, limit=limit,
                          **filters)
            return [(r["id"], float(r["score"])) for r in scan]
        fetch = plan.vector_fetch(limit, request.filters)
        rows = list(tx.run(q.VECTOR_SEARCH, index=q.vector_index_name, vector=values,
                           fetch=fetch, limit=limit, **filters))
        if fetch > limit and len(rows) < limit:
            # the filters removed too many of the index's neighbours: scan exactly, so
            # visible passages are never crowded out by ones the caller may not see
            exact = tx.run(q.VECTOR_SEARCH_EXACT, vector=values, norm=norm, limit=limit,
                           **filters)
            return [(r["id"], float(r["score"])) for r in exact]
        # the index scores cosine as (1 + cos) / 2; report the cosine, as the embedded store
        return [(r["id"], 2.0 * float(r["score"]) - 1.0) for r in rows]

    # ------------------------------------------------------------ stats
    def stats(self) -> StoreStats:
        def work(tx: ManagedTransaction) -> StoreStats:
            nodes = {label: self._count(tx, q.count_nodes(label, self.schema))
                     for label in self.schema.nodes}
            rels = {name: self._count(tx, q.count_relationships(name, self.schema))
                    for name in self.schema.relations}
            cited_only = self._count(tx, q.CITED_ONLY_DOCUMENTS)
            return StoreStats(backend=self.backend,
                              documents=nodes.get("Document", 0) - cited_only,
                              cited_only_documents=cited_only,
                              passages=nodes.get("Passage", 0), nodes=nodes, relationships=rels)

        return self._read(work, "counting")

    @staticmethod
    def _count(tx: ManagedTransaction, statement: str) -> int:
        return int(tx.run(statement).single(strict=True)["n"])

    def close(self) -> None:
        self._driver.close()


def _consume(statement: str) -> Callable[[ManagedTransaction], None]:
    def work(tx: ManagedTransaction) -> None:
        tx.run(statement).consume()

    return work
