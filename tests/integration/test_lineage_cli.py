"""``councilkg lineage | path | timeline | resolution`` in-process, on their own store."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from search_api.cli import app
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def store(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("lineage-cli") / "store"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COUNCILKG_STORE", str(path))
        files = [str(SAMPLES / "corpus" / f) for f in ("sample_c25-44.txt", "sample_c24-58.txt")]
        result = CliRunner().invoke(app, ["ingest", *files])
        assert result.exit_code == 0, result.output
        yield path


def run(store, *args: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Exit code and stdout (stderr too when it failed: that is where errors go)."""
    result = CliRunner().invoke(app, [*args, "--store", str(store)])
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def test_lineage_tree_and_json(store) -> None:  # type: ignore[no-untyped-def]
    code, out = run(store, "lineage", "C25/44", "--depth", "2")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("C25/44 [Document] 2025")
    assert "  -CITES-> C24/58 [Document] 2024" in lines
    assert "  -CITES-> C24/35 [Document]  (not ingested)" in lines
    child = lines.index("  -CITES-> C24/58 [Document] 2024") + 1
    assert lines[child].startswith("    -CITES-> ")  # C24/58's own citations, indented
    code, out = run(store, "lineage", "C24/58", "--direction", "in", "--json")
    body = json.loads(out)
    assert [i["id"] for i in body["items"]] == ["C24/58", "C25/44"]


def test_lineage_graphml_and_dot(store) -> None:  # type: ignore[no-untyped-def]
    code, out = run(store, "lineage", "C25/44", "--format", "graphml")
    assert code == 0
    graph = nx.parse_graphml(out)
    assert graph.has_edge("C25/44", "C24/58")
    assert graph.nodes["C24/35"]["ingested"] is False
    code, out = run(store, "lineage", "C25/44", "--format", "dot")
    assert code == 0 and out.startswith("digraph lineage {")
    assert '"C25/44" -> "C24/58" [label="CITES"];' in out
    assert out.rstrip().endswith("}")


def test_path_timeline_resolution_and_errors(store) -> None:  # type: ignore[no-untyped-def]
    code, out = run(store, "path", "C25/44", "Resolution 1405", "--types", "CITES")
    assert code == 0 and out.startswith("1. C25/44 -CITES-> resolution/council-1405")
    code, out = run(store, "path", "C24/58", "C24/35", "--types", "CITES", "--max-depth", "1")
    assert code == 0 and out.startswith("no path from C24/58 to C24/35")
    code, out = run(store, "timeline", "--entity", "Resolution 1405")
    assert code == 0
    years = [line.split()[0] for line in out.splitlines()[1:]]
    assert years == sorted(years) and len(years) == 2
    code, out = run(store, "resolution", "Resolution 1405", "--json")
    assert code == 0
    cited = json.loads(out)["work"]["cited_by"]
    assert {c["node"]["id"] for c in cited} == {"C24/58", "C25/44"}
    code, out = run(store, "lineage", "C25/444")
    assert code == 2 and "did you mean C25/44" in out and "Traceback" not in out
    code, out = run(store, "lineage", "C25/44", "--depth", "50")
    assert code == 2
