"""Ingest the real corpus into the real embedded store and check what was stored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import SAMPLES, shared_dir
from tests.integration.conftest import open_kg


def test_every_file_is_ingested(corpus_kg) -> None:  # type: ignore[no-untyped-def]
    kg, outcomes = corpus_kg
    assert [o.status for o in outcomes] == ["ingested"] * 10, outcomes
    stats = kg.store.stats()
    assert stats.documents == 10
    assert stats.passages == sum(o.passages for o in outcomes)
    assert stats.nodes["Passage"] == stats.passages
    assert stats.relationships["PART_OF"] == stats.passages


def test_symbol_from_footer_and_fallback_ids(kg) -> None:  # type: ignore[no-untyped-def]
    ids = {d.id for d in kg.store.list_documents(limit=100, offset=0)}
    # 003 prints its symbol only in the page footer "CWG-FHR-20/12-E 1"
    assert "CWG-FHR-20/12" in ids
    assert "CWG-FHR-22/9(Rev.1)" in ids
    # documents that never print their own symbol get a stable file-based id
    assert "doc/000-4cd5fa7c8a164ee3" in ids
    view = kg.store.get_document("CWG-FHR-20/12")
    assert view is not None and view.document.language == "E"
    assert view.document.action_required.startswith("The Council Working Group")


def test_citations_match_the_gold_documents(kg) -> None:  # type: ignore[no-untyped-def]
    """Every cited document symbol of references.jsonl is a CITES edge of its document."""
    gold = [json.loads(line) for line in shared_dir("eval", "references.jsonl").open()]
    by_source = {Path(o.source).name: o.id for o in kg.store.list_documents(limit=100, offset=0)}
    found = missed = 0
    for entry in gold:
        doc_id = by_source[entry["file"]]
        view = kg.store.get_document(doc_id)
        cited = {link.node.id for link in view.links
                 if link.type == "CITES" and link.direction == "out"}
        for symbol, revision in entry["documents"]:
            want = f"{symbol}(Rev.{revision})" if revision else symbol
            if want in cited:
                found += 1
            else:
                missed += 1
        assert entry.get("self") is None or entry["self"] not in cited
    assert missed == 0, f"{missed} gold citations missing ({found} found)"


def test_resolution_versions_link_to_works(kg) -> None:  # type: ignore[no-untyped-def]
    view = kg.store.get_entity("resolution/pp-71/rev-bucharest-2022")
    assert view is not None and view.entity.type == "ResolutionVersion"
    assert any(link.type == "VERSION_OF" and link.node.id == "resolution/pp-71"
               for link in view.links)
    council = kg.store.get_entity("resolution/council-1173")
    assert council is not None and council.entity.type == "Resolution"


def test_cited_documents_exist_as_not_ingested_nodes(kg) -> None:  # type: ignore[no-untyped-def]
    view = kg.store.get_document("C24/73")
    assert view is not None
    assert view.document.ingested is False
    citing = {link.node.id for link in view.links if link.type == "CITES"}
    assert "CWG-FHR-20/12" in citing
    evidence = [link.evidence for link in view.links if link.node.id == "CWG-FHR-20/12"]
    assert evidence and "C24/73" in evidence[0]


def test_acronym_entities_and_mentions(kg) -> None:  # type: ignore[no-untyped-def]
    view = kg.store.get_entity("body/ictgc")
    assert view is not None
    assert view.entity.name == "Information and Communication Technology Governance Committee"
    assert "ICTGC" in view.entity.aliases
    assert len(view.mentions) >= 3
    assert {m.document_id for m in view.mentions} == {"CWG-FHR-20/12"}


def test_reingest_changes_no_counts(kg) -> None:  # type: ignore[no-untyped-def]
    before = kg.store.stats()
    outcomes = kg.ingest([shared_dir("corpus"), SAMPLES / "corpus"])
    assert {o.status for o in outcomes} == {"unchanged"}
    assert kg.store.stats() == before


def test_bad_files_fail_alone(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SAMPLES / "corpus" / "sample_c24-58.txt", folder / "a.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 50)
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\n%binary")
    (folder / "latin1.txt").write_bytes(
        "Rapport sur la coopération à Genève (Doc. C24/58).".encode("latin-1"))
    with (folder / "huge.txt").open("wb") as f:
        f.truncate(21_000_000)
    kg = open_kg(tmp_path / "store", embedder)
    try:
        outcomes = {Path(o.path).name: o for o in kg.ingest([folder])}
        assert outcomes["a.txt"].status == "ingested"
        assert outcomes["latin1.txt"].status == "ingested"
        for name, needle in [("empty.txt", "empty"), ("junk.bin", "binary"),
                             ("report.pdf", "PDF"), ("huge.txt", "exceeds the limit")]:
            assert outcomes[name].status == "failed", name
            assert needle in (outcomes[name].reason or ""), outcomes[name]
        assert kg.store.stats().documents == 2
        latin = kg.store.get_document(outcomes["latin1.txt"].document_id)
        assert latin is not None
        hits = kg.search(kg.request("coopération Genève", mode="bm25"))
        assert hits and "coopération à Genève" in hits[0].passage.text
    finally:
        kg.close()


def test_changed_document_replaces_passages_and_keeps_incoming_citations(
        tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    src = (SAMPLES / "corpus" / "sample_c24-58.txt").read_text()
    citing = "Purpose\nThis note cites Document C24/58 on gender equality.\n"
    (tmp_path / "citing.txt").write_text(citing)
    kg = open_kg(tmp_path / "store", embedder)
    try:
        kg.ingest([tmp_path / "citing.txt"])
        stub = kg.store.get_document("C24/58")
        assert stub is not None and stub.document.ingested is False  # cited, not yet ingested
        doc = tmp_path / "c24-58.txt"
        doc.write_text(src)
        kg.ingest([doc])
        filled = kg.store.get_document("C24/58")
        assert filled.document.ingested is True and filled.document.source == str(doc)
        first = filled.passages
        doc.write_text(src + "\n9\tAddendum\n9.1\tA new closing paragraph about quorum rules.\n")
        assert kg.ingest([doc])[0].status == "ingested"
        updated = kg.store.get_document("C24/58")
        assert updated.passages == first + 1
        assert kg.store.stats().passages == updated.passages + 1  # + the citing note
        assert any(link.direction == "in" and link.type == "CITES" for link in updated.links)
        hits = kg.search(kg.request("quorum rules", mode="bm25", document="C24/58"))
        assert hits and "quorum rules" in hits[0].passage.text
        assert kg.store.delete_document("C24/58") is True
        gone = kg.store.get_document("C24/58")
        assert gone is not None and gone.document.ingested is False  # still cited
        assert kg.store.stats().passages == 1
        assert not kg.search(kg.request("quorum rules", mode="bm25"))
    finally:
        kg.close()
