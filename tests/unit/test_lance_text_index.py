"""Stores written before BM25 moved in memory carry a LanceDB full-text index: opening a
store read-write drops it (it would only be kept up to date for nothing)."""

from __future__ import annotations

from pathlib import Path

from lancedb.index import FTS

from graph.embedded.lance_passages import LancePassages
from graph.embedded.store import EmbeddedStore


def test_opening_a_store_drops_the_old_full_text_index(tmp_path: Path) -> None:
    old = LancePassages(tmp_path / "passages.lance", 8)
    old._table.create_index("index_text", config=FTS(), replace=True)  # as before
    assert [i.columns for i in old._table.list_indices()] == [["index_text"]]
    store = EmbeddedStore(tmp_path, dimension=8)
    try:
        assert store.passages._table.list_indices() == []
        assert store.passages.drop_text_index() is False  # nothing left to drop
    finally:
        store.close()
