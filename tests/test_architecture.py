"""One direction of dependency: ingest -> ontology; graph -> ontology; search_api -> all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ALLOWED = {
    "ontology": {"ontology"},
    "ingest": {"ingest", "ontology"},
    "graph": {"graph", "ontology"},
    "search_api": {"search_api", "ingest", "graph", "ontology"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_follow_the_layering(package: str) -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(imported_packages(path) - ALLOWED[package])
        for path in (REPO / package).rglob("*.py")
        if imported_packages(path) - ALLOWED[package]
    }
    assert not offenders, offenders
