"""Benchmark: how long the web explorer's pages take to become usable in headless Chromium.

Prints figures; asserts nothing. Usage:
    .venv/bin/python bench/explorer_pages.py --store DIR [--runs 5] [--query "..."]
The store must already be ingested (``councilkg ingest ../shared/corpus --store DIR``). The
app is served by uvicorn on a free loopback port; Debian's /usr/bin/chromium is driven by
Playwright. For each page (home, search, ask, a document with its lineage graph, an entity)
it reports the median and worst time from navigation to ``main[data-ready]`` (all API calls
answered and rendered; for documents and entities, the graph drawn), over ``--runs`` loads
after one warm-up, plus the bytes the page's static assets weigh.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.servers import live_server
from search_api.api import create_app
from search_api.routes_explorer import STATIC, VENDOR
from search_api.settings import Settings

log = logging.getLogger("bench.explorer_pages")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", default="Who chairs the ICTGC?")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from playwright.sync_api import sync_playwright

    # the explicit public-read mode `make run` uses: the page works without a key
    app = create_app(Settings(store=args.store, public_read=True))
    with live_server(app) as base:
        doc = max(httpx.get(f"{base}/documents", params={"limit": 500}).json()["documents"],
                  key=lambda d: d["symbol"] is not None)
        hit = httpx.get(f"{base}/search", params={"q": args.query}).json()["hits"][0]
        entity = next((e for e in hit["entities"] if e["type"] != "Document"), None)
        routes = {"home": ("", "home"),
                  "search": (f"#/search?q={quote(args.query)}", "search"),
                  "ask": (f"#/ask?q={quote(args.query)}", "ask"),
                  "document": (f"#/document/{quote(doc['id'], safe='')}", "document/")}
        if entity is not None:
            routes["entity"] = (f"#/entity/{quote(entity['id'], safe='')}", "entity/")
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                tempfile.mkdtemp(prefix="chromium-"), executable_path="/usr/bin/chromium",
                args=ARGS, headless=True, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            for name, (route, ready) in routes.items():
                times = []
                for run in range(args.runs + 1):
                    page.goto("about:blank")
                    started = time.perf_counter()
                    page.goto(f"{base}/{route}")
                    page.wait_for_function(
                        "(r) => (document.querySelector('main').dataset.ready || '')"
                        ".startsWith(r)", arg=ready, timeout=120_000)
                    if run:  # the first load warms the model, caches and the browser
                        times.append((time.perf_counter() - started) * 1000)
                log.info("%-9s median %6.0f ms  worst %6.0f ms  (%d loads)", name,
                         statistics.median(times), max(times), len(times))
            context.close()
        own = [f for f in STATIC.rglob("*") if f.is_file()]
        vendor = sum(f.stat().st_size for f in VENDOR.values() if f.is_file())
        log.info("static assets: %d files of our own, %.0f KiB; cytoscape %.0f KiB "
                 "(uncompressed)", len(own), sum(f.stat().st_size for f in own) / 1024,
                 vendor / 1024)


if __name__ == "__main__":
    main()
