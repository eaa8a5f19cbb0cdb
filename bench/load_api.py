"""Load test: /search and /ask at a fixed arrival rate, over HTTP, loopback only.

Builds (or reuses) an embedded store of samples/corpus + ../shared/corpus with the CLI,
starts the production server in a subprocess (``councilkg serve``, with ``--workers``),
waits for ``/ready``, then drives it with locust (headless, as a library): ``--users``
connections (one per locust user, FastHttpUser), each paced by ``constant_throughput``
and started ``1/rate`` s after the previous one, so the whole sends evenly spaced requests,
``--search-rate`` per second to /search for ``--seconds``, then ``--ask-rate`` per second
to /ask. The warm-up (at least ``--warmup`` s, and until every user has started) is
discarded before each phase. Prints p50/p95/p99, achieved rate and error rate per
endpoint, and the server's load; stops the server; asserts nothing.

Pacing is per user: a user whose response comes later than its next slot sends at once
and then waits less, so the arrival rate holds while latency stays under
``users / rate`` seconds (800 ms at 16 users and 20 req/s); beyond that the rate drops,
and the achieved rate printed shows it.

    .venv/bin/python bench/load_api.py [--search-rate 20] [--ask-rate 2] [--users 16]
        [--seconds 60] [--warmup 5] [--workers 1] [--store DIR] [--port 8765]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, constant_throughput, task
from locust.env import Environment

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


def phase(base_url: str, path: str, rate: float, users: int, seconds: float,
          warmup: float, queries: list[str], key: str) -> dict[str, Any]:
    """``rate`` requests/s to ``path`` from ``users`` connections for ``seconds``."""

    class Client(FastHttpUser):
        host = base_url
        wait_time = constant_throughput(rate / users)

        @task
        def call(self) -> None:
            q = random.choice(queries)
            with self.client.get(path, params={"q": q, "k": 10 if path == "/search" else 5},
                                 headers={"X-API-Key": key}, name=path,
                                 catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")

    env = Environment(user_classes=[Client])
    runner = env.create_local_runner()
    # users start 1/rate s apart, so their periodic sends (every users/rate s) interleave
    # evenly: started together they would send in bursts of `users` requests at once
    runner.start(users, spawn_rate=rate)
    gevent.sleep(max(warmup, users / rate + 1))
    env.stats.reset_all()  # the warm-up (connections, first model calls) is not measured
    started = time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started
    stats = env.stats.get(path, "GET")
    runner.quit()
    n = stats.num_requests
    return {"endpoint": path, "target_rps": rate, "achieved_rps": round(n / elapsed, 2),
            "requests": n, "errors": stats.num_failures,
            "error_rate": round(stats.num_failures / n, 5) if n else None,
            "p50_ms": stats.get_response_time_percentile(0.50),
            "p95_ms": stats.get_response_time_percentile(0.95),
            "p99_ms": stats.get_response_time_percentile(0.99),
            "max_ms": round(stats.max_response_time, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--search-rate", type=float, default=20.0)
    parser.add_argument("--ask-rate", type=float, default=2.0)
    parser.add_argument("--users", type=int, default=16, help="connections")
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
            results = [phase(base_url, path, rate, args.users, args.seconds, args.warmup,
                             questions(), key)
                       for path, rate in (("/search", args.search_rate),
                                          ("/ask", args.ask_rate)) if rate > 0]
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"workers {args.workers}, {args.users} connections, {args.seconds:g} s per "
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
