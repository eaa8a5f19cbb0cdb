"""Response models of the lineage routes (API and CLI ``--json`` share them)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from graph.store import Hop, NodeInfo


class NodeOut(BaseModel):
    id: str
    type: str = Field(description="ontology class (node label)")
    name: str
    aliases: list[str] = Field(default_factory=list)
    ingested: bool | None = Field(None, description="documents only: false for a document "
                                                    "known from citations, not ingested yet")
    symbol: str | None = None
    title: str | None = None
    date: str | None = None
    year: int | None = None

    @classmethod
    def of(cls, n: NodeInfo) -> NodeOut:
        return cls(id=n.id, type=n.label, name=n.name, aliases=list(n.aliases),
                   ingested=n.ingested, symbol=n.symbol, title=n.title, date=n.date, year=n.year)


class EvidenceOut(BaseModel):
    passage_id: str
    text: str | None = Field(None, description="the words the relation was read from")
    span_start: int | None = Field(None, description="offset of those words in the passage")
    span_end: int | None = None
    passage_text: str | None = Field(None, description="the whole evidence passage")


class EdgeOut(BaseModel):
    type: str = Field(description="relation (MENTIONS: a passage of the source mentions "
                                  "the target)")
    source: str
    target: str
    confidence: float | None = None
    evidence: EvidenceOut | None = None

    @classmethod
    def of(cls, hop: Hop, texts: dict[str, str] | None = None) -> EdgeOut:
        evidence = None
        if hop.passage_id is not None:
            evidence = EvidenceOut(passage_id=hop.passage_id, text=hop.evidence,
                                   span_start=hop.span_start, span_end=hop.span_end,
                                   passage_text=(texts or {}).get(hop.passage_id))
        return cls(type=hop.type, source=hop.source, target=hop.target,
                   confidence=hop.confidence, evidence=evidence)


class LineageItemOut(BaseModel):
    depth: int
    id: str
    type: str
    name: str
    ingested: bool | None = None
    year: int | None = None
    parent: str | None = Field(None, description="the node it was first reached from")
    relation: str | None = Field(None, description="the edge it was reached by")
    direction: str | None = Field(None, description="out: parent -> node; in: node -> parent")


class LineageOut(BaseModel):
    root: NodeOut
    direction: str
    depth: int
    types: list[str]
    total: int = Field(description="nodes reached, the root included")
    limit: int
    offset: int
    truncated: bool = Field(description="the node cap was hit before the depth")
    items: list[LineageItemOut] = Field(description="this page of the flat list, tree order")
    nodes: list[NodeOut] = Field(description="nodes of this page and the other ends of its "
                                             "edges")
    edges: list[EdgeOut] = Field(description="edges touching this page's nodes")


class PathStepOut(BaseModel):
    node: NodeOut
    via: EdgeOut | None = Field(None, description="the edge from the previous node")
    direction: str | None = None


class PathOut(BaseModel):
    length: int
    steps: list[PathStepOut]


class PathsOut(BaseModel):
    source: NodeOut
    target: NodeOut
    max_depth: int
    types: list[str]
    paths: list[PathOut] = Field(description="shortest paths; empty when none within max_depth")


class ActLinkOut(BaseModel):
    node: NodeOut
    relation: str
    edge: EdgeOut = Field(description="the edge, with its evidence")


class VersionOut(BaseModel):
    version: NodeOut
    conference: str | None = None
    year: int | None = None
    adopted_at: list[NodeOut] = Field(default_factory=list)
    cited_by: list[ActLinkOut] = Field(default_factory=list)
    reported_on_by: list[ActLinkOut] = Field(default_factory=list)
    implemented_by: list[ActLinkOut] = Field(default_factory=list)
    instructs: list[ActLinkOut] = Field(default_factory=list)


class ResolutionOut(BaseModel):
    work: VersionOut = Field(description="the work itself (citations of no particular "
                                         "version)")
    versions: list[VersionOut] = Field(description="in order of adoption")


class TimelineItemOut(BaseModel):
    year: int
    date: str | None = None
    kind: str = Field(description="document | event | version")
    node: NodeOut
    relation: str | None = None
    edge: EdgeOut | None = Field(None, description="the edge, with its evidence")


class TimelineOut(BaseModel):
    subject: NodeOut
    year_from: int | None = None
    year_to: int | None = None
    items: list[TimelineItemOut]
    undated: int = Field(description="related documents without a date, left out")
