"""A write that fails leaves the previous version whole; migration copies a store exactly."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from graph.migration import export_documents, migrate
from graph.search import SearchMode, SearchRequest
from graph.store import GraphStore
from ontology.errors import StoreError
from tests.contract.corpus import RV, axis, doc_a, doc_b, doc_c
from tests.contract.test_store_contract import normalised, write


def break_the_commit_marker(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the last statement of a document write fail, whatever the backend."""
    if store.backend == "embedded":
        graph: Any = store.graph  # type: ignore[attr-defined]
        real = graph._run

        def run(query: str, params: Any = None) -> Any:
            if "SET d.content_hash = $hash" in query:
                raise RuntimeError("injected failure")
            return real(query, params)

        monkeypatch.setattr(graph, "_run", run)
    else:
        from graph.neo4j import plan

        real_plan = plan.document_write

        def failing(*args: Any, **kwargs: Any) -> list[plan.Batch]:
            batches = real_plan(*args, **kwargs)
            return [*batches, plan.Batch("RETURN 1 / 0 AS boom", [{}], {})]

        monkeypatch.setattr(plan, "document_write", failing)


def test_a_failed_write_rolls_back_whole(store: GraphStore,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    write(store, doc_a(), doc_b())
    before = normalised(store.dump())
    break_the_commit_marker(store, monkeypatch)
    with pytest.raises(StoreError):
        store.write_document(*doc_b("hash-b2", version=2))
    monkeypatch.undo()
    store.finalize()
    assert store.document_hash("C23/5") == "hash-b1"
    assert normalised(store.dump()) == before
    hits = store.search(SearchRequest("accessibility", mode=SearchMode.BM25), None)
    assert [h.passage.id for h in hits][:1] == ["C23/5#1"]


def test_export_reads_back_what_was_written(embedded_source: GraphStore) -> None:
    written = {p.document.id: (p, v, t) for p, v, t in (doc_a(), doc_b(), doc_c())}
    write(embedded_source, *written.values())
    exported = {e.parsed.document.id: e for e in export_documents(embedded_source)}
    assert sorted(exported) == sorted(written)
    for doc_id, (parsed, vectors, texts) in written.items():
        got = exported[doc_id]
        assert got.parsed.document == parsed.document
        assert got.parsed.passages == parsed.passages
        assert got.index_texts == texts
        np.testing.assert_allclose(got.vectors, vectors, rtol=1e-6)
        assert sorted(got.parsed.mentions, key=repr) == sorted(
            (m for m in parsed.mentions), key=repr)
        assert sorted(got.parsed.relations, key=repr) == sorted(parsed.relations, key=repr)
        assert {e.id for e in got.parsed.entities} == {e.id for e in parsed.entities}
    version = next(e for e in exported["C24/10"].parsed.entities if e.id == RV)
    assert version.aliases == ("Rev. Bucharest, 2022",)


def test_migration_copies_everything_without_re_embedding(embedded_source: GraphStore,
                                                          store: GraphStore) -> None:
    write(embedded_source, doc_a(), doc_b(), doc_c())
    embedded_source.delete_document("C23/5")  # a kept stub and an edge whose evidence is gone
    report = migrate(embedded_source, store)
    assert report.documents == 2 and report.passages == 3 and report.unplaced_edges == []
    assert normalised(store.dump()) == normalised(embedded_source.dump())
    assert store.stats().relationships == embedded_source.stats().relationships
    ids = [p.properties["id"] for p in store.dump().nodes if p.label == "Passage"]
    copied, original = store.passage_vectors(ids), embedded_source.passage_vectors(ids)
    assert sorted(copied) == sorted(original) == sorted(ids)
    for pid in ids:
        np.testing.assert_allclose(copied[pid][0], original[pid][0], rtol=1e-6)
        assert copied[pid][1] == original[pid][1]
    request = SearchRequest("cybersecurity roadmap", mode=SearchMode.HYBRID)
    vector = axis((0, 1.0))
    assert [h.passage.id for h in store.search(request, vector)] == \
        [h.passage.id for h in embedded_source.search(request, vector)]
    again = migrate(embedded_source, store)  # re-runnable
    assert again.documents == 2
    assert normalised(store.dump()) == normalised(embedded_source.dump())
