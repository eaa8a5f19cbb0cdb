"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against a real uvicorn
server: the pieces the explorer's browser tests share.

Playwright never downloads a browser here (`playwright install` fails offline): it launches
the system Chromium that `make test` installs with apt when it is missing. Without it the
tests are skipped outside CI and fail in CI, saying why.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

CHROMIUM = Path(os.environ.get("COUNCILKG_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
#: screenshots land here (override with COUNCILKG_ARTIFACTS); two are copied to docs/
ARTIFACTS = Path(os.environ.get("COUNCILKG_ARTIFACTS", REPO / "tmp" / "artifacts"))


def require_browser() -> None:
    """Fail in CI, skip elsewhere, when Chromium or Playwright is absent."""
    missing = None
    if not CHROMIUM.is_file():
        missing = (f"{CHROMIUM} is missing: `make test` installs Debian's chromium and "
                   "chromium-driver with apt-get")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is missing: `make setup` installs the dev extras"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing + " (CI must run the browser tests)")
        pytest.skip(missing)


def normalise(text: str) -> str:
    """NFKC, whitespace collapsed: how the search evaluation compares gold quotes."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


#: screenshots taken in this session (named at the end of the run, see conftest.py)
TAKEN: list[Path] = []


def shot(page: Any, name: str, *, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    TAKEN.append(path)
    page.screenshot(path=str(path), full_page=full_page)
    return path


#: relative luminance contrast of every visible text element against its nearest opaque
#: background (WCAG 2.x formula); returns the failures
CONTRAST_JS = """() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const fg = parse(style.color).slice(0, 3);
    const [a, b] = [lum(fg), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const text = el.textContent.trim().slice(0, 40);
    if (ratio < 4.5) bad.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${text}"`);
  }
  return bad;
}"""

#: form controls without an accessible name (label[for], wrapping label, aria-label(ledby))
UNLABELLED_JS = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter((el) => el.type !== "hidden")
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                  && !el.getAttribute("aria-labelledby"))
  .map((el) => el.outerHTML.slice(0, 80))"""
