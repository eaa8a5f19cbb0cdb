"""Search evaluation: does a returned passage cover the gold quote?

Quotes and passages are compared after NFKC and whitespace collapsing (the
question set's own convention), case-insensitively.

A gold item is either ``{"file", "quote"}`` or a locator ``{"file", "start", "end"}``:
character offsets into ``corpus/file`` read as UTF-8 (Python's universal newlines), for
question sets kept in the repo over documents whose text it may not copy; the span is
read from the corpus when the questions are loaded.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.search import SearchMode
from ontology.errors import QuestionSetError
from search_api.service import CouncilKG


def normalise_quote(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    kind: str
    quotes: tuple[str, ...]


def load_questions(path: Path, *, corpus: Path | None = None) -> list[Question]:
    """Read a JSONL question file; locators are resolved against ``corpus`` (a folder).

    Raises :class:`QuestionSetError` for an unreadable file or line, and for a locator
    without a corpus, whose file is missing, or whose offsets fall outside the file.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionSetError(f"cannot read the questions {path}: {exc}", path=str(path)) from exc
    texts: dict[Path, str] = {}
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            qid, question, relevant = data["id"], data["question"], data["relevant"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise QuestionSetError(f"{path}:{number}: not a question (id, question, relevant): "
                                   f"{exc}", path=str(path), line=number) from exc
        quotes = tuple(_gold_text(item, question_id=str(qid), corpus=corpus, texts=texts)
                       for item in relevant)
        out.append(Question(str(qid), question, data.get("kind", "other"), quotes))
    return out


def _gold_text(item: Any, *, question_id: str, corpus: Path | None,
               texts: dict[Path, str]) -> str:
    """The gold text of one relevant item: its quote, or the span its locator points at."""
    quote = item.get("quote") if isinstance(item, dict) else None
    if isinstance(quote, str):
        return quote
    start, end = (item.get("start"), item.get("end")) if isinstance(item, dict) else (None, None)
    name = item.get("file") if isinstance(item, dict) else None
    if not (isinstance(name, str) and name and type(start) is int and type(end) is int):
        raise QuestionSetError(f"question {question_id}: a relevant item needs a file and either "
                               f"a quote or integer start and end offsets, not {item!r}",
                               question=question_id)
    where = {"question": question_id, "file": name, "start": start, "end": end}
    if corpus is None:
        raise QuestionSetError(f"question {question_id} locates its gold in {name} by offsets: "
                               f"name the corpus folder that holds {name} (--corpus)", **where)
    file = corpus / name
    if not file.resolve().is_relative_to(corpus.resolve()):
        raise QuestionSetError(f"question {question_id}: {name} is outside the corpus folder "
                               f"{corpus}", **where)
    if file not in texts:
        if not file.is_file():
            raise QuestionSetError(f"question {question_id}: {name} is not in the corpus folder "
                                   f"{corpus}", **where)
        try:
            texts[file] = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QuestionSetError(f"question {question_id}: cannot read {file} as UTF-8 text: "
                                   f"{exc}", **where) from exc
    text = texts[file]
    if start < 0 or end > len(text):
        raise QuestionSetError(f"question {question_id}: offsets {start}-{end} are outside "
                               f"{name}, which has {len(text)} characters", **where)
    if start >= end:
        raise QuestionSetError(f"question {question_id}: offsets {start}-{end} of {name} "
                               f"select nothing (start must be below end)", **where)
    span = text[start:end]
    if not normalise_quote(span):
        raise QuestionSetError(f"question {question_id}: offsets {start}-{end} of {name} hold "
                               f"only whitespace", **where)
    return span


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
