"""Every Cypher statement the Neo4j backend sends, and nothing else.

Static statements are upper-case module constants; statements that need a label
or relationship type are built by the public functions below, which validate the
term against the ontology-derived :class:`GraphSchema` *before* interpolating it,
so an unknown or injected name raises :class:`UnknownTermError` and no Cypher is
ever produced for it. Values always travel as parameters.

``tests/contract/test_cypher_lint.py`` collects every constant and calls every
builder for every allowed label, type and endpoint pair, and checks them all
with Neo4j's own front end. Only Cypher available since Neo4j 5.15 is used
(no ``CALL () {}`` scopes, no dynamic labels).
"""

from __future__ import annotations

from graph.terms import DOCUMENT_CONTENT_RELATIONS, protecting_relations
from ontology.schema import GraphSchema, default_schema

#: names of the schema objects created at start-up (not Cypher: lower-case on purpose)
vector_index_name = "councilkg_passage_embedding"
fulltext_index_name = "councilkg_passage_text"

# ---------------------------------------------------------------- start-up
COMPONENTS = "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
FULLTEXT_INDEX = (f"CREATE FULLTEXT INDEX {fulltext_index_name} IF NOT EXISTS "
                  "FOR (p:Passage) ON EACH [p.index_text]")
INDEX_OPTIONS = ("SHOW INDEXES YIELD name, type, options WHERE name = $name "
                 "RETURN type, options")
AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"

# ---------------------------------------------------------------- document writes
REMOVE_PASSAGES = "MATCH (p:Passage)-[:PART_OF]->(:Document {id: $id}) DETACH DELETE p"
UPSERT_DOCUMENT = "MERGE (d:Document {id: $id}) SET d += $props, d.content_hash = NULL"
UPSERT_CITED_DOCUMENTS = ("UNWIND $rows AS r MERGE (n:Document {id: r.id}) "
                          "ON CREATE SET n.symbol = r.symbol, n.name = r.id, n.ingested = false")
WRITE_PASSAGES = (
    "MATCH (d:Document {id: $document}) "
    "UNWIND $rows AS r "
    "MERGE (p:Passage {id: r.id}) "
    "SET p.name = r.name, p.section = r.section, p.ordinal = r.ordinal, "
    "p.char_start = r.char_start, p.char_end = r.char_end, p.page = r.page, p.text = r.text, "
    "p.index_text = r.index_text, p.embedding = r.embedding "
    "MERGE (p)-[:PART_OF]->(d)")
#: the commit marker, always the last statement of a document write
SET_CONTENT_HASH = "MATCH (d:Document {id: $id}) SET d.content_hash = $hash"

# ---------------------------------------------------------------- delete
DOCUMENT_HASH = ("MATCH (d:Document {id: $id}) WHERE d.ingested = true "
                 "RETURN d.content_hash AS hash")
#: another document's content still points at this one (it cites, revises or translates it)
CITATIONS_OF = ("MATCH (:Document {id: $id})<-[r:" + "|".join(DOCUMENT_CONTENT_RELATIONS)
                + "]-(:Document) RETURN count(r) AS n")
#: a still-cited document stays as a stub: everything but id, symbol and name is cleared
CLEAR_DOCUMENT = (
    "MATCH (d:Document {id: $id}) SET d.title = NULL, d.date = NULL, d.year = NULL, "
    "d.language = NULL, d.source = NULL, d.content_hash = NULL, d.summary = NULL, "
    "d.action_required = NULL, d.action_type = NULL, d.document_type = NULL, d.body = NULL, "
    "d.access_level = NULL, d.ingested = false")
DELETE_DOCUMENT = "MATCH (d:Document {id: $id}) DETACH DELETE d"
#: only for the contract tests and a deliberate ``migrate --replace``
DELETE_EVERYTHING = "MATCH (n) DETACH DELETE n"
LABELS_IN_USE = "CALL db.labels() YIELD label RETURN collect(label) AS labels"

