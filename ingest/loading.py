"""Stage 1: read a file's bytes into text, refusing what is not a text document.

Only plain-text exports are read so far; binary files (Word, PDF, images,
archives) fail with a reason instead of being indexed as junk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ontology.errors import EmptyInputError, InputTooLargeError, UnsupportedInputError

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})

#: magic bytes of formats that are not plain text, for a precise failure reason
_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP container (e.g. .docx)"),
    (b"\xd0\xcf\x11\xe0", "OLE2 (e.g. legacy .doc)"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "ELF executable"),
)


@dataclass(frozen=True, slots=True)
class SourceText:
    path: Path
    text: str
    content_hash: str
    encoding: str


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    try:
        return _decode_bom(data, path)
    except UnicodeDecodeError as exc:
        raise UnsupportedInputError(
            f"{path.name}: invalid {exc.encoding} text at byte {exc.start}", path=str(path),
        ) from exc


def _decode_bom(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(codec), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    candidates = list(from_bytes(data[:1_000_000]))
    if not candidates:
        raise UnsupportedInputError(f"{path.name}: not UTF-8 and no text encoding detected",
                                    path=str(path))
    best = candidates[0]
    # Short Western texts fit several single-byte code pages equally well; Word on
    # Windows writes cp1252, so it wins a tie (Cyrillic or Central European text
    # does not produce a cp1252 candidate that is as clean).
    for match in candidates:
        if (match.encoding == "cp1252" and match.chaos <= best.chaos
                and match.coherence >= best.coherence - 0.1):
            best = match
            break
    return data.decode(best.encoding, errors="replace"), best.encoding


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) * 0.05


def read_source(path: Path, *, max_bytes: int) -> SourceText:
    """Read ``path`` as text; raise an :class:`IngestError` subclass with the reason."""
    if path.is_dir():
        raise UnsupportedInputError(f"{path.name}: is a directory, not a file", path=str(path))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnsupportedInputError(f"{path.name}: cannot read: {exc.strerror}",
                                    path=str(path)) from exc
    if size > max_bytes:
        raise InputTooLargeError(
            f"{path.name}: {size:,} bytes exceeds the limit of {max_bytes:,} bytes",
            path=str(path), size=size, limit=max_bytes,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnsupportedInputError(f"{path.name}: cannot read: {exc.strerror}",
                                    path=str(path)) from exc
    if not data.strip():
        raise EmptyInputError(f"{path.name}: file is empty", path=str(path))
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedInputError(
                f"{path.name}: {kind} files are not supported yet (plain-text exports only)",
                path=str(path), format=kind,
            )
    if _looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedInputError(f"{path.name}: binary content, not a text document",
                                    path=str(path))
    text, encoding = _decode(data, path)
    return SourceText(path=path, text=text, content_hash=hashlib.sha256(data).hexdigest(),
                      encoding=encoding)
