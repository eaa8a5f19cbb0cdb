"""Load test: /search and /ask at a fixed arrival rate, over HTTP, loopback only.

Builds (or reuses) an embedded store of samples/corpus + ../shared/corpus with the CLI,
starts the production server in a subprocess (``councilkg serve``, with ``--workers``),
waits for ``/ready``, then sends ``--search-rate`` requests/s to /search for ``--seconds``,
then ``--ask-rate`` requests/s to /ask, over ``--connections`` keep-alive connections.
Open model: request i is due at ``start + i/rate`` whatever the server does, and its
latency is measured from that due time, so a slow server shows as latency instead of
slowing the arrivals (no coordinated omission). The first ``--warmup`` seconds of each
phase are sent but not measured. Prints p50/p95/p99, achieved rate and error rate (non-200
or transport error) per endpoint and the machine's load; stops the server (SIGTERM);
asserts nothing.

Why not locust: with 16 users paced by ``constant_throughput`` (even with staggered
starts) it sent bursts here, not a fixed rate: most gaps between sends under 10 ms, and
the server saw p50 ~290 ms where evenly spaced requests got ~40 ms.

    .venv/bin/python bench/load_api.py [--search-rate 20] [--ask-rate 1] [--connections 16]
        [--seconds 60] [--warmup 5] [--workers 1] [--store DIR] [--port 8765]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CLI = Path(sys.executable).parent / "councilkg"


def questions() -> list[str]:
    """The development questions of both corpora (what a hub user would ask)."""
    out = []
    for path in (REPO / "tests" / "eval" / "sample_questions.jsonl",
                 SHARED / "eval" / "questions.jsonl"):
        if path.exists():
            out += [json.loads(line)["question"] for line in path.read_text().splitlines()
                    if line.strip()]
    return out or ["Who chairs the ICTGC?"]


def build_store(store: Path, env: dict[str, str]) -> None:
    corpora = [str(REPO / "samples" / "corpus")]
    if (SHARED / "corpus").exists():
        corpora.append(str(SHARED / "corpus"))
    subprocess.run([str(CLI), "ingest", *corpora, "--store", str(store)], env=env,
                   check=True, stdout=subprocess.DEVNULL)


def start_server(store: Path, port: int, workers: int, env: dict[str, str]) -> Any:
    server_env = {**env, "COUNCILKG_LOG_FORMAT": "json", "COUNCILKG_LOG_LEVEL": "WARNING",
                  "COUNCILKG_RATE_LIMIT": "0"}
    if workers > 1:
        server_env["COUNCILKG_READ_ONLY"] = "true"
    proc = subprocess.Popen([str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers), "--store", str(store)],
                            env=server_env, stderr=subprocess.DEVNULL)
    import urllib.request

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("the server was not ready within 180 s")


def read_key(store: Path) -> str:
    """A read key with public clearance, as the web hub would hold."""
    from search_api.keys import KEYS_FILE, KeyStore

    keys = KeyStore(store / KEYS_FILE)
    try:
        return keys.create(scope="read", clearance="public", name="load bench")[1]
    finally:
        keys.close()


class Connections:
    """``n`` keep-alive HTTP connections; a request takes a free one (waiting if none)."""

    def __init__(self, base_url: str, n: int, key: str) -> None:
        self.pool: queue.Queue[httpx.Client] = queue.Queue()
        for _ in range(n):
            self.pool.put(httpx.Client(base_url=base_url, timeout=30,
                                       headers={"X-API-Key": key},
                                       limits=httpx.Limits(max_connections=1)))

    def get(self, path: str, params: dict[str, Any]) -> int:
        client = self.pool.get()
        try:
            return client.get(path, params=params).status_code
        finally:
            self.pool.put(client)

    def close(self) -> None:
        while not self.pool.empty():
            self.pool.get().close()


def phase(base_url: str, path: str, rate: float, connections: int, seconds: float,
          warmup: float, queries: list[str], key: str) -> dict[str, Any]:
    """``rate`` requests/s to ``path`` over ``connections`` connections for ``seconds``.

    Open model: request i is due at ``start + i / rate`` whatever happened before, and
    its latency runs from that due time (a request waiting for a free connection is
    late, and the wait counts), so a slow server cannot slow the arrivals down and hide
    its queue (no coordinated omission)."""
    pool_of = Connections(base_url, connections, key)
    k = 10 if path == "/search" else 5
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def call(i: int, due: float, measured: bool) -> None:
        nonlocal errors
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        try:
            ok = pool_of.get(path, {"q": queries[i % len(queries)], "k": k}) == 200
        except httpx.HTTPError:
            ok = False
        if measured:
            with lock:
                latencies.append((time.perf_counter() - due) * 1000)
                errors += not ok

    warm, total = int(warmup * rate), int((warmup + seconds) * rate)
    start = time.perf_counter() + 0.2
    with ThreadPoolExecutor(max_workers=4 * connections) as pool:
        for i in range(total):
            pool.submit(call, i, start + i / rate, i >= warm)
    elapsed = time.perf_counter() - (start + warm / rate)
    pool_of.close()
    latencies.sort()
    n = len(latencies)

    def pct(q: float) -> float:
        return round(latencies[min(n - 1, int(q * n))], 1) if n else float("nan")

    return {"endpoint": path, "target_rps": rate, "achieved_rps": round(n / elapsed, 2),
            "requests": n, "errors": errors, "error_rate": errors / n if n else float("nan"),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "max_ms": pct(1.0)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--search-rate", type=float, default=20.0)
    parser.add_argument("--ask-rate", type=float, default=1.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0, help="per endpoint")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--store", type=Path, help="store to build or reuse")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if args.seconds > 900:
        parser.error("--seconds is bounded at 900 per endpoint")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        build_store(store, env)
        key = read_key(store)
        load_before = os.getloadavg()
        server = start_server(store, args.port, args.workers, env)
        base_url = f"http://127.0.0.1:{args.port}"
        try:
            results = [phase(base_url, path, rate, args.connections, args.seconds, args.warmup,
                             questions(), key)
                       for path, rate in (("/search", args.search_rate),
                                          ("/ask", args.ask_rate)) if rate > 0]
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"workers {args.workers}, {args.connections} connections, {args.seconds:g} s per "
          f"endpoint; load average before {load_before[0]:.2f}, after "
          f"{os.getloadavg()[0]:.2f} (2 CPUs)")
    for r in results:
        print(f"{r['endpoint']:8} target {r['target_rps']:g} req/s, achieved "
              f"{r['achieved_rps']} req/s, {r['requests']} requests, error rate "
              f"{r['error_rate']:.3%}  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  "
              f"p99 {r['p99_ms']} ms  max {r['max_ms']} ms")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
