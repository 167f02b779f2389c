"""Contract: forget_person (right to be forgotten) keeps anonymised aggregates correct."""

from __future__ import annotations

import pytest
from tests.tinyorg import Q1

from teamgraph.graph.model import Viewer
from teamgraph.errors import NotFoundError

ADMIN = Viewer(role="admin")


def _people(store) -> set[str]:
    return {p.id for p in store.all("person")}


def test_forgotten_person_is_gone_from_every_read(tiny_store):
    before = tiny_store.counts()
    rev = tiny_store.revision()
    report = tiny_store.forget_person("gus")
    assert report.revision == tiny_store.revision() > rev
    assert tiny_store.get("person", "gus") is None
    assert tiny_store.person_profile("gus", Q1, ADMIN) is None
    assert "gus" not in _people(tiny_store)
    assert tiny_store.memberships_of(["gus"]) == []
    assert _ids(tiny_store.candidates([("sql", 3)], Q1)) == ["ana", "cy"]  # gus had sql 3
    assert all("gus" not in (p.a, p.b) for p in tiny_store.collaboration_pairs())
    assert all(e.person != "gus" for e in tiny_store.evidence())
    assert all(r.rater != "gus" and r.ratee != "gus" for r in tiny_store.all("rating"))
    assert all(m.person != "gus" for m in tiny_store.all("membership"))
    assert all(s.person != "gus" for s in tiny_store.all("person_skill"))
    # budgeting is now held at level >= 3 by fay alone
    assert [h.person.id for h in tiny_store.skill_neighbourhood("budgeting").holders] == ["fay"]
    after = tiny_store.counts()
    assert after["person"] == before["person"] - 1
    assert after["person_skill"] == before["person_skill"] - 2  # budgeting, sql
    assert after["membership"] == before["membership"]  # kept under a tombstone
    assert after["rating"] == before["rating"] - 1  # ana -> gus removed; gus -> ana kept


def _ids(cands):
    return [c.person.id for c in cands]


def test_ratings_they_gave_still_count_for_the_ratee(tiny_store):
    def mean_received(person):
        ratings = tiny_store.person_profile(person, Q1, Viewer(role="hr")).ratings
        return sum(r.mean for r in ratings) / len(ratings)
    # ana received fay (3,4,4) and gus (4,5,5): (11/3 + 14/3) / 2 = 25/6
    assert mean_received("ana") == pytest.approx(25 / 6)
    tiny_store.forget_person("gus")
    assert mean_received("ana") == pytest.approx(25 / 6)
    kept = [r for r in tiny_store.all("rating") if r.ratee == "ana" and r.rater != "fay"]
    assert len(kept) == 1 and kept[0].rater not in _people(tiny_store)
    assert kept[0].comment == ""  # the forgotten person's own words go
    # the tombstone is not a person, so it forms no collaboration pair
    assert all({p.a, p.b} <= _people(tiny_store) for p in tiny_store.collaboration_pairs())


def test_project_head_count_is_unchanged(tiny_store):
    head_count = sum(1 for m in tiny_store.all("membership") if m.project == "p-crm")
    tiny_store.forget_person("gus")
    kept = [m for m in tiny_store.all("membership") if m.project == "p-crm"]
    assert len(kept) == head_count == 3
    assert [m.allocation for m in kept if m.person not in _people(tiny_store)] == [0.5]


def test_authorship_and_sponsorship_are_removed(tiny_store):
    tiny_store.forget_person("fay")  # sponsor and process owner of p-crm, sponsor of p-new
    crm = tiny_store.get("project", "p-crm")
    assert crm.sponsor is None and crm.process_owner is None
    assert tiny_store.get("project", "p-new").sponsor is None
    tiny_store.forget_person("gus")
    assert tiny_store.get("case", "c-1").authors == ("ana",)
    assert [e.target for e in tiny_store.evidence(["ana"]) if e.kind == "authored"] == ["c-1", "c-5"]


def test_a_forgotten_author_no_longer_sees_their_confidential_case(tiny_store):
    assert tiny_store.get_case("c-3", Viewer(person="dee")) is not None
    tiny_store.forget_person("dee")
    assert tiny_store.get("case", "c-3").authors == ()
    assert tiny_store.get_case("c-3", Viewer(person="dee")) is None
    assert tiny_store.counts()["case"] == 5  # the case itself stays


def test_forgetting_an_unknown_person(tiny_store):
    rev = tiny_store.revision()
    with pytest.raises(NotFoundError):
        tiny_store.forget_person("nobody")
    assert tiny_store.revision() == rev


def test_the_report_says_what_was_removed_per_kind(tiny_store):
    report = tiny_store.forget_person("fay")  # sponsor and process owner of p-crm, sponsor of p-new
    assert report.deleted == {"person": 1, "person_skill": 2, "expert": 1, "sponsorship": 2}
    assert report.written == {"membership": 1, "rating": 1}  # kept under the tombstone
    report = tiny_store.forget_person("gus")  # author of c-1, rated by ana
    assert report.deleted == {"person": 1, "person_skill": 2, "rating_about": 1, "authorship": 1}
