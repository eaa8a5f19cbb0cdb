"""The entity graph in Ladybug (embedded Kùzu fork). All Ladybug Cypher lives here.

Tables are created from the ontology-derived :class:`GraphSchema`; labels and
relationship types are interpolated only after the schema has validated them,
values always travel as parameters. Edges are written with
``MATCH (a:X {id: r.a}), (b:Y {id: r.b})`` (the ``WHERE a.id = ...`` form
loses edges under UNWIND in Ladybug).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graph.store import EntityRef, Link
from graph.terms import DOCUMENT_CONTENT_RELATIONS, protecting_relations
from ontology.errors import StoreError, StoreUnavailableError
from ontology.records import DocumentRecord, EntityRecord, ParsedDocument
from ontology.schema import GraphSchema

log = logging.getLogger(__name__)

_DDL_TYPES = {str: "STRING", int: "INT64", bool: "BOOLEAN", float: "DOUBLE"}
_DOC_FIELDS = ("id", "symbol", "title", "date", "year", "language", "source", "content_hash",
               "summary", "action_required", "action_type", "document_type", "body",
               "ingested", "access_level")


def _cast(expr: str, python_type: type) -> str:
    """Ladybug types an all-NULL list column as STRING: cast to the schema type."""
    return f"CAST({expr} AS {_DDL_TYPES[python_type]})"


def document_from_row(row: dict[str, Any]) -> DocumentRecord:
    fields: dict[str, Any] = {k: row.get(k) for k in _DOC_FIELDS if k != "ingested"}
    return DocumentRecord(**fields, ingested=bool(row.get("ingested")))


class LadybugGraph:
    """One connection to a Ladybug database directory. The connection serves one statement
    at a time, so every statement takes ``lock``, and a write holds it for its whole
    transaction (readers in other threads never see a transaction half done)."""

    def __init__(self, path: Path, schema: GraphSchema, *, read_only: bool = False) -> None:
        import ladybug

        self.schema = schema
        path.parent.mkdir(parents=True, exist_ok=True)
        if read_only and not path.exists():
            raise StoreUnavailableError(f"no graph store at {path} to open read-only "
                                        "(ingest first)", path=str(path))
        try:
            self._db = ladybug.Database(str(path), read_only=read_only)
        except RuntimeError as exc:
            if "lock" in str(exc).lower():
                raise StoreUnavailableError(
                    f"the graph store at {path} is in use by another process "
                    "(one read-write process at a time: stop the server before ingesting)",
                    path=str(path)) from exc
            raise StoreError(f"cannot open the graph store at {path}: {exc}") from exc
        self._conn = ladybug.Connection(self._db)
        self.lock = threading.RLock()
        if read_only:
            return  # its tables exist already; a read-only open cannot add any
        for statement in self.ddl():
            self._run(statement)
        self._add_missing_columns()

    # ------------------------------------------------------------ plumbing
    def ddl(self) -> list[str]:
        statements = []
        for label, node in self.schema.nodes.items():
            cols = ", ".join(f"{c.name} {_DDL_TYPES[c.python_type]}" for c in node.columns)
            statements.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({cols}, PRIMARY KEY(id))")
        for name, rel in self.schema.relations.items():
            pairs = ", ".join(f"FROM {a} TO {b}" for a, b in rel.endpoints)
            cols = "".join(f", {c.name} {_DDL_TYPES[c.python_type]}" for c in rel.columns)
            statements.append(f"CREATE REL TABLE IF NOT EXISTS {name}({pairs}{cols})")
        return statements

    def _add_missing_columns(self) -> None:
        """A store made with an older ontology gains the columns added since (never drops)."""
        tables = {**{n.label: n.columns for n in self.schema.nodes.values()},
                  **{r.name: r.columns for r in self.schema.relations.values()}}
        for table, columns in tables.items():
            present = {row[1] for row in self._run(f"CALL table_info('{table}') RETURN *")}
            for column in columns:
                if column.name not in present:
                    self._run(f"ALTER TABLE {table} ADD {column.name} "
                              f"{_DDL_TYPES[column.python_type]}")

    def _run(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        with self.lock:
            result = self._conn.execute(query, params or {})
            assert not isinstance(result, list)  # one statement, one result
            rows: list[list[Any]] = result.get_all()  # type: ignore[assignment]
        return rows

    def _rows(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self.lock:
            result = self._conn.execute(query, params or {})
            assert not isinstance(result, list)
            names = result.get_column_names()
            rows = result.get_all()
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _rollback(self) -> None:
        # a failed statement already aborts Ladybug's transaction
        try:
            self._run("ROLLBACK")
        except RuntimeError as exc:
            if "no active transaction" not in str(exc).lower():
                raise

    def close(self) -> None:
        with self.lock:
            self._conn.close()
            self._db.close()

    # ------------------------------------------------------------ writes
    def write(self, parsed: ParsedDocument) -> None:
        """Replace one document's derivation in a single transaction."""
        with self.lock:
            self._write_transaction(parsed)

    def _write_transaction(self, parsed: ParsedDocument) -> None:
        self._run("BEGIN TRANSACTION")
        try:
            self._remove_derivation(parsed.document.id)
            self._write(parsed)
            self._run("COMMIT")
        except Exception as exc:
            self._rollback()
            raise StoreError(f"graph write of {parsed.document.id} failed: {exc}",
                             document=parsed.document.id) from exc

    def _remove_derivation(self, doc_id: str) -> None:
        self._run("MATCH (p:Passage)-[:PART_OF]->(d:Document {id: $id}) DETACH DELETE p",
                  {"id": doc_id})
        for rel in DOCUMENT_CONTENT_RELATIONS:
            self.schema.relation(rel)
            self._run(f"MATCH (d:Document {{id: $id}})-[e:{rel}]->() DELETE e", {"id": doc_id})

    def _write(self, parsed: ParsedDocument) -> None:
        doc = parsed.document
        props = {k: getattr(doc, k) for k in _DOC_FIELDS if k not in ("id", "content_hash")}
        props.update(name=doc.symbol or doc.title or doc.id, ingested=True)
        sets = ", ".join(f"d.{k} = ${k}" for k in props)
        # content_hash is the commit marker: cleared first, set last
        self._run(f"MERGE (d:Document {{id: $id}}) SET {sets}, d.content_hash = NULL",
                  {"id": doc.id, **props})
        stubs = [{"id": d.id, "symbol": d.symbol} for d in parsed.cited_documents]
        if stubs:
            self._run("UNWIND $rows AS r MERGE (n:Document {id: r.id}) "
                      "ON CREATE SET n.symbol = r.symbol, n.name = r.id, n.ingested = false",
                      {"rows": stubs})
        by_label: dict[str, list[EntityRecord]] = defaultdict(list)
        for entity in parsed.entities:
            by_label[self.schema.label(entity.type).label].append(entity)
        for label, entities in by_label.items():
            alt = _cast("r.alt", str)
            extra = f", n.version_text = {alt}" if label == "ResolutionVersion" else ""
            self._run(
                f"UNWIND $rows AS r MERGE (n:{label} {{id: r.id}}) "
                f"ON CREATE SET n.name = r.name, n.alt_label = {alt}, n.ingested = false{extra}",
                {"rows": [{"id": e.id, "name": e.name, "alt": "; ".join(e.aliases) or None}
                          for e in entities]})
        self._run(
            "UNWIND $rows AS r CREATE (p:Passage {id: r.id, name: r.name, section: r.section, "
            "ordinal: r.ordinal, char_start: r.char_start, char_end: r.char_end, "
            f"page: {_cast('r.page', int)}}})",
            {"rows": [{"id": p.id, "name": p.context, "section": p.section,
                       "ordinal": p.ordinal, "char_start": p.start, "char_end": p.end,
                       "page": p.page}
                      for p in parsed.passages]})
        self._run("UNWIND $rows AS r MATCH (p:Passage {id: r.p}), (d:Document {id: r.d}) "
                  "CREATE (p)-[:PART_OF]->(d)",
                  {"rows": [{"p": p.id, "d": doc.id} for p in parsed.passages]})
        types = {e.id: e.type for e in parsed.entities}
        types.update({d.id: "Document" for d in parsed.cited_documents})
        mention_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for m in parsed.mentions:
            if (m.passage_id, m.entity_id) in seen or m.entity_id not in types:
                continue
            seen.add((m.passage_id, m.entity_id))
            mention_rows[types[m.entity_id]].append(
                {"source": m.passage_id, "target": m.entity_id, "passage": m.passage_id,
                 "text": m.text, "span_start": m.start, "span_end": m.end, "confidence": 1.0})
        for label, rows in mention_rows.items():
            self._edges("MENTIONS", "Passage", label, rows, create=True)
        rel_rows: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for r in parsed.relations:
            ev = r.evidence
            rel_rows[(r.type, r.source_type, r.target_type)].append(
                {"source": r.source, "target": r.target, "confidence": r.confidence,
                 "passage": ev.passage_id if ev else None, "text": ev.text if ev else None,
                 "span_start": ev.start if ev else None,
                 "span_end": ev.end if ev else None})
        for (rel, src, dst), rows in rel_rows.items():
            self._edges(rel, src, dst, rows, create=False)
        self._run("MATCH (d:Document {id: $id}) SET d.content_hash = $hash",
                  {"id": doc.id, "hash": doc.content_hash})

    def _edges(self, rel: str, src: str, dst: str, rows: list[dict[str, Any]], *,
               create: bool) -> None:
        self.schema.check_edge(rel, src, dst)
        ps, tx = _cast("r.passage", str), _cast("r.text", str)
        st, en = _cast("r.span_start", int), _cast("r.span_end", int)
        props = f"passage: {ps}, text: {tx}, span_start: {st}, span_end: {en}, " \
                "confidence: r.confidence"
        if create:
            tail = f"CREATE (a)-[:{rel} {{{props}}}]->(b)"
        else:
            tail = (f"MERGE (a)-[e:{rel}]->(b) ON CREATE SET e.passage = {ps}, "
                    f"e.text = {tx}, e.span_start = {st}, e.span_end = {en}, "
                    "e.confidence = r.confidence")
        self._run(f"UNWIND $rows AS r MATCH (a:{src} {{id: r.source}}), (b:{dst} {{id: r.target}}) "
                  + tail, {"rows": rows})

    def delete(self, doc_id: str) -> bool:
        with self.lock:
            if self.document_hash(doc_id) is None:
                return False
            self._delete_transaction(doc_id)
        return True

    def _delete_transaction(self, doc_id: str) -> None:
        self._run("BEGIN TRANSACTION")
        try:
            self._remove_derivation(doc_id)
            # kept as a stub while another document's content points at it
            cited = self._run("MATCH (d:Document {id: $id})<-[r:"
                              + "|".join(DOCUMENT_CONTENT_RELATIONS)
                              + "]-(:Document) RETURN count(r)", {"id": doc_id})[0][0]
            if cited:
                cleared = ", ".join(f"d.{k} = NULL" for k in _DOC_FIELDS
                                    if k not in ("id", "symbol", "ingested"))
                self._run(f"MATCH (d:Document {{id: $id}}) SET {cleared}, d.ingested = false",
                          {"id": doc_id})
            else:
                self._run("MATCH (d:Document {id: $id}) DETACH DELETE d", {"id": doc_id})
            self._delete_orphans()
            self._run("COMMIT")
        except Exception as exc:
            self._rollback()
            raise StoreError(f"delete of {doc_id} failed: {exc}", document=doc_id) from exc

    def _delete_orphans(self) -> None:
        """Entities and cited-only documents that no passage or document refers to any more."""
        order = ["ResolutionVersion", *[lbl for lbl in self.schema.nodes
                                        if lbl not in ("ResolutionVersion", "Passage")]]
        for label in order:
            kept = "".join(f" AND NOT EXISTS {{ MATCH (n)<-[:{rel}]-() }}"
                           for rel in protecting_relations(self.schema, label))
            self._run(f"MATCH (n:{label}) WHERE (n.ingested IS NULL OR n.ingested = false)"
                      f"{kept} DETACH DELETE n")

    # ------------------------------------------------------------ reads
    def document_hash(self, doc_id: str) -> str | None:
        rows = self._run("MATCH (d:Document {id: $id}) WHERE d.ingested = true "
                         "RETURN d.content_hash", {"id": doc_id})
        return rows[0][0] if rows else None

    def documents(self, ids: Iterable[str]) -> dict[str, DocumentRecord]:
        rows = self._rows("MATCH (d:Document) WHERE d.id IN $ids RETURN d", {"ids": list(ids)})
        return {r["d"]["id"]: document_from_row(r["d"]) for r in rows}

    def list_documents(self, *, limit: int, offset: int,
                       public_only: bool = False) -> list[DocumentRecord]:
        """Paged in Python: Ladybug's ``ORDER BY .. SKIP s LIMIT n`` crashes the process
        (SIGSEGV) once ``s + n`` passes ~65,000 (found by fuzzing ``/documents?offset=``),
        and wraps ``SKIP`` past 2**32. Sorting the ids alone is cheap at any corpus size."""
        visible = " AND (d.access_level IS NULL OR d.access_level = 'public')" \
            if public_only else ""
        ids = [row[0] for row in self._run("MATCH (d:Document) WHERE d.ingested = true"
                                           f"{visible} RETURN d.id ORDER BY d.id")]
        page = ids[offset: offset + limit]
        if not page:
            return []
        found = self.documents(page)
        return [found[i] for i in page if i in found]

    def passage_count(self, doc_id: str) -> int:
        rows = self._run("MATCH (p:Passage)-[:PART_OF]->(d:Document {id: $id}) RETURN count(p)",
                         {"id": doc_id})
        return int(rows[0][0])

    def all_pages(self) -> dict[str, int]:
        """The page of every passage that has one (search holds them in memory)."""
        rows = self._run("MATCH (p:Passage) WHERE p.page IS NOT NULL RETURN p.id, p.page")
        return {pid: int(page) for pid, page in rows}

    def all_documents(self) -> dict[str, DocumentRecord]:
        return {r["d"]["id"]: document_from_row(r["d"])
                for r in self._rows("MATCH (d:Document) RETURN d")}

    def all_mentions(self) -> dict[str, list[EntityRef]]:
        """The entities every passage mentions (search holds them in memory)."""
        rows = self._run("MATCH (p:Passage)-[:MENTIONS]->(e) "
                         "RETURN p.id, label(e), e.id, e.name ORDER BY e.id")
        out: dict[str, list[EntityRef]] = defaultdict(list)
        for pid, label, eid, name in rows:
            out[pid].append(EntityRef(eid, label, name or eid))
        return out

    def _match(self, label: str | None) -> str:
        """``(n)``, or ``(n:Label {id: $id})`` when the label is known: Ladybug finds the
        latter by its primary key (~1 ms), the former by scanning every table (~15-20 ms
        at 100k passages). The label must be one of the ontology's."""
        if label is None:
            return "(n)"
        self.schema.label(label)
        return f"(n:{label} {{id: $id}})"

    def _link_types(self, label: str | None, direction: str,
                    wanted: frozenset[str] | None = None) -> list[str]:
        """The relation types a link of a node with this label may have in this direction,
        other ends not passages (all passage-free ones for an unknown label). Naming them
        keeps a traversal off the many MENTIONS and PART_OF edges of a frequent entity."""
        near = 0 if direction == "out" else 1
        return [name for name, rel in self.schema.relations.items()
                if (wanted is None or name in wanted)
                and any("Passage" not in pair and label in (None, pair[near])
                        for pair in rel.endpoints)]

    def node(self, node_id: str, label: str | None = None) -> EntityRecord | None:
        rows = self._run(f"MATCH {self._match(label)} WHERE n.id = $id "
                         "AND label(n) <> 'Passage' "
                         "RETURN label(n), n.name, n.alt_label LIMIT 1", {"id": node_id})
        if not rows:
            return None
        label, name, alt = rows[0]
        return EntityRecord(node_id, label, name or node_id,
                            tuple(a for a in (alt or "").split("; ") if a))

    def entity_names(self) -> list[EntityRecord]:
        out = []
        for label in self.schema.nodes:
            if label in ("Document", "Passage"):
                continue
            for node_id, name, alt in self._run(
                    f"MATCH (n:{label}) RETURN n.id, n.name, n.alt_label ORDER BY n.id"):
                out.append(EntityRecord(node_id, label, name or node_id,
                                        tuple(a for a in (alt or "").split("; ") if a)))
        return out

    def links(self, node_id: str, label: str | None = None,
              types: frozenset[str] | None = None) -> list[Link]:
        """The node's edges to other non-passage nodes (only ``types``, when given)."""
        found: dict[str, list[list[Any]]] = {}
        for direction, arrow in (("out", "-[e:{}]->"), ("in", "<-[e:{}]-")):
            names = self._link_types(label, direction, types)
            found[direction] = [] if not names else self._run(
                f"MATCH {self._match(label)}{arrow.format('|'.join(names))}(m) "
                "WHERE n.id = $id AND label(m) <> 'Passage' AND label(n) <> 'Passage' "
                "RETURN label(e), label(m), m.id, m.name, e.passage, e.text "
                "ORDER BY label(e), m.id", {"id": node_id})
        return [Link(rel, direction, EntityRef(mid, other, name or mid), pid, text)
                for direction, rows in found.items()
                for rel, other, mid, name, pid, text in rows]

    def mentions_of(self, node_id: str, limit: int = 50) -> list[tuple[str, str, str]]:
        return [(r[0], r[1], r[2]) for r in self._run(
            "MATCH (d:Document)<-[:PART_OF]-(p:Passage)-[m:MENTIONS]->(n) WHERE n.id = $id "
            "RETURN p.id, d.id, m.text ORDER BY p.id LIMIT $limit",
            {"id": node_id, "limit": limit})]

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        nodes = {label: int(self._run(f"MATCH (n:{label}) RETURN count(n)")[0][0])
                 for label in self.schema.nodes}
        rels = {name: int(self._run(f"MATCH ()-[e:{name}]->() RETURN count(e)")[0][0])
                for name in self.schema.relations}
        return nodes, rels

    # ------------------------------------------------------------ export
    def neighbourhood(self, doc_id: str) -> list[str]:
        """Ids of a document, its passages, what they mention, and what it cites/is cited by."""
        rows = self._run(
            "MATCH (d:Document {id: $id}) "
            "OPTIONAL MATCH (p:Passage)-[:PART_OF]->(d) "
            "OPTIONAL MATCH (p)-[:MENTIONS]->(e) "
            "RETURN collect(DISTINCT p.id), collect(DISTINCT e.id)", {"id": doc_id})
        if not rows:
            return []
        linked = self._run("MATCH (d:Document {id: $id})-[e]-(n) WHERE label(n) <> 'Passage' "
                           "RETURN collect(DISTINCT n.id)", {"id": doc_id})
        ids = {doc_id, *rows[0][0], *rows[0][1], *linked[0][0]}
        works = self._run("MATCH (v:ResolutionVersion)-[:VERSION_OF]->(w) WHERE v.id IN $ids "
                          "RETURN collect(DISTINCT w.id)", {"ids": sorted(ids)})
        return sorted(ids | set(works[0][0]))

    def dump_nodes(self, ids: list[str] | None) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for label in self.schema.nodes:
            where = " WHERE n.id IN $ids" if ids is not None else ""
            for (node,) in self._run(f"MATCH (n:{label}){where} RETURN n ORDER BY n.id",
                                     {"ids": ids} if ids is not None else None):
                out.append((label, {k: v for k, v in node.items() if not k.startswith("_")}))
        return out

    def dump_edges(self, ids: list[str] | None) -> list[tuple[str, str, str, dict[str, Any]]]:
        out = []
        for name in self.schema.relations:
            where = " WHERE a.id IN $ids AND b.id IN $ids" if ids is not None else ""
            rows = self._run(f"MATCH (a)-[e:{name}]->(b){where} RETURN a.id, b.id, e "
                             "ORDER BY a.id, b.id", {"ids": ids} if ids is not None else None)
            for source, target, edge in rows:
                props = {k: v for k, v in edge.items() if not k.startswith("_")}
                out.append((name, source, target, props))
        return out

    def cited_only_documents(self) -> int:
        return int(self._run("MATCH (d:Document) WHERE d.ingested = false "
                             "RETURN count(d)")[0][0])
