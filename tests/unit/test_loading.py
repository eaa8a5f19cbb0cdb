"""Stage 1: reading files as text (ingest.loading.read_source)."""

from __future__ import annotations

import hashlib

import pytest

from ingest.loading import read_source
from ontology.errors import (
    EmptyInputError,
    IngestError,
    InputTooLargeError,
    UnsupportedInputError,
)

LIMIT = 1_000_000


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_text_read_with_hash(tmp_path):
    data = "Résolution 71 – Genève\nSecond line\n".encode()
    source = read_source(write(tmp_path, "doc.txt", data), max_bytes=LIMIT)
    assert source.text == "Résolution 71 – Genève\nSecond line\n"
    assert source.encoding == "utf-8"
    assert source.content_hash == hashlib.sha256(data).hexdigest()
    assert source.path == tmp_path / "doc.txt"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_empty_file(tmp_path, data):
    with pytest.raises(EmptyInputError) as err:
        read_source(write(tmp_path, "empty.txt", data), max_bytes=LIMIT)
    assert "empty.txt" in str(err.value)


def test_nul_bytes_are_binary(tmp_path):
    with pytest.raises(UnsupportedInputError, match="binary"):
        read_source(write(tmp_path, "blob.txt", b"some text\x00\x01\x02 more"), max_bytes=LIMIT)


def test_control_characters_are_binary(tmp_path):
    with pytest.raises(UnsupportedInputError, match="binary"):
        read_source(write(tmp_path, "ctl.txt", bytes(range(1, 9)) * 50), max_bytes=LIMIT)


def test_broken_pdf_chosen_by_magic_fails_with_reason(tmp_path):
    # the content, not the .txt name, picks the PDF reader; a broken PDF fails clearly
    with pytest.raises(UnsupportedInputError, match="PDF") as err:
        read_source(write(tmp_path, "report.txt", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"),
                    max_bytes=LIMIT)
    assert err.value.detail["path"].endswith("report.txt")


def test_broken_zip_chosen_by_magic_fails_with_reason(tmp_path):
    with pytest.raises(UnsupportedInputError, match="corrupt or truncated") as err:
        read_source(write(tmp_path, "report.docx", b"PK\x03\x04\x14\x00\x06\x00word/doc"),
                    max_bytes=LIMIT)
    assert "report.docx" in err.value.message


def test_other_binaries_refused_by_magic(tmp_path):
    with pytest.raises(UnsupportedInputError, match="PNG image"):
        read_source(write(tmp_path, "scan.txt", b"\x89PNG\r\n\x1a\n" + bytes(100)),
                    max_bytes=LIMIT)


def test_latin1_decoded_not_mangled(tmp_path):
    text = ("La réunion à Genève a porté sur la coopération entre les États Membres "
            "et le développement.\n")
    source = read_source(write(tmp_path, "latin.txt", text.encode("latin-1")), max_bytes=LIMIT)
    assert source.text == text
    assert "\ufffd" not in source.text


def test_short_latin1_decoded_not_mangled(tmp_path):
    source = read_source(write(tmp_path, "short.txt", "Genève, coopération".encode("latin-1")),
                         max_bytes=LIMIT)
    assert source.text == "Genève, coopération"


def test_utf8_bom_stripped(tmp_path):
    source = read_source(write(tmp_path, "bom.txt", b"\xef\xbb\xbfPurpose\nText\n"),
                         max_bytes=LIMIT)
    assert source.text == "Purpose\nText\n"
    assert not source.text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, codec):
    text = "Résolution 71 (Rev. Bucharest, 2022) – Genève\n"
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    source = read_source(write(tmp_path, "u16.txt", bom + text.encode(codec)), max_bytes=LIMIT)
    assert source.text == text


def test_too_large(tmp_path):
    path = write(tmp_path, "big.txt", b"a" * 5000)
    with pytest.raises(InputTooLargeError) as err:
        read_source(path, max_bytes=4096)
    assert "4,096" in str(err.value)
    assert err.value.detail["limit"] == 4096
    assert err.value.detail["size"] == 5000


def test_exactly_at_limit_is_fine(tmp_path):
    path = write(tmp_path, "edge.txt", b"a" * 4096)
    assert read_source(path, max_bytes=4096).text == "a" * 4096


def test_missing_file_is_an_ingest_error(tmp_path):
    with pytest.raises(IngestError) as err:
        read_source(tmp_path / "nope.txt", max_bytes=LIMIT)
    assert not isinstance(err.value, OSError)
    assert "nope.txt" in str(err.value)


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbfGen\xe8ve text\n",        # UTF-8 BOM, then latin-1 bytes
    b"\xff\xfeG\x00e\x00n",                 # UTF-16 BOM, odd byte count
])
def test_undecodable_bytes_after_bom_are_an_ingest_error(tmp_path, data):
    # Regression: invalid bytes after a BOM once escaped as a raw UnicodeDecodeError
    # (reported as "internal error") instead of an IngestError with the reason.
    path = write(tmp_path, "bad.txt", data)
    try:
        read_source(path, max_bytes=LIMIT)
    except IngestError:
        pass
    except UnicodeDecodeError as exc:
        pytest.fail(f"raw UnicodeDecodeError escaped read_source: {exc}")
