"""Recognisers for ITU citation forms (ingest.symbols)."""

from __future__ import annotations

import time

import pytest

from ingest.symbols import find_acts, find_instruments, find_symbols, parse_symbol

# ---------------------------------------------------------------- parse_symbol


@pytest.mark.parametrize(
    ("text", "base", "canonical", "revision", "addendum", "corrigendum", "language"),
    [
        ("C23/52", "C23/52", "C23/52", None, None, None, None),
        ("C2001/102-E", "C2001/102", "C2001/102", None, None, None, "E"),
        ("C23/INF/11", "C23/INF/11", "C23/INF/11", None, None, None, None),
        ("CWG-FHR-20/12", "CWG-FHR-20/12", "CWG-FHR-20/12", None, None, None, None),
        ("CWG-FHR-16/6(Rev.1)", "CWG-FHR-16/6", "CWG-FHR-16/6(Rev.1)", 1, None, None, None),
        ("VC/13 (Rev.1)", "VC/13", "VC/13(Rev.1)", 1, None, None, None),
        ("VC-2/INF.22", "VC-2/INF.22", "VC-2/INF.22", None, None, None, None),
        ("JIU/REP/2016/1", "JIU/REP/2016/1", "JIU/REP/2016/1", None, None, None, None),
        ("A/RES/70/1", "A/RES/70/1", "A/RES/70/1", None, None, None, None),
        # typo forms seen in working-group documents are canonicalised
        ("CWGFHR-20/3", "CWG-FHR-20/3", "CWG-FHR-20/3", None, None, None, None),
        ("CWG-FHR12/3", "CWG-FHR-12/3", "CWG-FHR-12/3", None, None, None, None),
        # suffixes and language
        ("C23/52(Add.1)", "C23/52", "C23/52(Add.1)", None, 1, None, None),
        ("C23/52(Add.1)(Corr.1)", "C23/52", "C23/52(Add.1)(Corr.1)", None, 1, 1, None),
        ("C23/52(Rev.2)-F", "C23/52", "C23/52(Rev.2)", 2, None, None, "F"),
        ("CWG-FHR-16/6 (Rev.1)-E", "CWG-FHR-16/6", "CWG-FHR-16/6(Rev.1)", 1, None, None, "E"),
        ("C24/58-E", "C24/58", "C24/58", None, None, None, "E"),
        ("  C24/58-S  ", "C24/58", "C24/58", None, None, None, "S"),
    ],
)
def test_parse_symbol(text, base, canonical, revision, addendum, corrigendum, language):
    symbol = parse_symbol(text)
    assert symbol is not None, text
    assert symbol.base == base
    assert symbol.canonical == canonical
    assert symbol.revision == revision
    assert symbol.addendum == addendum
    assert symbol.corrigendum == corrigendum
    assert symbol.language == language


@pytest.mark.parametrize(("text", "year"), [("C23/52", 2023), ("C2001/102", 2001),
                                            ("C25/INF/3", 2025), ("CWG-FHR-20/12", None)])
def test_symbol_year(text, year):
    symbol = parse_symbol(text)
    assert symbol is not None
    assert symbol.year == year


@pytest.mark.parametrize("text", ["C23/52 and more", "24/7", "Council", "", "C3/52", "C23/"])
def test_parse_symbol_rejects_non_symbols(text):
    assert parse_symbol(text) is None


# ---------------------------------------------------------------- find_symbols


def test_find_symbols_in_prose_with_offsets():
    text = ("As reported in Documents C23/52(Rev.1) and CWG-FHR-20/12, and in "
            "VC/13 (Rev.1), the JIU/REP/2016/1 review applies.")
    found = list(find_symbols(text))
    assert [m.symbol.canonical for m in found] == [
        "C23/52(Rev.1)", "CWG-FHR-20/12", "VC/13(Rev.1)", "JIU/REP/2016/1"]
    for m in found:
        assert text[m.start:m.end] == m.text
    assert found[2].text == "VC/13 (Rev.1)"


