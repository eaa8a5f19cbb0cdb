"""Entity resolution: one canonical node per real-world thing.

Names resolve in this order: the shipped gazetteer (``data/gazetteer.tsv``,
well-known ITU names and their aliases), then acronyms and long forms learned
from "Long Form (ACR)" definitions (in this document or an earlier one of the
same process), then a new id minted from the name. Matching is exact on
names and acronyms (case-insensitive for multi-word names): short acronyms are
never merged by similarity.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.acronyms import AcronymDefinition
from ingest.symbols import slug
from ontology.records import EntityRecord

GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.tsv"


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    entity: EntityRecord
    forms: tuple[str, ...]  # name + aliases
    case_sensitive: bool


@cache
def load_gazetteer(path: Path = GAZETTEER_PATH) -> tuple[GazetteerEntry, ...]:
    entries = []
    with path.open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            if not row or not row[0].strip():
                continue
            label, ident, name, aliases, match = (row + [""] * 5)[:5]
            alias_list = tuple(a for a in aliases.split("|") if a)
            entries.append(GazetteerEntry(
                EntityRecord(ident, label, name, alias_list), (name, *alias_list),
                case_sensitive=match.strip() != "lower"))
    return tuple(entries)


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _key(text).replace("-", " ").split() if w not in
            ("and", "of", "the", "for", "on", "in", "to")}


def _same_name(known: EntityRecord, definition: AcronymDefinition) -> bool:
    """Two long forms of one acronym name the same thing: same class, mostly the same words
    ("Inter-Sector Coordination Task Force" / "Inter-Sectoral Task Force")."""
    if known.type != definition.label:
        return False
    new = _stems(definition.long_form)
    return any(len(new & _stems(name)) / max(1, len(new | _stems(name))) >= 0.5
               for name in (known.name, *known.aliases))


class Resolver:
    """Maps names and acronyms to canonical entities; learns from definitions."""

    def __init__(self, gazetteer: tuple[GazetteerEntry, ...] | None = None) -> None:
        self.entries = gazetteer if gazetteer is not None else load_gazetteer()
        self._exact: dict[str, EntityRecord] = {}  # acronyms and names, case-sensitive
        self._local: dict[str, EntityRecord] = {}  # this document's own definitions win
        self._names: dict[str, EntityRecord] = {}  # multi-word names, case-folded
        for entry in self.entries:
            for form in entry.forms:
                self._exact.setdefault(form, entry.entity)
                if " " in form or not entry.case_sensitive:
                    self._names.setdefault(_key(form), entry.entity)

    def lookup(self, text: str) -> EntityRecord | None:
        found = self._local.get(text) or self._exact.get(text)
        if found is None and (" " in text.strip() or text.islower()):
            found = self._names.get(_key(text))
        return found

    def begin_document(self) -> None:
        self._local = {}

    def learn(self, definition: AcronymDefinition, *, local: bool = True) -> EntityRecord:
        """The entity a "Long Form (ACR)" definition names, registered for later uses."""
        known = self._exact.get(definition.acronym)
        by_name = self._names.get(_key(definition.long_form))
        if known is not None and by_name is None and not _same_name(known, definition):
            known = None  # the acronym already means something else (CRP, CRP)
        if known is not None and by_name is not None and known.id != by_name.id:
            known = None
        entity = known or by_name
        if entity is None:
            entity = EntityRecord(f"{definition.label.lower()}/{slug(definition.acronym)}",
                                  definition.label, definition.long_form,
                                  (definition.acronym,))
            if self._exact.get(definition.acronym) is not None:  # acronym taken: disambiguate
                entity = EntityRecord(f"{entity.id}-{slug(definition.long_form)[:40]}",
                                      entity.type, entity.name, entity.aliases)
        self._exact.setdefault(definition.acronym, entity)
        self._names.setdefault(_key(definition.long_form), entity)
        if local:
            self._local[definition.acronym] = entity
        return entity

    def register(self, entity: EntityRecord) -> None:
        """A stored entity, known from now on by its name and aliases (question analysis
        teaches the resolver what earlier ingests learned)."""
        for form in (entity.name, *entity.aliases):
            if " " in form.strip():
                self._names.setdefault(_key(form), entity)
            elif form:
                self._exact.setdefault(form, entity)

    def alias(self, name: str, entity: EntityRecord) -> None:
        """Another name of a known entity (kept as the first resolution of that name)."""
        self._names.setdefault(_key(name), entity)

    def mint(self, name: str, label: str) -> EntityRecord:
        """A name seen only in running text: known entity, else a new one keyed by name."""
        found = self.lookup(name)
        if found is not None:
            return found
        entity = EntityRecord(f"{label.lower()}/{slug(name)[:80]}", label, name)
        self._names.setdefault(_key(name), entity)
        return entity

    def is_acronym(self, token: str) -> bool:
        return token in self._exact and " " not in token

    @property
    def acronyms(self) -> dict[str, EntityRecord]:
        merged = {k: v for k, v in self._exact.items() if " " not in k}
        merged.update(self._local)
        return merged
