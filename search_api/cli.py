"""The ``councilkg`` command line (Typer)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from graph.search import MAX_K, SearchMode
from ontology.errors import CouncilKGError, NotFoundError
from ontology.records import AccessLevel
from search_api.cli_keys import keys_app
from search_api.cli_lineage import register as register_lineage
from search_api.export import RdfFormat
from search_api.facets import check_document_type
from search_api.identifiers import canonical_document_id
from search_api.logs import configure_logging
from search_api.schemas import (
    DocumentDetailOut,
    DocumentListOut,
    DocumentOut,
    EntityDetailOut,
    ExtractOut,
    FailureOut,
    SearchOut,
    StatsOut,
)
from search_api.service import CouncilKG, IngestOutcome, expand_paths
from search_api.settings import Settings

log = logging.getLogger("councilkg")
app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Knowledge graph and hybrid search over ITU Council documents.")

StoreOpt = Annotated[Path | None, typer.Option("--store", help="store directory "
                                               "(default: $COUNCILKG_STORE or .councilkg/store)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]
T = TypeVar("T")


def _settings(store: Path | None) -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:  # a bad COUNCILKG_* variable: say which, no traceback
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "settings"
            typer.echo(f"error: {where}: {err['msg']}", err=True)
        raise typer.Exit(2) from exc
    if store is not None:
        settings = settings.model_copy(update={"store": store})
    configure_logging(settings.log_level, settings.log_format)
    return settings


@contextmanager
def _service(store: Path | None) -> Iterator[CouncilKG]:
    kg = _guard(lambda: CouncilKG.open(_settings(store)))
    try:
        yield kg
    finally:
        kg.close()


def _guard(action: Callable[[], T]) -> T:
    """Print a councilkg error as one line and exit 2 (no stack trace for users)."""
    try:
        return action()
    except CouncilKGError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc


def _print_json(model: BaseModel | dict[str, Any]) -> None:
    data = model.model_dump() if isinstance(model, BaseModel) else model
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help="files or folders")],
           store: StoreOpt = None, as_json: JsonOpt = False,
           access: Annotated[AccessLevel | None, typer.Option(
               "--access", help="force the access level of these files (default: each "
               "file's restriction marking; a stored restricted level is never lowered "
               "without --access public)")] = None) -> None:
    """Ingest files and folders; one line per file: ingested, unchanged or failed (reason)."""
    files = list(expand_paths(paths))
    missing = [p for p in paths if not p.exists()]
    with _service(store) as kg:
        bar = None
        if sys.stderr.isatty() and not as_json:
            from tqdm import tqdm

            bar = tqdm(total=len(files), unit="file", file=sys.stderr)

        def report(outcome: IngestOutcome) -> None:
            if bar is not None:
                bar.update(1)
            if not as_json:
                line = f"{outcome.status:9} {outcome.path}"
                if outcome.document_id:
                    line += f" -> {outcome.document_id} ({outcome.passages} passages"
                    restricted = outcome.access_level == AccessLevel.RESTRICTED
                    line += ", restricted)" if restricted else ")"
                if outcome.reason:
                    line += f": {outcome.reason}"
                (bar.write if bar is not None else typer.echo)(line)

        outcomes = [IngestOutcome(str(p), "failed", reason="no such file or directory")
                    for p in missing]
        for outcome in outcomes:
            kg.log.record(outcome.path, outcome.status, None, outcome.reason)
            report(outcome)
        outcomes += kg.ingest([p for p in paths if p.exists()], progress=report, access=access)
        if bar is not None:
            bar.close()
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ingested", "unchanged",
                                                                   "failed")}
    if as_json:
        _print_json({"files": [asdict(o) for o in outcomes], "counts": counts})
    else:
        typer.echo(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts["failed"]:
        raise typer.Exit(1)


@app.command()
def search(query: Annotated[str, typer.Argument(help="question or keywords")],
           k: Annotated[int, typer.Option("--k", min=1, max=MAX_K)] = 10,
           mode: Annotated[SearchMode, typer.Option("--mode")] = SearchMode.HYBRID,
           document: Annotated[str | None, typer.Option(help="only this document")] = None,
           year_from: Annotated[int | None, typer.Option()] = None,
           year_to: Annotated[int | None, typer.Option()] = None,
           body: Annotated[str | None, typer.Option(help="submitted to this body "
                                                    "(body/council)")] = None,
           document_type: Annotated[str | None, typer.Option(
               "--type", help="CouncilDocument | Report | InformationDocument")] = None,
           store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Hybrid (BM25 + dense) search over passages."""
    with _service(store) as kg:
        hits = _guard(lambda: kg.search(kg.request(
            query, k=k, mode=mode, document=document, year_from=year_from, year_to=year_to,
            body=body, document_type=check_document_type(document_type))))
    out = SearchOut.of(query, mode.value, hits)
    if as_json:
        _print_json(out)
        return
    if not out.hits:
        typer.echo("no hits")
    for hit in out.hits:
        doc = hit.document
        typer.echo(f"{hit.rank:2}. [{hit.score:.3f}] {doc.symbol or doc.id} § {hit.passage.section}"
                   f"  ({' > '.join(hit.passage.heading_path)})")
        typer.echo(f"    {hit.passage.text[:300]}")
        if hit.entities:
            typer.echo("    entities: " + ", ".join(e.name for e in hit.entities))


