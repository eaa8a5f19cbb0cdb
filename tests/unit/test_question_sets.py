"""The question sets of tests/eval are well formed: every gold quote occurs in its file, every
gold locator points into its file."""

from __future__ import annotations

import json
import re
import unicodedata

from tests.conftest import REPO, SAMPLES, shared_dir

MARKERS = re.compile(r"\[bookmark: [^\]]*\]|\[footnoteRef:\d+\]")
KINDS = {"fact", "entity", "overview", "lineage"}
SHARED_SET = REPO / "tests" / "eval" / "shared_questions.jsonl"


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


def test_shared_questions_locate_their_gold_without_copying_it() -> None:
    """Our questions over ../shared/corpus: 20-30, every document asked about, gold given as
    offsets (the repo holds no text of the corpus: no question or answer shares 8 words in a
    row with it), each span a clause of 6-40 words free of export markers, none of the
    development set's ids or questions repeated."""
    from search_api.evaluation import load_questions

    corpus = shared_dir("corpus")
    dev = [json.loads(line) for line in
           shared_dir("eval", "questions.jsonl").read_text("utf-8").splitlines() if line.strip()]
    rows = [json.loads(line) for line in SHARED_SET.read_text("utf-8").splitlines()
            if line.strip()]
    assert 20 <= len(rows) <= 30 and len({r["id"] for r in rows}) == len(rows)
    assert not {r["id"] for r in rows} & {d["id"] for d in dev}
    assert not {words(r["question"]) for r in rows} & {words(d["question"]) for d in dev}
    assert {rel["file"] for r in rows for rel in r["relevant"]} == {
        p.name for p in corpus.iterdir()}
    shingles = {tuple(ws[i:i + 8]) for p in corpus.iterdir()
                for ws in [words(p.read_text("utf-8"))] for i in range(len(ws) - 7)}
    spans = {q.id: q.quotes for q in load_questions(SHARED_SET, corpus=corpus)}
    for row in rows:
        assert row["kind"] in KINDS and row["question"].strip() and row["answer"].strip()
        for rel in row["relevant"]:
            assert set(rel) == {"file", "start", "end"}, row["id"]  # locators, no quotes
        for field in ("question", "answer"):
            ws = words(row[field])
            assert not any(tuple(ws[i:i + 8]) in shingles for i in range(len(ws) - 7)), (
                row["id"], field)
        for span in spans[row["id"]]:
            assert not MARKERS.search(span) and 6 <= len(norm(span).split()) <= 40, (
                row["id"], span)


def words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()))
