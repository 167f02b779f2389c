"""Neo4j-specific behaviour of Neo4jStore (the shared semantics live in tests/contract)."""

from __future__ import annotations

import os
import socket

import pytest

from teamgraph.graph.model import ChangeSet, Department, Person
from teamgraph.errors import StoreUnavailable, ValidationError


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_down_is_store_unavailable_naming_the_uri():
    from teamgraph.graph.neo4j_store import Neo4jStore
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    with pytest.raises(StoreUnavailable, match="127.0.0.1.*unavailable"):
        Neo4jStore(uri, "neo4j", "whatever-password")


def test_bad_uri_is_store_unavailable():
    from teamgraph.graph.neo4j_store import Neo4jStore
    with pytest.raises(StoreUnavailable, match="NEO4J_URI"):
        Neo4jStore("http://127.0.0.1:7474", "neo4j", "x")


def _settings(**overrides):
    if not os.environ.get("NEO4J_URI"):
        if os.environ.get("TEAMGRAPH_REQUIRE_NEO4J"):
            pytest.fail("TEAMGRAPH_REQUIRE_NEO4J is set but NEO4J_URI is not")
        pytest.skip("Neo4j tests need NEO4J_URI (and NEO4J_USERNAME/NEO4J_PASSWORD); "
                    "`bash .ci/run` starts a local Neo4j 5.26 and sets them")
    from teamgraph.settings import Settings
    return Settings.from_env(**overrides)


@pytest.mark.neo4j
def test_wrong_password_is_store_unavailable_with_a_hint():
    from teamgraph.graph.neo4j_store import Neo4jStore
    with pytest.raises(StoreUnavailable, match="NEO4J_PASSWORD"):
        Neo4jStore.from_settings(_settings(neo4j_password="definitely-not-the-password"))


@pytest.mark.neo4j
def test_unknown_database_is_store_unavailable():
    from teamgraph.graph.neo4j_store import Neo4jStore
    with pytest.raises(StoreUnavailable, match="NEO4J_DATABASE"):
        Neo4jStore.from_settings(_settings(neo4j_database="nosuchdb"))


@pytest.mark.parametrize("store", [pytest.param("neo4j", marks=pytest.mark.neo4j)], indirect=True)
def test_big_change_set_spanning_batches_rolls_back_whole(store):
    """A change set larger than one UNWIND batch with one bad row at the end writes nothing."""
    store.batch_size = 100
    before = store.revision()
    people = [Person(f"p{i:04d}", f"P {i}", f"p{i}@x", "d") for i in range(450)]
    people.append(Person("bad", "Bad", "bad@x", "nowhere"))
    with pytest.raises(ValidationError, match="person 'bad': unknown department 'nowhere'"):
        store.apply(ChangeSet().add(Department("d", "D"), *people))
    assert store.counts()["person"] == 0 and store.counts()["department"] == 0
    assert store.revision() == before
    report = store.apply(ChangeSet().add(Department("d", "D"), *people[:-1]))
    assert report.written == {"department": 1, "person": 450}
    assert [p.id for p in store.all("person")] == [p.id for p in people[:-1]]
    assert store.apply(ChangeSet().add(*people[:-1])).written == {}  # nothing changed
