"""The councilkg CLI, in-process, on its own store (real model, real store)."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from search_api.cli import app
from tests.conftest import SAMPLES


@pytest.fixture()
def store(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "store"
    monkeypatch.setenv("COUNCILKG_STORE", str(path))
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_ingest_search_stats_show(tmp_path, store) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    shutil.copytree(SAMPLES / "corpus", folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    code, out = run("ingest", str(folder))
    assert code == 1  # one file failed ...
    assert "failed    " in out and "broken.txt: binary content" in out
    assert out.count("ingested  ") == 5  # ... and the others are stored
    assert "5 ingested, 0 unchanged, 1 failed" in out

    code, out = run("ingest", str(folder), "--json")
    data = json.loads(out)
    assert data["counts"] == {"ingested": 0, "unchanged": 5, "failed": 1}

    code, out = run("search", "Who chairs the digital skills steering group?", "--k", "3",
                    "--json")
    assert code == 0
    body = json.loads(out)
    assert body["mode"] == "hybrid" and len(body["hits"]) == 3
    assert body["hits"][0]["document"]["source"].endswith(".txt")

    code, out = run("ask", "Who chairs the DSSG?", "--json")
    assert code == 0
    answer = json.loads(out)
    [dssg] = [e for e in answer["entities"] if e["text"] == "DSSG"]
    assert any(f["relation"] == "CHAIRED_BY" and f["citation"] for f in dssg["facts"])
    code, out = run("ask", "Who chairs the DSSG?")
    assert code == 0 and "CHAIRED_BY" in out and "DSSG =" in out

    code, out = run("stats", "--json")
    stats = json.loads(out)
    assert code == 0 and stats["documents"] == 5 and stats["passages"] > 50

    code, out = run("show", "C25/44", "--json")
    assert code == 0 and json.loads(out)["document"]["id"] == "C25/44"
    code, out = run("documents", "--json")
    assert code == 0 and len(json.loads(out)["documents"]) == 5


def test_search_rejects_bad_k_and_empty_query(store) -> None:  # type: ignore[no-untyped-def]
    code, _ = run("search", "x", "--k", "0")
    assert code == 2
    result = CliRunner().invoke(app, ["search", "   "])
    assert result.exit_code == 2 and "query must not be empty" in result.output


def test_extract_json_without_a_store(store) -> None:  # type: ignore[no-untyped-def]
    code, out = run("extract", str(SAMPLES / "corpus" / "sample_c25-44.txt"), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["document"]["id"] == "C25/44"
    assert {"document", "passages", "entities", "relations"} <= set(data)
    cites = [r for r in data["relations"] if r["type"] == "CITES"]
    assert any(r["target"] == "C24/58" and r["evidence"]["passage"] for r in cites)
    entity = next(e for e in data["entities"] if e["id"] == "body/copcu")
    assert entity["mentions"] and {"passage", "start", "end", "text"} <= set(
        entity["mentions"][0])
    assert not store.exists()  # extract stores nothing


def test_extract_bad_file_is_a_clear_error(tmp_path, store) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = CliRunner().invoke(app, ["extract", str(empty), "--json"])
    assert result.exit_code == 2 and "file is empty" in result.output
    assert "Traceback" not in result.output


def test_export_and_ontology(tmp_path, store) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Graph

    code, _ = run("ingest", str(SAMPLES / "corpus" / "sample_c24-58.txt"))
    assert code == 0
    out = tmp_path / "c24-58.jsonld"
    result = CliRunner().invoke(app, ["export", "--format", "jsonld", "--document", "C24/58",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format="json-ld")
    assert f"{len(graph)} triples written" in result.output
    code, text = run("export", "--format", "nt")
    assert code == 0 and len(Graph().parse(data=text, format="nt")) >= len(graph)
    code, text = run("ontology")
    assert code == 0 and "ckg:ResolutionVersion" in text
    code, text = run("ontology", "--shapes")
    assert code == 0 and "sh:NodeShape" in text
    result = CliRunner().invoke(app, ["export", "--document", "C99/1"])
    assert result.exit_code == 2 and "no document" in result.output
