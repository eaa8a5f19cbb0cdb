"""The Neo4j lineage reads without a server: which statements go out for a frontier, and how
rows become hops and nodes. A recording transaction stands in for the server; the statements
themselves are linted by Neo4j's front end (test_cypher_lint) and run in the contract suite
when NEO4J_URI is set."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from graph import lineage as gl
from graph.neo4j import queries as q
from graph.neo4j.lineage_reads import name_patterns
from graph.neo4j.store import Neo4jStore
from ontology.errors import UnknownTermError
from tests.contract.test_neo4j_offline import offline_store


class Result:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def data(self) -> list[dict[str, Any]]:
        return self.rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def single(self) -> dict[str, Any] | None:
        return self.rows[0] if self.rows else None


class RecordingTx:
    def __init__(self, answers: dict[str, list[dict[str, Any]]]) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.answers = answers

    def run(self, statement: str, params: dict[str, Any] | None = None,
            **kwargs: Any) -> Result:
        self.sent.append((statement, {**(params or {}), **kwargs}))
        return Result(self.answers.get(statement, []))


def recording(answers: dict[str, list[dict[str, Any]]]) -> tuple[Neo4jStore, RecordingTx]:
    store, tx = offline_store(), RecordingTx(answers)

    def read(work: Callable[[Any], Any], action: str) -> Any:
        return work(tx)

    store._read = read  # type: ignore[method-assign]
    return store, tx


def row(source: str, target: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"type": extra.pop("type", "CITES"), "source": source, "target": target,
            "passage": extra.pop("passage", f"{source}#0"), "evidence": target,
            "span_start": 4, "span_end": 9, "confidence": 1.0, "label": label, "id": target,
            "name": target, "alt": None, "ingested": False, "symbol": target, "title": None,
            "date": None, "year": None, **extra}


def test_one_statement_per_label_with_only_the_types_that_touch_it() -> None:
    out_doc = q.lineage_out("Document", ("CITES", "REVISES", "LANGUAGE_VERSION_OF", "REPORTS_ON",
                                         "IMPLEMENTS"))
    out_rv = q.lineage_out("ResolutionVersion", ("VERSION_OF",))
    store, tx = recording({out_doc: [row("C24/10", "C23/5", "Document")]})
    found = store.neighbours({"Document": ["C24/10"], "ResolutionVersion": ["rv/1"]},
                             direction="out", types=gl.DOCUMENT_TYPES)
    assert [s for s, _ in tx.sent] == [out_doc, out_rv]
    assert tx.sent[0][1] == {"ids": ["C24/10"]}
    (hop, node), = found
    assert (hop.type, hop.source, hop.target, hop.passage_id) == ("CITES", "C24/10", "C23/5",
                                                                  "C24/10#0")
    assert node.label == "Document" and node.ingested is False  # a not-ingested stub


def test_mentions_keep_the_first_passage_per_pair() -> None:
    rows = [row("C1", "body/x", "Body", type="MENTIONS", passage="C1#2"),
            row("C1", "body/x", "Body", type="MENTIONS", passage="C1#5")]
    store, tx = recording({q.MENTIONS_OUT: rows})
    found = store.neighbours({"Document": ["C1"]}, direction="out", types=("MENTIONS",))
    assert [s for s, _ in tx.sent] == [q.MENTIONS_OUT]
    assert [(h.passage_id, n.ingested) for h, n in found] == [("C1#2", None)]
    store, tx = recording({})
    store.neighbours({"Body": ["body/x"]}, direction="in", types=("MENTIONS", "CITES"))
    assert [s for s, _ in tx.sent] == [q.mentions_in("Body")]  # nothing CITES a body


def test_name_patterns_are_literal_and_case_free() -> None:
    patterns = name_patterns("  Task   Force (TF) ")
    assert patterns["name"] == "(?i)\\QTask Force (TF)\\E"
    assert patterns["aliases"] == "(?i)(?:.*; )?\\QTask Force (TF)\\E(?:; .*)?"
    assert "\\E" not in name_patterns("a\\Eb")["name"][3:-2]  # cannot close the quote early


def test_lineage_builders_refuse_terms_outside_the_ontology() -> None:
    for call in (lambda: q.lineage_out("Document", ("CITES", "HACKS")),
                 lambda: q.lineage_in("Nope", ("CITES",)),
                 lambda: q.mentions_in("Body) DETACH DELETE (n"),
                 lambda: q.nodes_by_id(("Document", "Nope")),
                 lambda: q.nodes_by_name(("Bogus",))):
        with pytest.raises(UnknownTermError):
            call()
    with pytest.raises(ValueError):
        q.lineage_out("Document", ())
