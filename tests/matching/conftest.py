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