# ---------------------------------------------------------------- reads
DOCUMENTS_BY_ID = "MATCH (d:Document) WHERE d.id IN $ids RETURN d"
LIST_DOCUMENTS = ("MATCH (d:Document) WHERE d.ingested = true "
                  "AND (d.access_level IS NULL OR d.access_level IN $levels) "
                  "RETURN d ORDER BY d.id SKIP $offset LIMIT $limit")
PASSAGE_COUNT = "MATCH (p:Passage)-[:PART_OF]->(:Document {id: $id}) RETURN count(p) AS n"
MENTIONED = ("MATCH (p:Passage)-[:MENTIONS]->(e) WHERE p.id IN $ids "
             "RETURN p.id AS passage, labels(e)[0] AS label, e.id AS id, e.name AS name "
             "ORDER BY id")
CITED_ONLY_DOCUMENTS = "MATCH (d:Document) WHERE d.ingested = false RETURN count(d) AS n"
PASSAGE_TEXTS = "MATCH (p:Passage) WHERE p.id IN $ids RETURN p.id AS id, p.text AS text"
PASSAGE_VECTORS = ("MATCH (p:Passage) WHERE p.id IN $ids "
                   "RETURN p.id AS id, p.embedding AS embedding, p.index_text AS index_text")

# ---------------------------------------------------------------- search
_META_FILTER = ("AND ($body IS NULL OR d.body = $body) "
                "AND ($document_type IS NULL OR d.document_type = $document_type)")
_FILTER = ("($document IS NULL OR d.id = $document) "
           "AND ($year_from IS NULL OR d.year >= $year_from) "
           f"AND ($year_to IS NULL OR d.year <= $year_to) {_META_FILTER} "
           "AND (d.access_level IS NULL OR d.access_level IN $levels)")
#: full-text results stream lazily, so filtering before LIMIT is exact
FULLTEXT_SEARCH = (
    "CALL db.index.fulltext.queryNodes($index, $terms) YIELD node, score "
    f"MATCH (node)-[:PART_OF]->(d:Document) WHERE {_FILTER} "
    "RETURN node.id AS id, score ORDER BY score DESC, id LIMIT $limit")
#: queryNodes filters *after* its top-k: the caller over-fetches ($fetch > $limit)
#: when a year or access filter is set, and falls back to VECTOR_SEARCH_EXACT when the
#: over-fetch still leaves fewer than $limit; the score is (1 + cosine) / 2
VECTOR_SEARCH = (
    "CALL db.index.vector.queryNodes($index, $fetch, $vector) YIELD node, score "
    f"MATCH (node)-[:PART_OF]->(d:Document) WHERE {_FILTER} "
    "RETURN node.id AS id, score ORDER BY score DESC, id LIMIT $limit")
#: with a document filter, exact cosine over that document's passages (a pre-filter,
#: like the embedded store's), computed in plain Cypher so it runs on any 5.x
VECTOR_SEARCH_IN_DOCUMENT = (
    "MATCH (node:Passage)-[:PART_OF]->(d:Document {id: $document}) "
    "WHERE node.embedding IS NOT NULL "
    "AND ($year_from IS NULL OR d.year >= $year_from) "
    "AND ($year_to IS NULL OR d.year <= $year_to) "
    f"{_META_FILTER} "
    "AND (d.access_level IS NULL OR d.access_level IN $levels) "
    "WITH node, reduce(s = 0.0, i IN range(0, size($vector) - 1) "
    "| s + node.embedding[i] * $vector[i]) AS dot, "
    "reduce(s = 0.0, x IN node.embedding | s + x * x) AS norm2 "
    "RETURN node.id AS id, "
    "CASE WHEN norm2 = 0.0 THEN 0.0 ELSE dot / (sqrt(norm2) * $norm) END AS score "
    "ORDER BY score DESC, id LIMIT $limit")
