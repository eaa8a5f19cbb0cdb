"""Lineage over any :class:`~graph.store.GraphStore`: bounded BFS and shortest paths.

Backends answer one question, ``neighbours`` (one hop from a batch of nodes, grouped
by label); everything else (depth bounds, cycle handling, ordering, path
reconstruction) lives here once, so both stores give the same answer. Depth is
capped by :data:`MAX_DEPTH` and the number of nodes by ``max_nodes``: each node is
reported once, at the depth it was first reached, so cycles and self-citations
terminate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.store import GraphStore, Hop, NodeInfo
from ontology.errors import InvalidRequestError
from ontology.schema import GraphSchema

MAX_DEPTH = 5
MAX_NODES = 5000
#: document -> entity through a passage; not an ontology relation of its own
MENTIONS = "MENTIONS"
#: relations whose domain is the passage: not lineage (MENTIONS is lifted to documents)
_PASSAGE_ONLY = ("PART_OF",)
DOCUMENT_TYPES = ("CITES", "REVISES", "LANGUAGE_VERSION_OF", "VERSION_OF", "REPORTS_ON",
                  "IMPLEMENTS")
DIRECTIONS = ("out", "in", "both")


def traversable(schema: GraphSchema) -> tuple[str, ...]:
    """Every relation lineage may follow, MENTIONS included."""
    return tuple(r for r in schema.relations if r not in _PASSAGE_ONLY)


def check_types(schema: GraphSchema, types: Iterable[str] | None,
                default: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Upper-cased, de-duplicated, each on the ontology allow-list (else a 422)."""
    if types is None:
        return default if default is not None else traversable(schema)
    allowed = traversable(schema)
    out: list[str] = []
    for raw in types:
        name = raw.strip().upper()
        if not name:
            continue
        if name not in allowed:
            raise InvalidRequestError(f"unknown relationship type {raw!r}; allowed: "
                                      f"{sorted(allowed)}", term=raw)
        if name not in out:
            out.append(name)
    if not out:
        raise InvalidRequestError("types is empty")
    return tuple(out)


def check_depth(depth: int, *, name: str = "depth") -> int:
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidRequestError(f"{name} must be between 1 and {MAX_DEPTH}, got {depth}",
                                  depth=depth)
    return depth


def check_direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise InvalidRequestError(f"direction must be one of {list(DIRECTIONS)}, "
                                  f"got {direction!r}")
    return direction


def applicable(schema: GraphSchema, label: str, direction: str,
               types: tuple[str, ...]) -> tuple[str, ...]:
    """The stored relations among ``types`` that can leave (out) or reach (in) ``label``;
    MENTIONS is handled apart by the backends."""
    side = 0 if direction == "out" else 1
    return tuple(t for t in types if t != MENTIONS and t in schema.relations
                 and any(pair[side] == label for pair in schema.relations[t].endpoints))


def node_info(row: dict[str, Any]) -> NodeInfo:
    """A backend row with the lineage node columns (both backends use the same names)."""
    label, ident = str(row["label"]), str(row["id"])
    document = label == "Document"
    year = row.get("year")
    return NodeInfo(
        id=ident, label=label, name=row.get("name") or ident,
        aliases=tuple(a for a in (row.get("alt") or "").split("; ") if a),
        ingested=bool(row.get("ingested")) if document else None,
        symbol=row.get("symbol") if document else None,
        title=row.get("title") if document else None,
        date=row.get("date") if document else None,
        year=int(year) if document and year is not None else None)


def hop_of(row: dict[str, Any]) -> Hop:
    confidence = row.get("confidence")
    return Hop(type=str(row["type"]), source=str(row["source"]), target=str(row["target"]),
               passage_id=row.get("passage"), evidence=row.get("evidence"),
               span_start=row.get("span_start"), span_end=row.get("span_end"),
               confidence=None if confidence is None else float(confidence))


