"""A document's access level read from its restriction marking (ingest/metadata.py)."""

from __future__ import annotations

import pytest

from ingest.pipeline import DocumentParser
from tests.unit.test_metadata_pipeline import DOC


@pytest.fixture(scope="module")
def parser() -> DocumentParser:
    return DocumentParser()


def level(parser: DocumentParser, text: str) -> str | None:
    return parser.parse_text(text, source="x.txt", content_hash="h",
                             fallback_id="doc/x").document.access_level


@pytest.mark.parametrize("marking", [
    "RESTRICTED", "Restricted", "  RESTRICTED DOCUMENT  ", "For official use only",
    "FOR OFFICIAL USE ONLY", "Limited distribution", "Distribution: limited",
    "Confidential", "Strictly confidential", "ITU Restricted", "Internal use only",
    "Not for public distribution", "- RESTRICTED -"])
def test_a_marking_on_the_cover_restricts(parser: DocumentParser, marking: str) -> None:
    assert level(parser, marking + "\n" + DOC) == "restricted"
    cover = DOC.replace("Original: English\n", f"Original: English\n{marking}\n")
    assert level(parser, cover) == "restricted"


@pytest.mark.parametrize("text", [
    # the words in running text, or a longer line, are not a marking
    DOC + "2.2\tAccess to the portal is restricted to registered users.\n",
    DOC.replace("DIGITAL SKILLS FOR STAFF", "RESTRICTED ACCESS TO MEETINGS REVIEW"),
    DOC + "Restricted\n",  # past the cover: the last line of the body
    DOC.replace("Report by the Secretary-General", "Report on confidentiality rules"),
])
def test_running_text_does_not_restrict(parser: DocumentParser, text: str) -> None:
    assert level(parser, text) == "public"


def test_the_shared_corpus_and_samples_are_public(parser: DocumentParser) -> None:
    from tests.conftest import SAMPLES, shared_dir

    for path in sorted([*shared_dir("corpus").iterdir(), *(SAMPLES / "corpus").iterdir()]):
        assert parser.parse_file(path).document.access_level == "public", path.name