#: the same exact cosine over every visible passage: the fallback when the index's
#: over-fetch, once filtered, leaves fewer than $limit (a true pre-filter, linear in passages)
VECTOR_SEARCH_EXACT = (
    "MATCH (node:Passage)-[:PART_OF]->(d:Document) "
    f"WHERE node.embedding IS NOT NULL AND {_FILTER} "
    "WITH node, reduce(s = 0.0, i IN range(0, size($vector) - 1) "
    "| s + node.embedding[i] * $vector[i]) AS dot, "
    "reduce(s = 0.0, x IN node.embedding | s + x * x) AS norm2 "
    "RETURN node.id AS id, "
    "CASE WHEN norm2 = 0.0 THEN 0.0 ELSE dot / (sqrt(norm2) * $norm) END AS score "
    "ORDER BY score DESC, id LIMIT $limit")
HYDRATE_PASSAGES = (
    "UNWIND $ids AS pid MATCH (p:Passage {id: pid})-[:PART_OF]->(d:Document) "
    "RETURN p.id AS id, p.name AS context, p.section AS section, p.ordinal AS ordinal, "
    "p.char_start AS char_start, p.char_end AS char_end, p.page AS page, p.text AS text, "
    "d AS document")

# ---------------------------------------------------------------- dump
NEIGHBOURHOOD = (
    "MATCH (d:Document {id: $id}) "
    "OPTIONAL MATCH (p:Passage)-[:PART_OF]->(d) "
    "OPTIONAL MATCH (p)-[:MENTIONS]->(e) "
    "RETURN collect(DISTINCT p.id) AS passages, collect(DISTINCT e.id) AS entities")
LINKED_TO_DOCUMENT = ("MATCH (:Document {id: $id})-[]-(n) WHERE NOT n:Passage "
                      "RETURN collect(DISTINCT n.id) AS ids")
WORKS_OF_VERSIONS = ("MATCH (v:ResolutionVersion)-[:VERSION_OF]->(w) WHERE v.id IN $ids "
                     "RETURN collect(DISTINCT w.id) AS ids")


# ---------------------------------------------------------------- builders
def _label(label: str, schema: GraphSchema | None) -> str:
    return (schema or default_schema()).label(label).label


def _relation(rel: str, schema: GraphSchema | None) -> str:
    return (schema or default_schema()).relation(rel).name


def uniqueness_constraint(label: str, schema: GraphSchema | None = None) -> str:
    name = _label(label, schema)
    return (f"CREATE CONSTRAINT councilkg_{name.lower()}_id IF NOT EXISTS "
            f"FOR (n:{name}) REQUIRE n.id IS UNIQUE")


def vector_index(dimension: int) -> str:
    """The dimension is an int checked here; everything else is fixed text."""
    if isinstance(dimension, bool) or not isinstance(dimension, int) or not 0 < dimension <= 4096:
        raise ValueError(f"vector dimension must be an int in 1..4096, got {dimension!r}")
    return (f"CREATE VECTOR INDEX {vector_index_name} IF NOT EXISTS "
            "FOR (p:Passage) ON (p.embedding) OPTIONS {indexConfig: {"
            f"`vector.dimensions`: {dimension}, `vector.similarity_function`: 'cosine'}}}}")


def remove_outgoing(rel: str, schema: GraphSchema | None = None) -> str:
    """Edges that are a document's own content (CITES, REVISES), replaced on re-ingest."""
    return f"MATCH (:Document {{id: $id}})-[e:{_relation(rel, schema)}]->() DELETE e"


def upsert_entities(label: str, schema: GraphSchema | None = None) -> str:
    node = (schema or default_schema()).label(label)
    extra = (", n.version_text = r.alt"
             if any(c.name == "version_text" for c in node.columns) else "")
    return (f"UNWIND $rows AS r MERGE (n:{node.label} {{id: r.id}}) "
            f"ON CREATE SET n.name = r.name, n.alt_label = r.alt, n.ingested = false{extra}")


