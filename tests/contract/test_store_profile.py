"""Contract: person profile and load arithmetic on the store (tests/tinyorg.py, window Q1)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.tinyorg import MEMBERSHIPS, PERSON_SKILLS, Q1

from teamgraph.graph.model import Department, Viewer, Window

ADMIN = Viewer(role="admin")


@pytest.mark.parametrize("person, load", [
    # ana: p-hire 0.2 (2025-09-01..2026-02-28) + p-plat 0.7 (from 2026-01-15) overlap
    # 2026-01-15..02-28 -> 0.2 + 0.7 = 0.9; p-crm and p-wms ended in 2025.
    ("ana", 0.9),
    # bo: p-wms ended 2025-12-31; p-plat 1.0 from 2026-01-15 -> 1.0
    ("bo", 1.0),
    # cy (capacity 0.8): p-plat 0.4 from 2026-02-01 to 2026-03-15 -> 0.4
    ("cy", 0.4),
    # hal: p-hire 0.7 until 2026-02-28 -> 0.7
    ("hal", 0.7),
    # fay: only p-crm, ended 2025-06-30 -> 0.0
    ("fay", 0.0),
])
def test_peak_load_in_q1(tiny_store, person, load):
    assert tiny_store.person_profile(person, Q1, ADMIN).load == pytest.approx(load)


def test_load_follows_the_window(tiny_store):
    # March only: p-hire ended Feb 28, so ana carries just p-plat's 0.7
    march = Window(date(2026, 3, 1), date(2026, 3, 31))
    assert tiny_store.person_profile("ana", march, ADMIN).load == pytest.approx(0.7)
    # mid 2025: p-crm 0.5 (to 06-30) + p-wms advisor 0.1 (from 06-01) -> 0.6 in June
    june = Window(date(2025, 6, 1), date(2025, 6, 30))
    assert tiny_store.person_profile("ana", june, ADMIN).load == pytest.approx(0.6)


def test_profile_contents(tiny_store):
    prof = tiny_store.person_profile("ana", Q1, ADMIN)
    assert prof.person.name == "Ana Lima" and prof.department == Department("eng", "Engineering")
    # highest level first
    assert [(s.skill, s.level) for s in prof.skills] == [("python", 5), ("k8s", 4), ("sql", 3)]
    assert sorted(prof.skills, key=lambda s: s.skill) == sorted(
        (s for s in PERSON_SKILLS if s.person == "ana"), key=lambda s: s.skill)
    assert sorted(m.key for m, _ in prof.memberships) == sorted(
        m.key for m in MEMBERSHIPS if m.person == "ana")
    assert all(m.project == p.id for m, p in prof.memberships)
    assert [c.id for c in prof.cases] == ["c-5", "c-1"]  # newest first
    assert [(e.topic, e.source) for e in prof.expert_in] == [("k8s", "designated")]
    assert prof.window == Q1


def test_ratings_received_only_for_hr_and_admin(tiny_store):
    hr = tiny_store.person_profile("ana", Q1, Viewer(role="hr"))
    # ana was rated by gus (4,5,5) and fay (3,4,4) on p-crm
    assert sorted((r.rater, r.mean) for r in hr.ratings) == [("fay", pytest.approx(11 / 3)),
                                                             ("gus", pytest.approx(14 / 3))]
    member = tiny_store.person_profile("ana", Q1, Viewer(role="member", person="bo", department="eng"))
    assert member.ratings is None


def test_profile_cases_respect_visibility(tiny_store):
    # dee wrote c-2 (department ops) and c-3 (confidential, p-wms)
    outsider = Viewer(role="member", person="cy", department="eng")
    assert tiny_store.person_profile("dee", Q1, outsider).cases == []
    colleague = Viewer(role="member", person="eli", department="ops")
    assert [c.id for c in tiny_store.person_profile("dee", Q1, colleague).cases] == ["c-2"]
    teammate = Viewer(role="member", person="eli", department="ops", projects=frozenset({"p-wms"}))
    assert [c.id for c in tiny_store.person_profile("dee", Q1, teammate).cases] == ["c-2", "c-3"]


def test_unknown_person_has_no_profile(tiny_store):
    assert tiny_store.person_profile("nobody", Q1, ADMIN) is None


def test_memberships_of(tiny_store):
    got = tiny_store.memberships_of(["cy", "ana", "nobody"])
    expected = [m for m in MEMBERSHIPS if m.person in ("ana", "cy")]
    # documented order: person, start date, project, role
    assert got == sorted(expected, key=lambda m: (m.person, m.start, m.project, m.role))
    assert tiny_store.memberships_of([]) == []
