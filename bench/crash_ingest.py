"""Crash safety under SIGKILL: kill an ingest at random points, reopen, check, re-run.

A small corpus (four sample documents, two of them in a changed second version)
is written into a copy of a store that already holds the first versions, in a
forked child that is killed with SIGKILL after a random delay. Delays are
stratified over the duration of a clean run, so the kills land in every phase:
passage writes (LanceDB), the graph transaction (Ladybug), the deletion of stale
rows and the index refresh. After each kill a second child reopens the store and
checks that

* every document the graph marks as ingested has exactly the passages of the
  version its commit marker (content hash) names, in the graph and in the
  passage index, and the index holds no row the graph does not vouch for;
* search serves only committed versions;
* re-running the same batch completes with the same counts as a clean run.

Parsing is done once, in the parent, with the real parser; vectors come from a
deterministic hash (the store does not care what they mean). Only children open
stores. Prints one JSON object; exit status 1 if any trial failed.

    python bench/crash_ingest.py --trials 24 --seed 7
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import ladybug  # noqa: E402, F401  (imported once, before the forks: children start fast)
import lancedb  # noqa: E402
import lancedb.index  # noqa: E402, F401

from graph.embedded.store import EmbeddedStore  # noqa: E402
from ingest.pipeline import DocumentParser  # noqa: E402
from ontology.records import ParsedDocument  # noqa: E402

DIM = 32
#: documents written first; the batch holds their second versions and the others
UPDATED = 2
ADDENDUM = ("\n9\tAddendum\n9.1\tA closing paragraph on zeppelin mooring fees, written for the "
            "second version only.\n")
Job = tuple[ParsedDocument, np.ndarray, list[str]]


def vectors(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        out[i] = np.random.default_rng(seed).standard_normal(DIM)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def job(parsed: ParsedDocument) -> Job:
    texts = [p.text for p in parsed.passages]
    return parsed, vectors(texts), texts


def corpus(parser: DocumentParser) -> tuple[list[Job], list[Job]]:
    """(first versions of two documents, the batch: their second versions + two new)."""
    files = sorted((REPO / "samples" / "corpus").glob("*.txt"))
    for f in files:
        parser.learn(f)
    v1 = [parser.parse_file(f) for f in files]
    v2 = []
    for f in files[:UPDATED]:
        text = f.read_text(encoding="utf-8") + ADDENDUM
        v2.append(parser.parse_text(text, source=str(f), fallback_id=f"doc/{f.stem}",
                                    content_hash=hashlib.sha256(text.encode()).hexdigest()))
    return [job(p) for p in v1[:UPDATED]], [job(p) for p in v2 + v1[UPDATED:UPDATED + 2]]


def open_store(path: Path) -> Any:
    return EmbeddedStore(path, dimension=DIM)


def write_batch(store: Any, batch: list[Job], phase: Callable[[str], None]) -> None:
    for parsed, vecs, texts in batch:
        if store.document_hash(parsed.document.id) == parsed.document.content_hash:
            continue
        store.write_document(parsed, vecs, texts)
    phase("finalize")
    store.finalize()


def instrument(store: Any, phase: Callable[[str], None]) -> None:
    """Report the phase a write is in (the parent reads the last one after the kill)."""
    for obj, name, label in ((store.passages, "replace_document", "passages"),
                             (store.graph, "write", "graph"),
                             (store.passages, "delete_stale", "stale")):
        original = getattr(obj, name)

        def wrapped(*args: Any, _original: Any = original, _label: str = label) -> Any:
            phase(_label)
            return _original(*args)

        setattr(obj, name, wrapped)


def counts(store: Any) -> dict[str, Any]:
    stats = store.stats()
    return {"documents": stats.documents, "cited_only": stats.cited_only_documents,
            "passages": stats.passages, "nodes": stats.nodes,
            "relationships": stats.relationships}


def check(store: Any, versions: dict[tuple[str, str], int]) -> list[str]:
    """Problems of a reopened store: partial documents or disagreeing stores."""
    from graph.search import SearchMode, SearchRequest

    problems = []
    rows = store.passages.versions()
    ingested = {d.id: d for d in store.graph.list_documents(limit=10_000, offset=0)}
    for doc_id, doc in ingested.items():
        key = (doc_id, doc.content_hash or "")
        if key not in versions:
            problems.append(f"{doc_id}: marker {doc.content_hash} is no known version")
            continue
        in_graph = store.graph.passage_count(doc_id)
        if in_graph != versions[key]:
            problems.append(f"{doc_id}: {in_graph} passages in the graph, "
                            f"{versions[key]} in the version")
        served = store.passages.texts([f"{doc_id}#{i}" for i in range(versions[key])])
        if len(served) != versions[key]:
            problems.append(f"{doc_id}: {len(served)} passages in the index, "
                            f"{versions[key]} in the version")
    for doc_id, h in rows:
        if doc_id not in ingested or ingested[doc_id].content_hash != h:
            problems.append(f"{doc_id}: index rows of version {h[:8]} the graph does not hold")
    hits = store.search(SearchRequest(query="zeppelin mooring fees", k=10,
                                      mode=SearchMode.BM25), None)
    for hit in hits:
        if "zeppelin" in hit.passage.text and \
                ingested[hit.document.id].content_hash == hit.document.content_hash and \
                (hit.document.id, hit.document.content_hash) not in versions:
            problems.append(f"search served an uncommitted passage {hit.passage.id}")
    return problems


#: seconds from ``ready`` to each phase of the last child run
PHASE_TIMES: dict[str, float] = {}


def in_child(work: Callable[[Callable[[str], None]], Any], *,
             kill_at: tuple[str, int, float] | None = None) -> tuple[str, Any, float]:
    """Run ``work`` in a forked child; with ``kill_at = (phase, n, delay)``, SIGKILL it
    ``delay`` seconds after it reports the n-th start of ``phase``. Returns (last phase
    reported or 'done', the child's JSON result or None, seconds from ``ready`` to end)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        code = 0
        try:
            def phase(name: str) -> None:
                os.write(write, f"P {name} {time.monotonic()}\n".encode())

            result = work(phase)
            os.write(write, ("R " + json.dumps(result) + "\n").encode())
        except BaseException as exc:
            os.write(write, f"E {type(exc).__name__}: {exc}\n".encode())
            code = 1
        os._exit(code)
    os.close(write)
    data = b""

    def wait_for(marker: bytes, count: int = 1) -> bool:
        nonlocal data
        while data.count(marker) < count:
            chunk = os.read(read, 65536)
            if not chunk:
                return False
            data += chunk
        return True

    wait_for(b"P ready")
    start = time.monotonic()
    if kill_at is not None:
        phase_name, occurrence, delay = kill_at
        if wait_for(f"P {phase_name} ".encode(), occurrence):
            time.sleep(delay)
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    else:
        os.waitpid(pid, 0)
    elapsed = time.monotonic() - start
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    last, result = "start", None
    for line in data.decode().splitlines():
        if line.startswith("P "):
            last, at = line[2:].split()
            PHASE_TIMES[last] = float(at) - start
        elif line.startswith("R "):
            last, result = "done", json.loads(line[2:])
        elif line.startswith("E "):
            raise RuntimeError(f"child failed: {line[2:]}")
    return last, result, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=24)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="councilkg-crash-"))
    parser = DocumentParser()
    first, batch = corpus(parser)
    versions = {(p.document.id, p.document.content_hash or ""): len(p.passages)
                for p, _, _ in first + batch}
    base = work / "base"

    def build_base(phase: Callable[[str], None]) -> dict[str, Any]:
        store = open_store(base)
        phase("ready")
        write_batch(store, first, phase)
        store.close()
        return {}

    in_child(build_base)

    def run(path: Path, *, verify: bool) -> Callable[[Callable[[str], None]], Any]:
        """The batch ingest; ``verify``: check the reopened store first and report counts
        (no close: the copy is thrown away, and Ladybug's checkpoint on close is slow)."""
        def go(phase: Callable[[str], None]) -> dict[str, Any]:
            store = open_store(path)
            problems = check(store, versions) if verify else []
            phase("ready")
            instrument(store, phase)
            write_batch(store, batch, phase)
            if verify:
                return {"problems": problems + check(store, versions), "counts": counts(store)}
            phase("close")
            store.close()
            phase("end")
            return {}
        return go

    shutil.copytree(base, work / "clean")
    in_child(run(work / "clean", verify=False))
    durations = dict(PHASE_TIMES)
    _, clean, _ = in_child(run(work / "clean", verify=True))
    # kill points: the k-th passage write, the k-th graph transaction, the k-th stale-row
    # delete, the index refresh and Ladybug's checkpoint on close, each at a random
    # offset into the step (stratified over the trials that target that step)
    steps = [("passages", len(batch), 0.015), ("graph", len(batch), 0.12),
             ("stale", len(batch), 0.01), ("finalize", 1, 0.05),
             ("close", 1, max(0.05, durations.get("end", 0.0) - durations["close"]))]
    plan = [steps[i % len(steps)] for i in range(args.trials)]
    trials = []
    for i, (step, occurrences, width) in enumerate(plan):
        path = work / f"trial-{i}"
        shutil.copytree(base, path)
        occurrence = rng.randint(1, occurrences)
        delay = width * rng.random()
        phase, _, _ = in_child(run(path, verify=False), kill_at=(step, occurrence, delay))
        _, after, _ = in_child(run(path, verify=True))
        ok = not after["problems"] and after["counts"] == clean["counts"]
        trials.append({"trial": i, "target": f"{step} #{occurrence} +{delay * 1000:.0f} ms",
                       "killed_in": phase,
                       "problems": after["problems"],
                       "counts_match": after["counts"] == clean["counts"], "ok": ok})
        shutil.rmtree(path, ignore_errors=True)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    killed: dict[str, int] = {}
    for t in trials:
        killed[t["killed_in"]] = killed.get(t["killed_in"], 0) + 1
    report = {"trials": len(trials), "failed": sum(not t["ok"] for t in trials),
              "clean_run_phases": {k: round(v, 3) for k, v in durations.items()},
              "killed_in": killed,
              "clean_counts": clean["counts"], "clean_problems": clean["problems"],
              "details": trials}
    print(json.dumps(report, indent=2))
    return 1 if report["failed"] or clean["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