_EVIDENCE = ("passage: r.passage, text: r.text, span_start: r.span_start, "
             "span_end: r.span_end, confidence: r.confidence")


def create_edges(rel: str, source: str, target: str, schema: GraphSchema | None = None) -> str:
    """One edge per row (mentions: each passage's mention is its own evidence)."""
    (schema or default_schema()).check_edge(rel, source, target)
    return (f"UNWIND $rows AS r MATCH (a:{source} {{id: r.source}}) "
            f"MATCH (b:{target} {{id: r.target}}) CREATE (a)-[:{rel} {{{_EVIDENCE}}}]->(b)")


def merge_edges(rel: str, source: str, target: str, schema: GraphSchema | None = None) -> str:
    """At most one edge per pair; the first evidence seen is kept (as the embedded store)."""
    (schema or default_schema()).check_edge(rel, source, target)
    return (f"UNWIND $rows AS r MATCH (a:{source} {{id: r.source}}) "
            f"MATCH (b:{target} {{id: r.target}}) MERGE (a)-[e:{rel}]->(b) "
            "ON CREATE SET e.passage = r.passage, e.text = r.text, e.span_start = r.span_start, "
            "e.span_end = r.span_end, e.confidence = r.confidence")


def delete_orphans(label: str, schema: GraphSchema | None = None) -> str:
    """Nodes of a label that nothing mentions, cites or realises any more."""
    name = _label(label, schema)
    kept = "".join(f" AND NOT EXISTS {{ MATCH (n)<-[:{rel}]-() }}"
                   for rel in protecting_relations(schema or default_schema(), name))
    return (f"MATCH (n:{name}) WHERE (n.ingested IS NULL OR n.ingested = false)"
            f"{kept} DETACH DELETE n")


def find_node(labels: tuple[str, ...], schema: GraphSchema | None = None) -> str:
    """The node with ``$id`` under any of ``labels``: one index seek per label."""
    if not labels:
        raise ValueError("find_node needs at least one label")
    return " UNION ALL ".join(
        f"MATCH (n:{_label(label, schema)} {{id: $id}}) "
        f"RETURN '{label}' AS label, n.name AS name, n.alt_label AS alt"
        for label in labels)


def links_out(label: str, schema: GraphSchema | None = None) -> str:
    name = _label(label, schema)
    return (f"MATCH (n:{name} {{id: $id}})-[e]->(m) WHERE NOT m:Passage "
            "RETURN type(e) AS rel, labels(m)[0] AS label, m.id AS id, m.name AS name, "
            "e.passage AS passage, e.text AS text ORDER BY rel, id")


def links_in(label: str, schema: GraphSchema | None = None) -> str:
    name = _label(label, schema)
    return (f"MATCH (n:{name} {{id: $id}})<-[e]-(m) WHERE NOT m:Passage "
            "RETURN type(e) AS rel, labels(m)[0] AS label, m.id AS id, m.name AS name, "
            "e.passage AS passage, e.text AS text ORDER BY rel, id")


def mentions_of(label: str, schema: GraphSchema | None = None) -> str:
    name = _label(label, schema)
    return ("MATCH (d:Document)<-[:PART_OF]-(p:Passage)-[m:MENTIONS]->"
            f"(:{name} {{id: $id}}) RETURN p.id AS passage, d.id AS document, m.text AS text "
            "ORDER BY passage LIMIT $limit")


def count_nodes(label: str, schema: GraphSchema | None = None) -> str:
    return f"MATCH (n:{_label(label, schema)}) RETURN count(n) AS n"


def count_relationships(rel: str, schema: GraphSchema | None = None) -> str:
    return f"MATCH ()-[e:{_relation(rel, schema)}]->() RETURN count(e) AS n"


