"""`snapshot` on every store: records, live bookings and the revision read as one state — a write
racing the read is wholly in it or wholly out (the what-if overlay's copy, teamgraph/scenario_run.py)."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from teamgraph.graph.model import WRITE_ORDER, ChangeSet, Membership, Person
from tests.contract.test_store_bookings import booking

ZED = Person("zed", "Zed Ray", "zed@example.org", "eng")
ZED_ON = Membership("zed", "p-new", "engineer", 0.5, date(2026, 4, 1), date(2026, 6, 30))


def test_the_snapshot_is_what_all_reads(tiny_store):
    tiny_store.create_booking(booking(members=(("dee", 0.2),)))
    tiny_store.create_booking(booking("bk-gone", members=(("eli", 0.2),)))
    tiny_store.change_booking("bk-gone", "cancel", at="2026-03-02T09:00:00Z", by="ivy", role="hr")
    snap = tiny_store.snapshot()
    assert set(snap.records) == set(WRITE_ORDER)
    for kind in WRITE_ORDER:
        assert snap.records[kind] == list(tiny_store.all(kind)), kind
    assert [b.id for b in snap.bookings] == ["bk-1"]  # live only, by default
    everything = tiny_store.snapshot(("person",), None)
    assert [b.id for b in everything.bookings] == ["bk-1", "bk-gone"] and set(everything.records) == {"person"}
    assert snap.revision == tiny_store.revision()
    assert tiny_store.snapshot().revision == snap.revision  # reading moves nothing


@pytest.fixture
def racing_write(tiny_store, monkeypatch):
    """A write (a new person and their membership, one apply) started from another thread while the
    snapshot is reading people — after the people's read began, before the memberships are read."""
    from teamgraph.graph import neo4j_store, sqlite_schema
    state = {"thread": None}

    def write():
        tiny_store.apply(ChangeSet().add(ZED, ZED_ON))

    def start_once():
        if state["thread"] is None:
            state["thread"] = threading.Thread(target=write)
            state["thread"].start()
            # SQLite (WAL): the writer commits beside the open read; Neo4j: it waits for the read's lock
            state["thread"].join(timeout=3)

    codec = sqlite_schema.CODECS["person"]
    plain_sqlite, plain_neo4j = codec.decode, neo4j_store.decode

    def sqlite_decode(row):
        start_once()
        return plain_sqlite(row)

    def neo4j_decode(kind, row):
        if kind == "person":
            start_once()
        return plain_neo4j(kind, row)

    monkeypatch.setattr(codec, "decode", sqlite_decode)
    monkeypatch.setattr(neo4j_store, "decode", neo4j_decode)
    yield state
    monkeypatch.undo()
    if state["thread"] is not None:
        state["thread"].join()


def test_a_write_racing_the_snapshot_is_wholly_in_or_wholly_out(tiny_store, racing_write):
    snap = tiny_store.snapshot()
    assert racing_write["thread"] is not None  # the write did race the read
    racing_write["thread"].join()
    people = {p.id for p in snap.records["person"]}
    members = {m.person for m in snap.records["membership"]}
    assert "zed" not in people and "zed" not in members  # the snapshot began before the write: all out
    assert members <= people | {m.person for m in snap.records["membership"] if m.person.startswith("forgotten-")}
    assert snap.revision < tiny_store.revision()  # and it says it is older than the store now
    after = tiny_store.snapshot()
    assert "zed" in {p.id for p in after.records["person"]} and ZED_ON in after.records["membership"]


def test_a_what_if_overlay_copied_while_a_write_races_is_one_state(tiny_store, racing_write, tmp_path):
    """The overlay's copy is a snapshot: never a membership whose person is missing (or a person
    without the membership written with them); the next what-if copies the store anew."""
    from teamgraph import scenario_run
    from teamgraph.scenario_plan import plan
    from teamgraph.scenarios import parse_scenario, resolve
    from teamgraph.service import Teamgraph
    from teamgraph.settings import Settings
    tg = Teamgraph(Settings(data_dir=tmp_path), store=tiny_store, progress=False, build_index=False)
    sc = resolve(parse_scenario({"name": "Later", "changes": [{"delay": {"project": "p-hire", "weeks": 1}}]}), tg)
    the_plan = plan(sc, tiny_store)
    with scenario_run.Overlay(tg, the_plan) as overlay:
        assert racing_write["thread"] is not None
        people = {p.id for p in overlay.store.all("person")}
        members = {m.person for m in overlay.store.all("membership")}
        assert members <= people and overlay.left_out == 0
        assert ("zed" in people) == ("zed" in members)
    racing_write["thread"].join()
    with scenario_run.Overlay(tg, the_plan) as overlay:
        assert overlay.store.get("person", "zed") == ZED and overlay.store.get("membership", ZED_ON.key) == ZED_ON
