"""Response models of ``/ask`` and ``councilkg ask --json``."""

from __future__ import annotations

from pydantic import BaseModel, Field

from search_api.answering import Answer, Citation
from search_api.schemas import DocumentOut, EntityOut, HitOut, hit_out


class CitationOut(BaseModel):
    document_id: str
    symbol: str | None = Field(description="document symbol, when the document prints one")
    section: str = Field(description="paragraph number or heading of the passage")
    passage_id: str
    start: int = Field(description="offset of the cited span in the passage text")
    end: int
    document_start: int = Field(description="offset of the span in the cleaned document text")
    document_end: int
    text: str = Field(description="the cited span")

    @classmethod
    def of(cls, c: Citation) -> CitationOut:
        return cls(document_id=c.document.id, symbol=c.document.symbol, section=c.section,
                   passage_id=c.passage_id, start=c.start, end=c.end,
                   document_start=c.document_start, document_end=c.document_end, text=c.text)


class AnswerPassageOut(BaseModel):
    hit: HitOut
    answer: CitationOut = Field(description="the sentence of the passage closest to the question")


class FactOut(BaseModel):
    relation: str = Field(description="relationship type, e.g. CHAIRED_BY, ESTABLISHED_BY")
    direction: str = Field(description="out: the question's entity is the source")
    node: EntityOut
    citation: CitationOut | None = Field(description="the passage span the fact comes from")


class QuestionEntityOut(BaseModel):
    text: str = Field(description="the words of the question that name the entity")
    start: int
    end: int
    entity: EntityOut
    aliases: list[str]
    stored: bool = Field(description="false: recognised, but nothing about it is stored")
    facts: list[FactOut]


class AskOut(BaseModel):
    question: str
    passages: list[AnswerPassageOut]
    entities: list[QuestionEntityOut]
    related_documents: list[DocumentOut]

    @classmethod
    def of(cls, a: Answer) -> AskOut:
        return cls(
            question=a.question,
            passages=[AnswerPassageOut(hit=hit_out(p.hit), answer=CitationOut.of(p.sentence))
                      for p in a.passages],
            entities=[QuestionEntityOut(
                text=e.mention.text, start=e.mention.start, end=e.mention.end,
                entity=EntityOut(id=e.mention.entity.id, type=e.mention.entity.type,
                                 name=e.mention.entity.name),
                aliases=list(e.mention.entity.aliases), stored=e.stored,
                facts=[FactOut(relation=f.relation, direction=f.direction,
                               node=EntityOut.of(f.node),
                               citation=CitationOut.of(f.citation) if f.citation else None)
                       for f in e.facts]) for e in a.entities],
            related_documents=[DocumentOut.of(d) for d in a.related_documents])
