"""Contract: candidates for skill needs (tests/tinyorg.py, window Q1)."""

from __future__ import annotations

import pytest
from tests.tinyorg import PERSON_SKILLS, Q1


def _ids(cands):
    return [c.person.id for c in cands]


def test_level_threshold_and_leavers(tiny_store):
    # python >= 4: ana (5), bo (4); cy has 3; jon has 5 but is a leaver
    got = tiny_store.candidates([("python", 4)], Q1)
    assert _ids(got) == ["ana", "bo"]
    assert _ids(tiny_store.candidates([("python", 3)], Q1)) == ["ana", "bo", "cy"]
    # k8s >= 4: only ana (bo has level 2)
    assert _ids(tiny_store.candidates([("k8s", 4)], Q1)) == ["ana"]


def test_candidates_carry_all_their_skills_and_their_load(tiny_store):
    by_id = {c.person.id: c for c in tiny_store.candidates([("python", 4)], Q1)}
    assert by_id["ana"].skills == {s.skill: s for s in PERSON_SKILLS if s.person == "ana"}
    assert by_id["ana"].load == pytest.approx(0.9)  # 0.2 p-hire + 0.7 p-plat, Jan 15..Feb 28
    assert by_id["bo"].load == pytest.approx(1.0)  # p-plat 1.0 from Jan 15
    assert by_id["ana"].person.department == "eng" and by_id["ana"].person.capacity == 1.0


def test_any_need_qualifies(tiny_store):
    # python >= 3 (ana, bo, cy) or budgeting >= 5 (fay); fay's p-crm ended in 2025 -> load 0
    got = tiny_store.candidates([("python", 3), ("budgeting", 5)], Q1)
    assert _ids(got) == ["ana", "bo", "cy", "fay"]
    assert {c.person.id: c.load for c in got}["fay"] == 0.0


def test_include_adds_people_whatever_their_skills(tiny_store):
    got = tiny_store.candidates([("python", 5)], Q1, include=["hal", "nobody"])
    assert _ids(got) == ["ana", "hal"]  # unknown ids are ignored
    hal = got[1]
    assert set(hal.skills) == {"recruiting"} and hal.load == pytest.approx(0.7)  # p-hire until Feb 28


def test_include_returns_a_leaver_with_their_status(tiny_store):
    got = tiny_store.candidates([("budgeting", 5)], Q1, include=["jon"])
    assert _ids(got) == ["fay", "jon"]
    assert got[1].person.status == "leaver"


def test_no_holders_no_candidates(tiny_store):
    assert tiny_store.candidates([("programming", 1)], Q1) == []
    assert tiny_store.candidates([("no-such-skill", 1)], Q1) == []
    assert tiny_store.candidates([], Q1) == []


def test_departments_add_their_active_people_whatever_their_skills(tiny_store):
    # Defect 3: a required department whose people hold none of the needs must still be in the pool.
    # hr: hal, ivy (recruiting only); no python among them. eng's jon is a leaver and stays out.
    got = tiny_store.candidates([("python", 5)], Q1, departments=["hr", "eng"])
    assert _ids(got) == ["ana", "bo", "cy", "hal", "ivy"]
    by_id = {c.person.id: c for c in got}
    assert by_id["ivy"].skills == {s.skill: s for s in PERSON_SKILLS if s.person == "ivy"}
    assert by_id["ivy"].load == 0.0
    assert by_id["hal"].load == pytest.approx(0.7)  # p-hire until Feb 28
    assert by_id["cy"].load == pytest.approx(0.4)  # p-plat Feb 1 .. Mar 15


def test_departments_alone_and_unknown(tiny_store):
    assert _ids(tiny_store.candidates([], Q1, departments=["fin"])) == ["fay", "gus"]
    assert tiny_store.candidates([], Q1, departments=["nowhere"]) == []
    # a department and an include of the same person: listed once
    assert _ids(tiny_store.candidates([], Q1, include=["gus", "jon"], departments=["fin"])) == ["fay", "gus", "jon"]


def test_candidates_many_answers_each_ask_as_candidates_does(tiny_store):
    from datetime import date

    from teamgraph.graph.model import Window
    from teamgraph.graph.reads import CandidateAsk
    later = Window(date(2026, 3, 1), date(2026, 3, 31))  # after ana's and hal's Feb 28 ends
    asks = [CandidateAsk((("python", 4),), Q1), CandidateAsk((("python", 5),), later, ("hal", "nobody")),
            CandidateAsk((("budgeting", 5),), Q1, ("jon",)), CandidateAsk((("nothing-held", 1),), Q1)]
    got = tiny_store.candidates_many(asks)
    assert got == [tiny_store.candidates(a.needs, a.window, a.include, a.departments) for a in asks]
    assert [_ids(g) for g in got] == [["ana", "bo"], ["ana", "hal"], ["fay", "jon"], []]
    assert got[0][0].load == pytest.approx(0.9) and got[1][1].person.id == "hal"
    assert tiny_store.candidates_many([]) == []
