"""Question understanding with the extractor's own recognisers.

A question is read like a passage (symbols, resolutions, gazetteer names, patterns), after
the resolver has been taught the entities already stored, so acronyms learned at ingest
("ICTGC") and their long forms are recognised in questions too. Multi-word names are also
matched case-insensitively ("who chairs the ict governance committee").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher

from ingest.extraction import Extractor
from ingest.question_cues import asked_relations
from ontology.records import EntityRecord


@dataclass(frozen=True, slots=True)
class QuestionEntity:
    """An entity named in the question: where, and as what."""

    start: int
    end: int
    text: str
    entity: EntityRecord


@dataclass(frozen=True, slots=True)
class QuestionAnalysis:
    entities: tuple[QuestionEntity, ...]
    #: other names of what the question names: long forms of its acronyms and back
    expansions: tuple[str, ...]
    #: relationship types the wording asks about ("who chairs" -> CHAIRED_BY)
    relations: tuple[str, ...] = ()

    @property
    def entity_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.entity.id for e in self.entities))


class QuestionAnalyzer:
    def __init__(self, known: Iterable[EntityRecord], extractor: Extractor | None = None) -> None:
        # a private extractor: names minted while reading questions must not leak into ingest
        self.extractor = extractor or Extractor()
        self.known: dict[str, EntityRecord] = {}
        self.names = PhraseMatcher(self.extractor.nlp.vocab, attr="LOWER")
        for entity in known:
            self.known[entity.id] = entity
            self.extractor.resolver.register(entity)
            forms = [f for f in (entity.name, *entity.aliases) if len(f.split()) >= 2]
            if forms:
                self.names.add(entity.id, [self.extractor.nlp.make_doc(f) for f in forms])

    def analyze(self, question: str) -> QuestionAnalysis:
        found = [QuestionEntity(m.start, m.end, m.text, self.known.get(m.entity.id, m.entity))
                 for m in self.extractor.mentions_in(question)]
        doc = self.extractor.nlp.make_doc(question)
        for match_id, start, end in self.names(doc):
            span = doc[start:end]
            entity = self.known[self.extractor.nlp.vocab.strings[match_id]]
            found.append(QuestionEntity(span.start_char, span.end_char, span.text, entity))
        chosen = _longest(found)
        return QuestionAnalysis(tuple(chosen), _expansions(chosen), asked_relations(question))


def _longest(found: list[QuestionEntity]) -> list[QuestionEntity]:
    chosen: list[QuestionEntity] = []
    for q in sorted(found, key=lambda x: (-(x.end - x.start), x.start)):
        if all(q.end <= c.start or q.start >= c.end for c in chosen):
            chosen.append(q)
    return sorted(chosen, key=lambda x: x.start)


def _is_acronym(form: str) -> bool:
    return " " not in form and sum(c.isupper() for c in form) >= 2


def _expansions(entities: list[QuestionEntity]) -> tuple[str, ...]:
    """Acronym -> long form and long form -> acronyms; other aliases are left out (topic
    synonyms such as "cyber defence" broaden a keyword query more than they help)."""
    out: list[str] = []
    for q in entities:
        said = q.text.casefold()
        if _is_acronym(q.text):
            forms = [q.entity.name]
        else:
            forms = [a for a in q.entity.aliases if _is_acronym(a)]
        for form in forms:
            if form.casefold() != said and form not in out and form != q.entity.id:
                out.append(form)
    return tuple(out)
