"""Passages and their vectors in LanceDB, searched in memory (dense and BM25).

LanceDB stores the rows; searches run over a snapshot of the table's current version held
in memory: the dense matrix (dense_matrix) and the BM25 postings (keyword_index), which
share row numbers and so one filter mask. Rows carry the ``content_hash`` of the ingest
that wrote them; the store only serves rows whose hash matches the graph's commit marker,
so a crash between the two writes never surfaces a half-ingested document.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from graph.embedded.dense_matrix import EXACT_LIMIT, DenseMatrix
from graph.embedded.keyword_index import KeywordIndex, TermCounts
from graph.search import SearchFilters
from ontology.errors import StoreError
from ontology.records import ParsedDocument

log = logging.getLogger(__name__)

TABLE = "passages"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


VERSION_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Snapshot:
    """The table at one version, as searched: rows numbered alike in both indexes."""

    matrix: DenseMatrix
    keywords: KeywordIndex

    @property
    def version(self) -> int:
        return self.matrix.version


class LancePassages:
    def __init__(self, path: Path, dimension: int, *,
                 exact_limit: int = EXACT_LIMIT) -> None:
        """``exact_limit``: rows up to which dense search scans exactly (dense_matrix)."""
        import lancedb
        import pyarrow as pa

        self.dimension = dimension
        self.exact_limit = exact_limit
        path.mkdir(parents=True, exist_ok=True)
        self._db = lancedb.connect(str(path))
        self._schema = pa.schema([
            pa.field("id", pa.string()),
            pa.field("document_id", pa.string()),
            pa.field("content_hash", pa.string()),
            pa.field("ordinal", pa.int32()),
            pa.field("section", pa.string()),
            pa.field("heading_path", pa.string()),
            pa.field("start", pa.int64()),
            pa.field("end", pa.int64()),
            pa.field("year", pa.int32()),
            pa.field("access_level", pa.string()),
            pa.field("text", pa.string()),
            pa.field("index_text", pa.string()),
            pa.field("vector", pa.list_(pa.float32(), dimension)),
        ])
        if TABLE in self._db.list_tables().tables:
            self._table = self._db.open_table(TABLE)
            stored = self._table.schema.field("vector").type.list_size
            if stored != dimension:
                raise StoreError(
                    f"the passage index holds {stored}-d vectors but the model gives "
                    f"{dimension}-d; use a new store or the model it was built with",
                    stored=stored, model=dimension)
            if "access_level" not in self._table.schema.names:
                # an index written before classification: every document in it was public
                self._table.add_columns({"access_level": "CAST('public' AS STRING)"})
        else:
            self._table = self._db.create_table(TABLE, schema=self._schema)
        self._cache: Snapshot | None = None
        self._cache_lock = threading.Lock()
        self._terms = TermCounts()
        self._checked = -math.inf  # when the table's version was last compared (monotonic)

    def drop_text_index(self) -> bool:
        """Drop the LanceDB full-text index that stores written by earlier versions carry:
        BM25 runs in memory now (keyword_index), and ``optimize`` would keep updating it."""
        names = [i.name for i in self._table.list_indices() if i.columns == ["index_text"]]
        for name in names:
            self._table.drop_index(name)
        return bool(names)

    def replace_document(self, parsed: ParsedDocument, vectors: npt.NDArray[np.float32],
                         index_texts: list[str]) -> None:
        doc = parsed.document
        rows = [{
            "id": p.id, "document_id": doc.id, "content_hash": doc.content_hash,
            "ordinal": p.ordinal, "section": p.section, "heading_path": " > ".join(p.heading_path),
            "start": p.start, "end": p.end, "year": doc.year,
            "access_level": doc.access_level or "public", "text": p.text,
            "index_text": index_texts[i], "vector": vectors[i].tolist(),
        } for i, p in enumerate(parsed.passages)]
        try:
            # leftovers of an attempt that crashed before its graph commit
            self.delete_version(doc.id, doc.content_hash or "")
            if rows:
                self._table.add(rows)
                self._wrote()
        except Exception as exc:
            raise StoreError(f"passage write of {doc.id} failed: {exc}",
                             document=doc.id) from exc

    def _wrote(self) -> None:
        """This process changed the table: the next search compares versions again."""
        self._checked = -math.inf

    def delete_version(self, doc_id: str, content_hash: str) -> None:
        self._table.delete(f"document_id = {_quote(doc_id)} "
                           f"AND content_hash = {_quote(content_hash)}")
        self._wrote()

    def delete_stale(self, doc_id: str, keep_hash: str) -> None:
        """Rows of older versions, once the new version's graph commit is done."""
        self._table.delete(f"document_id = {_quote(doc_id)} "
                           f"AND content_hash <> {_quote(keep_hash)}")
        self._wrote()

    def versions(self) -> set[tuple[str, str]]:
        """Every (document_id, content_hash) with rows in the index."""
        n = self.count()
        if not n:
            return set()
        rows = self._table.search().select(["document_id", "content_hash"]).limit(n).to_list()
        return {(r["document_id"], r["content_hash"] or "") for r in rows}

    def delete_document(self, doc_id: str) -> None:
        self._table.delete(f"document_id = {_quote(doc_id)}")
        self._wrote()

    def optimize(self) -> None:
        """Compact the files the appends and deletes left."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._table.optimize()
        self._wrote()

    def count(self) -> int:
        return int(self._table.count_rows())

    _COLUMNS: ClassVar[list[str]] = ["id", "document_id", "content_hash", "ordinal", "section",
                                     "heading_path", "start", "end", "year", "access_level",
                                     "text"]

    def bm25(self, query: str, limit: int, filters: SearchFilters,
             documents: frozenset[str] | None = None) -> list[dict[str, Any]]:
        """Okapi BM25 over the index texts (keyword_index), filters applied first."""
        snapshot = self.snapshot()
        if snapshot is None:
            return []
        matrix = snapshot.matrix
        found, scores = snapshot.keywords.search(query, limit, matrix.mask(filters, documents))
        return [{**matrix.row(int(i)), "_score": float(score)}
                for i, score in zip(found, scores, strict=True)]

    def dense(self, vector: npt.NDArray[np.float32], limit: int, filters: SearchFilters,
              documents: frozenset[str] | None = None) -> list[dict[str, Any]]:
        """Cosine search over an in-memory matrix of every row: exact up to
        ``exact_limit`` rows, sign-bit candidates rescored exactly above (dense_matrix).

        Measured at 100k passages (bench/search_latency.py): LanceDB's flat scan takes
        ~230 ms a query, the exact matrix product ~15 ms, the sign-bit stage ~3 ms."""
        snapshot = self.snapshot()
        if snapshot is None:
            return []
        return snapshot.matrix.search(vector, limit, filters, documents)

    def snapshot(self) -> Snapshot | None:
        """The in-memory indexes of the table's current version (None while the table is
        empty). They are rebuilt after this process writes or when the table's version
        moves; the version is read at most once per ``VERSION_CHECK_SECONDS`` unless this
        process wrote (reading it is a round trip to LanceDB's event loop, ~1.5 ms under
        load): another process's write (a read-only server worker beside an ingest) shows
        within that time."""
        cache = self._cache
        now = time.monotonic()
        if cache is not None and now - self._checked < VERSION_CHECK_SECONDS:
            return cache if len(cache.matrix) else None
        version = self._table.version
        self._checked = now
        if cache is None or cache.version != version:
            with self._cache_lock:  # concurrent searches load the snapshot once
                cache = self._cache
                if cache is None or cache.version != version:
                    cache = self._cache = self._load(version)
        return cache if len(cache.matrix) else None

    def _load(self, version: int) -> Snapshot:
        data = self._table.to_arrow()
        matrix = DenseMatrix.from_arrow(data, version, self._COLUMNS,
                                        exact_limit=self.exact_limit)
        keys = list(zip(matrix.columns["id"], matrix.columns["content_hash"], strict=True))
        keywords = self._terms.index(keys, data.column("index_text").to_pylist())
        return Snapshot(matrix, keywords)

    def _by_ids(self, passage_ids: list[str], columns: list[str],
                limit: int) -> list[dict[str, Any]]:
        if not passage_ids:
            return []
        ids = ", ".join(_quote(p) for p in passage_ids)
        rows: list[dict[str, Any]] = self._table.search().where(f"id IN ({ids})") \
            .select(columns).limit(limit).to_list()
        return rows

    def rows(self, passage_ids: list[str]) -> list[dict[str, Any]]:
        """Rows of these ids, every stored version (the caller keeps the committed one)."""
        return self._by_ids(passage_ids, self._COLUMNS, len(passage_ids) * 2 + 10)

    def texts(self, passage_ids: list[str]) -> dict[str, str]:
        return {r["id"]: r["text"]
                for r in self._by_ids(passage_ids, ["id", "text"], len(passage_ids))}

    def vectors(self, passage_ids: list[str]) -> list[dict[str, Any]]:
        """Rows with vector and index text (every stored version: the caller filters)."""
        return self._by_ids(passage_ids,
                            ["id", "document_id", "content_hash", "index_text", "vector"],
                            len(passage_ids) * 2 + 10)