def dump_nodes(label: str, schema: GraphSchema | None = None) -> str:
    return f"MATCH (n:{_label(label, schema)}) RETURN n ORDER BY n.id"


def dump_nodes_among(label: str, schema: GraphSchema | None = None) -> str:
    return f"MATCH (n:{_label(label, schema)}) WHERE n.id IN $ids RETURN n ORDER BY n.id"


def dump_edges(rel: str, schema: GraphSchema | None = None) -> str:
    return (f"MATCH (a)-[e:{_relation(rel, schema)}]->(b) "
            "RETURN a.id AS source, b.id AS target, e ORDER BY source, target")


def dump_edges_among(rel: str, schema: GraphSchema | None = None) -> str:
    return (f"MATCH (a)-[e:{_relation(rel, schema)}]->(b) "
            "WHERE a.id IN $ids AND b.id IN $ids "
            "RETURN a.id AS source, b.id AS target, e ORDER BY source, target")


#: property keys stored beyond the ontology's columns (in Neo4j the passage index lives on
#: the Passage nodes); the lint test tells the linter these plus the ontology's columns
extra_property_keys = ("text", "index_text", "embedding")


def entity_names(label: str, schema: GraphSchema | None = None) -> str:
    """Every node of ``label`` with its name and aliases (the question lexicon)."""
    return (f"MATCH (n:{_label(label, schema)}) "
            "RETURN n.id AS id, n.name AS name, n.alt_label AS alt ORDER BY id")


# ---------------------------------------------------------------- lineage
_LINEAGE_NODE = ("labels(m)[0] AS label, m.id AS id, m.name AS name, m.alt_label AS alt, "
                 "m.ingested AS ingested, m.symbol AS symbol, m.title AS title, "
                 "m.date AS date, m.year AS year")
_LINEAGE_EDGE = ("e.text AS evidence, e.span_start AS span_start, e.span_end AS span_end, "
                 "e.confidence AS confidence")
#: document -> entity mentioned by one of its passages, in passage order
MENTIONS_OUT = (
    "MATCH (n:Document) WHERE n.id IN $ids "
    "MATCH (n)<-[:PART_OF]-(p:Passage)-[e:MENTIONS]->(m) "
    "RETURN 'MENTIONS' AS type, n.id AS source, m.id AS target, p.id AS passage, "
    f"{_LINEAGE_EDGE}, {_LINEAGE_NODE} ORDER BY p.ordinal")
NODE_NAMES = ("MATCH (m) WHERE NOT m:Passage "
              "RETURN m.id AS id, labels(m)[0] AS label, m.name AS name ORDER BY id")


def _relations(rels: tuple[str, ...], schema: GraphSchema | None) -> str:
    if not rels:
        raise ValueError("at least one relationship type is needed")
    return "|".join(_relation(rel, schema) for rel in rels)


def lineage_out(label: str, rels: tuple[str, ...], schema: GraphSchema | None = None) -> str:
    """One hop along ``rels`` from the ``$ids`` nodes of ``label``."""
    return (f"MATCH (n:{_label(label, schema)}) WHERE n.id IN $ids "
            f"MATCH (n)-[e:{_relations(rels, schema)}]->(m) WHERE NOT m:Passage "
            "RETURN type(e) AS type, n.id AS source, m.id AS target, e.passage AS passage, "
            f"{_LINEAGE_EDGE}, {_LINEAGE_NODE}")


def lineage_in(label: str, rels: tuple[str, ...], schema: GraphSchema | None = None) -> str:
    """One hop backwards along ``rels`` into the ``$ids`` nodes of ``label``."""
    return (f"MATCH (n:{_label(label, schema)}) WHERE n.id IN $ids "
            f"MATCH (n)<-[e:{_relations(rels, schema)}]-(m) WHERE NOT m:Passage "
            "RETURN type(e) AS type, m.id AS source, n.id AS target, e.passage AS passage, "
            f"{_LINEAGE_EDGE}, {_LINEAGE_NODE}")


