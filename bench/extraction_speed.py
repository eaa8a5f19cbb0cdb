"""Benchmark: words per second of the rule pipeline (cleaning + structure + extraction).

Prints figures; asserts nothing. Usage:
    .venv/bin/python bench/extraction_speed.py [FOLDER ...] [--repeat N]
Default input: samples/corpus plus ../shared/corpus when present. Runs on one core
(the process is single-threaded); the embedding stage is excluded (model-bound).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ingest.pipeline import DocumentParser
from ingest.structure import word_count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    folders = args.folders or [p for p in (Path("samples/corpus"), Path("../shared/corpus"))
                               if p.exists()]
    texts = [(f, f.read_text(encoding="utf-8")) for d in folders for f in sorted(d.glob("*.txt"))]
    words = sum(word_count(t) for _, t in texts)
    doc_parser = DocumentParser()
    for f, t in texts:  # warm-up: spaCy vocab, regex caches, learned acronyms
        doc_parser.parse_text(t, source=str(f), content_hash="x", fallback_id="doc/x")
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for f, t in texts:
            doc_parser.parse_text(t, source=str(f), content_hash="x", fallback_id="doc/x")
        timings.append(time.perf_counter() - start)
    timings.sort()
    median = timings[len(timings) // 2]
    print(f"documents: {len(texts)}  words: {words:,}  repeats: {args.repeat}")
    print(f"median pass: {median * 1000:.1f} ms  best: {timings[0] * 1000:.1f} ms")
    print(f"throughput (median): {words / median:,.0f} words/s on one core")
    # a large synthetic input: all texts concatenated 20 times into one document
    big = "\n".join(t for _, t in texts) * 20
    start = time.perf_counter()
    doc_parser.parse_text(big, source="big", content_hash="x", fallback_id="doc/big")
    elapsed = time.perf_counter() - start
    print(f"one {word_count(big):,}-word document: {elapsed:.2f} s "
          f"({word_count(big) / elapsed:,.0f} words/s)")


if __name__ == "__main__":
    main()
