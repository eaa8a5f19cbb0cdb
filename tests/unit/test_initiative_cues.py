"""Initiative names without a head noun: quoted names, enumerated parts, ITU product names."""

from __future__ import annotations

import time

from ingest.initiative_cues import enumerated_names, itu_product_names, quoted_names


def spans(text: str, found: object) -> list[str]:
    return [text[s:e] for s, e in found]  # type: ignore[attr-defined]


def test_quoted_names_need_a_capital_and_stay_short() -> None:
    text = ('The bureau works as “Team Europa” and follows the “digital by Default” line; '
            'members may “take note”, and “This sentence is far too long to be a name.”')
    assert spans(text, quoted_names(text)) == ["Team Europa", "digital by Default"]


def test_enumerated_parts_skip_glosses_and_articles() -> None:
    text = ("The lab runs three strands – Open Data Clinic (monthly sessions, open to all), "
            "Policy Sandbox and a Youth Mentoring Circle. Later text: Not An Item.")
    assert spans(text, enumerated_names(text)) == [
        "Open Data Clinic", "Policy Sandbox", "Youth Mentoring Circle"]


def test_enumeration_without_title_case_items_yields_nothing() -> None:
    text = "The plan has two components: training of staff and review of budgets."
    assert spans(text, enumerated_names(text)) == []


def test_itu_product_names_but_not_members_or_sectors() -> None:
    text = "ITU Member States use the ITU Learning Portal; ITU Sectors publish in ITU Journal."
    assert spans(text, itu_product_names(text)) == ["ITU Learning Portal", "ITU Journal"]


def test_cues_are_linear_on_hostile_text() -> None:
    text = "“A" * 50_000 + " components – " + "Alpha (" * 20_000 + " ITU Abc" * 20_000
    started = time.perf_counter()
    for cue in (quoted_names, enumerated_names, itu_product_names):
        list(cue(text))
    assert time.perf_counter() - started < 5
