"""Benchmark: /search latency over HTTP at ~100k passages (query encoding included).

Generates a synthetic Council-style corpus (bench/synthetic_corpus.py), ingests it into an
embedded store (skipped when the store already holds it), serves the real app with uvicorn
on loopback in a subprocess, and measures:
  * sequential latency p50/p95/p99 of GET /search (hybrid, k=10) and of GET /ask;
  * throughput with N concurrent clients for a fixed time;
  * the server's resident memory.
With ``--passage-vectors hash`` the passages are embedded by a deterministic hash (unit
vectors of the model's dimension) instead of the model: the rest of the ingest is the real
pipeline, and the served store has the same size and shape, so latency is measured the same
way (queries are always encoded by the real model); only ingest time and answer quality
differ. The model embeds ~80 passages/s on this machine, i.e. ~20 min per 100k passages on
an idle machine; the hash builds the store in the time of the rule pipeline and the writes.
Prints figures; asserts nothing. Usage:
    .venv/bin/python bench/search_latency.py [--documents 2000] [--paragraphs 50]
        [--store .councilkg/bench-store] [--requests 300] [--clients 4] [--seconds 20]
        [--workers 1] [--no-ingest]
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_corpus import QUERIES, write_corpus

from graph.registry import open_store
from search_api.keys import KEYS_FILE, KeyStore
from search_api.service import CouncilKG
from search_api.settings import Settings


class HashEmbedder:
    """Deterministic unit vectors from a text hash (bench ingest only)."""

    def __init__(self, dimension: int) -> None:
        self.name = "hash"
        self.dimension = dimension

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(self.dimension)
            out[i] = v / np.linalg.norm(v)
        return out


def ingest(store: Path, folder: Path, documents: int, paragraphs: int, vectors: str) -> None:
    paths = write_corpus(folder, documents=documents, paragraphs=paragraphs)
    if vectors == "hash":
        settings = Settings(store=store)
        backend = open_store("embedded", path=store, dimension=384)
        kg = CouncilKG(settings, backend, HashEmbedder(384))
    else:
        kg = CouncilKG.open(Settings(store=store))
    try:
        started = time.perf_counter()
        done = 0
        outcomes = []
        for i in range(0, len(paths), 100):  # batches: progress and finalize per 100 files
            outcomes += kg.ingest(paths[i:i + 100])
            done += min(100, len(paths) - i)
            print(f"  ingested {done}/{len(paths)} files "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
        failed = [o for o in outcomes if o.status == "failed"]
        stats = kg.store.stats()
        print(f"ingest: {len(paths)} files, {stats.passages:,} passages, {len(failed)} failed, "
              f"{time.perf_counter() - started:.0f} s")
    finally:
        kg.close()


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return (f"p50 {at(0.50):.1f} ms  p95 {at(0.95):.1f} ms  p99 {at(0.99):.1f} ms  "
            f"mean {statistics.mean(ordered) * 1000:.1f} ms  (n={len(ordered)})")


def sequential(client: httpx.Client, path: str, n: int) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        r = client.get(path, params={"q": QUERIES[i % len(QUERIES)], "k": 10 if path ==
                                     "/search" else 5})
        times.append(time.perf_counter() - started)
        r.raise_for_status()
    return times


def throughput(base: str, clients: int, seconds: float,
               headers: dict[str, str]) -> tuple[int, int]:
    done = [0, 0]  # ok, errors
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def work(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=30, headers=headers) as c:
            i = offset
            while time.perf_counter() < stop:
                r = c.get("/search", params={"q": QUERIES[i % len(QUERIES)]})
                with lock:
                    done[0 if r.status_code == 200 else 1] += 1
                i += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], done[1]


def server_rss_mib(pid: int) -> float:
    """The server process and its children (the workers of a multi-worker server)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(c) for c in children.read_text().split()] if children.exists() else []
    return sum(rss_mib(p) for p in [pid, *kids])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--paragraphs", type=int, default=50)
    parser.add_argument("--store", type=Path, default=Path(".councilkg/bench-store"))
    parser.add_argument("--corpus", type=Path, default=Path(".councilkg/bench-corpus"))
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes (more than one opens the store read-only)")
    parser.add_argument("--passage-vectors", choices=["model", "hash"], default="model")
    parser.add_argument("--no-ingest", action="store_true",
                        help="serve --store as it is (built by an earlier run)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not args.no_ingest:
        ingest(args.store, args.corpus, args.documents, args.paragraphs, args.passage_vectors)

    # the per-key rate limit (50/s by default) is off: this measures the server, not the limiter
    env = {**os.environ, "COUNCILKG_STORE": str(args.store), "COUNCILKG_LOG_LEVEL": "warning",
           "COUNCILKG_RATE_LIMIT": "0", "COUNCILKG_READ_ONLY": str(args.workers > 1).lower()}
    server = subprocess.Popen([sys.executable, "-m", "search_api.cli", "serve", "--port",
                               str(args.port), "--workers", str(args.workers)], env=env)
    base = f"http://127.0.0.1:{args.port}"
    keys = KeyStore(args.store / KEYS_FILE)  # every route but /health needs a key
    headers = {"X-API-Key": keys.create(scope="read", clearance="restricted", name="bench")[1]}
    keys.close()
    try:
        with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
            for _ in range(600):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            health, stats = client.get("/health").json(), client.get("/stats").json()
            print(f"serving {stats['documents']} documents, {stats['passages']:,} passages "
                  f"({health['backend']}, {health['model']})")
            sequential(client, "/search", 20)  # warm-up: matrix load, caches
            print("GET /search (hybrid, k=10):", percentiles(
                sequential(client, "/search", args.requests)))
            print("GET /ask (k=5):            ", percentiles(
                sequential(client, "/ask", max(50, args.requests // 3))))
        ok, errors = throughput(base, args.clients, args.seconds, headers)
        print(f"throughput, {args.clients} clients for {args.seconds:.0f} s: "
              f"{ok / args.seconds:.1f} req/s, {errors} errors")
        print(f"server resident memory: {server_rss_mib(server.pid):.0f} MiB "
              f"({args.workers} worker{'s' if args.workers > 1 else ''})")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
