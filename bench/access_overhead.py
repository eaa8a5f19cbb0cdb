"""Benchmark: what access control costs a public key, in process (no HTTP, no model).

Builds a synthetic embedded store (``bench/synthetic_corpus.py``, hash vectors), ingests one
document in ``--restricted-every`` as restricted, then times, for a public and a full
clearance, ``store.search`` (hybrid, k=10, precomputed query vectors: the filter's cost only)
and a depth-2 lineage walk, plus the access index build (once per write). Prints figures,
asserts nothing.

    .venv/bin/python bench/access_overhead.py [--documents 600] [--paragraphs 50]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_latency import HashEmbedder, percentiles
from synthetic_corpus import QUERIES, write_corpus

from graph import access
from graph.lineage import DOCUMENT_TYPES, traverse
from graph.registry import open_store
from ontology.records import AccessLevel
from search_api.service import CouncilKG
from search_api.settings import Settings


def build(store: Path, folder: Path, documents: int, paragraphs: int, every: int) -> CouncilKG:
    shutil.rmtree(store, ignore_errors=True)
    paths = write_corpus(folder, documents=documents, paragraphs=paragraphs)
    kg = CouncilKG(Settings(store=store), open_store("embedded", path=store, dimension=384),
                   HashEmbedder(384))
    restricted = paths[::every]
    kg.ingest([p for p in paths if p not in restricted])
    kg.ingest(restricted, access=AccessLevel.RESTRICTED)
    return kg


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=600)
    parser.add_argument("--paragraphs", type=int, default=50)
    parser.add_argument("--restricted-every", type=int, default=20)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--store", type=Path, default=Path(".councilkg/bench-access-store"))
    parser.add_argument("--corpus", type=Path, default=Path(".councilkg/bench-access-corpus"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    kg = build(args.store, args.corpus, args.documents, args.paragraphs, args.restricted_every)
    try:
        stats = kg.store.stats()
        kg.store.restricted_documents()  # loads the search maps, which search needs anyway
        started = time.perf_counter()
        index = access.compute(kg.store)
        print(f"{stats.documents} documents, {stats.passages:,} passages; "
              f"{len(index.restricted)} restricted, {len(index.hidden)} nodes hidden; access "
              f"index built in {(time.perf_counter() - started) * 1000:.0f} ms (once per write)")
        embedder = HashEmbedder(384)
        vectors = embedder.embed(list(QUERIES))
        roots = [d.id for d in kg.store.list_documents(limit=50, offset=0, public_only=True)]
        for clearance in (AccessLevel.RESTRICTED, AccessLevel.PUBLIC):
            store = kg.store_for(clearance)
            times = []
            for i in range(args.queries):
                request = kg.request(QUERIES[i % len(QUERIES)], k=10, clearance=clearance)
                begin = time.perf_counter()
                store.search(request, vectors[i % len(QUERIES)])
                times.append(time.perf_counter() - begin)
            print(f"search, {clearance.value} clearance:  {percentiles(times[10:])}")
            walks = []
            for root in roots:
                node = store.nodes([root])[root]
                begin = time.perf_counter()
                traverse(store, node, direction="both", depth=2, types=DOCUMENT_TYPES)
                walks.append(time.perf_counter() - begin)
            print(f"lineage depth 2, {clearance.value}: {percentiles(walks)}")
    finally:
        kg.close()


if __name__ == "__main__":
    main()
