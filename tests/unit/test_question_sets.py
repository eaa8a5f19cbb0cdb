"""The question sets of tests/eval are well formed: every gold quote occurs in its file."""

from __future__ import annotations

import json
import re
import unicodedata

from tests.conftest import REPO, SAMPLES

MARKERS = re.compile(r"\[bookmark: [^\]]*\]|\[footnoteRef:\d+\]")
KINDS = {"fact", "entity", "overview", "lineage"}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", MARKERS.sub("", text))).strip()


def test_sample_questions_quote_their_files() -> None:
    rows = [json.loads(line) for line in
            (REPO / "tests" / "eval" / "sample_questions.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    assert len(rows) >= 30 and len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["kind"] in KINDS and row["question"].strip(), row["id"]
        for rel in row["relevant"]:
            text = norm((SAMPLES / "corpus" / rel["file"]).read_text("utf-8"))
            quote = norm(rel["quote"])
            assert 6 <= len(quote.split()) <= 25 and quote in text, (row["id"], quote)
