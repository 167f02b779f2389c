"""Shared fixtures. `store` runs each test on every backend: the embedded store always, Neo4j
when NEO4J_URI is set (CI always sets it; with TEAMGRAPH_REQUIRE_NEO4J=1 a missing or unreachable
Neo4j fails instead of skipping)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


from tests.tinyorg import tiny_org

NEO4J_SKIP_REASON = ("Neo4j tests need NEO4J_URI (and NEO4J_USERNAME/NEO4J_PASSWORD); "
                     "`bash .ci/run` starts a local Neo4j 5.26 and sets them")


def _neo4j_store():
    if not os.environ.get("NEO4J_URI"):
        if os.environ.get("TEAMGRAPH_REQUIRE_NEO4J"):
            pytest.fail("TEAMGRAPH_REQUIRE_NEO4J is set but NEO4J_URI is not")
        pytest.skip(NEO4J_SKIP_REASON)
    from teamgraph.graph.neo4j_store import Neo4jStore
    from teamgraph.settings import Settings
    store = Neo4jStore.from_settings(Settings.from_env())
    store.clear_all()
    return store


def make_store(backend: str, tmp_path: Path):
    if backend == "neo4j":
        return _neo4j_store()
    from teamgraph.graph.sqlite_store import SqliteStore
    return SqliteStore(tmp_path / "teamgraph.sqlite3")


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path):
    """An empty store of each backend."""
    s = make_store(request.param, tmp_path)
    yield s
    s.close()


@pytest.fixture
def tiny_store(store):
    """A store of each backend holding tests/tinyorg.py."""
    store.apply(tiny_org())
    return store
