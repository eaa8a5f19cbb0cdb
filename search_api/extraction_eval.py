"""Extraction evaluation: citations against references.jsonl, entity mentions against a gold list.

Citations are compared as keys: ``("document", base symbol, revision)``,
``("resolution", "PP Resolution 71", version)``, ``("decision", ...)`` and
``("instrument", "Service Order 24/10", date)``. A work cited both bare and
with a version counts once, as the version (the gold lists what a document
cites at its most specific).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.pipeline import DocumentParser
from ingest.symbols import find_acts, find_instruments, parse_symbol
from ontology.records import ParsedDocument

Key = tuple[str, str, str | None]


def _norm(version: str | None) -> str | None:
    return re.sub(r"\s+", " ", version).strip() if version else None


def predicted_citations(parsed: ParsedDocument) -> set[Key]:
    keys: set[Key] = set()
    cited = {r.target for r in parsed.relations if r.type == "CITES"}
    passages = {p.id: p.text for p in parsed.passages}
    # the mention plus what follows it: a version or a date may trail the name
    texts = [passages[m.passage_id][m.start:m.end + 40] for m in parsed.mentions
             if m.entity_id in cited]
    for target in cited:
        symbol = parse_symbol(target)
        if symbol is not None:
            base = target.split("(Rev.", 1)[0]
            keys.add(("document", base, str(symbol.revision) if symbol.revision else None))
    for text in texts:
        for act in list(find_acts(text))[:1]:
            keys.add((act.kind.lower(), act.work_name, _norm(act.version)))
        for inst in list(find_instruments(text))[:1]:
            keys.add(("instrument", inst.name, inst.date))
    for kind, name, version in list(keys):
        if version is None and any(k == kind and n == name and v for k, n, v in keys):
            keys.discard((kind, name, None))
    return keys


def gold_citations(entry: dict[str, list[list[str | None]]]) -> set[Key]:
    keys: set[Key] = set()
    for symbol, revision in entry.get("documents", []):
        keys.add(("document", str(symbol), revision))
    for kind, plural in (("resolution", "resolutions"), ("decision", "decisions"),
                         ("instrument", "instruments")):
        for name, version in entry.get(plural, []):
            keys.add((kind, str(name), _norm(version)))
    return keys


@dataclass(slots=True)
class CitationScore:
    file: str
    true_positives: int
    misses: list[Key]
    false_positives: list[Key]

    @property
    def precision(self) -> float:
        found = self.true_positives + len(self.false_positives)
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + len(self.misses)
        return self.true_positives / gold if gold else 1.0


@dataclass(slots=True)
class ExtractionReport:
    citations: list[CitationScore] = field(default_factory=list)
    mention_counts: Counter[str] = field(default_factory=Counter)
    entity_found: Counter[str] = field(default_factory=Counter)
    entity_gold: Counter[str] = field(default_factory=Counter)
    entity_misses: list[dict[str, str]] = field(default_factory=list)

    def totals(self) -> dict[str, float]:
        tp = sum(c.true_positives for c in self.citations)
        fp = sum(len(c.false_positives) for c in self.citations)
        fn = sum(len(c.misses) for c in self.citations)
        return {"precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
                "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
                "true_positives": tp, "false_positives": fp, "misses": fn}

    def entity_recall(self) -> dict[str, float]:
        return {t: round(self.entity_found[t] / n, 3) for t, n in sorted(self.entity_gold.items())}

    def as_dict(self) -> dict[str, object]:
        return {
            "citations": {"total": self.totals(), "documents": [
                {"file": c.file, "precision": round(c.precision, 3),
                 "recall": round(c.recall, 3), "misses": c.misses,
                 "false_positives": c.false_positives} for c in self.citations]},
            "mentions_per_type": dict(sorted(self.mention_counts.items())),
            "entities": {"recall_per_type": self.entity_recall(),
                         "gold_per_type": dict(sorted(self.entity_gold.items())),
                         "misses": self.entity_misses},
        }


def evaluate_extraction(corpus: Path, references: Path, gold_entities: Path | None,
                        parser: DocumentParser | None = None) -> ExtractionReport:
    parser = parser or DocumentParser()
    report = ExtractionReport()
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    for path in files:  # acronyms defined in any document are known in all of them
        parser.learn(path)
    parsed = {path.name: parser.parse_file(path) for path in files}
    for doc in parsed.values():
        report.mention_counts.update(
            _type_of(doc, m.entity_id) for m in doc.mentions)
    for line in references.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        predicted = predicted_citations(parsed[entry["file"]])
        gold = gold_citations(entry)
        report.citations.append(CitationScore(
            entry["file"], len(predicted & gold), sorted(gold - predicted, key=str),
            sorted(predicted - gold, key=str)))
    if gold_entities is not None:
        _score_entities(parsed, gold_entities, report)
    return report


def _type_of(doc: ParsedDocument, entity_id: str) -> str:
    for entity in doc.entities:
        if entity.id == entity_id:
            return entity.type
    return "Document"


def _overlaps(found: str, gold: str) -> bool:
    """Equal, the gold name as whole words inside the mention, or a 4+ character mention
    inside the gold name."""
    return (found == gold or re.search(rf"(?<!\w){re.escape(gold)}(?!\w)", found) is not None
            or (len(found) >= 4 and found in gold))


def _score_entities(parsed: dict[str, ParsedDocument], gold_path: Path,
                    report: ExtractionReport) -> None:
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        doc = parsed[gold["file"]]
        types = {e.id: e.type for e in doc.entities}
        surfaces = {" ".join(s.split()) for s in gold["surface"]}
        # a mention counts when it and a gold surface contain one another, with the same type
        hit = any(types.get(m.entity_id) == gold["type"] and any(
            _overlaps(" ".join(m.text.split()), s) for s in surfaces) for m in doc.mentions)
        report.entity_gold[gold["type"]] += 1
        if hit:
            report.entity_found[gold["type"]] += 1
        else:
            report.entity_misses.append({"file": gold["file"], "type": gold["type"],
                                         "name": gold["name"]})
