"""Which reader a file needs, decided by its content (magic bytes and markup)."""

from __future__ import annotations

import re

from ontology.errors import UnsupportedInputError

#: binary formats no reader handles, for a precise failure reason
_UNSUPPORTED_MAGIC = (
    (b"\xd0\xcf\x11\xe0", "an OLE2 file (legacy .doc, or a password-protected Office "
                          "document); save it as .docx without a password"),
    (b"{\\rtf", "an RTF file; save it as .docx"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
)
_HTML_RE = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                      rb"(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I | re.S)
_MARKDOWN_HEADING_RE = re.compile(r"^#{1,6}\s+\S", re.M)
#: extensions that claim a binary format: a different content means a broken file
_BINARY_SUFFIXES = {".pdf": "pdf", ".docx": "docx"}

PDF, DOCX, HTML, MARKDOWN, TEXT = "pdf", "docx", "html", "markdown", "text"


def sniff_binary(data: bytes) -> str | None:
    """``pdf`` or ``docx`` from magic bytes; None for text; a failure for other binaries."""
    head = data[:1024]
    if head.startswith(b"%PDF-") or (b"%PDF-" in head and not _HTML_RE.match(head)):
        return PDF
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return DOCX  # the reader refuses a ZIP that holds no Word document
    for magic, kind in _UNSUPPORTED_MAGIC:
        if head.startswith(magic):
            raise UnsupportedInputError(f"content is {kind}, not a supported document",
                                        format=kind)
    return None


def sniff_text(text: str, suffix: str) -> str:
    """``html``, ``markdown`` or ``text`` for decoded text."""
    if _HTML_RE.match(text[:4096].encode("utf-8", "replace")):
        return HTML
    if suffix in (".md", ".markdown") or len(_MARKDOWN_HEADING_RE.findall(text[:20000])) >= 2:
        return MARKDOWN
    if suffix in (".html", ".htm", ".xhtml") and "<" in text[:4096]:
        return HTML
    return TEXT


def check_suffix(found: str, suffix: str) -> None:
    """A ``.pdf`` or ``.docx`` whose content is something else is a broken file
    (typically an HTML error page saved under the document's name): refuse it."""
    claimed = _BINARY_SUFFIXES.get(suffix)
    if claimed is not None and claimed != found:
        what = {HTML: "an HTML page", MARKDOWN: "text", TEXT: "text", PDF: "a PDF",
                DOCX: "a ZIP/Word file"}[found]
        raise UnsupportedInputError(
            f"named {suffix} but the content is {what} (an error page or a mislabelled "
            "download?)", format=found, suffix=suffix)
