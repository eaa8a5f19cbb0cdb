"""Question analysis on a blank spaCy pipeline, taught a made-up stored entity."""

from __future__ import annotations

from ingest.questions import QuestionAnalyzer
from ontology.records import EntityRecord

KNOWN = EntityRecord("body/xzc", "Body", "Xylophone Zebra Committee", ("XZC",))


def test_acronym_and_long_form_are_recognised_both_ways() -> None:
    analyzer = QuestionAnalyzer([KNOWN])
    short = analyzer.analyze("Who chairs the XZC these days?")
    assert short.entity_ids == ("body/xzc",)
    assert short.expansions == ("Xylophone Zebra Committee",)
    assert short.entities[0].text == "XZC" and short.entities[0].start == 15
    long_form = analyzer.analyze("who chairs the xylophone zebra committee")
    assert long_form.entity_ids == ("body/xzc",) and long_form.expansions == ("XZC",)


def test_symbols_and_nothing() -> None:
    analyzer = QuestionAnalyzer([KNOWN])
    found = analyzer.analyze("What does Document C24/58 say?")
    assert "C24/58" in found.entity_ids and found.expansions == ()
    empty = analyzer.analyze("what is new")
    assert empty.entities == () and empty.expansions == ()


def test_reading_questions_does_not_teach_the_ingest_resolver() -> None:
    analyzer = QuestionAnalyzer([KNOWN])
    other = QuestionAnalyzer([])
    analyzer.analyze("What did the Quartz Planning Unit decide?")
    assert other.analyze("Who chairs the XZC?").entity_ids == ()


def test_wording_names_the_relation_asked_about() -> None:
    analyzer = QuestionAnalyzer([KNOWN])
    assert analyzer.analyze("Who leads the XZC?").relations == ("CHAIRED_BY",)
    assert "ESTABLISHED_BY" in analyzer.analyze("Where does the XZC come from?").relations
    assert analyzer.analyze("What is the XZC?").relations == ()
    assert analyzer.analyze("Is the leadership reshuffle done?").relations == ()  # whole words


def test_cue_table_names_only_ontology_relations() -> None:
    from ingest.question_cues import relation_cues
    from ontology.schema import default_schema

    schema = default_schema()
    for relation, _ in relation_cues():
        schema.relation(relation)  # raises for a type the ontology does not define
    assert len(relation_cues()) >= 8
