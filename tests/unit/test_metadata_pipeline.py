"""Stages 4-5 and the chain: metadata, extraction and DocumentParser.parse_text."""

from __future__ import annotations

import pytest

from ingest.cleaning import clean
from ingest.metadata import detect_metadata
from ingest.pipeline import DocumentParser, ParseOptions
from ingest.structure import classify_lines
from ontology.errors import EmptyInputError
from ontology.schema import default_schema

DOC = (
    "Council 2025\n"
    "Agenda item: ADM 7\n"
    "\t\tDocument C25/99-E\n"
    "\t\t12 March 2025\n"
    "\t\tOriginal: English\n"
    "Report by the Secretary-General\n"
    "DIGITAL SKILLS FOR STAFF\n"
    "Summary\n"
    "This report describes the progress of the staff digital skills programme in 2024. "
    "It also sets out the priorities for 2025.\n"
    "Action required\n"
    "The Council is invited to note this report.\n"
    "____________________\n"
    "References\n"
    "Council documents C24/35, C24/58; Resolution 179 (Rev. Bucharest, 2022)\n"
    "\n"
    "1\tBackground\n"
    "1.1\tThe programme is steered by the Digital Skills Steering Group (DSSG), which meets "
    "every quarter.[footnoteRef:1] Its work supports Resolution 179 (Rev. Bucharest, 2022). "
    "[1:  \tThe group includes one member from each Bureau and one from the staff.]\n"
    "1.2\tThe DSSG approved the learning catalogue for 2025, building on Document C24/58.\n"
    "\t\tC25/99-E\t1\n"
    "2\tNext steps\n"
    "2.1\tThe secretariat will report on the outcomes of this report (Document C25/99) "
    "in 2026, and the DSSG will review the targets.\n"
    "\t\tC25/99-E\t2\n"
)


@pytest.fixture(scope="module")
def parser():
    return DocumentParser()


@pytest.fixture(scope="module")
def parsed(parser):
    return parser.parse_text(DOC, source="/tmp/c25-99.txt", content_hash="abc123",
                             fallback_id="doc/c25-99")


def _relations(parsed, rel_type):
    return {(r.source, r.target): r for r in parsed.relations if r.type == rel_type}


# ---------------------------------------------------------------- document metadata


def test_document_metadata(parsed):
    doc = parsed.document
    assert doc.id == "C25/99"
    assert doc.symbol == "C25/99"
    assert doc.language == "E"
    assert doc.year == 2025
    assert doc.date == "2025-03-12"
    assert doc.source == "/tmp/c25-99.txt"
    assert doc.content_hash == "abc123"
    assert doc.ingested is True
    assert doc.summary == ("This report describes the progress of the staff digital skills "
                           "programme in 2024. It also sets out the priorities for 2025.")
    assert doc.title == ("This report describes the progress of the staff digital skills "
                         "programme in 2024.")
    assert doc.action_required == "The Council is invited to note this report."


def test_footers_removed_from_cleaned_text(parsed):
    assert "C25/99-E\t" not in parsed.cleaned_text
    assert "____" not in parsed.cleaned_text
    assert "footnoteRef" not in parsed.cleaned_text


def test_passages_index_the_cleaned_text(parsed):
    assert parsed.passages
    for i, p in enumerate(parsed.passages):
        assert p.id == f"C25/99#{i}"
        assert p.ordinal == i
        assert p.document_id == "C25/99"
        assert 0 <= p.start < p.end <= len(parsed.cleaned_text)
        assert parsed.cleaned_text[p.start:p.end] == p.text
        assert p.text.strip()
    assert [p.section for p in parsed.passages if p.section[0].isdigit()] == ["1.1", "1.2", "2.1"]
    by_section = {p.section: p for p in parsed.passages}
    assert by_section["1.1"].heading_path == ("1 Background",)
    assert by_section["2.1"].heading_path == ("2 Next steps",)
    assert by_section["Summary"].text.startswith("This report describes")


def test_footnote_is_its_own_passage(parsed):
    assert parsed.footnotes == ["The group includes one member from each Bureau and one "
                                "from the staff."]
    notes = [p for p in parsed.passages if p.section == "Footnotes"]
    assert len(notes) == 1
    assert notes[0].heading_path == ("Footnotes",)
    assert "The group includes one member from each Bureau" in notes[0].text
    # ... and no longer interrupts paragraph 1.1
    para = next(p for p in parsed.passages if p.section == "1.1")
    assert "one member from each Bureau" not in para.text
    assert "every quarter. Its work supports" in para.text


