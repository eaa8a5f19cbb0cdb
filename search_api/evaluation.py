"""Search evaluation: does a returned passage cover the gold quote?

Quotes and passages are compared after NFKC and whitespace collapsing (the
question set's own convention), case-insensitively.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from graph.search import SearchMode
from search_api.service import CouncilKG


def normalise_quote(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    kind: str
    quotes: tuple[str, ...]


def load_questions(path: Path) -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            out.append(Question(data["id"], data["question"], data.get("kind", "other"),
                                tuple(r["quote"] for r in data["relevant"])))
    return out


@dataclass(slots=True)
class ModeReport:
    mode: str
    ranks: dict[str, int | None] = field(default_factory=dict)

    def recall_at(self, k: int) -> float:
        found = sum(1 for r in self.ranks.values() if r is not None and r <= k)
        return found / len(self.ranks) if self.ranks else 0.0

    @property
    def mrr(self) -> float:
        if not self.ranks:
            return 0.0
        return sum(1 / r for r in self.ranks.values() if r is not None) / len(self.ranks)

    @property
    def misses(self) -> list[str]:
        return [q for q, r in self.ranks.items() if r is None]

    def subset(self, ids: list[str]) -> ModeReport:
        return ModeReport(self.mode, {i: self.ranks[i] for i in ids if i in self.ranks})

    def summary(self) -> dict[str, object]:
        return {"mode": self.mode, "questions": len(self.ranks),
                "recall@1": round(self.recall_at(1), 3), "recall@5": round(self.recall_at(5), 3),
                "recall@10": round(self.recall_at(10), 3), "mrr@10": round(self.mrr, 3),
                "misses": self.misses}


def evaluate(kg: CouncilKG, questions: list[Question], mode: SearchMode,
             k: int = 10) -> ModeReport:
    report = ModeReport(mode.value)
    for q in questions:
        quotes = [normalise_quote(x) for x in q.quotes]
        rank = None
        for hit in kg.search(kg.request(q.question, k=k, mode=mode)):
            text = normalise_quote(hit.passage.text)
            if any(quote in text for quote in quotes):
                rank = hit.rank
                break
        report.ranks[q.id] = rank
    return report
