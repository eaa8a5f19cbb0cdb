"""Lineage as files for graph tools: GraphML (Gephi, yEd), DOT (Graphviz), JSON; and as a
readable text tree for the terminal."""

from __future__ import annotations

import json
from enum import StrEnum

from search_api.schemas_lineage import LineageOut, NodeOut, PathsOut


class GraphFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GRAPHML = "graphml"
    DOT = "dot"


def _label(node: NodeOut) -> str:
    text = node.symbol or node.name
    if node.ingested is False:
        text += " [not ingested]"
    return text


def to_networkx(out: LineageOut) -> object:
    """A networkx MultiDiGraph with node and edge attributes (strings and numbers only)."""
    import networkx as nx

    graph = nx.MultiDiGraph(root=out.root.id, direction=out.direction, depth=out.depth)
    for node in out.nodes:
        attrs: dict[str, object] = {"label": _label(node), "type": node.type,
                                    "name": node.name}
        if node.year is not None:
            attrs["year"] = node.year
        if node.ingested is not None:
            attrs["ingested"] = node.ingested
        graph.add_node(node.id, **attrs)
    for edge in out.edges:
        attrs = {"type": edge.type}
        if edge.evidence is not None:
            attrs["passage"] = edge.evidence.passage_id
            attrs["evidence"] = edge.evidence.text or ""
        graph.add_edge(edge.source, edge.target, key=edge.type, **attrs)
    return graph


def graphml(out: LineageOut) -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(to_networkx(out)))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def dot(out: LineageOut) -> str:
    lines = [f"digraph lineage {{  // root {out.root.id}", "  rankdir=LR;",
             "  node [shape=box, fontsize=10];"]
    for node in out.nodes:
        style = ", style=dashed" if node.ingested is False else ""
        style += ", penwidth=2" if node.id == out.root.id else ""
        lines.append(f"  {_quote(node.id)} [label={_quote(_label(node) + chr(10) + node.type)}"
                     f"{style}];")
    for edge in out.edges:
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)} "
                     f"[label={_quote(edge.type)}];")
    lines.append("}")
    return "\n".join(lines)


def tree(out: LineageOut) -> str:
    """The flat list as an indented tree: arrows say which way each edge points."""
    lines = []
    for item in out.items:
        mark = "" if item.ingested is not False else "  (not ingested)"
        year = f" {item.year}" if item.year else ""
        head = f"{item.id} [{item.type}]{year}{mark}"
        if item.depth == 0:
            lines.append(head)
            continue
        arrow = f"-{item.relation}->" if item.direction == "out" else f"<-{item.relation}-"
        lines.append("  " * item.depth + f"{arrow} {head}")
    shown = out.offset + len(out.items)
    if shown < out.total or out.offset:
        lines.append(f"({out.offset + 1}-{shown} of {out.total}; use --offset/--limit)")
    if out.truncated:
        lines.append("(node cap reached: results are cut)")
    return "\n".join(lines)


def paths_text(out: PathsOut) -> str:
    if not out.paths:
        return (f"no path from {out.source.id} to {out.target.id} within "
                f"{out.max_depth} hops")
    lines = []
    for n, path in enumerate(out.paths, start=1):
        parts = [path.steps[0].node.id]
        for step in path.steps[1:]:
            rel = step.via.type if step.via else "?"
            parts.append((f"-{rel}-> " if step.direction == "out" else f"<-{rel}- ")
                         + step.node.id)
        lines.append(f"{n}. " + " ".join(parts))
        for step in path.steps[1:]:
            if step.via and step.via.evidence and step.via.evidence.text:
                lines.append(f"     {step.via.type}: \"{step.via.evidence.text}\" "
                             f"({step.via.evidence.passage_id})")
    return "\n".join(lines)


def render(out: LineageOut, fmt: GraphFormat) -> str:
    if fmt is GraphFormat.JSON:
        return json.dumps(out.model_dump(), ensure_ascii=False, indent=2)
    if fmt is GraphFormat.GRAPHML:
        return graphml(out)
    if fmt is GraphFormat.DOT:
        return dot(out)
    return tree(out)
