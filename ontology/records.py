"""Plain records exchanged between ingestion, the stores and the API.

They are the ontology's instance data in Python form: ``type`` fields hold node
labels and relationship types that ``ontology.schema`` validates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AccessLevel(StrEnum):
    """A document's classification (``ckg:accessLevel``); a caller's clearance uses the same
    scale: a restricted clearance sees everything, a public one only public documents."""

    PUBLIC = "public"
    RESTRICTED = "restricted"

    def sees(self, level: str | None) -> bool:
        """Whether this clearance may see a document at ``level`` (unset means public)."""
        return self is AccessLevel.RESTRICTED or (level or "public") == AccessLevel.PUBLIC


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """Metadata of one ingested (or only cited) document."""

    id: str
    symbol: str | None = None
    title: str | None = None
    date: str | None = None
    year: int | None = None
    language: str | None = None
    source: str | None = None
    content_hash: str | None = None
    summary: str | None = None
    action_required: str | None = None
    action_type: str | None = None  # approve | endorse | decide | comment | note
    ingested: bool = True
    #: ontology subclass of Document: CouncilDocument | Report | InformationDocument
    document_type: str | None = None
    #: id of the body the document is submitted to (body/council, body/cwg-fhr)
    body: str | None = None
    #: "public" or "restricted" (AccessLevel); None on cited-only stubs
    access_level: str | None = None


@dataclass(frozen=True, slots=True)
class PassageRecord:
    """A span ``text == cleaned_text[start:end]`` of a document."""

    id: str
    document_id: str
    ordinal: int
    section: str
    heading_path: tuple[str, ...]
    start: int
    end: int
    text: str
    #: 1-based page of a paginated source (PDF) where the passage starts
    page: int | None = None

    @property
    def context(self) -> str:
        """Heading path joined for display and for indexing."""
        return " > ".join(self.heading_path)


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """A canonical entity node (anything but documents and passages)."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """An entity mentioned in a passage; offsets are relative to the passage."""

    entity_id: str
    passage_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a relation was read: the passage and the span inside it."""

    passage_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RelationRecord:
    """A typed edge between two nodes, with its evidence."""

    source: str
    source_type: str
    type: str
    target: str
    target_type: str
    evidence: Evidence | None = None
    confidence: float = 1.0


@dataclass(slots=True)
class ParsedDocument:
    """Everything ingestion derives from one file, before embedding."""

    document: DocumentRecord
    cleaned_text: str
    passages: list[PassageRecord]
    entities: list[EntityRecord] = field(default_factory=list)
    mentions: list[MentionRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    cited_documents: list[DocumentRecord] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
