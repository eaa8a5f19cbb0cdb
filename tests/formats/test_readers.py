"""Format readers and hostile files (ingest.loading.read_source), each under a hang guard."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.loading import read_source
from ontology.errors import EmptyInputError, IngestError, InputTooLargeError, UnsupportedInputError
from tests.formats.makers import (
    FOOTNOTE,
    docx_bytes,
    pdf_bytes,
    replace_member,
    write,
)

LIMIT = 20_000_000
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    """Generous guard: a hostile file must fail, not hang (30 s)."""
    def _timeout(*_: object) -> None:
        raise TimeoutError("reader hung for 30 s")

    old = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_docx_styles_lists_tables_footnotes_and_headers(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "report.docx", docx_bytes()), max_bytes=LIMIT)
    cleaned = source.clean()
    lines = [(ln.text, ln.hint) for ln in cleaned.lines]
    assert source.format == "docx"
    assert ("1 Introduction", "heading") in lines and ("2 Findings", "heading") in lines
    assert ("1. ramps were installed at every entrance of the main building", "item") in lines
    assert ("2. captioning was offered for every plenary meeting", "item") in lines
    assert ("• hearing loops were tested in the two largest rooms", "item") in lines
    assert ("Ramps | 120 000", "text") in lines
    assert cleaned.footnotes == {1: FOOTNOTE}
    body = cleaned.text
    assert FOOTNOTE not in body and "FOOTNOTE_HERE" not in body
    assert "C26/99-E" not in body and "12 March 2026" not in body  # header/footer dropped
    assert "Document C26/99-E" in cleaned.header_lines


def test_pdf_pages_kept_and_running_lines_dropped(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "report.pdf", pdf_bytes()), max_bytes=LIMIT)
    cleaned = source.clean()
    assert source.format == "pdf"
    pages = {ln.text[:3]: ln.page for ln in cleaned.lines if ln.text}
    assert pages["1.1"] == 1 and pages["2.1"] == 2
    assert not any("Page " in ln.text or "Council 2026" in ln.text for ln in cleaned.lines)
    joined = next(ln.text for ln in cleaned.lines if ln.text.startswith("1.1"))
    assert joined.endswith("since the last session.")  # wrapped lines joined
    assert "Council 2026 Document C26/99-E" in cleaned.header_lines


def test_html_and_markdown_keep_roles(tmp_path: Path) -> None:
    html = ("<!DOCTYPE html><html><head><title>x</title><style>p{}</style></head><body>"
            "<h1>2 Findings</h1><p>2.1 The review &amp; its results:</p>"
            "<ul><li>ramps installed</li></ul><table><tr><td>Ramps</td><td>120</td></tr>"
            "</table><footer>Document C26/99-E</footer></body></html>")
    src = read_source(write(tmp_path, "page.txt", html.encode()), max_bytes=LIMIT)
    assert src.format == "html"  # content, not the .txt name, decides
    lines = [(ln.text, ln.hint) for ln in src.clean().lines if ln.text]
    assert lines == [("2 Findings", "heading"), ("2.1 The review & its results:", None),
                     ("• ramps installed", "item"), ("Ramps | 120", "text")]
    assert src.clean().header_lines == ["Document C26/99-E"]
    md = "# 1 Scope\n\nSome **bold** text with a [link](http://x).\n\n- first item\n"
    src = read_source(write(tmp_path, "notes.md", md.encode()), max_bytes=LIMIT)
    lines = [(ln.text, ln.hint) for ln in src.clean().lines if ln.text]
    assert lines == [("1 Scope", "heading"), ("Some bold text with a link.", None),
                     ("• first item", "item")]


# ------------------------------------------------------------------ hostile files
def test_truncated_docx(tmp_path: Path) -> None:
    data = docx_bytes()
    with pytest.raises(UnsupportedInputError, match="corrupt or truncated"):
        read_source(write(tmp_path, "cut.docx", data[: len(data) // 2]), max_bytes=LIMIT)


def test_docx_with_external_entity_is_refused_unresolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    evil = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM '
            f'"file://{secret}">]><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>'
            "</w:body></w:document>").encode()
    path = write(tmp_path, "xxe.docx", replace_member(docx_bytes(), "word/document.xml", evil))
    with pytest.raises(UnsupportedInputError, match="DOCTYPE") as err:
        read_source(path, max_bytes=LIMIT)
    assert "TOP-SECRET" not in str(err.value)


def test_zip_bomb_disguised_as_docx(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * 60_000_000)
    path = write(tmp_path, "bomb.docx", out.getvalue())
    assert path.stat().st_size < 200_000
    with pytest.raises(InputTooLargeError, match="zip bomb"):
        read_source(path, max_bytes=LIMIT)


def test_zip_that_is_no_word_document(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(UnsupportedInputError, match="not a Word document"):
        read_source(write(tmp_path, "a.docx", out.getvalue()), max_bytes=LIMIT)


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = write(tmp_path, "locked.pdf", pdf_bytes(encrypt="secret"))
    with pytest.raises(UnsupportedInputError, match="encrypted PDF"):
        read_source(path, max_bytes=LIMIT)


def _circular_pdf() -> bytes:
    """Hand-written PDF whose xref chain points at itself and whose page tree loops."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (xref, xref)
    return bytes(out)