@app.command()
def ask(question: Annotated[str, typer.Argument(help="a question in your own words")],
        k: Annotated[int, typer.Option("--k", min=1, max=20)] = 5,
        store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Answer passages with the answering sentence, graph facts about the entities the
    question names, and related documents, each with its citation."""
    from search_api.answer_schemas import AskOut
    from search_api.answering import answer

    with _service(store) as kg:
        out = AskOut.of(_guard(lambda: answer(kg, question, k=k)))
    if as_json:
        _print_json(out)
        return
    for e in out.entities:
        state = "" if e.stored else " (not in the store)"
        typer.echo(f"{e.text} = {e.entity.name} [{e.entity.type}]{state}")
        for f in e.facts:
            arrow = "->" if f.direction == "out" else "<-"
            where = (f"  [{f.citation.symbol or f.citation.document_id} § {f.citation.section}]"
                     if f.citation else "")
            typer.echo(f"  {arrow} {f.relation} {f.node.name}{where}")
    if not out.passages:
        typer.echo("no passages")
    for p in out.passages:
        c = p.answer
        typer.echo(f"{p.hit.rank:2}. {c.symbol or c.document_id} § {c.section} "
                   f"[{c.document_start}:{c.document_end}]")
        typer.echo(f"    {c.text}")
    if out.related_documents:
        typer.echo("related: " + ", ".join(d.symbol or d.id for d in out.related_documents))


@app.command()
def extract(file: Annotated[Path, typer.Argument(exists=False)],
            as_json: JsonOpt = False) -> None:
    """Parse and extract one file without storing it."""
    from ingest.pipeline import DocumentParser

    _settings(None)
    parsed = _guard(lambda: DocumentParser(Settings().parse_options()).parse_file(file))
    out = ExtractOut.of(parsed)
    if as_json:
        _print_json(out)
        return
    doc = out.document
    typer.echo(f"{doc.id}: {doc.title or ''}")
    typer.echo(f"{len(out.passages)} passages, {len(out.entities)} entities, "
               f"{len(out.relations)} relations")
    for rel in out.relations:
        typer.echo(f"  {rel.source} -{rel.type}-> {rel.target}")


@app.command()
def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Counts of documents, passages, nodes and relationships."""
    with _service(store) as kg:
        out = StatsOut.of(kg.store.stats(), [FailureOut(**asdict(f)) for f in kg.failures()])
    if as_json:
        _print_json(out)
        return
    typer.echo(f"backend {out.backend}: {out.documents} documents ingested, "
               f"{out.cited_only_documents} known only from citations, {out.passages} passages")
    for label, n in out.nodes.items():
        typer.echo(f"  node {label}: {n}")
    for rel, n in out.relationships.items():
        typer.echo(f"  edge {rel}: {n}")
    typer.echo(f"{len(out.failures)} failed inputs")
    for failure in out.failures:
        typer.echo(f"  failed {failure.path}: {failure.reason}")


@app.command()
def delete(document: Annotated[str, typer.Argument(help="document symbol or id")],
           store: StoreOpt = None) -> None:
    """Delete a document, its passages and what only it derived (cited documents stay)."""
    with _service(store) as kg:
        deleted = kg.delete(document)
    if not deleted:
        typer.echo(f"error: no ingested document {document!r}", err=True)
        raise typer.Exit(2)
    typer.echo(f"deleted {canonical_document_id(document)}")


@app.command()
def documents(limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
              offset: Annotated[int, typer.Option(min=0)] = 0,
              store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """List ingested documents."""
    with _service(store) as kg:
        docs = kg.store.list_documents(limit=limit, offset=offset)
    out = DocumentListOut(documents=[DocumentOut.of(d) for d in docs], limit=limit,
                          offset=offset)
    if as_json:
        _print_json(out)
        return
    for d in out.documents:
        typer.echo(f"{d.id:28} {d.year or '':5} {(d.title or '')[:90]}")


@app.command()
def show(identifier: Annotated[str, typer.Argument(help="document symbol or entity id")],
         store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """A document (by symbol) or an entity (by id) with its links."""
    with _service(store) as kg:
        view = kg.store.get_document(canonical_document_id(identifier))
        out: BaseModel
        if view is not None:
            out = DocumentDetailOut.of(view)
        else:
            entity = kg.store.get_entity(identifier)
            if entity is None:
                _guard(lambda: (_ for _ in ()).throw(NotFoundError(f"no document or entity "
                                                                   f"{identifier!r}")))
            assert entity is not None
            out = EntityDetailOut.of(entity)
    if as_json:
        _print_json(out)
        return
    data = out.model_dump()
    head = data.get("document") or data.get("entity")
    typer.echo(json.dumps(head, ensure_ascii=False, indent=2))
    for link in data["links"]:
        arrow = "->" if link["direction"] == "out" else "<-"
        typer.echo(f"  {arrow} {link['type']} {link['node']['id']} ({link['node']['type']})")


@app.command()
def export(fmt: Annotated[RdfFormat, typer.Option("--format")] = RdfFormat.TURTLE,
           document: Annotated[str | None, typer.Option(
               help="only this document's neighbourhood")] = None,
           output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
           store: StoreOpt = None) -> None:
    """The graph as RDF (Turtle, JSON-LD or N-Triples), whole or one document's neighbourhood."""
    from search_api.export import export_graph, serialize

    with _service(store) as kg:
        ident = canonical_document_id(document) if document else None
        graph = _guard(lambda: export_graph(kg.store, document_id=ident,
                                            base=kg.settings.iri_base))
    text = serialize(graph, fmt)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{len(graph)} triples written to {output}", err=True)


@app.command()
def ontology(fmt: Annotated[RdfFormat, typer.Option("--format")] = RdfFormat.TURTLE,
             shapes: Annotated[bool, typer.Option("--shapes", help="print the SHACL shapes")]
             = False) -> None:
    """Print the ontology (or its SHACL shapes)."""
    from search_api.export import ontology_text, shapes_text

    typer.echo(shapes_text() if shapes else ontology_text(fmt))


eval_app = typer.Typer(no_args_is_help=True, help="Measure extraction and search quality.")
app.add_typer(eval_app, name="eval")
_SHARED = Path("../shared")


@eval_app.command("extraction")
def eval_extraction(
    corpus: Annotated[Path, typer.Option(help="folder of documents")] = _SHARED / "corpus",
    references: Annotated[Path, typer.Option(help="citation gold (references.jsonl)")]
    = _SHARED / "eval" / "references.jsonl",
    gold: Annotated[Path | None, typer.Option(help="entity gold (entities.jsonl)")]
    = Path("tests/gold/entities.jsonl"),
    as_json: JsonOpt = False,
) -> None:
    """Citation precision/recall per document and entity recall per type (no store needed)."""
    from search_api.extraction_eval import evaluate_extraction

    _settings(None)
    report = _guard(lambda: evaluate_extraction(
        corpus, references, gold if gold is not None and gold.exists() else None))
    data = report.as_dict()
    if as_json:
        _print_json(data)
        return
    total = report.totals()
    typer.echo(f"citations: precision {total['precision']:.3f} recall {total['recall']:.3f} "
               f"({total['true_positives']} found, {total['false_positives']} false positives, "
               f"{total['misses']} missed)")
    for doc in report.citations:
        typer.echo(f"  {doc.file}: P {doc.precision:.3f} R {doc.recall:.3f}")
        for miss in doc.misses:
            typer.echo(f"    missed {miss}")
        for extra in doc.false_positives:
            typer.echo(f"    false positive {extra}")
    typer.echo("mentions per type: " + ", ".join(
        f"{t} {n}" for t, n in sorted(report.mention_counts.items())))
    for kind, recall in report.entity_recall().items():
        typer.echo(f"entity recall {kind}: {recall:.3f} of {report.entity_gold[kind]}")
    for gap in report.entity_misses:
        typer.echo(f"  missed {gap['type']} {gap['name']} ({gap['file']})")


@eval_app.command("search")
def eval_search(
    questions: Annotated[Path, typer.Option(help="questions.jsonl")]
    = _SHARED / "eval" / "questions.jsonl",
    modes: Annotated[str, typer.Option(help="comma-separated modes")] = "bm25,dense,hybrid",
    k: Annotated[int, typer.Option(min=1, max=MAX_K)] = 10,
    corpus: Annotated[Path, typer.Option(
        help="folder of the documents that gold locators (file, start, end) point into")]
    = _SHARED / "corpus",
    store: StoreOpt = None, as_json: JsonOpt = False,
) -> None:
    """Recall@1/5/10 and MRR@10 per mode and per question kind, against the current store."""
    from search_api.evaluation import evaluate, load_questions

    chosen = _guard(lambda: [SearchMode(m.strip()) for m in modes.split(",") if m.strip()])
    qs = _guard(lambda: load_questions(questions, corpus=corpus))
    with _service(store) as kg:
        reports = [evaluate(kg, qs, mode, k=k) for mode in chosen]
    kinds = sorted({q.kind for q in qs})
    data = {"questions": len(qs), "modes": [
        {**r.summary(), "per_kind": {kind: r.subset([q.id for q in qs if q.kind == kind])
                                     .summary() for kind in kinds}} for r in reports]}
    if as_json:
        _print_json(data)
        return
    for r in reports:
        s = r.summary()
        typer.echo(f"{s['mode']:7} R@1 {s['recall@1']:.3f}  R@5 {s['recall@5']:.3f}  "
                   f"R@10 {s['recall@10']:.3f}  MRR@10 {s['mrr@10']:.3f}")
        for kind in kinds:
            sub = r.subset([q.id for q in qs if q.kind == kind]).summary()
            typer.echo(f"   {kind:9} R@1 {sub['recall@1']:.3f}  R@10 {sub['recall@10']:.3f}  "
                       f"MRR@10 {sub['mrr@10']:.3f}  ({sub['questions']} questions)")
        if r.misses:
            typer.echo(f"   misses: {', '.join(r.misses)}")


@app.command()
def migrate(source: Annotated[str, typer.Option("--from", help="backend to copy from")],
            target: Annotated[str, typer.Option("--to", help="backend to copy into")],
            store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Copy documents, passages with their stored vectors, entities and edges to another
    backend (e.g. --from embedded --to neo4j); nothing is re-embedded."""
    from search_api.migration import check_backends, migrate_backends

    settings = _settings(store)
    _guard(lambda: check_backends(settings, source, target))
    report = _guard(lambda: migrate_backends(
        settings, source=source, target=target,
        progress=None if as_json else lambda doc: typer.echo(f"copied   {doc}")))
    if as_json:
        _print_json(asdict(report))
    else:
        typer.echo(f"{report.documents} documents, {report.passages} passages, "
                   f"{report.relations} relations copied from {source} to {target}")
    for edge in report.unplaced_edges:
        typer.echo(f"not copied (no document refers to either end): {edge}", err=True)


@app.command()
def serve(host: Annotated[str | None, typer.Option()] = None,
          port: Annotated[int | None, typer.Option()] = None,
          workers: Annotated[int | None, typer.Option(
              min=1, max=64, help="server processes (default $COUNCILKG_WORKERS or 1)")] = None,
          store: StoreOpt = None) -> None:
    """Serve the HTTP API (OpenAPI at /docs and /openapi.json)."""
    from search_api.serving import serve as run_server

    settings = _settings(store)
    if workers is not None:
        settings = settings.model_copy(update={"workers": workers})
    _guard(lambda: run_server(settings, host=host, port=port))


def main() -> None:
    app()


register_lineage(app)
app.add_typer(keys_app, name="keys")


if __name__ == "__main__":
    main()
