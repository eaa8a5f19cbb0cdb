"""Which relation of a named entity a question asks about ("who chairs X" -> CHAIRED_BY).

The cue table (``data/relation_cues.tsv``) maps relationship types of the ontology to
the words staff use for them; a test checks that every type it names is in the
ontology. Matching is on the lower-cased question, whole words only.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

CUES_PATH = Path(__file__).parent / "data" / "relation_cues.tsv"


@cache
def relation_cues(path: Path = CUES_PATH) -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        relation, pattern = line.split("\t")
        out.append((relation, re.compile(rf"\b(?:{pattern})\b")))
    return tuple(out)


def asked_relations(question: str) -> tuple[str, ...]:
    """Relationship types the question's wording asks about, in table order."""
    lowered = question.casefold()
    return tuple(rel for rel, pattern in relation_cues() if pattern.search(lowered))