def test_pdf_with_circular_xref_and_page_tree(tmp_path: Path) -> None:
    with pytest.raises(IngestError):
        read_source(write(tmp_path, "loop.pdf", _circular_pdf()), max_bytes=LIMIT)


def test_image_only_pdf_says_no_text_layer(tmp_path: Path) -> None:
    with pytest.raises(EmptyInputError, match="no text layer"):
        read_source(write(tmp_path, "scan.pdf", pdf_bytes(image_only=True)), max_bytes=LIMIT)


def test_pdf_that_is_really_html(tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"
    with pytest.raises(UnsupportedInputError, match=r"named \.pdf but the content is an HTML"):
        read_source(write(tmp_path, "c24-58.pdf", page), max_bytes=LIMIT)


def test_zero_byte_file(tmp_path: Path) -> None:
    with pytest.raises(EmptyInputError, match="empty"):
        read_source(write(tmp_path, "zero.docx", b""), max_bytes=LIMIT)


def test_hundred_megabyte_file_is_capped_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse
    with pytest.raises(InputTooLargeError, match="exceeds the limit of 20,000,000 bytes"):
        read_source(path, max_bytes=LIMIT)


@pytest.mark.parametrize(("codec", "text"), [
    ("cp1252", "Le Conseil a « approuvé » le budget de 120 € pour l'année 2026 — "
               "la coopération entre les États Membres s'est renforcée.\n"),
    ("latin-1", "La réunion à Genève a porté sur la coopération entre les États Membres "
                "et le développement durable des télécommunications.\n"),
    ("cp1251", "Совет рассмотрел доклад о доступности залов заседаний и одобрил "
               "предложения Генерального секретаря по бюджету.\n"),
    ("gb18030", "理事会审议了关于会议室无障碍情况的报告，并批准了秘书长关于预算的建议。"
                "理事会感谢各成员国的合作。\n"),
    ("shift_jis", "理事会は会議室のアクセシビリティに関する報告書を審議し、事務総局長の"
                  "予算案を承認した。\n"),
    ("utf-16-le", "Résolution 71 (Rev. Bucharest, 2022) – Genève, coopération.\n"),
])
def test_non_utf8_text_is_detected_not_mangled(tmp_path: Path, codec: str, text: str) -> None:
    source = read_source(write(tmp_path, "doc.txt", text.encode(codec)), max_bytes=LIMIT)
    assert source.text == text
    assert "\ufffd" not in source.text


def test_hostile_files_stay_within_memory(tmp_path: Path) -> None:
    """All hostile files read in a child process capped at 1 GB of address space."""
    files = {
        "bomb.docx": None, "cut.docx": docx_bytes()[:5000], "loop.pdf": _circular_pdf(),
        "locked.pdf": pdf_bytes(encrypt="pw"), "scan.pdf": pdf_bytes(image_only=True),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * 60_000_000)
    files["bomb.docx"] = out.getvalue()
    for name, data in files.items():
        write(tmp_path, name, data or b"")
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from pathlib import Path\n"
        "from ingest.loading import read_source\n"
        "from ontology.errors import IngestError\n"
        "for p in sorted(Path(sys.argv[1]).iterdir()):\n"
        "    try:\n"
        "        read_source(p, max_bytes=20_000_000)\n"
        "        print('READ', p.name)\n"
        "    except IngestError as e:\n"
        "        print('FAILED', p.name)\n")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(result.stdout.splitlines()) == {f"FAILED {n}" for n in files}, result.stdout
