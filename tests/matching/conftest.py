"""Fixtures for the matching commands."""

from __future__ import annotations

import pytest
from tests.tinyorg import tiny_org


@pytest.fixture
def tiny_data_dir(tmp_path, monkeypatch):
    """A TEAMGRAPH_DATA_DIR whose embedded store holds tests/tinyorg.py, selected in the env."""
    from teamgraph.graph.sqlite_store import SqliteStore
    s = SqliteStore(tmp_path / "teamgraph.sqlite3")
    s.apply(tiny_org())
    s.close()
    monkeypatch.setenv("TEAMGRAPH_STORE", "embedded")
    monkeypatch.setenv("TEAMGRAPH_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def generated_org(tmp_path_factory):
    """An embedded store holding a generated 500-person organisation (seed 3), shared by the
    randomised pruning tests."""
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.ingest.generator import generate
    from teamgraph.ingest.loader import ingest_folder
    root = tmp_path_factory.mktemp("org")
    generate(root / "g", 500, seed=3, progress=False)
    store = SqliteStore(root / "teamgraph.sqlite3")
    ingest_folder(store, root / "g", progress=False)
    yield store
    store.close()