def test_find_symbols_footer_line_has_language():
    found = list(find_symbols("\t\tC24/58-E\t3"))
    assert len(found) == 1
    assert found[0].text == "C24/58-E"
    assert found[0].symbol.base == "C24/58"
    assert found[0].symbol.language == "E"


def test_find_symbols_language_needs_word_end():
    # "-Espanol" is not a language suffix; the symbol itself still matches
    found = list(find_symbols("CWG-FHR-20/12-Espanol"))
    assert [m.symbol.language for m in found] == [None]
    # trailing punctuation after a language suffix is fine
    found = list(find_symbols("see CWG-FHR-20/12-E."))
    assert [(m.symbol.canonical, m.symbol.language) for m in found] == [("CWG-FHR-20/12", "E")]


@pytest.mark.parametrize("text", [
    "We provide 24/7 support to delegates.",
    "The quality system is certified under ISO 9001/2015.",
    "For the 2023/24 period the budget was stable.",
    "Ratio 12/3 was used.",
    "ABC23/52 is a product code.",   # preceded by a word character
    "x.C23/52",                        # preceded by a dot
    "path/C23/52",                     # preceded by a slash
])
def test_find_symbols_ignores_non_symbols(text):
    assert list(find_symbols(text)) == []


@pytest.mark.parametrize("text", ["C23/5234", "CWG-FHR-20/1234"])
def test_find_symbols_does_not_truncate_longer_numbers(text):
    # Regression: without a right boundary a four-digit number was cut to a
    # different, wrong symbol ("C23/5234" -> "C23/523").
    found = [m.text for m in find_symbols(text)]
    assert found == [], f"{text!r} yielded truncated symbol(s) {found}"


# ---------------------------------------------------------------- find_acts


@pytest.mark.parametrize(
    ("text", "kind", "issuer", "number", "version", "work_id", "version_id"),
    [
        ("Resolution 71 (Rev. Bucharest, 2022)", "Resolution", "PP", "71",
         "Rev. Bucharest, 2022", "resolution/pp-71", "resolution/pp-71/rev-bucharest-2022"),
        ("Resolution 191 (Busan, 2014)", "Resolution", "PP", "191", "Busan, 2014",
         "resolution/pp-191", "resolution/pp-191/busan-2014"),
        ("Council Resolution 1173", "Resolution", "Council", "1173", None,
         "resolution/council-1173", None),
        ("Resolution 1405", "Resolution", "Council", "1405", None,
         "resolution/council-1405", None),
        ("Decision 5 (Rev. Busan, 2014)", "Decision", "PP", "5", "Rev. Busan, 2014",
         "decision/pp-5", "decision/pp-5/rev-busan-2014"),
        ("WTSA Resolution 1", "Resolution", "WTSA", "1", None, "resolution/wtsa-1", None),
        ("Resolution 37 (Rev. Kigali, 2022)", "Resolution", "WTDC", "37", "Rev. Kigali, 2022",
         "resolution/wtdc-37", "resolution/wtdc-37/rev-kigali-2022"),
        ("Resolution 1 (Rev. New Delhi, 2024)", "Resolution", "WTSA", "1",
         "Rev. New Delhi, 2024", "resolution/wtsa-1", "resolution/wtsa-1/rev-new-delhi-2024"),
        ("UNGA Resolution 70/1", "Resolution", "UNGA", "70/1", None,
         "resolution/unga-70-1", None),
        ("Resolution 70/1", "Resolution", "UNGA", "70/1", None, "resolution/unga-70-1", None),
        ("Plenipotentiary Conference Resolution 2", "Resolution", "PP", "2", None,
         "resolution/pp-2", None),
        # "Rev.Bucharest" without a space is normalised to "Rev. Bucharest"
        ("Resolution No. 71 (Rev.Bucharest, 2022)", "Resolution", "PP", "71",
         "Rev. Bucharest, 2022", "resolution/pp-71", "resolution/pp-71/rev-bucharest-2022"),
    ],
)
def test_find_acts(text, kind, issuer, number, version, work_id, version_id):
    acts = list(find_acts(text))
    assert len(acts) == 1, acts
    act = acts[0]
    assert act.text == text
    assert (act.kind, act.issuer, act.number, act.version) == (kind, issuer, number, version)
    assert act.work_id == work_id
    assert act.version_id == version_id


