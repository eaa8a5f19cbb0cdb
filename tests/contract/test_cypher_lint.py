"""Every Cypher statement the Neo4j backend can send, checked by Neo4j's own front end.

No Neo4j server runs here, so ``tools/cypher-lint`` (the npm package
``@neo4j-cypher/language-support``: Neo4j's parser and semantic analysis, with the
signatures of the procedures and functions we call) lints under Cypher 5 (the
language of Neo4j 5, and the default of 2025.x) every constant of
``graph.neo4j.queries`` and every builder called for every label, relationship
type and endpoint pair of the ontology; the constants and what a document write
really sends are linted under Cypher 25 too. Any diagnostic fails: errors, and
warnings such as an unknown label, type or property key or a deprecation.
"""

from __future__ import annotations

import inspect
import itertools
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest

from graph.neo4j import plan
from graph.neo4j import queries as q
from ontology.errors import UnknownTermError
from ontology.schema import default_schema
from tests.conftest import REPO
from tests.contract.corpus import doc_a, doc_b, doc_c

LINT_DIR = REPO / "tools" / "cypher-lint"
#: keys of the UNWIND row maps (``r.source``): the linter takes them for property keys
ROW_KEYS = ("source", "target")


def builder_arguments() -> dict[str, list[Any]]:
    schema = default_schema()
    return {
        "label": list(schema.nodes),
        "rel": list(schema.relations),
        "labels": [tuple(label for label in schema.nodes if label != "Passage"),
                   ("Document",)],
        "dimension": [8, 384, 1536],
        "rels": [tuple(r for r in schema.relations if r != "PART_OF")],
    }


def builder_calls(name: str, fn: Callable[..., str]) -> Iterator[tuple[str, str]]:
    required = [p.name for p in inspect.signature(fn).parameters.values()
                if p.default is inspect.Parameter.empty]
    if required == ["rel", "source", "target"]:
        for rel, spec in default_schema().relations.items():
            for source, target in spec.endpoints:
                yield f"{name}({rel}, {source}, {target})", fn(rel, source, target)
        return
    known = builder_arguments()
    unknown = [p for p in required if p not in known]
    assert not unknown, (f"queries.{name} takes {unknown}: teach this test which values to "
                         "call it with, so its Cypher is linted too")
    for values in itertools.product(*(known[p] for p in required)):
        yield f"{name}{values}", fn(*values)


BOTH = ["CYPHER 5", "CYPHER 25"]


def collect() -> list[dict[str, Any]]:
    """Every static statement and every statement a builder can produce, once each."""
    found: list[tuple[str, str, list[str]]] = []
    for name, value in vars(q).items():
        if name.isupper() and not name.startswith("_") and isinstance(value, str):
            found.append((name, value, BOTH))
        elif (inspect.isfunction(value) and value.__module__ == q.__name__
              and not name.startswith("_")):
            found.extend((label, query, ["CYPHER 5"])
                         for label, query in builder_calls(name, value))
    schema = default_schema()
    for parsed, vectors, texts in (doc_a(), doc_b(), doc_c()):  # what a write really sends
        for i, batch in enumerate(plan.document_write(schema, parsed, vectors, texts)):
            found.append((f"plan {parsed.document.id} #{i}", batch.query, BOTH))
    found += [(f"orphan sweep #{i}", s, ["CYPHER 5"])
              for i, s in enumerate(plan.orphan_sweep(schema))]
    unique: dict[str, dict[str, Any]] = {}
    for name, query, versions in found:
        entry = unique.setdefault(query, {"name": name, "query": query, "versions": []})
        entry["versions"] = sorted(set(entry["versions"]) | set(versions))
    return list(unique.values())


def run_linter(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the Cypher lint needs Node.js 20 and npm "
                    "(then `npm ci --prefix tools/cypher-lint`, which `make test` runs)")
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.fail("tools/cypher-lint/node_modules is missing: run "
                    "`npm ci --prefix tools/cypher-lint` (`make test` does it)")
    schema = default_schema()
    keys = {c.name for n in schema.nodes.values() for c in n.columns}
    keys |= {c.name for r in schema.relations.values() for c in r.columns}
    payload = {"statements": statements, "labels": sorted(schema.nodes),
               "relationshipTypes": sorted(schema.relations),
               "propertyKeys": sorted(keys | set(q.extra_property_keys) | set(ROW_KEYS))}
    result = subprocess.run([node, str(LINT_DIR / "lint.mjs")], input=json.dumps(payload),
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode in (0, 1), result.stderr
    report: list[dict[str, Any]] = json.loads(result.stdout)
    return report


@cache
def lint_everything() -> tuple[int, list[str]]:
    statements = collect()
    report = run_linter(statements)
    problems = [f"{r['name']} [{r['version']}]: {d['message']}"
                for r in report for d in r["diagnostics"]]
    return len(statements), problems


def test_every_statement_passes_neo4j_s_own_linter() -> None:
    count, problems = lint_everything()
    assert count > 250  # every label, type and endpoint pair, not a sample
    assert not problems, "\n".join(problems)


def test_the_linter_reports_broken_statements() -> None:
    broken = {
        "syntax": "MATCH (n) RETRN n",
        "undefined variable": "MATCH (n:Document) RETURN m",
        "misspelt procedure": "CALL db.index.vector.queryNode($i, 5, $v) YIELD node RETURN node",
        "wrong yield column": ("CALL db.index.fulltext.queryNodes($i, $q) YIELD node, scor "
                               "RETURN node"),
        "missing argument": "CALL db.index.vector.queryNodes($i, $v) YIELD node RETURN node",
        "misspelt function": "MATCH (n:Document) RETURN colect(n.id)",
        "unknown label": "MATCH (n:Documnet) RETURN n.id",
        "unknown property": "MATCH (n:Passage) RETURN n.ordnal",
    }
    report = run_linter([{"name": k, "query": v, "versions": BOTH}
                         for k, v in broken.items()])
    flagged = {(r["name"], r["version"]) for r in report if r["diagnostics"]}
    assert flagged == {(name, version) for name in broken for version in BOTH}
    errors = {r["name"] for r in report if any(d["severity"] == 1 for d in r["diagnostics"])}
    assert errors >= set(broken) - {"unknown label", "unknown property"}
    fine = run_linter([{"name": "ok", "query": q.VECTOR_SEARCH}])
    assert all(not r["diagnostics"] for r in fine)  # parameters alone are not reported


def test_builders_refuse_terms_outside_the_ontology() -> None:
    for call in (lambda: q.upsert_entities("Body) DETACH DELETE (n"),
                 lambda: q.count_nodes("Bogus"),
                 lambda: q.count_relationships("HACKS"),
                 lambda: q.merge_edges("CITES", "Body", "Document"),
                 lambda: q.create_edges("MENTIONS", "Passage", "Passage"),
                 lambda: q.find_node(("Document", "Nope"))):
        with pytest.raises(UnknownTermError):
            call()
    with pytest.raises(ValueError):
        q.vector_index("8) DROP INDEX x //")  # type: ignore[arg-type]