# ---------------------------------------------------------------- relations


def test_cites_resolution_version_with_version_of(parsed):
    cites = _relations(parsed, "CITES")
    version = "resolution/pp-179/rev-bucharest-2022"
    assert ("C25/99", version) in cites
    assert cites[("C25/99", version)].target_type == "ResolutionVersion"
    version_of = _relations(parsed, "VERSION_OF")
    assert (version, "resolution/pp-179") in version_of
    assert version_of[(version, "resolution/pp-179")].target_type == "Resolution"
    entities = {e.id: e for e in parsed.entities}
    assert entities[version].type == "ResolutionVersion"
    assert entities[version].aliases == ("Rev. Bucharest, 2022",)
    assert entities["resolution/pp-179"].type == "Resolution"


def test_cites_body_document(parsed):
    cites = _relations(parsed, "CITES")
    assert ("C25/99", "C24/58") in cites
    assert cites[("C25/99", "C24/58")].target_type == "Document"
    cited = {d.id: d for d in parsed.cited_documents}
    assert "C24/58" in cited
    assert cited["C24/58"].ingested is False


def test_cites_documents_from_references_line(parsed):
    # Regression (see test_structure.test_short_references_line_is_content_not_a_heading):
    # C24/35 is cited only in the short references line, once taken for a heading.
    cites = _relations(parsed, "CITES")
    assert ("C25/99", "C24/35") in cites, sorted(t for _, t in cites)
    assert parsed.references == [
        "Council documents C24/35, C24/58; Resolution 179 (Rev. Bucharest, 2022)"]


def test_relation_evidence_points_into_passages(parsed):
    passages = {p.id: p for p in parsed.passages}
    with_evidence = [r for r in parsed.relations if r.evidence is not None]
    assert with_evidence
    for r in with_evidence:
        ev = r.evidence
        assert ev.passage_id in passages, r
        assert passages[ev.passage_id].text[ev.start:ev.end] == ev.text


def test_relations_respect_the_ontology(parsed):
    schema = default_schema()
    for r in parsed.relations:
        schema.check_edge(r.type, r.source_type, r.target_type)
    for e in parsed.entities:
        assert e.type in schema.entity_labels


def test_document_never_cites_itself(parsed):
    # paragraph 2.1 mentions "Document C25/99"
    assert "C25/99" in next(p.text for p in parsed.passages if p.section == "2.1")
    assert all(r.target != "C25/99" for r in parsed.relations)
    assert all(d.id != "C25/99" for d in parsed.cited_documents)
    assert all(m.entity_id != "C25/99" for m in parsed.mentions)


def test_acronym_definition_and_later_uses(parsed):
    entities = {e.id: e for e in parsed.entities}
    body = entities["body/dssg"]
    assert body.type == "Body"
    assert body.name == "Digital Skills Steering Group"
    assert body.aliases == ("DSSG",)
    passages = {p.id: p for p in parsed.passages}
    mentions = [m for m in parsed.mentions if m.entity_id == "body/dssg"]
    sections = {passages[m.passage_id].section for m in mentions}
    assert {"1.1", "1.2", "2.1"} <= sections
    for m in mentions:
        assert passages[m.passage_id].text[m.start:m.end] == m.text
    later = [m.text for m in mentions if passages[m.passage_id].section != "1.1"]
    assert later and set(later) == {"DSSG"}


# ---------------------------------------------------------------- revisions, errors


def test_revision_revises_its_base(parser):
    text = ("Purpose\nThis revision corrects the cost figures reported to the group.\n"
            "1\tBackground\n1.1\tThe figures in Table 1 were corrected.\n"
            "\t\tCWG-FHR-22/9(Rev.1)-E\t1\n")
    parsed = parser.parse_text(text, source="rev.txt", content_hash="h", fallback_id="doc/rev")
    assert parsed.document.id == "CWG-FHR-22/9(Rev.1)"
    assert parsed.document.language == "E"
    revises = _relations(parsed, "REVISES")
    assert ("CWG-FHR-22/9(Rev.1)", "CWG-FHR-22/9") in revises
    assert "CWG-FHR-22/9" in {d.id for d in parsed.cited_documents}
    assert all(d.id != parsed.document.id for d in parsed.cited_documents)


