"""Response models: one JSON shape for the API and the CLI's ``--json``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, Field

from graph.store import DocumentView, EntityRef, EntityView, Link, SearchHit, StoreStats
from ontology.records import DocumentRecord, ParsedDocument, PassageRecord

MAX_ID_CHARS = 200
#: document and entity ids in paths: a symbol or id is short; longer is refused (422)
Ident = Annotated[str, Path(min_length=1, max_length=MAX_ID_CHARS, description="id or symbol")]


class DocumentOut(BaseModel):
    id: str = Field(description="canonical symbol (C23/52, C16/35(Rev.1)) or doc/<file-stem>")
    symbol: str | None = Field(None, description="document symbol when the document prints it")
    title: str | None = Field(None, description="title, else the first sentence of the summary")
    date: str | None = Field(None, description="ISO date of the cover page, when printed")
    year: int | None = None
    language: str | None = Field(None, description="language suffix of the symbol (E, F, ...)")
    source: str | None = Field(None, description="path of the ingested file")
    summary: str | None = Field(None, description="Purpose/Summary block")
    action_required: str | None = Field(None, description="'Action required' block")
    action_type: str | None = Field(None, description="approve | endorse | decide | comment | "
                                                      "note, read from 'Action required'")
    ingested: bool = Field(True, description="false for a document only known from citations")
    document_type: str | None = Field(None, description="CouncilDocument | Report | "
                                                        "InformationDocument (ontology class)")
    body: str | None = Field(None, description="id of the body it is submitted to")
    access_level: str | None = Field(None, description="public | restricted (see README, "
                                                        "Access); none for a cited stub")

    @classmethod
    def of(cls, doc: DocumentRecord) -> DocumentOut:
        return cls(id=doc.id, symbol=doc.symbol, title=doc.title, date=doc.date, year=doc.year,
                   language=doc.language, source=doc.source, summary=doc.summary,
                   action_required=doc.action_required, action_type=doc.action_type,
                   ingested=doc.ingested, document_type=doc.document_type, body=doc.body,
                   access_level=doc.access_level)


class IngestOut(BaseModel):
    status: str = Field(description="ingested | unchanged (a failure is a problem response)")
    document_id: str | None = None
    passages: int = 0
    access_level: str | None = Field(None, description="the level the document was stored at")
    source: str = Field(description="where the upload was kept, under the store directory")


class PassageOut(BaseModel):
    id: str
    text: str
    section: str = Field(description="paragraph number (2.3) or heading")
    heading_path: list[str] = Field(description="headings above the passage, outermost first")
    start: int = Field(description="character offset into the cleaned document text")
    end: int
    page: int | None = Field(None, description="page where the passage starts (PDF sources)")

    @classmethod
    def of(cls, p: PassageRecord) -> PassageOut:
        return cls(id=p.id, text=p.text, section=p.section, heading_path=list(p.heading_path),
                   start=p.start, end=p.end, page=p.page)


class EntityOut(BaseModel):
    id: str
    type: str = Field(description="ontology class (node label)")
    name: str

    @classmethod
    def of(cls, e: EntityRef) -> EntityOut:
        return cls(id=e.id, type=e.type, name=e.name)


class HitOut(BaseModel):
    rank: int
    score: float = Field(description="BM25 score, cosine similarity or fused RRF score")
    passage: PassageOut
    document: DocumentOut
    entities: list[EntityOut]


class SearchOut(BaseModel):
    query: str
    mode: str
    hits: list[HitOut]

    @classmethod
    def of(cls, query: str, mode: str, hits: list[SearchHit]) -> SearchOut:
        return cls(query=query, mode=mode, hits=[hit_out(h) for h in hits])


def hit_out(h: SearchHit) -> HitOut:
    return HitOut(rank=h.rank, score=h.score, passage=PassageOut.of(h.passage),
                  document=DocumentOut.of(h.document),
                  entities=[EntityOut.of(e) for e in h.entities])


class LinkOut(BaseModel):
    type: str = Field(description="relationship type (CITES, REVISES, VERSION_OF, ...)")
    direction: str = Field(description="out: this node is the source; in: the target")
    node: EntityOut
    evidence_passage: str | None = None
    evidence_text: str | None = None

    @classmethod
    def of(cls, link: Link) -> LinkOut:
        return cls(type=link.type, direction=link.direction, node=EntityOut.of(link.node),
                   evidence_passage=link.passage_id, evidence_text=link.evidence)


class DocumentDetailOut(BaseModel):
    document: DocumentOut
    passages: int
    links: list[LinkOut]

    @classmethod
    def of(cls, view: DocumentView) -> DocumentDetailOut:
        return cls(document=DocumentOut.of(view.document), passages=view.passages,
                   links=[LinkOut.of(link) for link in view.links])


class DocumentListOut(BaseModel):
    documents: list[DocumentOut]
    limit: int
    offset: int


class MentionOut(BaseModel):
    passage: str
    document: str
    text: str


class EntityDetailOut(BaseModel):
    entity: EntityOut
    aliases: list[str]
    links: list[LinkOut]
    mentions: list[MentionOut]

    @classmethod
    def of(cls, view: EntityView) -> EntityDetailOut:
        e = view.entity
        return cls(entity=EntityOut(id=e.id, type=e.type, name=e.name), aliases=list(e.aliases),
                   links=[LinkOut.of(link) for link in view.links],
                   mentions=[MentionOut(passage=m.passage_id, document=m.document_id,
                                        text=m.text) for m in view.mentions])


class FailureOut(BaseModel):
    path: str = Field(description="the input file")
    reason: str = Field(description="why it was not ingested")
    at: str = Field(description="when (ISO 8601, UTC)")


class StatsOut(BaseModel):
    backend: str
    documents: int = Field(description="ingested documents")
    cited_only_documents: int = Field(description="documents known only from citations")
    passages: int
    nodes: dict[str, int]
    relationships: dict[str, int]
    failures: list[FailureOut] = Field(
        default_factory=list, description="inputs whose last ingest failed, with the reason")

    @classmethod
    def of(cls, s: StoreStats, failures: list[FailureOut] | None = None) -> StatsOut:
        return cls(backend=s.backend, documents=s.documents,
                   cited_only_documents=s.cited_only_documents, passages=s.passages,
                   nodes=s.nodes, relationships=s.relationships, failures=failures or [])


class ProblemOut(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    request_id: str | None = Field(None, description="the X-Request-ID of the request; "
                                   "quote it when reporting a problem")


# ---------------------------------------------------------------- extract (CLI)
class MentionSpanOut(BaseModel):
    passage: str
    start: int
    end: int
    text: str


class ExtractedEntityOut(BaseModel):
    id: str
    type: str
    name: str
    mentions: list[MentionSpanOut]


class EvidenceOut(BaseModel):
    passage: str | None
    text: str | None


class RelationOut(BaseModel):
    source: str
    type: str
    target: str
    evidence: EvidenceOut


class ExtractOut(BaseModel):
    document: DocumentOut
    passages: list[PassageOut]
    entities: list[ExtractedEntityOut]
    relations: list[RelationOut]
    footnotes: list[str]

    @classmethod
    def of(cls, parsed: ParsedDocument) -> ExtractOut:
        by_entity: dict[str, list[MentionSpanOut]] = {}
        for m in parsed.mentions:
            by_entity.setdefault(m.entity_id, []).append(
                MentionSpanOut(passage=m.passage_id, start=m.start, end=m.end, text=m.text))
        entities = [ExtractedEntityOut(id=e.id, type=e.type, name=e.name,
                                       mentions=by_entity.get(e.id, []))
                    for e in parsed.entities]
        entities += [ExtractedEntityOut(id=d.id, type="Document", name=d.id,
                                        mentions=by_entity.get(d.id, []))
                     for d in parsed.cited_documents]
        relations = [RelationOut(source=r.source, type=r.type, target=r.target,
                                 evidence=EvidenceOut(
                                     passage=r.evidence.passage_id if r.evidence else None,
                                     text=r.evidence.text if r.evidence else None))
                     for r in parsed.relations]
        return cls(document=DocumentOut.of(parsed.document),
                   passages=[PassageOut.of(p) for p in parsed.passages],
                   entities=entities, relations=relations, footnotes=parsed.footnotes)
