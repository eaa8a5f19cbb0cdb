"""``councilkg lineage | path | timeline | resolution``: registered on the main Typer app
by :func:`register` (called from ``search_api.cli``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from graph.lineage import MAX_DEPTH
from search_api import lineage as ops
from search_api.graph_formats import GraphFormat, paths_text, render

StoreOpt = Annotated[Path | None, typer.Option("--store", help="store directory")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]
DepthOpt = Annotated[int, typer.Option("--depth", min=1, max=MAX_DEPTH)]
TypesOpt = Annotated[str | None, typer.Option("--types", help="comma-separated relation "
                                              "types, e.g. CITES,REVISES (MENTIONS too)")]


def _echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def register(app: typer.Typer) -> None:
    from search_api.cli import _guard, _service

    @app.command()
    def lineage(identifier: Annotated[str, typer.Argument(help="C23/52, Resolution 71, "
                                                          "ICTGC or a canonical id")],
                direction: Annotated[str, typer.Option(
                    "--direction", help="out (builds on), in (built on by) or both")] = "out",
                depth: DepthOpt = 1, types: TypesOpt = None,
                limit: Annotated[int, typer.Option(min=1, max=ops.MAX_PAGE)] = 200,
                offset: Annotated[int, typer.Option(min=0)] = 0,
                fmt: Annotated[GraphFormat, typer.Option(
                    "--format", help="text tree, json, graphml (Gephi) or dot (Graphviz)")
                ] = GraphFormat.TEXT,
                store: StoreOpt = None, as_json: JsonOpt = False) -> None:
        """A document's lineage as a tree (or GraphML / DOT / JSON for other tools)."""
        with _service(store) as kg:
            out = _guard(lambda: ops.lineage(
                kg.store, identifier, direction=direction, depth=depth,
                types=ops.parse_types(types), limit=limit, offset=offset))
        typer.echo(render(out, GraphFormat.JSON if as_json else fmt))

    @app.command()
    def path(source: Annotated[str, typer.Argument(help="from")],
             target: Annotated[str, typer.Argument(help="to")],
             max_depth: Annotated[int, typer.Option("--max-depth", min=1, max=MAX_DEPTH)] = 3,
             types: TypesOpt = None, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
        """Shortest paths between two nodes, with the evidence of each edge."""
        with _service(store) as kg:
            out = _guard(lambda: ops.paths(kg.store, source, target, max_depth=max_depth,
                                           types=ops.parse_types(types)))
        typer.echo(json.dumps(out.model_dump(), ensure_ascii=False, indent=2)
                   if as_json else paths_text(out))

    @app.command()
    def timeline(entity: Annotated[str | None, typer.Option(help="entity or document")] = None,
                 topic: Annotated[str | None, typer.Option(help="topic name")] = None,
                 year_from: Annotated[int | None, typer.Option("--from")] = None,
                 year_to: Annotated[int | None, typer.Option("--to")] = None,
                 store: StoreOpt = None, as_json: JsonOpt = False) -> None:
        """Dated documents and events about an entity or topic, oldest first."""
        with _service(store) as kg:
            out = _guard(lambda: ops.timeline(kg.store, entity=entity, topic=topic,
                                              year_from=year_from, year_to=year_to))
        if as_json:
            _echo_json(out.model_dump())
            return
        typer.echo(f"{out.subject.name} ({out.subject.id})")
        for item in out.items:
            when = item.date or str(item.year)
            title = item.node.title or item.node.name
            typer.echo(f"  {when:10}  {item.kind:8} {item.node.id:24} {title[:70]}")
        if out.undated:
            typer.echo(f"  ({out.undated} undated left out)")

    @app.command()
    def resolution(identifier: Annotated[str, typer.Argument(help="Resolution 71, ...")],
                   store: StoreOpt = None, as_json: JsonOpt = False) -> None:
        """A resolution's versions in order, and who cites, reports on or implements each."""
        with _service(store) as kg:
            out = _guard(lambda: ops.resolution(kg.store, identifier))
        if as_json:
            _echo_json(out.model_dump())
            return
        typer.echo(f"{out.work.version.name} ({out.work.version.id})")
        for version in [out.work, *out.versions]:
            when = f" [{version.conference or ''} {version.year or ''}]".replace("[ ", "[")
            typer.echo(f"  {version.version.name}{when if version.year else ''}")
            for label, links in (("cited by", version.cited_by),
                                 ("reported on by", version.reported_on_by),
                                 ("implemented by", version.implemented_by),
                                 ("instructs", version.instructs)):
                if links:
                    typer.echo(f"    {label}: " + ", ".join(x.node.id for x in links))
