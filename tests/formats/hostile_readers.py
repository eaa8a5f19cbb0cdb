"""Readers that misbehave the way a crafted file makes pypdf or python-docx misbehave;
importable by the fork server's children (test_isolation runs them there)."""

from __future__ import annotations

import os

from ontology.errors import UnsupportedInputError


def spin(data: bytes) -> str:
    """An endless loop (a circular structure walked forever)."""
    n = 0
    while True:
        n += len(data)


def hog(data: bytes) -> bytes:
    """Unbounded allocation (a decompression bomb the reader did not catch)."""
    return data * (8 * 1024**3 // max(1, len(data)))


def die(data: bytes) -> str:
    """A crash in native code takes the process down without a Python exception."""
    os._exit(3)


def refuse(data: bytes) -> str:
    raise UnsupportedInputError("content is a GIF image, not a supported document",
                                format="a GIF image")


def upper(data: bytes) -> str:
    return data.decode().upper()
