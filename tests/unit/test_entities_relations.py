"""Entity recognition, resolution and typed relations on small texts written for the tests."""
# ruff: noqa: E501  (the sample document keeps one paragraph per line, as Word exports do)

from __future__ import annotations

import time

import pytest

from ingest.pipeline import DocumentParser

DOC = """Summary
This document presents a report on the implementation of Resolution 140 (Rev. Dubai, 2018) on the role of ITU in the follow-up of the outcomes of the summit.
Action required
The Council is invited to approve the proposals.
____________
1\tBackground
1.1\tThe 2018 Plenipotentiary Conference (PP-18) adopted Resolution 140 (Rev. Dubai, 2018).
1.2\tThe Resolution instructs the Secretary-General and the Directors of the Bureaux to report annually to the Council.
2\tThe Summit Follow-up Steering Committee (SFSC)
2.1\tThe Terms of Reference of the Committee were established by Service Order 19/04 (3 May 2019).
2.2\tThe SFSC, chaired by the Deputy Secretary-General, reports to the Secretary-General.
Members of the SFSC include:
\tone member from the Telecommunication Development Bureau
\tthe Chief of the Strategic Planning and Membership Department
2.3\tThe Joint Inspection Unit (JIU) reviewed the work of the SFSC at the WSIS Forum and COP28.
2.4\tThe Digital Inclusion Programme supports Objective 2: Bridging the Digital Divide and contributes to cybersecurity awareness.
"""


@pytest.fixture(scope="module")
def parsed():  # type: ignore[no-untyped-def]
    return DocumentParser().parse_text(DOC, source="t.txt", content_hash="h", fallback_id="doc/t")


def _rel(parsed, kind):  # type: ignore[no-untyped-def]
    return {(r.source, r.target) for r in parsed.relations if r.type == kind}


def test_entity_types(parsed) -> None:  # type: ignore[no-untyped-def]
    by_id = {e.id: e.type for e in parsed.entities}
    assert by_id["body/sfsc"] == "Body"
    assert by_id["role/secretary-general"] == "Role"
    assert by_id["role/deputy-secretary-general"] == "Role"
    assert by_id["organization/jiu"] == "Organization"  # definition resolved to the gazetteer
    assert by_id["event/pp-18"] == "Event"
    assert by_id["event/cop28"] == "Event"
    assert by_id["event/wsis-forum"] == "Event"
    assert by_id["objective/bridging-the-digital-divide"] == "Objective"
    assert by_id["initiative/digital-inclusion-programme"] == "Initiative"
    assert by_id["topic/cybersecurity"] == "Topic"
    assert by_id["role/chief-strategic-planning-and-membership-department"] == "Role"


def test_relations_with_evidence(parsed) -> None:  # type: ignore[no-untyped-def]
    version = "resolution/pp-140/rev-dubai-2018"
    assert ("doc/t", version) in _rel(parsed, "REPORTS_ON")
    assert (version, "event/pp-18") in _rel(parsed, "ADOPTED_AT")
    instructs = _rel(parsed, "INSTRUCTS")
    assert ("resolution/pp-140", "role/secretary-general") in instructs
    assert ("resolution/pp-140", "role/directors-of-the-bureaux") in instructs
    assert ("body/sfsc", "instrument/service-order-19-04") in _rel(parsed, "ESTABLISHED_BY")
    assert ("body/sfsc", "role/deputy-secretary-general") in _rel(parsed, "CHAIRED_BY")
    assert ("body/sfsc", "role/secretary-general") in _rel(parsed, "REPORTS_TO")
    members = _rel(parsed, "MEMBER_OF")
    assert ("body/bdt", "body/sfsc") in members
    assert ("role/chief-strategic-planning-and-membership-department", "body/sfsc") in members
    assert ("initiative/digital-inclusion-programme", "objective/bridging-the-digital-divide") \
        in _rel(parsed, "SUPPORTS")
    passages = {p.id: p.text for p in parsed.passages}
    for r in parsed.relations:
        if r.evidence is not None:
            assert passages[r.evidence.passage_id][r.evidence.start:r.evidence.end].startswith(
                r.evidence.text[:50])
            assert 0 < r.confidence <= 1


def test_action_required_detected(parsed) -> None:  # type: ignore[no-untyped-def]
    assert parsed.document.action_required.startswith("The Council is invited to approve")


def test_acronym_learned_in_one_document_is_known_in_the_next() -> None:
    parser = DocumentParser()
    parser.parse_text("Purpose\nThe Headquarters Premises Board (HPB) met twice.\n",
                      source="a.txt", content_hash="a", fallback_id="doc/a")
    later = parser.parse_text("Purpose\nThe HPB approved the budget.\n",
                              source="b.txt", content_hash="b", fallback_id="doc/b")
    assert {e.id for e in later.entities} == {"body/hpb"}


def test_same_acronym_two_meanings_stay_two_entities() -> None:
    parser = DocumentParser()
    a = parser.parse_text("Purpose\nThe Cyber Resilience Programme (CRP) started.\n",
                          source="a.txt", content_hash="a", fallback_id="doc/a")
    b = parser.parse_text("Purpose\nThe Contract Review Panel (CRP) met.\n",
                          source="b.txt", content_hash="b", fallback_id="doc/b")
    assert {e.id for e in a.entities} != {e.id for e in b.entities}


@pytest.mark.parametrize("text", [
    "Purpose\n" + "no entities here at all. " * 2000,
    "Purpose\n" + " ".join(f"The Group Number {i} Team (GN{i}T)" for i in range(10_000)),
    "Purpose\n" + "(" * 50_000 + "Resolution 71" + ")" * 50_000,
    "Purpose\n" + "Council " * 150_000,  # a 1 MB single line
    "Purpose\n" + "A" * 1_000_000,
])
def test_hostile_texts_finish_in_bounded_time(text: str) -> None:
    start = time.perf_counter()
    parsed = DocumentParser().parse_text(text, source="x.txt", content_hash="h",
                                         fallback_id="doc/x")
    # a guard against catastrophic backtracking, not a benchmark
    assert time.perf_counter() - start < 60
    assert parsed.passages


@pytest.mark.parametrize(("text", "expected"), [
    ("The Council is invited to approve the proposals.", "approve"),
    ("The Council is invited to endorse the document.", "endorse"),
    ("The Council is invited to comment and advise on this initiative.", "comment"),
    ("The Council is invited to take note of this report.", "note"),
    ("The Council Working Group is invited to note the report.", "note"),
    (None, None),
])
def test_action_type(text, expected) -> None:  # type: ignore[no-untyped-def]
    from ingest.metadata import action_type

    assert action_type(text) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("the Coordination Committee agreed to initiate a Digital Transformation Initiative (DT-I)",
     ("initiative/dt-i", "body/coco")),
    ("the Coordination Committee set up the Summit Follow-up Steering Committee (SFSC)",
     ("body/sfsc", "body/coco")),
    ("the Coordination Committee agreed to review the Digital Transformation Initiative",
     None),
])
def test_active_voice_founding(sentence, expected) -> None:  # type: ignore[no-untyped-def]
    text = f"1\tBackground\n1.1\tIn March 2021, {sentence}.\n"
    parsed = DocumentParser().parse_text(text, source="x", content_hash="h",
                                         fallback_id="doc/t")
    found = _rel(parsed, "ESTABLISHED_BY")
    assert (expected in found) if expected else not found, found
