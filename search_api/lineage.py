"""Lineage, resolutions, paths and timelines, shaped for the API and the CLI.

Traversal is :mod:`graph.lineage` (same result on every store); this module
resolves human identifiers, pages the flat list and attaches evidence passages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from graph import lineage as gl
from graph.store import GraphStore, Hop, NodeInfo
from ingest.symbols import conference_of
from ontology.errors import InvalidRequestError, NotFoundError
from ontology.schema import default_schema
from search_api.identifiers import resolve
from search_api.schemas_lineage import (
    ActLinkOut,
    EdgeOut,
    LineageItemOut,
    LineageOut,
    NodeOut,
    PathOut,
    PathsOut,
    PathStepOut,
    ResolutionOut,
    TimelineItemOut,
    TimelineOut,
    VersionOut,
)

MAX_PAGE = 1000
ACT_LABELS = ("Resolution", "ResolutionVersion", "Decision")
_YEAR_RE = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")


def parse_types(text: str | None) -> list[str] | None:
    """``CITES,REVISES`` -> ["CITES", "REVISES"]; None or blank -> None (the default)."""
    if text is None or not text.strip():
        return None
    return [t for t in (p.strip() for p in text.split(",")) if t]


def _edges(store: GraphStore, hops: Iterable[Hop], *, passages: bool = True) -> list[EdgeOut]:
    """Edges with evidence; ``passages`` adds each evidence passage's whole text."""
    hops = list(hops)
    texts = (store.passage_texts(sorted({h.passage_id for h in hops if h.passage_id}))
             if passages else {})
    return [EdgeOut.of(h, texts) for h in hops]


def traversal(store: GraphStore, root: NodeInfo, *, direction: str, depth: int,
              types: tuple[str, ...]) -> gl.Traversal:
    return gl.traverse(store, root, direction=direction, depth=depth, types=types)


def lineage(store: GraphStore, ident: str, *, direction: str = "out", depth: int = 1,
            types: list[str] | None = None, limit: int = 100, offset: int = 0,
            passages: bool = False,
            default_types: tuple[str, ...] | None = gl.DOCUMENT_TYPES) -> LineageOut:
    """The lineage graph and flat list; ``passages`` adds whole evidence passages (the
    evidence words and their span are always there)."""
    gl.check_direction(direction)
    gl.check_depth(depth)
    checked = gl.check_types(default_schema(), types, default_types)
    root = resolve(store, ident)
    walk = traversal(store, root, direction=direction, depth=depth, types=checked)
    order = walk.ordered()
    page = order[offset: offset + min(limit, MAX_PAGE)]
    items = []
    for node_id in page:
        node, step = walk.nodes[node_id], walk.reached_by.get(node_id)
        items.append(LineageItemOut(
            depth=walk.depth[node_id], id=node_id, type=node.label, name=node.name,
            ingested=node.ingested, year=node.year,
            parent=step.parent if step else None, relation=step.hop.type if step else None,
            direction=step.direction if step else None))
    on_page = set(page)
    hops = [h for _, h in sorted(walk.edges.items())
            if h.source in on_page or h.target in on_page]
    shown = on_page | {h.source for h in hops} | {h.target for h in hops}
    return LineageOut(
        root=NodeOut.of(root), direction=direction, depth=depth, types=list(checked),
        total=len(order), limit=limit, offset=offset, truncated=walk.truncated, items=items,
        nodes=[NodeOut.of(walk.nodes[i]) for i in order if i in shown],
        edges=_edges(store, hops, passages=passages))


def neighbors(store: GraphStore, ident: str, *, depth: int = 1,
              types: list[str] | None = None, limit: int = 100, offset: int = 0,
              passages: bool = False) -> LineageOut:
    """Everything within ``depth`` hops either way (mentions included by default)."""
    return lineage(store, ident, direction="both", depth=depth, types=types, limit=limit,
                   offset=offset, passages=passages, default_types=None)


def paths(store: GraphStore, source: str, target: str, *, max_depth: int = 3,
          types: list[str] | None = None, limit: int = 10) -> PathsOut:
    checked = gl.check_types(default_schema(), types)
    gl.check_depth(max_depth, name="max_depth")
    a, b = resolve(store, source), resolve(store, target)
    found = gl.shortest_paths(store, a, b, max_depth=max_depth, types=checked, limit=limit)
    hops = [s.hop for p in found for s in p if s.hop is not None]
    edges = {(h.type, h.source, h.target): e for h, e in zip(hops, _edges(store, hops),
                                                             strict=True)}
    out = [PathOut(length=len(p) - 1, steps=[
        PathStepOut(node=NodeOut.of(s.node), direction=s.direction,
                    via=None if s.hop is None else edges[(s.hop.type, s.hop.source,
                                                          s.hop.target)])
        for s in p]) for p in found]
    return PathsOut(source=NodeOut.of(a), target=NodeOut.of(b), max_depth=max_depth,
                    types=list(checked), paths=out)