def test_cited_revision_revises_its_base(parser):
    text = "1\tBackground\n1.1\tThe scope was approved on the basis of Document C23/52(Rev.1).\n"
    parsed = parser.parse_text(text, source="x.txt", content_hash="h", fallback_id="doc/x")
    assert parsed.document.id == "doc/x"   # no symbol of its own
    assert ("doc/x", "C23/52(Rev.1)") in _relations(parsed, "CITES")
    assert ("C23/52(Rev.1)", "C23/52") in _relations(parsed, "REVISES")


def test_header_symbol_used_without_footer(parser):
    text = ("Document C24/61-F\n3 April 2024\nPurpose\nA short purpose statement for the "
            "report.\n1\tIntro\n1.1\tText of the first paragraph.\n")
    parsed = parser.parse_text(text, source="x.txt", content_hash="h", fallback_id="doc/x")
    assert parsed.document.id == "C24/61-F"  # a language version: its own node
    assert parsed.document.language == "F"
    assert parsed.document.date == "2024-04-03"
    assert parsed.document.year == 2024


@pytest.mark.parametrize(("header", "expected_id"), [
    ("Document C24/61-E", "C24/61"), ("Document C24/61", "C24/61"),
    ("Document C24/61-S", "C24/61-S"), ("Document C24/61(Rev.1)-R", "C24/61(Rev.1)-R")])
def test_language_versions_are_linked_not_merged(parser, header, expected_id):
    text = (f"{header}\n3 April 2024\nPurpose\nA short purpose statement for the "
            "report.\n1\tIntro\n1.1\tText of the first paragraph.\n")
    parsed = parser.parse_text(text, source="x.txt", content_hash="h", fallback_id="doc/x")
    assert parsed.document.id == expected_id
    assert parsed.document.symbol == expected_id
    links = _relations(parsed, "LANGUAGE_VERSION_OF")
    if expected_id.endswith(("-S", "-R")):  # linked to the reference-language document
        work = expected_id[:-2]
        assert set(links) == {(expected_id, work)}
        assert work in {d.id for d in parsed.cited_documents}
    else:
        assert not links


def test_year_falls_back_to_symbol():
    cleaned = clean("Purpose\nA purpose line for this test.\n\t\tC23/INF/4-E\t1\n")
    meta = detect_metadata(classify_lines(cleaned.lines), cleaned)
    assert meta.symbol is not None and meta.symbol.canonical == "C23/INF/4"
    assert meta.date is None
    assert meta.year == 2023


def test_date_inside_a_sentence_is_not_the_cover_date():
    cleaned = clean("Purpose\nRoles were set by Service Order 24/10 (20 September 2024) "
                    "and confirmed by the board.\n")
    meta = detect_metadata(classify_lines(cleaned.lines), cleaned)
    assert meta.date is None


def test_fallback_id_without_symbol(parser):
    parsed = parser.parse_text("Some plain notes without any symbol at all.",
                               source="notes.txt", content_hash="h", fallback_id="doc/notes")
    assert parsed.document.id == "doc/notes"
    assert parsed.document.symbol is None
    assert parsed.document.language is None
    assert [p.id for p in parsed.passages] == ["doc/notes#0"]


@pytest.mark.parametrize("text", ["", "   ", " \n\t\n\r\n", "\u00a0\u200b\n",
                                  "__________\n- 2 -\n"])
def test_empty_input_raises(parser, text):
    with pytest.raises(EmptyInputError):
        parser.parse_text(text, source="empty.txt", content_hash="h", fallback_id="doc/empty")


def test_max_words_option_is_honoured():
    parser = DocumentParser(ParseOptions(target_words=10, max_words=12))
    parsed = parser.parse_text(DOC, source="x.txt", content_hash="h", fallback_id="doc/x")
    assert all(len(p.text.split()) <= 12 for p in parsed.passages)
    for p in parsed.passages:
        assert parsed.cleaned_text[p.start:p.end] == p.text


def test_entity_types_outside_the_ontology_are_refused():
    from ingest.extraction import Extraction, Extractor
    from ontology.errors import UnknownTermError
    from ontology.records import EntityRecord

    class RogueExtractor(Extractor):
        def extract(self, **kwargs):  # type: ignore[no-untyped-def,override]
            return Extraction(entities=[EntityRecord("person/x", "Person", "X")])

    parser = DocumentParser(extractor=RogueExtractor())
    with pytest.raises(UnknownTermError, match="Person"):
        parser.parse_text("Summary\nA short text.\n", source="x.txt", content_hash="h",
                          fallback_id="doc/x")
