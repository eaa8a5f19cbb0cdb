"""Every notebook under notebooks/ runs headless against a store built from ../shared/corpus,
and is committed without outputs (no stale results in the repository)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO, shared_dir
from tests.integration.conftest import open_kg

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_is_a_notebook_and_it_carries_no_outputs() -> None:
    assert NOTEBOOKS, "notebooks/ holds no notebook"
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory, corpus_kg, embedder) -> Path:  # type: ignore[no-untyped-def]
    """A fresh store of ../shared/corpus (the session store stays locked by its process);
    the session's embedding cache is copied so nothing is embedded twice."""
    path = tmp_path_factory.mktemp("notebook") / "store"
    path.mkdir(parents=True)
    cache = corpus_kg[0].settings.store / "embedding-cache.sqlite"
    if cache.exists():
        shutil.copy(cache, path / cache.name)
    kg = open_kg(path, embedder)
    try:
        outcomes = kg.ingest([shared_dir("corpus")])
    finally:
        kg.close()
    assert outcomes and all(o.status == "ingested" for o in outcomes)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_headless(path: Path, shared_store: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNCILKG_STORE", str(shared_store))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "5 documents ingested" in text
    if path.stem == "lineage_walkthrough":
        assert any("image/png" in o.get("data", {}) for o in outputs)  # the graph was drawn
        tables = [o["data"]["text/markdown"] for o in outputs
                  if "text/markdown" in o.get("data", {})]
        assert len(tables) == 2 and "| body |" in tables[1]
        assert "-CITES->" in text  # the lineage tree