# ---------------------------------------------------------------- resolutions
def _year_of(node: NodeInfo) -> tuple[str | None, int | None]:
    for text in (*node.aliases, node.name):
        found = conference_of(text.strip("() "))
        if found:
            return found
        inner = re.search(r"\(([^()]*\d{4})\)", text)
        if inner and (found := conference_of(inner.group(1))):
            return found
    match = _YEAR_RE.search(" ".join((*node.aliases, node.name)))
    return None, int(match.group(1)) if match else None


def _act(store: GraphStore, act: NodeInfo) -> VersionOut:
    one = {act.label: [act.id]}
    incoming = store.neighbours(one, direction="in", types=("CITES", "REPORTS_ON", "IMPLEMENTS"))
    outgoing = store.neighbours(one, direction="out", types=("INSTRUCTS", "ADOPTED_AT"))
    edges = dict(zip([id(h) for h, _ in incoming + outgoing],
                     _edges(store, [h for h, _ in incoming + outgoing]), strict=True))
    conference, year = _year_of(act) if act.label == "ResolutionVersion" else (None, None)
    out = VersionOut(version=NodeOut.of(act), conference=conference, year=year)
    buckets = {"CITES": out.cited_by, "REPORTS_ON": out.reported_on_by,
               "IMPLEMENTS": out.implemented_by, "INSTRUCTS": out.instructs}
    for hop, node in sorted(incoming + outgoing, key=lambda x: (x[0].type, x[1].id)):
        if hop.type == "ADOPTED_AT":
            out.adopted_at.append(NodeOut.of(node))
        else:
            buckets[hop.type].append(ActLinkOut(node=NodeOut.of(node), relation=hop.type,
                                                edge=edges[id(hop)]))
    if out.year is None and out.adopted_at:
        out.year = _year_of(node_of(out.adopted_at[0]))[1]
    return out


def node_of(out: NodeOut) -> NodeInfo:
    return NodeInfo(id=out.id, label=out.type, name=out.name, aliases=tuple(out.aliases))


def resolution(store: GraphStore, ident: str) -> ResolutionOut:
    """A resolution (or decision): the work, its versions in order, who cites, reports on
    or implements each, and what each instructs whom."""
    node = resolve(store, ident, labels=ACT_LABELS)
    work = node
    if node.label == "ResolutionVersion":
        up = store.neighbours({node.label: [node.id]}, direction="out", types=("VERSION_OF",))
        if not up:
            raise NotFoundError(f"{node.id} is a version of no stored resolution", id=ident)
        work = up[0][1]
    versions = [far for _, far in store.neighbours({work.label: [work.id]}, direction="in",
                                                   types=("VERSION_OF",))]
    shaped = [_act(store, v) for v in {v.id: v for v in versions}.values()]
    shaped.sort(key=lambda v: (v.year is None, v.year or 0, v.version.id))
    return ResolutionOut(work=_act(store, work), versions=shaped)


# ---------------------------------------------------------------- timeline
TIMELINE_TYPES = ("MENTIONS", "CITES", "REPORTS_ON", "IMPLEMENTS", "ABOUT", "REVISES")


def timeline(store: GraphStore, *, entity: str | None = None, topic: str | None = None,
             year_from: int | None = None, year_to: int | None = None) -> TimelineOut:
    """Dated documents that mention, cite, report on or implement the subject (and, for a
    resolution, its versions), with the events its versions were adopted at, in order."""
    if (entity is None) == (topic is None):
        raise InvalidRequestError("give exactly one of entity and topic")
    subject = (resolve(store, entity) if entity is not None
               else resolve(store, topic or "", labels=("Topic",)))
    subjects = [subject]
    items: list[TimelineItemOut] = []
    if subject.label == "Resolution":
        subjects += [far for _, far in store.neighbours(
            {"Resolution": [subject.id]}, direction="in", types=("VERSION_OF",))]
    grouped: dict[str, list[str]] = {}
    for s in subjects:
        grouped.setdefault(s.label, []).append(s.id)
    for s in subjects[1:]:
        year = _year_of(s)[1]
        if year is not None:
            items.append(TimelineItemOut(year=year, kind="version", node=NodeOut.of(s)))
    found = store.neighbours(grouped, direction="in", types=TIMELINE_TYPES)
    found += [(h, n) for h, n in store.neighbours(grouped, direction="out",
                                                  types=("ADOPTED_AT",))]
    edges = dict(zip([id(h) for h, _ in found], _edges(store, [h for h, _ in found]),
                     strict=True))
    undated, seen = 0, set()
    for hop, node in sorted(found, key=lambda x: (x[1].id, x[0].type)):
        if node.id in seen:
            continue
        seen.add(node.id)
        year = node.year if node.label == "Document" else _year_of(node)[1]
        if year is None:
            undated += 1
            continue
        kind = "document" if node.label == "Document" else "event"
        items.append(TimelineItemOut(year=year, date=node.date, kind=kind,
                                     node=NodeOut.of(node), relation=hop.type,
                                     edge=edges[id(hop)]))
    items = [i for i in items if (year_from is None or i.year >= year_from)
             and (year_to is None or i.year <= year_to)]
    items.sort(key=lambda i: (i.year, i.date or "", i.kind, i.node.id))
    return TimelineOut(subject=NodeOut.of(subject), year_from=year_from, year_to=year_to,
                       items=items, undated=undated)
