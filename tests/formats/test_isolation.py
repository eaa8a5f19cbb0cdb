"""The Word/PDF readers' budget: a child process that is killed on time, capped in
memory, and whose errors come back as the same IngestError classes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.formats.isolation import ReaderLimits, run_limited
from ingest.loading import read_source
from ingest.pipeline import DocumentParser, ParseOptions
from ontology.errors import ReaderLimitError, UnsupportedInputError
from tests.formats import hostile_readers as hostile
from tests.formats.makers import docx_bytes, write

LIMITS = ReaderLimits(timeout=2.0, memory_bytes=512 * 2**20)


def test_result_comes_back() -> None:
    assert run_limited(hostile.upper, b"c24/58", LIMITS) == "C24/58"


def test_endless_reader_is_stopped_with_a_reason() -> None:
    with pytest.raises(ReaderLimitError, match="longer than 2 s") as info:
        run_limited(hostile.spin, b"x", LIMITS)
    assert info.value.detail["limit"] == "time"


def test_memory_hungry_reader_is_capped() -> None:
    with pytest.raises(ReaderLimitError, match="more than 512 MiB") as info:
        run_limited(hostile.hog, b"0123456789", LIMITS)
    assert info.value.detail["limit"] == "memory"


def test_reader_that_dies_is_reported() -> None:
    with pytest.raises(ReaderLimitError, match="exit code 3"):
        run_limited(hostile.die, b"x", LIMITS)


def test_ingest_errors_keep_their_class_and_fields() -> None:
    with pytest.raises(UnsupportedInputError, match="GIF") as info:
        run_limited(hostile.refuse, b"x", LIMITS)
    assert info.value.detail == {"format": "a GIF image"}


def test_zero_timeout_reads_in_process() -> None:
    assert run_limited(hostile.upper, b"ok", ReaderLimits(timeout=0)) == "OK"


def test_real_docx_over_budget_fails_once_with_its_reason(tmp_path: Path) -> None:
    """A real, big Word file and a budget too small for python-docx: the file fails with
    a reason naming the budget; the acronym pass and the parse do not both pay for it."""
    path = write(tmp_path, "report.docx", docx_bytes(filler=1000))
    tiny = ReaderLimits(timeout=10.0, memory_bytes=16 * 2**20)
    with pytest.raises(ReaderLimitError, match="more than 16 MiB") as direct:
        read_source(path, max_bytes=10**7, limits=tiny)
    assert direct.value.message.startswith("report.docx: ")
    parser = DocumentParser(ParseOptions(reader=tiny))
    with pytest.raises(ReaderLimitError) as first:
        parser.learn(path)
    with pytest.raises(ReaderLimitError) as second:
        parser.parse_file(path)
    assert second.value is first.value  # remembered, not read again
    roomy = DocumentParser(ParseOptions(reader=ReaderLimits(timeout=120.0)),
                           extractor=parser.extractor)
    assert roomy.parse_file(path).document.id == "C26/99"
