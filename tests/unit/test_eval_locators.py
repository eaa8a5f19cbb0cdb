"""Gold locators in question files: {file, start, end} read from a corpus folder.

Only invented text in a temp folder; the real set is checked in test_question_sets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ontology.errors import QuestionSetError
from search_api.evaluation import load_questions

# a multi-byte character before the span: offsets count characters, not bytes
DOC = "Préambule — intro.\nThe Board meets twice a year in Geneva.\n   \nEnd.\n"
SPAN = "The Board meets twice a year in Geneva."


def write(folder: Path, *rows: dict[str, object]) -> Path:
    path = folder / "questions.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def question(*relevant: dict[str, object], qid: str = "q1") -> dict[str, object]:
    return {"id": qid, "question": "How often does the Board meet?", "kind": "fact",
            "relevant": list(relevant), "answer": "Twice yearly."}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "doc.txt").write_text(DOC, encoding="utf-8")
    return folder


def locator(start: object, end: object, file: str = "doc.txt") -> dict[str, object]:
    return {"file": file, "start": start, "end": end}


def test_a_locator_resolves_to_its_span_and_quotes_still_work(tmp_path, corpus) -> None:  # type: ignore[no-untyped-def]
    start = DOC.index(SPAN)
    assert len(DOC[:start].encode("utf-8")) != start  # the test means something
    path = write(tmp_path, question(locator(start, start + len(SPAN))),
                 question({"file": "doc.txt", "quote": "twice a year"},
                          locator(0, 9), qid="q2"))
    first, second = load_questions(path, corpus=corpus)
    assert first.id == "q1" and first.kind == "fact" and first.quotes == (SPAN,)
    assert second.quotes == ("twice a year", "Préambule")


def test_quote_only_files_need_no_corpus(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, question({"file": "x.txt", "quote": "a quote"}))
    assert load_questions(path)[0].quotes == ("a quote",)


@pytest.mark.parametrize(("start", "end", "says"), [
    (0, len(DOC) + 1, f"has {len(DOC)} characters"),
    (-1, 5, "outside"),
    (5, 5, "select nothing"),
    (9, 5, "select nothing"),
])
def test_offsets_outside_or_selecting_nothing_fail(tmp_path, corpus, start, end, says) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, question(locator(start, end), qid="q7"))
    with pytest.raises(QuestionSetError) as caught:
        load_questions(path, corpus=corpus)
    assert says in caught.value.message and "question q7" in caught.value.message
    assert caught.value.detail == {"question": "q7", "file": "doc.txt", "start": start,
                                   "end": end}


def test_a_missing_file_is_named(tmp_path, corpus) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, question(locator(0, 4, file="gone.txt")))
    with pytest.raises(QuestionSetError, match=r"question q1: gone\.txt is not in the corpus "
                                               r"folder .*corpus"):
        load_questions(path, corpus=corpus)


def test_a_file_outside_the_corpus_is_refused(tmp_path, corpus) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "secret.txt").write_text("not part of the corpus", encoding="utf-8")
    path = write(tmp_path, question(locator(0, 4, file="../secret.txt")))
    with pytest.raises(QuestionSetError, match="outside the corpus folder"):
        load_questions(path, corpus=corpus)


def test_a_locator_without_a_corpus_asks_for_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, question(locator(0, 4)))
    with pytest.raises(QuestionSetError, match=r"by offsets: name the corpus folder.*--corpus"):
        load_questions(path)


def test_a_blank_span_is_refused(tmp_path, corpus) -> None:  # type: ignore[no-untyped-def]
    blank = DOC.index("   \n")
    path = write(tmp_path, question(locator(blank, blank + 4)))
    with pytest.raises(QuestionSetError, match="only whitespace"):
        load_questions(path, corpus=corpus)


@pytest.mark.parametrize("item", [
    locator("0", 4), locator(0, 4.0), locator(True, 4), {"file": "doc.txt", "start": 0},
    {"start": 0, "end": 4}, "doc.txt",
])
def test_malformed_items_are_refused(tmp_path, corpus, item) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, question(item))
    with pytest.raises(QuestionSetError, match="needs a file and either a quote or integer"):
        load_questions(path, corpus=corpus)


def test_a_malformed_line_names_its_number(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps(question({"quote": "x"})) + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(QuestionSetError, match=r"questions\.jsonl:3: not a question"):
        load_questions(path)
    with pytest.raises(QuestionSetError, match="cannot read the questions"):
        load_questions(tmp_path / "absent.jsonl")


def test_cli_reports_a_bad_locator_in_one_line(tmp_path, corpus, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Refused before any store is opened, with exit code 2 and no stack trace."""
    from search_api.cli import app

    monkeypatch.setenv("COUNCILKG_STORE", str(tmp_path / "store"))
    path = write(tmp_path, question(locator(0, 10_000)))
    result = CliRunner().invoke(app, ["eval", "search", "--questions", str(path),
                                      "--corpus", str(corpus)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: question q1: offsets 0-10000 are outside doc.txt, "
                                     f"which has {len(DOC)} characters")
    assert not (tmp_path / "store").exists()
