"""A tiny hand-built corpus with 8-d vectors: no model, no parser, fully predictable.

Axes of the vectors: 0 cybersecurity, 1 budget, 2 gender, 3 accessibility,
4 revision. ``C24/10`` cites ``C23/5`` before ``C23/5`` is ingested.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ontology.records import (
    DocumentRecord,
    EntityRecord,
    Evidence,
    MentionRecord,
    ParsedDocument,
    PassageRecord,
    RelationRecord,
)

DIM = 8
RV = "resolution/pp-130/rev-bucharest-2022"
WORK = "resolution/pp-130"
BODY = "body/cwg-fhr"


def axis(*weights: tuple[int, float]) -> npt.NDArray[np.float32]:
    v = np.zeros(DIM, dtype=np.float32)
    for i, w in weights:
        v[i] = w
    return (v / np.linalg.norm(v)).astype(np.float32)


def _passages(doc_id: str, texts: list[str]) -> list[PassageRecord]:
    out, start = [], 0
    for i, text in enumerate(texts):
        out.append(PassageRecord(f"{doc_id}#{i}", doc_id, i, str(i + 1), ("Summary", f"S{i}"),
                                 start, start + len(text), text))
        start += len(text) + 2
    return out


def _mention(passage: PassageRecord, entity: str, words: str) -> MentionRecord:
    at = passage.text.index(words)
    return MentionRecord(entity, passage.id, at, at + len(words), words)


def _evidence(passage: PassageRecord, words: str) -> Evidence:
    at = passage.text.index(words)
    return Evidence(passage.id, words, at, at + len(words))


Written = tuple[ParsedDocument, npt.NDArray[np.float32], list[str]]


def _written(parsed: ParsedDocument, vectors: list[npt.NDArray[np.float32]]) -> Written:
    texts = [f"{parsed.document.title}\n{p.context}\n{p.text}" for p in parsed.passages]
    return parsed, np.stack(vectors).astype(np.float32), texts


def doc_a(content_hash: str = "hash-a1") -> Written:
    """C24/10 (2024): cybersecurity under Resolution 130, a budget approved by CWG-FHR."""
    p = _passages("C24/10", [
        "The Council reviewed cybersecurity activities under Resolution 130 (Rev. Bucharest, "
        "2022), following Document C23/5.",
        "The budget for 2024 was approved by the Council Working Group on Financial and Human "
        "Resources (CWG-FHR).",
    ])
    parsed = ParsedDocument(
        document=DocumentRecord("C24/10", symbol="C24/10", title="Report on cybersecurity",
                                date="2024-05-01", year=2024, language="E",
                                source="c24-10.txt", content_hash=content_hash,
                                document_type="Report", body="body/council"),
        cleaned_text="\n\n".join(x.text for x in p), passages=p,
        entities=[EntityRecord(RV, "ResolutionVersion", "Resolution 130 (Rev. Bucharest, 2022)",
                               ("Rev. Bucharest, 2022",)),
                  EntityRecord(WORK, "Resolution", "Resolution 130"),
                  EntityRecord(BODY, "Body", "Council Working Group on Financial and Human "
                               "Resources", ("CWG-FHR",))],
        mentions=[_mention(p[0], RV, "Resolution 130 (Rev. Bucharest, 2022)"),
                  _mention(p[0], "C23/5", "C23/5"), _mention(p[1], BODY, "CWG-FHR")],
        relations=[
            RelationRecord("C24/10", "Document", "CITES", RV, "ResolutionVersion",
                           _evidence(p[0], "Resolution 130 (Rev. Bucharest, 2022)")),
            RelationRecord("C24/10", "Document", "CITES", "C23/5", "Document",
                           _evidence(p[0], "C23/5")),
            RelationRecord(RV, "ResolutionVersion", "VERSION_OF", WORK, "Resolution",
                           _evidence(p[0], "Resolution 130 (Rev. Bucharest, 2022)"))],
        cited_documents=[DocumentRecord("C23/5", symbol="C23/5", ingested=False)])
    return _written(parsed, [axis((0, 1.0)), axis((1, 1.0))])


def doc_b(content_hash: str = "hash-b1", *, version: int = 1) -> Written:
    """C23/5 (2023): gender and accessibility; version 1 cites C22/99, version 2 does not."""
    texts = ["Gender mainstreaming policy for the secretariat.",
             "Accessibility of meetings, reviewed by CWG-FHR, see Document C22/99."]
    if version == 2:
        texts = ["Gender equality strategy, updated for the new period."]
    p = _passages("C23/5", texts)
    parsed = ParsedDocument(
        document=DocumentRecord("C23/5", symbol="C23/5", title="Gender and accessibility",
                                date="2023-02-01", year=2023, language="E",
                                source="c23-5.txt", content_hash=content_hash,
                                document_type="CouncilDocument", body="body/council"),
        cleaned_text="\n\n".join(x.text for x in p), passages=p)
    vectors = [axis((2, 1.0))]
    if version == 1:
        parsed.entities = [EntityRecord(BODY, "Body", "Council Working Group on Financial and "
                                        "Human Resources", ("CWG-FHR",))]
        parsed.mentions = [_mention(p[1], BODY, "CWG-FHR"), _mention(p[1], "C22/99", "C22/99")]
        parsed.relations = [RelationRecord("C23/5", "Document", "CITES", "C22/99", "Document",
                                           _evidence(p[1], "C22/99"))]
        parsed.cited_documents = [DocumentRecord("C22/99", symbol="C22/99", ingested=False)]
        vectors.append(axis((3, 1.0)))
    return _written(parsed, vectors)


def doc_c() -> Written:
    """C25/7(Rev.1) (2025): cybersecurity again; revises the not-ingested C25/7."""
    p = _passages("C25/7(Rev.1)", ["Revised cybersecurity roadmap for the secretariat."])
    parsed = ParsedDocument(
        document=DocumentRecord("C25/7(Rev.1)", symbol="C25/7(Rev.1)",
                                title="Cybersecurity roadmap", year=2025,
                                content_hash="hash-c1", document_type="Report", body=BODY),
        cleaned_text=p[0].text, passages=p,
        relations=[RelationRecord("C25/7(Rev.1)", "Document", "REVISES", "C25/7", "Document",
                                  None)],
        cited_documents=[DocumentRecord("C25/7", symbol="C25/7", ingested=False)])
    return _written(parsed, [axis((0, 1.0), (4, 0.5))])
