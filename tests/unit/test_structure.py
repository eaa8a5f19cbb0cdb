"""Stage 3: line classification, passages and sentences (ingest.structure, ingest.sentences)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from ingest.cleaning import Line, clean
from ingest.sentences import split_sentences
from ingest.structure import Kind, classify, classify_lines, split_passages, word_count

DOC = (
    "Purpose\n"
    "This document reports on a pilot of shared translation tools across the Bureaux.\n"
    "Action required\n"
    "The Council is invited to note this report and to provide guidance.\n"
    "References\n"
    "Council documents C24/12, C24/40; Resolution 154 (Rev. Bucharest, 2022); "
    "Service Order 24/10 on language services.\n"
    "1\tIntroduction\n"
    "1.1\tThe pilot started in January 2024. It covered three regional offices and "
    "the headquarters in Geneva.\n"
    "1.2\tThe following actions were taken during the first phase:\n"
    "\tfirst, a survey of translators was held;\n"
    "\tsecond, a workshop was organised in each region;\n"
    "· third, a glossary was published online.\n"
    "Lessons learned\n"
    "The remaining observations are collected in this paragraph, which is long enough to "
    "stand on its own as an ordinary paragraph of prose in the report.\n"
    "2\tResults\n"
    "2.1\tTurnaround times fell by a fifth.\n"
)


@pytest.fixture(scope="module")
def doc():
    cleaned = clean(DOC)
    blocks = classify_lines(cleaned.lines)
    return cleaned, blocks, split_passages(blocks)


def test_classification(doc):
    _, blocks, _ = doc
    kinds = [(b.kind, b.text[:20]) for b in blocks]
    assert kinds == [
        (Kind.LABEL, "Purpose"),
        (Kind.PARAGRAPH, "This document report"),
        (Kind.LABEL, "Action required"),
        (Kind.PARAGRAPH, "The Council is invit"),
        (Kind.LABEL, "References"),
        (Kind.PARAGRAPH, "Council documents C2"),
        (Kind.HEADING, "1 Introduction"),
        (Kind.PARAGRAPH, "1.1 The pilot starte"),
        (Kind.PARAGRAPH, "1.2 The following ac"),
        (Kind.ITEM, "first, a survey of t"),
        (Kind.ITEM, "second, a workshop w"),
        (Kind.ITEM, "· third, a glossary "),
        (Kind.HEADING, "Lessons learned"),
        (Kind.PARAGRAPH, "The remaining observ"),
        (Kind.HEADING, "2 Results"),
        (Kind.PARAGRAPH, "2.1 Turnaround times"),
    ]
    by_text = {b.text[:3]: b for b in blocks}
    assert by_text["1 I"].number == "1"
    assert by_text["1.1"].number == "1.1"
    assert by_text["2.1"].number == "2.1"
    assert blocks[0].label == "Purpose"
    assert blocks[2].label == "Action required"
    assert blocks[4].label == "References"


def test_block_offsets_index_cleaned_text(doc):
    cleaned, blocks, _ = doc
    for block in blocks:
        assert cleaned.text[block.start:block.end] == block.text


def test_passages_follow_structure(doc):
    cleaned, _, passages = doc
    got = [(p.section, p.heading_path, cleaned.text[p.start:p.end].split("\n")[0][:24])
           for p in passages]
    assert got == [
        ("Purpose", ("Purpose",), "This document reports on"),
        ("Action required", ("Action required",), "The Council is invited t"),
        ("References", ("References",), "Council documents C24/12"),
        ("1.1", ("1 Introduction",), "1.1 The pilot started in"),
        ("1.2", ("1 Introduction",), "1.2 The following action"),
        ("Lessons learned", ("1 Introduction", "Lessons learned"), "The remaining observatio"),
        ("2.1", ("2 Results",), "2.1 Turnaround times fel"),
    ]


def test_list_items_stay_with_their_introduction(doc):
    cleaned, _, passages = doc
    intro = next(p for p in passages if p.section == "1.2")
    text = cleaned.text[intro.start:intro.end]
    assert text.startswith("1.2 The following actions were taken during the first phase:")
    assert "first, a survey of translators was held;" in text
    assert "second, a workshop was organised in each region;" in text
    assert text.endswith("· third, a glossary was published online.")


def test_every_passage_is_a_slice_of_the_cleaned_text(doc):
    cleaned, _, passages = doc
    assert passages
    for p in passages:
        assert 0 <= p.start < p.end <= len(cleaned.text)
        text = cleaned.text[p.start:p.end]
        assert text == text.strip()
        assert text
    # passages are in document order and do not overlap
    for a, b in pairwise(passages):
        assert a.end <= b.start


def test_headings_are_not_passage_text(doc):
    cleaned, _, passages = doc
    joined = "\n".join(cleaned.text[p.start:p.end] for p in passages)
    assert "1 Introduction" not in joined
    assert "Lessons learned\n" not in joined


def test_numbered_heading_replaces_unnumbered_sibling():
    lines = [Line("1 Scope", False), Line("Background", False),
             Line("This is a paragraph with enough words to be a paragraph of its own.", False),
             Line("1.1 Details", False),
             Line("1.1.1 The sub-paragraph text is here and is a full sentence.", False)]
    passages = split_passages(classify_lines(lines))
    assert [(p.section, p.heading_path) for p in passages] == [
        ("Background", ("1 Scope", "Background")),
        ("1.1.1", ("1 Scope", "1.1 Details")),
    ]


def test_short_paragraphs_join_and_numbered_paragraph_opens_passage():
    lines = [Line("2 Budget", False), Line("Short one.", False), Line("Short two.", False),
             Line("2.1 A numbered paragraph starts here.", False)]
    cleaned_text = "\n".join(line.text for line in lines)
    passages = split_passages(classify_lines(lines))
    assert [cleaned_text[p.start:p.end] for p in passages] == [
        "Short one.\nShort two.", "2.1 A numbered paragraph starts here."]


@pytest.mark.parametrize(("text", "indented", "kind"), [
    ("Annex 2", False, Kind.LABEL),
    ("Action required by the Council:", False, Kind.LABEL),
    ("Financial implications", False, Kind.LABEL),
    ("3\tGovernance of the programme", False, Kind.HEADING),
    ("3.2\tThe board meets monthly.", False, Kind.PARAGRAPH),
    ("a)\tthe first option;", False, Kind.ITEM),
    ("(ii) the second option;", False, Kind.ITEM),
    ("- a dash bullet", False, Kind.ITEM),
    ("1\tthe numbered list item in lower case", False, Kind.ITEM),
    ("Any indented line", True, Kind.ITEM),
    ("Governance arrangements", False, Kind.HEADING),
    ("This sentence ends with a full stop.", False, Kind.PARAGRAPH),
    ("", False, Kind.BLANK),
])
def test_classify_single_lines(text, indented, kind):
    line = clean(("\t" if indented else "") + text).lines
    line = line[0] if line else Line("", False)
    assert classify(line, 0).kind is kind


# ---------------------------------------------------------------- sizes

SENTENCE = "The secretariat reviewed item {} with the regional offices and agreed on follow up."
N_SENTENCES = 72  # 14 words each: just over 1,000 words


def _long_doc() -> str:
    paragraph = " ".join(SENTENCE.format(i) for i in range(1, N_SENTENCES + 1))
    return f"3\tFindings\n3.1\t{paragraph}\n"


def test_long_paragraph_split_only_between_sentences():
    cleaned = clean(_long_doc())
    blocks = classify_lines(cleaned.lines)
    assert word_count(blocks[1].text) > 1000
    passages = split_passages(blocks, target_words=150, max_words=220)
    assert len(passages) >= 5
    for p in passages:
        text = cleaned.text[p.start:p.end]
        assert word_count(text) <= 220
        assert text.endswith("follow up."), text[-40:]
        assert p.section == "3.1"
        assert p.heading_path == ("3 Findings",)
    # nothing lost: every sentence is in exactly one passage
    joined = " ".join(cleaned.text[p.start:p.end] for p in passages)
    for i in range(1, N_SENTENCES + 1):
        assert joined.count(f"item {i} with") == 1


def test_single_huge_sentence_is_hard_split():
    words = [f"w{i}" for i in range(2000)]
    cleaned = clean("Heading here\n" + " ".join(words) + "\n")
    passages = split_passages(classify_lines(cleaned.lines), target_words=150, max_words=220)
    pieces = [cleaned.text[p.start:p.end] for p in passages]
    assert all(word_count(t) <= 220 for t in pieces)
    assert " ".join(pieces).split() == words


@pytest.mark.parametrize("max_words", [7, 50, 220])
def test_no_passage_exceeds_max_words(max_words):
    cleaned = clean(DOC + _long_doc())
    passages = split_passages(classify_lines(cleaned.lines), target_words=max_words // 2 + 1,
                              max_words=max_words)
    for p in passages:
        assert word_count(cleaned.text[p.start:p.end]) <= max_words


# ---------------------------------------------------------------- sentences


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("See Doc. C23/52 for the details. The Council noted it.",
     ["See Doc. C23/52 for the details.", "The Council noted it."]),
    ("Some tools, e.g. this one, were tested. Others were not.",
     ["Some tools, e.g. this one, were tested.", "Others were not."]),
    ("Refer to No. 5 of the list. Then close.", ["Refer to No. 5 of the list.", "Then close."]),
    ("Under Art. 12 of the Convention. Next.", ["Under Art. 12 of the Convention.", "Next."]),
    ("Costs reached CHF 1.2 million. Savings followed.",
     ["Costs reached CHF 1.2 million.", "Savings followed."]),
    ("He said \"Done.\" Then he left.", ["He said \"Done.\"", "Then he left."]),
    ("Is it ready? Yes! It is.", ["Is it ready?", "Yes!", "It is."]),
    ("  Leading and trailing space.  ", ["Leading and trailing space."]),
    ("", []),
])
def test_split_sentences(text, expected):
    assert _sentences(text) == expected


def test_split_sentences_spans_index_the_text():
    text = "First one. Second (Rev. 1) one. Third."
    for a, b in split_sentences(text):
        assert text[a:b] == text[a:b].strip()
    assert _sentences(text) == ["First one.", "Second (Rev. 1) one.", "Third."]


def test_sentence_ending_with_the_word_annex_is_split():
    # Regression: "annex" was once treated as an abbreviation.
    text = "The details are given in the annex. The Council noted them."
    assert _sentences(text) == ["The details are given in the annex.",
                                "The Council noted them."]


def test_short_references_line_is_content_not_a_heading():
    # Regression: a short references line without a full stop was once classified
    # as a heading, so it was in no passage and its citations were lost.
    lines = [Line("References", False),
             Line("Council documents C24/35, C24/58; Resolution 179 (Rev. Bucharest, 2022)",
                  False),
             Line("1 Introduction", False),
             Line("1.1 The report follows.", False)]
    text = "\n".join(line.text for line in lines)
    passages = split_passages(classify_lines(lines))
    texts_by_section = {p.section: text[p.start:p.end] for p in passages}
    assert texts_by_section.get("References") == lines[1].text, texts_by_section
