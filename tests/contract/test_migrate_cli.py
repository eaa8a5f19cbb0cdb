"""``councilkg migrate`` refuses what cannot work before loading anything."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from search_api.cli import app


@pytest.mark.parametrize(("args", "says"), [
    (["--from", "embedded", "--to", "neo4j"], "NEO4J_URI"),
    (["--from", "embedded", "--to", "embedded"], "nothing to migrate"),
    (["--from", "embedded", "--to", "neo5j"], "valid: embedded, neo4j"),
])
def test_migrate_says_why_it_cannot_run(args: list[str], says: str, tmp_path: object,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    result = CliRunner().invoke(app, ["migrate", *args, "--store", str(tmp_path)])
    assert result.exit_code == 2
    assert says in result.output
