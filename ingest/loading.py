"""Stage 1: read a file's bytes into text, refusing what is not a document.

The format is chosen by content (``ingest.formats.sniff``): PDF and Word by their
magic bytes, HTML and Markdown by their markup, plain text otherwise. Text is
decoded from its BOM, as UTF-8, or with the encoding charset_normalizer detects.
Other binary files (images, archives, legacy .doc) fail with a reason instead of
being indexed as junk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.cleaning import CleanedText, clean
from ingest.formats import sniff
from ingest.formats.isolation import ReaderLimits, run_limited
from ontology.errors import (
    EmptyInputError,
    IngestError,
    InputTooLargeError,
    UnsupportedInputError,
)

DEFAULT_LIMITS = ReaderLimits()
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})


@dataclass(frozen=True, slots=True)
class SourceText:
    path: Path
    #: the decoded text (plain text) or the extracted body (other formats)
    text: str
    content_hash: str
    encoding: str | None
    format: str = sniff.TEXT
    #: lines already cleaned by a structured reader (Word, PDF, HTML, Markdown)
    cleaned: CleanedText | None = None

    def clean(self) -> CleanedText:
        return self.cleaned if self.cleaned is not None else clean(self.text)


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
    if not any(m.encoding == "cp1252" for m in candidates) and best.language not in (
            "Russian", "Ukrainian", "Bulgarian", "Greek", "Arabic", "Hebrew", "Chinese",
            "Japanese", "Korean", "Thai", "Turkish"):
        # the detector drops cp1252 when a Central European page decodes the same bytes
        # as cleanly (French text then comes out with "ť" for "é"): measure it alone
        candidates += list(from_bytes(data[:1_000_000], cp_isolation=["cp1252"]))
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


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: NUL in (almost) every other byte of the sample."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) > 0.7 * len(zeros) and other.count(0) < 0.05 * len(other):
            return codec
    return None


def _read_bytes(path: Path, *, max_bytes: int) -> bytes:
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
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise UnsupportedInputError(f"{path.name}: cannot read: {exc.strerror}",
                                    path=str(path)) from exc
    if len(data) > max_bytes:
        raise InputTooLargeError(f"{path.name}: more than the limit of {max_bytes:,} bytes",
                                 path=str(path), size=len(data), limit=max_bytes)
    return data


def _decode_text(data: bytes, path: Path) -> tuple[str, str]:
    codec = None if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(data)
    if codec is not None:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    if _looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedInputError(f"{path.name}: binary content, not a text document",
                                    path=str(path))
    return _decode(data, path)


def read_source(path: Path, *, max_bytes: int,
                limits: ReaderLimits = DEFAULT_LIMITS) -> SourceText:
    """Read ``path`` in its format; raise an :class:`IngestError` subclass with the reason.

    Word and PDF files are read by third-party parsers in a child process within
    ``limits`` (see ``ingest.formats.isolation``); text formats are read by our own
    linear code in this process."""
    data = _read_bytes(path, max_bytes=max_bytes)
    if not data.strip():
        raise EmptyInputError(f"{path.name}: file is empty", path=str(path))
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    try:
        kind = sniff.sniff_binary(data)
        if kind is not None:
            sniff.check_suffix(kind, suffix)
            from ingest.formats.docx import read_docx
            from ingest.formats.pdf import read_pdf

            cleaned = run_limited(read_pdf if kind == sniff.PDF else read_docx, data, limits)
            return SourceText(path, cleaned.text, digest, None, kind, cleaned)
        text, encoding = _decode_text(data, path)
        kind = sniff.sniff_text(text, suffix)
        sniff.check_suffix(kind, suffix)
    except IngestError as exc:
        raise _named(exc, path) from exc.__cause__
    if kind == sniff.HTML:
        from ingest.formats.markup import html_to_cleaned

        cleaned = html_to_cleaned(text)
        return SourceText(path, cleaned.text, digest, encoding, kind, cleaned)
    if kind == sniff.MARKDOWN:
        from ingest.formats.markup import markdown_to_cleaned

        cleaned = markdown_to_cleaned(text)
        return SourceText(path, cleaned.text, digest, encoding, kind, cleaned)
    return SourceText(path=path, text=text, content_hash=digest, encoding=encoding)


def _named(exc: IngestError, path: Path) -> IngestError:
    """The same error, its message prefixed with the file name."""
    if exc.message.startswith(f"{path.name}:"):
        return exc
    named = type(exc)(f"{path.name}: {exc.message}", **{"path": str(path), **exc.detail})
    return named
