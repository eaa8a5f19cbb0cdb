"""Benchmark: what the sign-bit candidate stage of dense search costs in recall and saves
in time, against the exact scan, on a store's own vectors.

Loads the passage matrix of an embedded store (build one with real model vectors, e.g.
``bench/search_latency.py --passage-vectors model``; hash vectors say nothing about
recall), encodes queries with the store's model (the question files given, plus the
first sentence of randomly drawn passages, paraphrase-free "known item" queries), and
for each rescoring pool size (exactly that many rows, whatever the share of the store)
reports recall@10 and recall@50 of the approximate top-50
against the exact one, and the time per query of both stages. Prints figures; asserts
nothing. Usage:
    .venv/bin/python bench/dense_recall.py --store S [--questions F ...] [--sampled 200]
        [--pools 500,1000,2000,4000]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from graph.embedded.dense_matrix import DenseMatrix
from graph.embedded.lance_passages import LancePassages
from search_api.evaluation import load_questions
from search_api.service import CouncilKG
from search_api.settings import Settings


def first_sentence(text: str) -> str:
    head = text.split(". ")[0]
    return " ".join(head.split()[:30])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--questions", type=Path, nargs="*", default=[])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--sampled", type=int, default=200,
                        help="queries made of the first sentence of random passages")
    parser.add_argument("--pools", default="500,1000,2000,4000")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    kg = CouncilKG.open(Settings(store=args.store))
    dimension = kg.embedder.dimension
    kg.close()
    passages = LancePassages(args.store / "passages.lance", dimension, exact_limit=10**12)
    snapshot = passages.snapshot()
    if snapshot is None:
        sys.exit("the store holds no passages")
    exact = snapshot.matrix
    texts = [q.question for path in args.questions
             for q in load_questions(path, corpus=args.corpus)]
    rng = np.random.default_rng(args.seed)
    picked = rng.choice(len(exact), size=min(args.sampled, len(exact)), replace=False)
    texts += [first_sentence(exact.columns["text"][i]) for i in picked]
    queries = CouncilKG.open(Settings(store=args.store)).embedder_for_queries.embed(texts)
    print(f"{len(exact):,} passages, {len(texts)} queries "
          f"({len(texts) - len(picked)} questions, {len(picked)} sampled)")

    started = time.perf_counter()
    truth = [exact.nearest(q, 50)[0] for q in queries]
    exact_ms = (time.perf_counter() - started) / len(queries) * 1000
    print(f"exact scan: {exact_ms:.1f} ms/query")
    for pool in (int(p) for p in args.pools.split(",")):
        approximate = DenseMatrix(exact.version, exact.matrix, exact.columns,
                                  exact_limit=0, rescore=pool, rescore_share=0.0)
        r10, r50, times = [], [], []
        for q, want in zip(queries, truth, strict=True):
            started = time.perf_counter()
            got = approximate.nearest(q, 50)[0]
            times.append(time.perf_counter() - started)
            r10.append(len(set(got[:10].tolist()) & set(want[:10].tolist())) / 10)
            r50.append(len(set(got.tolist()) & set(want.tolist())) / 50)
        print(f"bits + rescoring {pool:>5} ({pool / len(exact):.1%}): "
              f"recall@10 {statistics.mean(r10):.3f}  recall@50 {statistics.mean(r50):.3f}  "
              f"(worst query @10 {min(r10):.1f})  "
              f"{statistics.median(times) * 1000:.1f} ms/query")


if __name__ == "__main__":
    main()
