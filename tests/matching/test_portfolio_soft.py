"""Soft portfolio mode (a load cap) on tests/tinyorg.py: a team may leave a requirement, a required
department or the size minimum open only by listing it in its `unmet`, and meets them whenever a
free person allows (defect 2); no hard-mode bound beside a soft result."""

from __future__ import annotations

from teamgraph.matching.portfolio import staff
from teamgraph.matching.request import parse_portfolio

Q1 = {"start": "2026-01-01", "end": "2026-03-31"}


def run(store, requests, max_load):
    return staff(store, parse_portfolio({"requests": requests}), max_load=max_load, time_limit=20, lns_workers=1)


def departments_of(store, team) -> set[str]:
    return {store.get("person", m["id"]).department for m in team["members"]}


def test_a_free_person_of_a_required_department_is_taken(tiny_store):
    # Nobody holding python stays under 60 % (cy would be at 87.5 %), but Operations has free people:
    # the team must represent Operations, and say that python stays open.
    res = run(tiny_store, [{"name": "Q", "window": Q1, "allocation": 0.3, "size": {"min": 1, "max": 3},
                            "departments": {"required": ["ops"]},
                            "requirements": [{"skill": "python", "level": 3}]}], 0.6)
    team = res.teams[0]
    assert "ops" in departments_of(tiny_store, team)
    assert [u["rule"] for u in team["unmet"]] == ["coverage"]
    assert team["unmet"][0]["skill"] == "python" and team["unmet"][0]["missing"] == 1
    assert res.status == "optimal" and res.violations == []
    assert all(m["name"] == tiny_store.get("person", m["id"]).name for m in team["members"])


def test_soft_mode_reports_no_lower_bound_or_gap(tiny_store):
    res = run(tiny_store, [{"name": "A", "window": Q1, "allocation": 0.3, "size": {"min": 1, "max": 3},
                            "requirements": [{"skill": "python", "level": 3}, {"skill": "budgeting", "level": 3}]}],
              0.5)
    d = res.to_dict()
    assert d["lower_bound"] is None and d["gap"] is None
    assert d["max_util"] <= 0.5 + 1e-9


def test_what_a_team_leaves_open_is_listed_with_names(tiny_store):
    # At 0.5 FTE nobody fits under a 30 % cap: the team is empty and lists the requirement, the
    # required department (by name) and the size minimum.
    res = run(tiny_store, [{"name": "Hiring", "window": Q1, "allocation": 0.5, "size": {"min": 2, "max": 3},
                            "departments": {"required": ["hr"]},
                            "requirements": [{"skill": "recruiting", "level": 3}]}], 0.3)
    team = res.teams[0]
    assert team["members"] == []
    unmet = {u["rule"]: u for u in team["unmet"]}
    assert set(unmet) == {"coverage", "department", "size"}
    assert unmet["department"]["department"] == "hr"
    assert "People & Culture" in unmet["department"]["message"]
    assert unmet["size"]["minimum"] == 2 and unmet["size"]["size"] == 0
    assert res.status != "invalid" and res.violations == []


def test_the_size_minimum_is_met_when_free_people_exist(tiny_store):
    # One budgeting slot, but a minimum of 2: a second member is needed for the minimum, and free
    # people exist, so the team has 2 members and nothing unmet.
    res = run(tiny_store, [{"name": "F", "window": Q1, "allocation": 0.2, "size": {"min": 2, "max": 3},
                            "requirements": [{"skill": "budgeting", "level": 3}]}], 0.6)
    team = res.teams[0]
    assert len(team["members"]) == 2 and team["unmet"] == []
    assert res.violations == []


def test_included_people_stay_in_soft_mode(tiny_store):
    # Soft mode keeps every rule but coverage, departments and the minimum hard: an included
    # person is on the team even above the load cap, as acknowledged forced overload.
    res = run(tiny_store, [{"name": "R", "window": Q1, "allocation": 0.3, "include": ["ana"],
                            "requirements": [{"skill": "sql", "level": 3}]}], 0.5)
    ids = [m["id"] for m in res.teams[0]["members"]]
    assert "ana" in ids
    assert res.status == "overloaded"
    assert [(f["person"], f["utilisation"]) for f in res.forced_overload] == [("ana", 1.2)]