@pytest.mark.parametrize("text", ["Dec 5/Annex 2", "Dec. 5/Annex 2"])
def test_find_acts_decision_annex_reference(text):
    acts = list(find_acts(text))
    assert [a.work_id for a in acts] == ["decision/pp-5"]
    assert acts[0].kind == "Decision"
    assert acts[0].version is None


def test_find_acts_in_prose_offsets_and_names():
    text = ("In line with Resolution 71 (Rev. Bucharest, 2022) and Council Resolution 1405, "
            "and pursuant to Decision 5 (Rev. Busan, 2014), the plan was adopted.")
    acts = list(find_acts(text))
    assert [a.work_id for a in acts] == ["resolution/pp-71", "resolution/council-1405",
                                         "decision/pp-5"]
    for a in acts:
        assert text[a.start:a.end] == a.text
    assert acts[0].work_name == "PP Resolution 71"
    assert acts[0].version_name == "PP Resolution 71 (Rev. Bucharest, 2022)"
    assert acts[1].version_name is None


@pytest.mark.parametrize("text", ["Resolutions 71 and 72 were noted.", "Resolution of the Council",
                                  "the Decision was taken", "Resolution 12345"])
def test_find_acts_ignores_non_acts(text):
    assert list(find_acts(text)) == []


def test_find_acts_version_with_lowercase_particle():
    # Regression: venues with lowercase particles ("Sharm el-Sheikh") once lost
    # their version and fell back to issuer PP.
    acts = list(find_acts("Resolution 1 (Rev. Sharm el-Sheikh, 2019)"))
    assert len(acts) == 1
    assert acts[0].version == "Rev. Sharm el-Sheikh, 2019", acts[0]
    assert acts[0].issuer == "RA"
    assert acts[0].work_id == "resolution/ra-1"


# ---------------------------------------------------------------- find_instruments


@pytest.mark.parametrize(("text", "name", "ident"), [
    ("Service Order 24/10", "Service Order 24/10", "instrument/service-order-24-10"),
    ("Service Order No.16/13", "Service Order 16/13", "instrument/service-order-16-13"),
    ("Service Order No. 16/13", "Service Order 16/13", "instrument/service-order-16-13"),
])
def test_find_instruments(text, name, ident):
    sentence = f"Roles were set by {text} last year."
    found = list(find_instruments(sentence))
    assert len(found) == 1
    assert found[0].text == text
    assert sentence[found[0].start:found[0].end] == text
    assert found[0].name == name
    assert found[0].id == ident


def test_find_instruments_ignores_other_orders():
    assert list(find_instruments("a service order was issued; Purchase Order 24/10")) == []


# ---------------------------------------------------------------- performance guard

_N = 1_000_000
_PATHOLOGICAL = {
    "slashes": "C" + "/1" * (_N // 2),
    "council-prefix": "C23/" * (_N // 4),
    "cwg-dashes": "CWG-" * (_N // 4),
    "cwg-letters": "CWG-" + "A" * _N,
    "open-parens": "(" * _N,
    "resolution-words": "Resolution " * (_N // 11),
    "unclosed-versions": "Resolution 71 (Rev. " * (_N // 20),
    "long-version": "Resolution 1 (Rev. " + "Aa-" * (_N // 3),
    "suffix-run": "C23/52" + " (Rev.1)" * (_N // 8),
    "digits": "C23/" + "1" * _N,
    "service-orders": "Service Order No. " * (_N // 18),
}


@pytest.mark.parametrize("name", list(_PATHOLOGICAL))
def test_recognisers_are_linear_on_pathological_lines(name):
    text = _PATHOLOGICAL[name]
    assert len(text) >= 990_000 and "\n" not in text
    began = time.perf_counter()
    list(find_symbols(text))
    list(find_acts(text))
    list(find_instruments(text))
    elapsed = time.perf_counter() - began
    assert elapsed < 5.0, f"{name}: {elapsed:.1f} s on a 1 MB line (catastrophic backtracking?)"
