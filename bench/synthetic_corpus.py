"""Synthetic Council-style documents for benchmarks (deterministic for a seed).

Each document has a symbol footer, a title, Purpose and Action required blocks, numbered
sections and paragraphs citing resolutions, documents, bodies and service orders, so the
whole ingest pipeline (cleaning, structure, extraction, embedding, both stores) is exercised.
The text is generated from word lists written for this purpose.
"""

from __future__ import annotations

import random
from pathlib import Path

BODIES = [("Information and Communication Technology Governance Committee", "ICTGC"),
          ("Council Working Group on Financial and Human Resources", "CWG-FHR"),
          ("Inter-Sector Coordination Task Force", "ISC-TF"),
          ("Digital Skills Steering Group", "DSSG"), ("Coordination Committee", "CoCo"),
          ("Gender Equality Task Force", "GETF"), ("Risk Management Committee", "RMC"),
          ("Programme Management Board", "PMB"), ("Data Governance Board", "DGB")]
TOPICS = ["cybersecurity", "cloud adoption", "gender mainstreaming", "accessibility",
          "artificial intelligence", "resource mobilization", "data governance",
          "digital skills", "climate change", "emergency telecommunications",
          "child online protection", "risk management", "enterprise architecture",
          "business continuity", "multilingualism", "procurement", "travel policy"]
VERBS = ["reviewed", "endorsed", "noted", "examined", "approved", "discussed", "updated",
         "monitored", "assessed", "consolidated", "prioritized", "launched"]
OBJECTS = ["the implementation plan", "the budget proposal", "the annual workplan",
           "the terms of reference", "the risk register", "the progress report",
           "the performance indicators", "the audit recommendations", "the roadmap",
           "the staff survey results", "the capacity-building programme"]
PLACES = ["Busan, 2014", "Dubai, 2018", "Bucharest, 2022", "Guadalajara, 2010"]
ROLES = ["the Secretary-General", "the Deputy Secretary-General",
         "the Director of the Telecommunication Development Bureau", "the Chief of the "
         "Information Services Department", "the Chief of the Human Resources Management "
         "Department"]
HEADINGS = ["Background", "Governance", "Progress to date", "Financial implications",
            "Risks and mitigation", "Next steps", "Coordination", "Implementation status"]


def _sentence(rng: random.Random, year: int) -> str:
    body, acronym = rng.choice(BODIES)
    kind = rng.randrange(7)
    if kind == 0:
        return (f"The {acronym} {rng.choice(VERBS)} {rng.choice(OBJECTS)} on "
                f"{rng.choice(TOPICS)} at its meeting in {rng.choice(['March', 'June', 'October'])}"
                f" {year}.")
    if kind == 1:
        return (f"In line with Resolution {rng.randint(1, 210)} (Rev. {rng.choice(PLACES)}), "
                f"{rng.choice(ROLES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.")
    if kind == 2:
        return (f"As reported in Document C{year % 100 - 1:02d}/{rng.randint(1, 120)}, work on "
                f"{rng.choice(TOPICS)} and {rng.choice(TOPICS)} continued across the Sectors.")
    if kind == 3:
        return (f"The {body} is chaired by {rng.choice(ROLES)} and reports to the Council on "
                f"{rng.choice(TOPICS)}.")
    if kind == 4:
        return (f"Service Order {year % 100:02d}/{rng.randint(1, 30):02d} set out "
                f"{rng.choice(OBJECTS)} for {rng.choice(TOPICS)}.")
    if kind == 5:
        return (f"A total of {rng.randint(2, 900)} participants from {rng.randint(2, 190)} "
                f"Member States took part in activities on {rng.choice(TOPICS)}.")
    return (f"The Council is invited to note that {rng.choice(OBJECTS)} for "
            f"{rng.choice(TOPICS)} will be {rng.choice(VERBS)} by {year + 1}.")


def document(rng: random.Random, number: int, paragraphs: int) -> str:
    year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024, 2025])
    symbol = f"C{year % 100:02d}/{number}"
    topic = rng.choice(TOPICS)
    lines = [f"Council {year}", f"Document {symbol}-E", "",
             f"Report on {topic} and {rng.choice(TOPICS)}", "",
             "Purpose", f"This document reports on {topic} in {year}. " + _sentence(rng, year),
             "", "Action required by the Council",
             "The Council is invited to take note of this report.", "",
             "References", f"Resolution {rng.randint(1, 210)} (Rev. {rng.choice(PLACES)}); "
             f"Document C{year % 100 - 1:02d}/{rng.randint(1, 120)}", ""]
    section = 0
    for i in range(paragraphs):
        if i % 6 == 0:
            section += 1
            lines += [f"{section}\t{rng.choice(HEADINGS)}", ""]
        text = " ".join(_sentence(rng, year) for _ in range(rng.randint(2, 5)))
        lines += [f"{section}.{i % 6 + 1}\t{text}", ""]
    lines.append(f"{symbol}-E\t1")
    return "\n".join(lines)


def write_corpus(folder: Path, *, documents: int, paragraphs: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(documents):
        path = folder / f"doc{n:05d}.txt"
        if not path.exists():
            path.write_text(document(rng, 1000 + n, paragraphs), encoding="utf-8")
        else:
            document(rng, 1000 + n, paragraphs)  # keep the generator in step
        paths.append(path)
    return paths


QUERIES = ["Who chairs the ICTGC?", "Which service order set the terms of reference?",
           "What did the Council note on cybersecurity?", "Resolution 71 implementation",
           "How many participants took part in digital skills activities?",
           "risk register audit recommendations", "C23/52", "What does the ISC-TF coordinate?",
           "gender mainstreaming progress report 2024", "Who reports to the Council on cloud "
           "adoption?", "budget proposal for child online protection",
           "capacity-building programme for emergency telecommunications",
           "Deputy Secretary-General", "What was launched on artificial intelligence?",
           "travel policy", "Data Governance Board roadmap"]