def mentions_in(label: str, schema: GraphSchema | None = None) -> str:
    """Documents whose passages mention the ``$ids`` nodes of ``label``, in passage order."""
    return (f"MATCH (n:{_label(label, schema)}) WHERE n.id IN $ids "
            "MATCH (m:Document)<-[:PART_OF]-(p:Passage)-[e:MENTIONS]->(n) "
            "RETURN 'MENTIONS' AS type, m.id AS source, n.id AS target, p.id AS passage, "
            f"{_LINEAGE_EDGE}, {_LINEAGE_NODE} ORDER BY p.ordinal")


def nodes_by_id(labels: tuple[str, ...], schema: GraphSchema | None = None) -> str:
    """The ``$ids`` nodes under any of ``labels``: one index seek per label."""
    if not labels:
        raise ValueError("nodes_by_id needs at least one label")
    return " UNION ALL ".join(
        f"MATCH (m:{_label(label, schema)}) WHERE m.id IN $ids RETURN {_LINEAGE_NODE}"
        for label in labels)


def nodes_by_name(labels: tuple[str, ...], schema: GraphSchema | None = None) -> str:
    """Nodes whose name matches ``$name`` or whose alias list matches ``$aliases``
    (case-insensitive regular expressions built by the caller: see ``name_patterns``)."""
    if not labels:
        raise ValueError("nodes_by_name needs at least one label")
    return " UNION ALL ".join(
        f"MATCH (m:{_label(label, schema)}) WHERE m.name =~ $name OR m.alt_label =~ $aliases "
        f"RETURN {_LINEAGE_NODE}" for label in labels)



# ---------------------------------------------------------------- access control (graph.access)
_ACCESS_EDGE = ("RETURN type(e) AS type, a.id AS source, labels(a)[0] AS source_label, "
                "b.id AS target, labels(b)[0] AS target_label, e.passage AS passage")
RESTRICTED_DOCUMENTS = ("MATCH (d:Document) WHERE d.ingested = true "
                        "AND d.access_level = 'restricted' RETURN d.id AS id ORDER BY id")
FACTS_PART_OF = ("MATCH (a:Passage)-[e:PART_OF]->(b:Document) WHERE b.id IN $ids "
                 + _ACCESS_EDGE)
FACTS_MENTIONS = ("MATCH (d:Document)<-[:PART_OF]-(a:Passage)-[e:MENTIONS]->(b) "
                  "WHERE d.id IN $ids " + _ACCESS_EDGE)
#: every relation whose evidence passage belongs to these documents
FACTS_EVIDENCED = ("MATCH (p:Passage)-[:PART_OF]->(d:Document) WHERE d.id IN $ids "
                   "WITH collect(p.id) AS passages "
                   "MATCH (a)-[e]->(b) WHERE NOT type(e) IN ['MENTIONS', 'PART_OF'] "
                   "AND e.passage IN passages " + _ACCESS_EDGE)
FACTS_UNEVIDENCED = ("MATCH (a:Document)-[e]->(b) WHERE a.id IN $ids AND e.passage IS NULL "
                     + _ACCESS_EDGE)
PUBLICLY_MENTIONED = ("MATCH (d:Document)<-[:PART_OF]-(:Passage)-[:MENTIONS]->(n) "
                      "WHERE n.id IN $ids AND NOT d.id IN $restricted "
                      "RETURN DISTINCT n.id AS node")
EDGES_FROM_NODES = ("MATCH (a)-[e]->(b) WHERE a.id IN $ids "
                    "AND NOT type(e) IN ['MENTIONS', 'PART_OF'] " + _ACCESS_EDGE)
EDGES_TO_NODES = ("MATCH (a)-[e]->(b) WHERE b.id IN $ids "
                  "AND NOT type(e) IN ['MENTIONS', 'PART_OF'] " + _ACCESS_EDGE)
