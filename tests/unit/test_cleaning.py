"""Stage 2: cleaning of Word plain-text exports (ingest.cleaning)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from ingest.cleaning import Line, clean, normalise


def texts(raw: str) -> list[str]:
    return [line.text for line in clean(raw).lines]


def test_bookmarks_removed():
    cleaned = clean("[bookmark: _Toc101]1\tIntroduction\nThe text [bookmark: id_2]goes on.")
    assert cleaned.text == "1 Introduction\nThe text goes on."
    assert "bookmark" not in cleaned.text
    assert cleaned.removed["bookmarks"] == 2


def test_footnote_moved_out_and_sentence_joined():
    raw = ("2.1\tThe working group met twice.[footnoteRef:1] It adopted its report. "
           "[1:  \tbody text] The Council will consider it.\n2.2\tNext paragraph.")
    cleaned = clean(raw)
    assert cleaned.footnotes == {1: "body text"}
    assert cleaned.lines[0].text == ("2.1 The working group met twice. It adopted its report. "
                                     "The Council will consider it.")
    assert cleaned.lines[1].text == "2.2 Next paragraph."
    assert "footnoteRef" not in cleaned.text
    assert "[1:" not in cleaned.text
    assert cleaned.removed["footnotes"] == 1


def test_footnote_body_spanning_lines_is_flattened():
    raw = "Text.[footnoteRef:4] More. [4:  \tfirst part\n  second\tpart]\nAfter."
    cleaned = clean(raw)
    assert cleaned.footnotes == {4: "first part second part"}
    assert texts(raw) == ["Text. More.", "After."]


def test_footnote_body_with_brackets_ends_at_its_own_bracket():
    raw = ("Costs were noted.[footnoteRef:2] [2:  \tSee [Annex A] and [Table 3] of the "
           "report.] The plan continues.")
    cleaned = clean(raw)
    assert cleaned.footnotes == {2: "See [Annex A] and [Table 3] of the report."}
    assert cleaned.text == "Costs were noted. The plan continues."


def test_several_footnotes_keyed_by_number():
    raw = ("A happened.[footnoteRef:1] [1: First note.] B happened.[footnoteRef:2] "
           "[2: Second note.] End.")
    cleaned = clean(raw)
    assert cleaned.footnotes == {1: "First note.", 2: "Second note."}
    assert cleaned.text == "A happened. B happened. End."


def test_unclosed_footnote_body_stays_visible():
    raw = "Noted.[footnoteRef:2] More text. [2: this body never closes\nnext line"
    cleaned = clean(raw)
    assert cleaned.footnotes == {}
    assert "[2: this body never closes" in cleaned.text
    assert "next line" in cleaned.text
    # the marker itself is still removed
    assert "footnoteRef" not in cleaned.text


def test_bracket_number_without_marker_stays_in_text():
    raw = "The options [3: do nothing] and [4: act now] were compared."
    cleaned = clean(raw)
    assert cleaned.footnotes == {}
    assert cleaned.text == raw


def test_nbsp_and_zero_width_normalised():
    raw = "CHF\u00a01.2\u00a0million\u200b for the\u00adprogramme\ufeff in Gen\u200beva."
    assert normalise(raw) == "CHF 1.2 million for theprogramme in Geneva."
    assert texts(raw) == ["CHF 1.2 million for theprogramme in Geneva."]


def test_normalise_unifies_line_breaks_and_nfkc():
    assert normalise("a\r\nb\rc\n") == "a\nb\nc\n"
    assert normalise("ﬁnance ①") == "finance 1"   # ligature and circled digit (NFKC)


def test_repeated_page_footers_removed_and_symbol_parsed():
    raw = ("1.1\tPage one ends here.\n\t\tC25/31-E\t1\n1.2\tPage two ends here.\n"
           "\t\tC25/31-E\t2\n1.3\tLast page.\n\t\tC25/31-E\t3\n")
    cleaned = clean(raw)
    assert texts(raw) == ["1.1 Page one ends here.", "1.2 Page two ends here.", "1.3 Last page."]
    assert cleaned.footer_symbol is not None
    assert cleaned.footer_symbol.base == "C25/31"
    assert cleaned.footer_symbol.language == "E"
    assert cleaned.removed["footers"] == 3


def test_symbol_inside_sentence_is_not_a_footer():
    cleaned = clean("See Document C25/31-E for details.")
    assert cleaned.footer_symbol is None
    assert cleaned.text == "See Document C25/31-E for details."


def test_symbol_without_language_is_not_a_footer():
    cleaned = clean("Intro.\nC25/31\nEnd.")
    assert cleaned.footer_symbol is None
    assert "C25/31" in cleaned.text


def test_page_numbers_become_blank():
    assert texts("First.\n- 3 -\nSecond.\n12\nThird.") == ["First.", "", "Second.", "",
                                                          "Third."]


def test_image_placeholder_and_ocr_noise_removed_long_paragraph_kept():
    long_para = ("The chart above shows how participation in the programme grew steadily in "
                 "every region during the reporting period.")
    raw = f"Before the figure.\n\nimage1.png\nFig 2\n35%\nQ1 Q2 Q3\n\n{long_para}\nAfter."
    cleaned = clean(raw)
    assert texts(raw) == ["Before the figure.", "", long_para, "After."]
    assert cleaned.removed["images"] == 1
    assert cleaned.removed["image_noise"] == 3


def test_numbered_paragraph_ends_image_noise():
    raw = "image12.PNG\nLegend\n3.1 Short numbered text\nTail."
    assert texts(raw) == ["3.1 Short numbered text", "Tail."]


def test_image_noise_window_is_bounded():
    # after 12 noise lines, short lines are text again
    noise = "\n".join(f"n{i}" for i in range(12))
    assert texts(f"image3.jpg\n{noise}\nShort kept") == ["Short kept"]


def test_separator_lines_become_blank():
    assert texts("Action\n__________________\nReferences") == ["Action", "", "References"]
    assert texts("Above\n  ========  \n\n\nBelow") == ["Above", "", "Below"]


def test_private_use_bullet_becomes_bullet_and_indented():
    cleaned = clean("The measures were:\n\uf0b7\tfirst measure;\n\uf0b7 second measure.")
    assert cleaned.lines == [
        Line("The measures were:", False),
        Line("• first measure;", True),
        Line("• second measure.", True),
    ]


def test_other_private_use_characters_dropped():
    assert texts("Budget\uf020 overview\ue001") == ["Budget overview"]


def test_tab_indentation_recorded_and_spaces_collapsed():
    cleaned = clean("\tindented\t item\nplain   line  ")
    assert cleaned.lines == [Line("indented item", True), Line("plain line", False)]


def test_blank_runs_collapse_and_edges_trimmed():
    cleaned = clean("\n\n\nOne.\n\n\n\nTwo.\n\n\n")
    assert [line.text for line in cleaned.lines] == ["One.", "", "Two."]


def test_many_unclosed_footnote_bodies_stay_fast():
    # Regression: footnote extraction once rescanned the text for every unclosed
    # "[N:" (quadratic: 60 kB took ~35 s); brackets are now matched in one pass.
    # Run in a subprocess so a regression fails after the timeout, not after hours.
    code = textwrap.dedent("""
        from ingest.cleaning import clean
        clean("[footnoteRef:1] " + "[1: x " * 10_000)
    """)
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=5)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            "clean() of 60 kB with 10,000 unclosed '[1:' bodies took > 5 s (quadratic scan)"
        ) from None
