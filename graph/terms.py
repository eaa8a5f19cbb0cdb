"""Refuse labels and relationship types outside the ontology before anything is written.

Both stores call :func:`check_terms` first thing in ``write_document``, so a bad
term raises :class:`~ontology.errors.UnknownTermError` and no statement reaches
either engine (the same error, from the same place, for every backend).
"""

from __future__ import annotations

from ontology.errors import UnknownTermError
from ontology.records import ParsedDocument
from ontology.schema import GraphSchema


def check_terms(schema: GraphSchema, parsed: ParsedDocument) -> None:
    for entity in parsed.entities:
        node = schema.label(entity.type)
        if not node.entity_type:
            raise UnknownTermError(f"{entity.type!r} is not an entity class of the ontology",
                                   term=entity.type)
    for relation in parsed.relations:
        schema.check_edge(relation.type, relation.source_type, relation.target_type)


#: relationship types whose edges are a document's own content, replaced on re-ingest
DOCUMENT_CONTENT_RELATIONS = ("CITES", "REVISES", "LANGUAGE_VERSION_OF")
#: an entity or cited-only document survives a delete while one of these points at it
#: (a document's content edges protect what they point at, as mentions and versions do)
PROTECTING_RELATIONS = ("MENTIONS", "VERSION_OF", *DOCUMENT_CONTENT_RELATIONS)


def protecting_relations(schema: GraphSchema, label: str) -> list[str]:
    """The protecting relationship types that can end at ``label`` at all.

    Only these are tested for orphans: an ``EXISTS`` over a pattern the schema
    forbids is wrongly true in Ladybug, which kept every orphan alive."""
    return [rel for rel in PROTECTING_RELATIONS
            if any(target == label for _, target in schema.relation(rel).endpoints)]
