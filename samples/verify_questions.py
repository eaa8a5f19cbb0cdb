"""Check that every quote in samples/questions.jsonl occurs in its file.

Normalisation: drop [bookmark: ...] and [footnoteRef:N] markers, NFKC,
collapse whitespace runs to one space. Each quote must also fall inside a
single line of the original file and must not span a marker.
"""
import json, re, sys, unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARK = re.compile(r"\[bookmark: [^\]]*\]|\[footnoteRef:\d+\]")

def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip()

fails = 0
kinds = Counter()
for raw in (HERE / "questions.jsonl").read_text(encoding="utf-8").splitlines():
    q = json.loads(raw)
    kinds[q["kind"]] += 1
    assert q["kind"] in {"fact", "entity", "overview", "lineage"}, q["id"]
    for rel in q["relevant"]:
        text = (HERE / "corpus" / rel["file"]).read_text(encoding="utf-8")
        quote = norm(rel["quote"])
        nwords = len(quote.split())
        in_doc = quote in norm(MARK.sub("", text))
        lines = [i for i, line in enumerate(text.splitlines(), 1) if quote in norm(MARK.sub("", line))]
        # no spanning markers: quote must fit in one marker-free segment of a line
        segs = [i for i, line in enumerate(text.splitlines(), 1)
                if any(quote in norm(seg) for seg in MARK.split(line))]
        ok = in_doc and lines and segs and 6 <= nwords <= 25
        fails += not ok
        print(f"{'OK  ' if ok else 'FAIL'} {q['id']} {rel['file']} words={nwords} doc={in_doc} line={lines[:1]} seg={bool(segs)}")
print("kinds:", dict(kinds), "questions:", sum(kinds.values()))
print("FAILURES:", fails)
sys.exit(1 if fails else 0)