def first_per_pair(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """MENTIONS rows come in passage order: keep the first passage per (document, entity)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for row in rows:
        key = (row["source"], row["target"])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


@dataclass(frozen=True, slots=True)
class Step:
    """How a node was first reached: from ``parent`` along ``hop`` (``direction`` as
    walked: "out" follows the edge, "in" walks it backwards)."""

    parent: str
    hop: Hop
    direction: str


@dataclass(slots=True)
class Traversal:
    root: NodeInfo
    nodes: dict[str, NodeInfo] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)
    reached_by: dict[str, Step] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Hop] = field(default_factory=dict)
    truncated: bool = False

    def ordered(self) -> list[str]:
        """Pre-order walk of the BFS tree, children by (relation, id): a readable tree."""
        children: dict[str, list[str]] = defaultdict(list)
        for node_id, step in self.reached_by.items():
            children[step.parent].append(node_id)
        for kids in children.values():
            kids.sort(key=lambda k: (self.reached_by[k].hop.type, k))
        out, stack = [], [self.root.id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(children.get(current, [])))
        return out


def _by_label(nodes: Iterable[NodeInfo]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        grouped[node.label].append(node.id)
    return {label: sorted(ids) for label, ids in sorted(grouped.items())}


def _directions(direction: str) -> tuple[str, ...]:
    return ("out", "in") if direction == "both" else (direction,)


def expand(store: GraphStore, frontier: list[NodeInfo], *, direction: str,
           types: tuple[str, ...]) -> list[tuple[str, Hop, NodeInfo, str]]:
    """One level: (near id, hop, far node, direction walked), in a stable order."""
    grouped = _by_label(frontier)
    found = []
    for walk in _directions(direction):
        for hop, far in store.neighbours(grouped, direction=walk, types=types):
            near = hop.source if walk == "out" else hop.target
            found.append((near, hop, far, walk))
    found.sort(key=lambda f: (f[0], f[1].type, f[2].id, f[3]))
    return found


def traverse(store: GraphStore, root: NodeInfo, *, direction: str, depth: int,
             types: tuple[str, ...], max_nodes: int = MAX_NODES) -> Traversal:
    """Breadth-first from ``root``: each node once, at its shortest distance."""
    check_direction(direction)
    check_depth(depth)
    result = Traversal(root, nodes={root.id: root}, depth={root.id: 0})
    frontier = [root]
    for level in range(1, depth + 1):
        if not frontier:
            break
        following: list[NodeInfo] = []
        for near, hop, far, walk in expand(store, frontier, direction=direction, types=types):
            result.edges.setdefault((hop.type, hop.source, hop.target), hop)
            if far.id in result.nodes:
                continue
            if len(result.nodes) >= max_nodes:
                result.truncated = True
                continue
            result.nodes[far.id] = far
            result.depth[far.id] = level
            result.reached_by[far.id] = Step(near, hop, walk)
            following.append(far)
        frontier = following
    kept = result.nodes.keys()
    result.edges = {k: e for k, e in result.edges.items() if e.source in kept and e.target in kept}
    return result


@dataclass(frozen=True, slots=True)
class PathStep:
    node: NodeInfo
    hop: Hop | None  # the edge that led here; None for the first node
    direction: str | None


def shortest_paths(store: GraphStore, source: NodeInfo, target: NodeInfo, *, max_depth: int,
                   types: tuple[str, ...], direction: str = "both", limit: int = 10,
                   max_nodes: int = MAX_NODES) -> list[list[PathStep]]:
    """All shortest paths (at most ``limit``, in a stable order); [] when none is within
    ``max_depth`` hops."""
    check_depth(max_depth, name="max_depth")
    check_direction(direction)
    if source.id == target.id:
        return [[PathStep(source, None, None)]]
    nodes = {source.id: source}
    parents: dict[str, list[tuple[str, Hop, str]]] = defaultdict(list)
    level_of = {source.id: 0}
    frontier = [source]
    for level in range(1, max_depth + 1):
        if not frontier or len(nodes) >= max_nodes:
            break
        following: dict[str, NodeInfo] = {}
        for near, hop, far, walk in expand(store, frontier, direction=direction, types=types):
            if level_of.setdefault(far.id, level) != level:
                continue  # reached earlier: not on a shortest path
            nodes.setdefault(far.id, far)
            parents[far.id].append((near, hop, walk))
            following.setdefault(far.id, far)
        if target.id in following:
            break
        frontier = list(following.values())
    if target.id not in parents:
        return []
    paths: list[list[PathStep]] = []

    def unwind(node_id: str, tail: list[PathStep]) -> None:
        if len(paths) >= limit:
            return
        if node_id == source.id:
            paths.append([PathStep(source, None, None), *tail])
            return
        for near, hop, walk in parents[node_id]:
            unwind(near, [PathStep(nodes[node_id], hop, walk), *tail])

    unwind(target.id, [])
    return paths
