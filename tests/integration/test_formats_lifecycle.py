"""Every format and every hostile file through the real service, store and model;
lifecycle (update, delete over CLI and HTTP) and the ledger of failures."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from search_api.cli import app
from search_api.service import IngestOutcome
from tests.conftest import REPO, SAMPLES
from tests.formats.makers import FOOTNOTE, docx_bytes, pdf_bytes, replace_member, write
from tests.integration.conftest import authorized, open_kg

pytestmark = pytest.mark.slow


def _batch(folder: Path) -> dict[str, bytes]:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * 60_000_000)
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b"<d>&x;</d>")
    french = "Rapport sur la coopération à Genève, Doc. C24/58, approuvé à l'unanimité."
    files = {
        "report.docx": docx_bytes(),
        "scan.pdf": pdf_bytes(image_only=True),
        "locked.pdf": pdf_bytes(encrypt="pw"),
        "error-page.pdf": b"<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>",
        "cut.docx": docx_bytes()[:3000],
        "xxe.docx": replace_member(docx_bytes(), "word/document.xml", xxe),
        "bomb.docx": bomb.getvalue(),
        "zero.txt": b"",
        "notes.html": (b"<html><body><h1>Meeting room notes</h1><p>The captioning of "
                       b"plenary meetings was praised by the delegates.</p></body></html>"),
        "minutes.md": b"# Accessibility\n\nHearing loops were tested in the largest rooms.\n",
        "french-cp1252.txt": french.encode("cp1252"),
        "vanishes.txt": b"Purpose\nThis file is deleted before it is read.\n",
    }
    for name, data in files.items():
        write(folder, name, data)
    with (folder / "huge.txt").open("wb") as f:
        f.truncate(100 * 1024 * 1024)
    files["huge.txt"] = b""
    return files


def test_mixed_batch_every_input_accounted_for(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    files = _batch(folder)
    write(folder, "report.pdf", pdf_bytes())
    kg = open_kg(tmp_path / "store", embedder)
    seen: list[IngestOutcome] = []

    def progress(outcome: IngestOutcome) -> None:
        seen.append(outcome)
        (folder / "vanishes.txt").unlink(missing_ok=True)  # gone mid-run

    try:
        outcomes = {Path(o.path).name: o for o in kg.ingest([folder], progress=progress)}
        assert len(outcomes) == len(files) + 1 == len(seen)
        failed = {n for n, o in outcomes.items() if o.status == "failed"}
        reasons = {n: outcomes[n].reason or "" for n in failed}
        assert failed == {"scan.pdf", "locked.pdf", "error-page.pdf", "cut.docx", "xxe.docx",
                          "bomb.docx", "zero.txt", "vanishes.txt", "huge.txt",
                          "report.pdf"}, reasons
        for name, needle in [("scan.pdf", "no text layer"), ("locked.pdf", "encrypted"),
                             ("error-page.pdf", "content is an HTML page"),
                             ("cut.docx", "truncated"), ("xxe.docx", "DOCTYPE"),
                             ("bomb.docx", "zip bomb"), ("zero.txt", "empty"),
                             ("vanishes.txt", "No such file"),
                             ("huge.txt", "exceeds the limit"),
                             ("report.pdf", "same document C26/99 as report.docx")]:
            assert needle in reasons[name], (name, reasons[name])
        assert "root:" not in reasons["xxe.docx"]
        # the docx and the pdf share their symbol: the later one is refused, not merged
        assert outcomes["report.docx"].document_id == "C26/99"
        stored = {o.document_id for o in outcomes.values() if o.status == "ingested"}
        assert len(stored) == 4 and kg.store.stats().documents == 4
        view = kg.store.get_document("C26/99")
        assert view is not None and view.document.date == "2026-03-12"
        hits = kg.search(kg.request("ramps at every entrance", mode="bm25", document="C26/99"))
        assert hits and hits[0].passage.page is None  # the .docx (first) stayed, not the PDF
        french = kg.search(kg.request("coopération Genève", mode="bm25"))
        assert french and "coopération à Genève" in french[0].passage.text
        failures = {Path(f.path).name: f.reason for f in kg.failures()}
        assert set(failures) == failed
        # fixing a file clears its failure; unchanged files are no-ops
        write(folder, "zero.txt", b"Purpose\nA note on quorum rules for the meeting rooms.\n")
        again = {Path(o.path).name: o.status for o in kg.ingest([folder])}
        assert again["zero.txt"] == "ingested" and again["notes.html"] == "unchanged"
        assert again["minutes.md"] == "unchanged"
        assert again["report.docx"] == "unchanged" and again["report.pdf"] == "failed"
        # a later run with only the PDF updates C26/99 (a format change): pages now known
        [pdf] = kg.ingest([folder / "report.pdf"])
        assert pdf.status == "ingested" and pdf.document_id == "C26/99"
        hits = kg.search(kg.request("ramps at every entrance", mode="bm25", document="C26/99"))
        assert hits and hits[0].passage.page == 2
        assert "zero.txt" not in {Path(f.path).name for f in kg.failures()}
    finally:
        kg.close()


def test_docx_footnotes_and_pages_reach_the_store(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, "report.docx", docx_bytes())
    kg = open_kg(tmp_path / "store", embedder)
    try:
        [outcome] = kg.ingest([tmp_path / "report.docx"])
        assert outcome.status == "ingested", outcome
        hits = kg.search(kg.request("Council Decision 588 review", mode="bm25"))
        assert hits and hits[0].passage.section == "Footnotes"
        assert FOOTNOTE in hits[0].passage.text and hits[0].passage.page is None
    finally:
        kg.close()


def test_cli_delete_and_stats_failures(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COUNCILKG_STORE", str(tmp_path / "store"))
    write(tmp_path, "c24-58.txt", (SAMPLES / "corpus" / "sample_c24-58.txt").read_bytes())
    write(tmp_path, "scan.pdf", pdf_bytes(image_only=True))
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(tmp_path / "c24-58.txt"),
                                 str(tmp_path / "scan.pdf"), str(tmp_path / "gone.txt")])
    assert result.exit_code == 1
    assert "1 ingested, 0 unchanged, 2 failed" in result.stdout
    stats = runner.invoke(app, ["stats", "--json"])
    failures = {Path(f["path"]).name: f["reason"] for f in json.loads(stats.stdout)["failures"]}
    assert set(failures) == {"scan.pdf", "gone.txt"} and "no text layer" in failures["scan.pdf"]
    assert "2 failed inputs" in runner.invoke(app, ["stats"]).stdout
    deleted = runner.invoke(app, ["delete", "Doc. C24/58"])
    assert deleted.exit_code == 0 and "deleted C24/58" in deleted.stdout
    again = runner.invoke(app, ["delete", "C24/58"])
    assert again.exit_code == 2
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["passages"] == 0


def test_http_delete(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, "c24-58.txt", (SAMPLES / "corpus" / "sample_c24-58.txt").read_bytes())
    kg = open_kg(tmp_path / "store", embedder)
    kg.ingest([tmp_path / "c24-58.txt"])
    try:
        with authorized(kg) as client:
            assert client.get("/documents/C24/58").status_code == 200
            assert client.delete("/documents/C24/58").status_code == 204
            assert client.get("/documents/C24/58").status_code == 404
            gone = client.delete("/documents/C24/58")
            assert gone.status_code == 404
            assert gone.headers["content-type"].startswith("application/problem+json")
            assert client.get("/stats").json()["passages"] == 0
    finally:
        kg.close()


def test_sigkill_at_random_points_leaves_no_partial_document() -> None:
    """bench/crash_ingest.py: 20 SIGKILLs across passage writes, graph transactions,
    stale-row deletes, index refresh and close; each reopened store must agree with
    itself and a re-run must reach the clean run's counts."""
    result = subprocess.run([sys.executable, "-W", "ignore", str(REPO / "bench" /
                                                                 "crash_ingest.py"),
                             "--trials", "20", "--seed", "11"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.stdout, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["trials"] == 20
    assert report["failed"] == 0, [t for t in report["details"] if not t["ok"]]
    assert not report["clean_problems"]
    killed = report["killed_in"]
    assert killed.get("passages", 0) >= 1 and killed.get("graph", 0) >= 1, killed
    assert result.returncode == 0


def test_language_versions_are_linked_not_merged(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    english = (SAMPLES / "corpus" / "sample_c24-58.txt").read_text(encoding="utf-8")
    french = ("\t\tC24/58-F\t1\nRésumé\nCe rapport présente les progrès accomplis dans la mise "
              "en œuvre de la Résolution 1405 du Conseil sur l'égalité hommes-femmes aux "
              "réunions de l'UIT.\n1\tIntroduction\n1.1\tLe secrétariat a créé une équipe "
              "spéciale chargée de la parité aux réunions.\n")
    (tmp_path / "in").mkdir()
    write(tmp_path / "in", "c24-58-e.txt", english.encode("utf-8"))
    write(tmp_path / "in", "c24-58-f.txt", french.encode("utf-8"))
    kg = open_kg(tmp_path / "store", embedder)
    try:
        outcomes = {Path(o.path).name: o for o in kg.ingest([tmp_path / "in"])}
        assert {n: (o.status, o.document_id) for n, o in outcomes.items()} == {
            "c24-58-e.txt": ("ingested", "C24/58"), "c24-58-f.txt": ("ingested", "C24/58-F")}
        with authorized(kg) as client:
            fr = client.get("/documents/C24/58-F").json()
            assert fr["document"]["language"] == "F"
            links = {(e["type"], e["direction"], e["node"]["id"]) for e in fr["links"]}
            assert ("LANGUAGE_VERSION_OF", "out", "C24/58") in links
            en = client.get("/documents/C24/58-E").json()  # -E names the reference text
            assert en["document"]["id"] == "C24/58" and en["document"]["language"] == "E"
            hits = client.get("/search", params={"q": "égalité réunions", "mode": "bm25"})
            assert hits.json()["hits"][0]["document"]["id"] == "C24/58-F"
            # deleting the English text keeps the French one and its link
            assert client.delete("/documents/C24/58").status_code == 204
            fr_after = client.get("/documents/C24/58-F").json()
            assert ("LANGUAGE_VERSION_OF", "out", "C24/58") in {
                (e["type"], e["direction"], e["node"]["id"]) for e in fr_after["links"]}
            assert client.get("/stats").json()["documents"] == 1
    finally:
        kg.close()
