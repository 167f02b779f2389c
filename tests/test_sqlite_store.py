"""Embedded-store specifics the contract suite cannot express: files, locks, threads, streaming."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.tinyorg import Q1, tiny_org

from teamgraph.graph.model import ChangeSet, Department, Person, Skill, Viewer
from teamgraph.graph.reads import fold
from teamgraph.graph.sqlite_store import SqliteStore
from teamgraph.errors import StoreUnavailable


def test_data_survives_reopening(tmp_path):
    path = tmp_path / "org.sqlite3"
    s = SqliteStore(path)
    s.apply(tiny_org())
    rev = s.revision()
    s.close()
    again = SqliteStore(path)
    assert again.revision() == rev and again.counts()["person"] == 10
    assert again.person_profile("ana", Q1, Viewer(role="admin")).load == pytest.approx(0.9)
    again.close()


def test_corrupt_file_is_store_unavailable_naming_the_path(tmp_path):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database " * 200)
    with pytest.raises(StoreUnavailable, match="broken.sqlite3"):
        SqliteStore(path)


def test_unusable_location_is_store_unavailable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="a-file"):
        SqliteStore(blocker / "sub" / "org.sqlite3")


def test_locked_file_is_store_unavailable_and_unchanged(tmp_path):
    path = tmp_path / "org.sqlite3"
    s = SqliteStore(path, timeout=0.2)
    s.apply(tiny_org())
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StoreUnavailable, match="org.sqlite3"):
            s.apply(ChangeSet().add(Department("lab", "Lab")))
        assert s.counts()["department"] == 4  # readers are not blocked in WAL mode
    finally:
        other.execute("ROLLBACK")
        other.close()
    s.apply(ChangeSet().add(Department("lab", "Lab")))
    assert s.get("department", "lab") == Department("lab", "Lab")
    s.close()


def test_closed_store_refuses_work(tmp_path):
    s = SqliteStore(tmp_path / "org.sqlite3")
    s.close()
    with pytest.raises(StoreUnavailable, match="closed"):
        s.counts()


def test_threads_read_and_write_concurrently(tmp_path):
    s = SqliteStore(tmp_path / "org.sqlite3")
    s.apply(tiny_org())
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(20):
                s.apply(ChangeSet().add(Person(f"w{n}-{i}", "W", "w@example.org", "eng")))
        except BaseException as e:  # noqa: BLE001 - surfaced by the assert below
            errors.append(e)

    def reader() -> None:
        try:
            for _ in range(40):
                assert "c-1" in s.visible_case_ids(Viewer())
                assert len(s.candidates([("python", 4)], Q1)) >= 2
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert s.counts()["person"] == 10 + 60
    s.close()


def test_all_streams_more_than_one_batch_in_key_order(tmp_path):
    s = SqliteStore(tmp_path / "org.sqlite3")
    people = [Person(f"p{i:05d}", f"P {i}", f"p{i}@example.org", "eng") for i in range(2500)]
    s.apply(ChangeSet().add(Department("eng", "Engineering"), *people))
    it = s.all("person")
    assert next(it) == people[0]
    assert [p.id for p in it] == [p.id for p in people[1:]]
    s.close()


def test_clear_all_empties_the_store_and_moves_the_revision_forward(tmp_path):
    s = SqliteStore(tmp_path / "org.sqlite3")
    s.apply(tiny_org())
    rev = s.revision()
    s.clear_all()
    assert set(s.counts().values()) == {0} and s.revision() > rev
    s.apply(tiny_org())  # and it can be filled again
    assert s.counts()["case"] == 5
    s.close()


def test_a_value_sqlite_cannot_store_is_a_validation_error(tmp_path):
    from decimal import Decimal

    from teamgraph.errors import ValidationError
    s = SqliteStore(tmp_path / "org.sqlite3")
    s.apply(ChangeSet().add(Department("eng", "Engineering")))
    rev = s.revision()
    with pytest.raises(ValidationError, match="unsupported type"):
        s.apply(ChangeSet().add(Person("a", "A", "a@example.org", "eng", capacity=Decimal("1.0"))))
    assert s.counts()["person"] == 0 and s.revision() == rev
    s.close()


# search_people / search_skills take LIKE for plain-ASCII values and the Python fold for the others
# (speed); this checks the two paths give exactly the rule of graph.reads.fold on any mix of values.
_TEXT = st.text(alphabet="aAs_% \tßÉé東", max_size=4)


def _expected_skills(skills, query, limit):
    q = fold(query)
    hits = [s for s in skills if any(q in fold(x) for x in (s.id, s.name, *s.aliases))]
    hits.sort(key=lambda s: (not fold(s.name).startswith(q), s.name, s.id))
    return hits[:limit]


def _expected_people(people, query, limit):
    q = fold(query)
    hits = [p for p in people if p.status == "active" and any(q in fold(x) for x in (p.id, p.name, p.title))]
    hits.sort(key=lambda p: (not (fold(p.id) == q or fold(p.name).startswith(q)), p.name, p.id))
    return hits[:limit]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_TEXT, _TEXT, _TEXT, st.booleans()), max_size=8), data=st.data())
def test_text_search_follows_the_fold_rule_on_every_value(tmp_path, rows, data):
    people = [Person(f"{pid}{i}", name, "x@example.org", "d", title, status="active" if active else "leaver")
              for i, (pid, name, title, active) in enumerate(rows)]
    skills = [Skill(p.id, p.name, aliases=(p.title, p.title.swapcase())) for p in people]
    # a random query, or (more often) a stored id, name or title, or a slice of one, in another case
    fields = [x for p in people for x in (p.id, p.name, p.title)]
    query = _TEXT
    if fields:
        stored = st.sampled_from(fields)
        query = st.one_of(_TEXT, stored.map(str.swapcase),
                          st.tuples(stored, st.integers(0, 4), st.integers(1, 4)).map(lambda t: t[0][t[1]:t[1] + t[2]]))
    query, limit = data.draw(query, label="query"), data.draw(st.integers(0, 5), label="limit")
    store = SqliteStore(tmp_path / f"search-{abs(hash((tuple(rows), query)))}.sqlite3")
    try:
        store.apply(ChangeSet().add(Department("d", "D"), *people, *skills))
        assert store.search_people(query, limit) == _expected_people(people, query, limit)
        assert store.search_skills(query, limit) == _expected_skills(skills, query, limit)
    finally:
        store.close()
