"""A store made with an older ontology gains the columns added since, on open."""

from __future__ import annotations

import re

from graph.embedded.ladybug_graph import LadybugGraph
from ontology.schema import ONTOLOGY_PATH, default_schema, load_schema


def test_missing_columns_are_added(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ttl = ONTOLOGY_PATH.read_text(encoding="utf-8")
    older, n = re.subn(r"\nckg:actionType a owl:DatatypeProperty ;.*?\.\n", "\n", ttl, flags=re.S)
    assert n == 1
    (tmp_path / "old.ttl").write_text(older, encoding="utf-8")
    path = tmp_path / "graph.lbug"
    graph = LadybugGraph(path, load_schema(tmp_path / "old.ttl"))
    columns = {row[1] for row in graph._run("CALL table_info('Document') RETURN *")}
    assert "action_type" not in columns
    graph.close()
    graph = LadybugGraph(path, default_schema())
    columns = {row[1] for row in graph._run("CALL table_info('Document') RETURN *")}
    assert "action_type" in columns
    graph.close()
