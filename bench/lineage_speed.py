"""Benchmark: lineage latency on a synthetic store of N documents (default 10,000).

Prints figures; asserts nothing (target: depth-3 lineage p95 <= 20 ms). Usage:
    .venv/bin/python bench/lineage_speed.py [--docs 10000] [--queries 300] [--store DIR]
Each synthetic document has one passage and cites 3 earlier documents (1 in 10 of them
not ingested: a stub), one of 300 resolution versions and, 1 in 20, revises another;
the graph is bulk-loaded with the statements ``write_document`` would run. Measured, per
random ingested document: the traversal alone (graph.lineage.traverse) and the full
service call the API makes (search_api.lineage.lineage: id resolution, traversal,
paging, response models), direction out, depth 3, default types; and the same call
with ``passages=True`` (whole evidence passages read from LanceDB).
Reuses ``--store`` when it already holds the documents (building 10k takes minutes).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from graph import lineage as gl
from graph.embedded.store import EmbeddedStore
from ontology.records import (
    DocumentRecord,
    EntityRecord,
    Evidence,
    ParsedDocument,
    PassageRecord,
    RelationRecord,
)
from search_api import lineage as ops
from search_api.identifiers import resolve

DIM = 8
VERSIONS = 300


def symbol(i: int) -> str:
    return f"C{10 + i // 1000}/{i % 1000}"


def synthetic(i: int, rng: random.Random) -> ParsedDocument:
    doc_id = symbol(i)
    targets = sorted({symbol(rng.randrange(i)) for _ in range(3)}) if i else []
    targets = [t if rng.random() > 0.1 else f"{t}(Add.1)" for t in targets]  # some stubs
    version = rng.randrange(VERSIONS)
    rv, work = f"resolution/pp-{version}/rev-dubai-2018", f"resolution/pp-{version}"
    cited = " ".join(f"Document {t}" for t in targets)
    text = f"{doc_id} reports on Resolution {version} (Rev. Dubai, 2018). See {cited}."
    pid = f"{doc_id}#0"

    def ev(words: str) -> Evidence:
        at = text.index(words)
        return Evidence(pid, words, at, at + len(words))

    relations = [RelationRecord(doc_id, "Document", "CITES", t, "Document", ev(t))
                 for t in targets]
    relations += [RelationRecord(doc_id, "Document", "CITES", rv, "ResolutionVersion",
                                 ev(f"Resolution {version}")),
                  RelationRecord(rv, "ResolutionVersion", "VERSION_OF", work, "Resolution",
                                 ev(f"Resolution {version}"))]
    if i and rng.random() < 0.05:
        old = symbol(rng.randrange(i))
        relations.append(RelationRecord(doc_id, "Document", "REVISES", old, "Document", None))
        targets.append(old)
    return ParsedDocument(
        DocumentRecord(doc_id, symbol=doc_id, title=f"Synthetic {doc_id}", year=2010 + i // 1000,
                       content_hash=f"h{i}"),
        text, [PassageRecord(pid, doc_id, 0, "1", (), 0, len(text), text)],
        entities=[EntityRecord(rv, "ResolutionVersion", f"PP Resolution {version} (Rev. Dubai, "
                               "2018)", ("Rev. Dubai, 2018",)),
                  EntityRecord(work, "Resolution", f"PP Resolution {version}")],
        relations=relations,
        cited_documents=[DocumentRecord(t, symbol=t, ingested=False) for t in set(targets)])


def _run_batches(store: EmbeddedStore, query: str, rows: list[dict[str, Any]]) -> None:
    for at in range(0, len(rows), 2000):
        store.graph._run(query, {"rows": rows[at: at + 2000]})


def build(store: EmbeddedStore, docs: int, seed: int) -> float:
    """Bulk load: the same nodes, edges and passages ``write_document`` would store (one
    transaction per document costs ~40 ms, too slow for 10k), in UNWIND batches."""
    rng = random.Random(seed)
    started = time.perf_counter()
    parsed = [synthetic(i, rng) for i in range(docs)]
    ingested = {p.document.id for p in parsed}
    stubs = sorted({c.id for p in parsed for c in p.cited_documents} - ingested)
    entities = {e.id: e for p in parsed for e in p.entities}
    edges: dict[tuple[str, str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for p in parsed:
        for r in p.relations:
            if (r.type, r.source, r.target) in seen:
                continue
            seen.add((r.type, r.source, r.target))
            ev = r.evidence
            edges[(r.type, r.source_type, r.target_type, "", "")].append(
                {"source": r.source, "target": r.target, "passage": ev.passage_id if ev else "",
                 "text": ev.text if ev else "", "s": ev.start if ev else 0,
                 "e": ev.end if ev else 0})
    _run_batches(store, "UNWIND $rows AS r CREATE (d:Document {id: r.id, symbol: r.id, "
                 "name: r.id, title: r.title, year: r.year, ingested: true, "
                 "content_hash: r.hash})",
                 [{"id": p.document.id, "title": p.document.title, "year": p.document.year,
                   "hash": p.document.content_hash} for p in parsed])
    _run_batches(store, "UNWIND $rows AS r CREATE (d:Document {id: r.id, symbol: r.id, "
                 "name: r.id, ingested: false})", [{"id": s} for s in stubs])
    for label in ("Resolution", "ResolutionVersion"):
        _run_batches(store, f"UNWIND $rows AS r CREATE (n:{label} {{id: r.id, name: r.name, "
                     "alt_label: r.alt, ingested: false})",
                     [{"id": e.id, "name": e.name, "alt": "; ".join(e.aliases)}
                      for e in entities.values() if e.type == label])
    passages = [(p.document, x) for p in parsed for x in p.passages]
    _run_batches(store, "UNWIND $rows AS r CREATE (p:Passage {id: r.id, name: '', "
                 "section: '1', ordinal: 0, char_start: 0, char_end: r.stop})",
                 [{"id": x.id, "stop": x.end} for _, x in passages])
    _run_batches(store, "UNWIND $rows AS r MATCH (p:Passage {id: r.p}), (d:Document {id: r.d}) "
                 "CREATE (p)-[:PART_OF]->(d)", [{"p": x.id, "d": d.id} for d, x in passages])
    for (rel, src, dst, _, _), rows in edges.items():
        _run_batches(store, f"UNWIND $rows AS r MATCH (a:{src} {{id: r.source}}), "
                     f"(b:{dst} {{id: r.target}}) CREATE (a)-[:{rel} {{passage: r.passage, "
                     "text: r.text, span_start: r.s, span_end: r.e, confidence: 1.0}]->(b)",
                     rows)
    vector = (np.ones(DIM, dtype=np.float32) / np.sqrt(DIM)).tolist()
    store.passages._table.add([
        {"id": x.id, "document_id": d.id, "content_hash": d.content_hash, "ordinal": 0,
         "section": "1", "heading_path": "", "start": 0, "end": x.end, "year": d.year,
         "text": x.text, "index_text": x.text, "vector": vector} for d, x in passages])
    store.finalize()
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100)
    return (f"p50 {q[49]:6.2f} ms  p95 {q[94]:6.2f} ms  p99 {q[98]:6.2f} ms  "
            f"max {ms[-1]:6.2f} ms  (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    path = args.store or Path(tempfile.mkdtemp(prefix="lineage-bench-")) / "store"
    store = EmbeddedStore(path, dimension=DIM)
    have = store.stats().documents
    if have < args.docs:
        if have:
            raise SystemExit(f"{path} holds {have} documents, fewer than {args.docs}: "
                             "give an empty --store")
        print(f"building {args.docs} synthetic documents in {path} ...", flush=True)
        print(f"built in {build(store, args.docs, args.seed):.0f} s")
    stats = store.stats()
    print(f"store: {stats.documents} documents, {stats.cited_only_documents} cited-only, "
          f"{sum(stats.relationships.values())} edges")
    rng = random.Random(args.seed + 1)
    picks = [symbol(rng.randrange(args.docs)) for _ in range(args.queries)]
    for warm in picks[:20]:  # compile the statements once
        ops.lineage(store, warm, depth=args.depth)
    roots = {p: resolve(store, p) for p in picks}
    sizes, core, full, texts = [], [], [], []
    for pick in picks:
        started = time.perf_counter()
        walk = gl.traverse(store, roots[pick], direction="out", depth=args.depth,
                           types=gl.DOCUMENT_TYPES)
        core.append(time.perf_counter() - started)
        sizes.append(len(walk.nodes))
        started = time.perf_counter()
        ops.lineage(store, pick, direction="out", depth=args.depth)
        full.append(time.perf_counter() - started)
        started = time.perf_counter()
        ops.lineage(store, pick, direction="out", depth=args.depth, passages=True)
        texts.append(time.perf_counter() - started)
    print(f"lineage depth {args.depth}, direction out: {statistics.mean(sizes):.1f} nodes "
          f"on average (max {max(sizes)})")
    print(f"  traversal only        {percentiles(core)}")
    print(f"  API call (default)    {percentiles(full)}  (target p95 <= 20 ms)")
    print(f"  ... with passages=true {percentiles(texts)}")
    both = []
    for pick in picks[:100]:
        started = time.perf_counter()
        ops.lineage(store, pick, direction="both", depth=args.depth)
        both.append(time.perf_counter() - started)
    print(f"  direction both        {percentiles(both)}")
    store.close()


if __name__ == "__main__":
    main()
