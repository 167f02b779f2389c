"""What-if scenarios on both stores: the overlay never writes, apply writes exactly the changes, bad
scenarios write nothing, the side-by-side numbers are the engine's on an org with the change ingested,
and who may run or apply what."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from teamgraph import scenario_run
from teamgraph.errors import AccessDenied, ValidationError
from teamgraph.graph.bookings import LIVE
from teamgraph.graph.model import (
    WRITE_ORDER, CapacityPeriod, ChangeSet, Membership, Person, PersonSkill, Phase, phased,
)
from teamgraph.scenario_plan import plan
from teamgraph.scenarios import load_scenario, parse_scenario, resolve
from teamgraph.service import Teamgraph
from teamgraph.settings import Settings
from tests.tinyorg import MEMBERSHIPS

REQUEST = {"name": "Pricing engine", "project": "p-new", "window": {"start": "2026-04-01", "end": "2026-06-30"},
           "allocation": 0.3, "budget": 60000, "size": {"min": 2, "max": 4},
           "requirements": [{"skill": "python", "level": 4}, {"skill": "budgeting", "level": 3}]}
HIRE = {"hire": {"name": "Planned engineer", "department": "Engineering", "skills": {"Python": 5, "sql": 4},
                 "cost_rate": 50, "capacity": 1.0}}
BO_HALF = {"allocation": {"person": "Bo Chen", "project": "Platform upgrade", "allocation": 0.5}}


@pytest.fixture
def tg(tiny_store, tmp_path):
    engine = Teamgraph(Settings(data_dir=tmp_path), store=tiny_store, progress=False, build_index=False)
    yield engine


def dump(store) -> dict:
    """Everything the store holds, comparable: every kind's records, the bookings, the revision."""
    out = {kind: sorted(map(repr, store.all(kind))) for kind in WRITE_ORDER}
    out["bookings"] = sorted(repr(b) for b in store.list_bookings())
    out["revision"] = store.revision()
    return out


def scenario(*changes, name="Test scenario"):
    return parse_scenario({"name": name, "changes": list(changes)})


def run(tg, sc, role="admin", person=None, request=REQUEST, relevance=False, **kw):
    return scenario_run.run(tg, sc, tg.viewer(role, person), request=request, relevance=relevance, **kw)


def test_the_overlay_leaves_the_store_unchanged(tg):
    tg.book(REQUEST, [{"id": "gus", "allocation": 0.3}], tg.viewer("hr", "ivy"))  # a live booking comes along
    before = dump(tg.store)
    sc = scenario(HIRE, BO_HALF, {"delay": {"project": "p-plat", "weeks": 2}},
                  {"remove": {"person": "Cy Park", "from": "2026-03-01"}},
                  {"reassign": {"person": "hal", "from_project": "p-hire", "to_project": "p-new", "date": "2026-02-01"}})
    out = run(tg, sc)
    assert out["with_scenario"]["status"] in ("optimal", "feasible")
    assert dump(tg.store) == before
    assert out["relevance"] == "off, as asked"
    with_brief = run(tg, sc, request={**REQUEST, "brief": "pricing"}, relevance=True)
    assert with_brief["relevance"].startswith("off: no retrieval index could be loaded")  # the test engine has none
    assert dump(tg.store) == before


def test_side_by_side_matches_the_engine_on_an_org_with_the_change_ingested(tg):
    out = run(tg, scenario(HIRE, BO_HALF))
    # the same change written by hand, then the engine run directly on it
    bo = next(m for m in MEMBERSHIPS if m.person == "bo" and m.project == "p-plat")
    tg.store.apply(ChangeSet().add(
        Person("hire-planned-engineer", "Planned engineer", "hire-planned-engineer@planned-hire.invalid", "eng",
               "planned hire", "", "", 1.0, 50.0),
        PersonSkill("hire-planned-engineer", "python", 5), PersonSkill("hire-planned-engineer", "sql", 4),
        replace(bo, allocation=0.5)))
    tg._changed()
    direct = tg.suggest(REQUEST, tg.viewer("admin"), alternatives=0, relevance=False)
    side = out["with_scenario"]
    assert [m["id"] for m in side["members"]] == direct.team.ids
    assert side["cost"] == direct.team.cost and side["max_util"] == round(direct.team.max_util, 4)
    assert side["coverage"]["met"] == side["coverage"]["total"] == 2
    assert side["budget_left"] == round(60000 - direct.team.cost, 2)
    # and the current side is the engine on the current org
    assert out["org_changes"]["added"] == [{"id": "hire-planned-engineer", "name": "Planned engineer"}]
    assert {m["name"] for m in out["team_changes"]["joined"]} == (
        {m["name"] for m in side["members"]} - {m["name"] for m in out["current"]["members"]})


def test_apply_writes_exactly_the_changes(tg):
    before = {kind: {repr(r) for r in tg.store.all(kind)} for kind in WRITE_ORDER}
    sc = scenario({**HIRE, "hire": {**HIRE["hire"], "start": "2026-05-01"}},
                  {"allocation": {"person": "bo", "project": "p-plat", "allocation": 0.5, "from": "2026-03-01"}},
                  {"delay": {"project": "p-plat", "weeks": 1}})
    out = scenario_run.apply(tg, sc, tg.viewer("hr", "ivy"))
    after = {kind: {repr(r) for r in tg.store.all(kind)} for kind in WRITE_ORDER}
    added = {k: after[k] - before[k] for k in WRITE_ORDER if after[k] - before[k]}
    gone = {k: before[k] - after[k] for k in WRITE_ORDER if before[k] - after[k]}
    plat = tg.store.get("project", "p-plat")
    assert (plat.start, plat.end) == (date(2026, 1, 22), date(2026, 7, 7))
    # changes apply in order: 0.5 FTE from March 1st, then the whole membership a week later
    expected_bo = Membership("bo", "p-plat", "engineer", 1.0, date(2026, 1, 22), date(2026, 7, 7), (
        Phase(date(2026, 1, 22), date(2026, 3, 7), 1.0), Phase(date(2026, 3, 8), date(2026, 7, 7), 0.5)))
    assert tg.store.get("membership", ("bo", "p-plat", "engineer")) == expected_bo
    assert tg.store.get("capacity_period", ("hire-planned-engineer", date(1900, 1, 1))) == CapacityPeriod(
        "hire-planned-engineer", date(1900, 1, 1), date(2026, 4, 30), 0.0)
    assert set(added) == {"person", "person_skill", "project", "membership", "capacity_period"}
    assert len(added["person_skill"]) == 2 and len(added["membership"]) == 3  # ana, bo, cy on p-plat moved
    assert set(gone) == {"project", "membership"} and len(gone["membership"]) == 3
    assert out["written"]["person"] == 1 and out["org_changes"]["added"][0]["name"] == "Planned engineer"


def test_an_invalid_scenario_is_a_clear_error_and_writes_nothing(tg, tmp_path):
    before = dump(tg.store)
    f = tmp_path / "bad.yaml"
    f.write_text("name: Bad\nchanges:\n  - hire: {name: X, department: Enginering, skills: {Pyhton: 5}}\n"
                 "  - remove: {person: Ana Lma, from: 2026-03-01}\n  - delay: {project: p-plat, weeks: 0}\n",
                 encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        load_scenario(f)
    assert [(p.line, p.field) for p in e.value.problems] == [(5, "changes[2].delay.weeks")]
    f.write_text(f.read_text(encoding="utf-8").replace("weeks: 0", "weeks: 3"), encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        scenario_run.apply(tg, load_scenario(f), tg.viewer("admin"))
    shown = {(p.file, p.line, p.field): p.message for p in e.value.problems}
    assert "did you mean Engineering?" in shown[(str(f), 3, "changes[0].hire.department")]
    assert "did you mean Python?" in shown[(str(f), 3, "changes[0].hire.skills.Pyhton")]
    assert "did you mean Ana Lima?" in shown[(str(f), 4, "changes[1].remove.person")]
    # changes that cannot be planned: Bo is not on the CRM migration; Cy works 0.8 FTE at most (ingest's rule)
    with pytest.raises(ValidationError, match="Bo Chen is not on CRM migration"):
        scenario_run.apply(tg, scenario({"allocation": {"person": "bo", "project": "p-crm", "allocation": 0.2}},
                                        HIRE), tg.viewer("admin"))
    with pytest.raises(ValidationError, match="Cy Park can give at most 0.8 FTE, not 1") as e:
        scenario_run.apply(tg, scenario(HIRE, {"allocation": {"person": "cy", "project": "p-plat", "allocation": 1}}),
                           tg.viewer("admin"))
    assert e.value.problems[0].field == "changes[1].allocation.allocation"
    with pytest.raises(ValidationError, match="the membership ends on 2026-06-30, before 2026-07-01") as e:
        scenario_run.apply(tg, scenario({"allocation": {"person": "bo", "project": "p-plat", "allocation": 0.5,
                                                        "from": "2026-07-01"}}), tg.viewer("admin"))
    assert e.value.problems[0].field == "changes[0].allocation.from"
    assert dump(tg.store) == before


def test_apply_refuses_while_a_booking_would_be_left_wrong(tg):
    b = tg.book(REQUEST, [{"id": "cy", "allocation": 0.3}], tg.viewer("hr", "ivy"))
    before = dump(tg.store)
    with pytest.raises(ValidationError, match=f"booking {b.id} still books cy"):
        scenario_run.apply(tg, scenario(HIRE, {"remove": {"person": "cy", "from": "2026-05-01"}}), tg.viewer("admin"))
    assert dump(tg.store) == before


def test_the_overlay_moves_memberships_phases_and_bookings_and_a_leaver_goes(tg):
    b = tg.book({**REQUEST, "project": "p-plat"}, [{"id": "gus", "allocation": 0.3}], tg.viewer("hr", "ivy"))
    sc = resolve(scenario({"delay": {"project": "p-plat", "weeks": 2}},
                          {"remove": {"person": "cy", "from": "2026-03-01"}}), tg)
    with scenario_run.Overlay(tg, plan(sc, tg.store)) as overlay:
        s = overlay.store
        assert s.get("membership", ("ana", "p-plat", "lead")).start == date(2026, 1, 29)
        # Feb 1st - Mar 15th moved to Feb 15th - Mar 29th, then cut at the day Cy leaves
        cy = s.get("membership", ("cy", "p-plat", "engineer"))
        assert (cy.start, cy.end, cy.allocation) == (date(2026, 2, 15), date(2026, 2, 28), 0.4)
        moved = [x for x in s.list_bookings(statuses=LIVE) if x.id == b.id][0]
        assert moved.window.start == date(2026, 4, 15) and moved.members == b.members
        assert s.calendars(["cy"])["cy"].periods[-1] == CapacityPeriod("cy", date(2026, 3, 1), None, 0.0)
    assert tg.store.get("membership", ("ana", "p-plat", "lead")).start == date(2026, 1, 15)


def test_a_planned_hire_is_not_staffed_before_they_start(tg):
    early = run(tg, scenario({**HIRE, "hire": {**HIRE["hire"], "start": "2026-05-01", "cost_rate": 1}}))
    on_time = run(tg, scenario({**HIRE, "hire": {**HIRE["hire"], "start": "2026-04-01", "cost_rate": 1}}))
    assert "hire-planned-engineer" in [m["id"] for m in on_time["with_scenario"]["members"]]
    assert "hire-planned-engineer" not in [m["id"] for m in early["with_scenario"]["members"]]


def test_roles(tg):
    own = scenario(HIRE)
    with pytest.raises(AccessDenied):
        run(tg, own, "member", "bo")
    out = run(tg, own, "sponsor", "fay")  # fay sponsors p-new
    for side in (out["current"], out["with_scenario"]):  # present.py: no cost, no utilisation for sponsors
        assert side["cost"] is None and side["max_util"] is None and "costs" not in side["words"]
    assert "cost" not in out["answers"]["with_scenario"]["team"]
    assert run(tg, own, "sponsor", "fay", request={**REQUEST, "project": None})["with_scenario"]["members"]
    for change in ({"remove": {"person": "cy", "from": "2026-03-01"}}, BO_HALF,
                   {"delay": {"project": "Pricing engine", "weeks": 2}}):  # they move someone's load
        with pytest.raises(AccessDenied, match="is for HR"):
            run(tg, scenario(HIRE, change), "sponsor", "fay")
    with pytest.raises(AccessDenied):
        run(tg, own, "sponsor", "fay", request={**REQUEST, "project": "p-plat"})  # ana's project
    before = dump(tg.store)
    with pytest.raises(AccessDenied):
        scenario_run.apply(tg, own, tg.viewer("sponsor", "fay"))
    assert dump(tg.store) == before
    hr = run(tg, scenario(HIRE, {"delay": {"project": "Pricing engine", "weeks": 2}}), "hr", "ivy")
    assert hr["with_scenario"]["cost"] is not None and hr["with_scenario"]["max_util"] is not None
    assert "moves with its project" in hr["notes"][0]


def test_a_portfolio_side_by_side(tg):
    portfolio = {"name": "Q2", "requests": [REQUEST, {**REQUEST, "name": "Second", "project": None}]}
    out = scenario_run.run(tg, scenario(HIRE), tg.viewer("hr", "ivy"), portfolio=portfolio, time_limit=10)
    assert out["kind"] == "portfolio"
    assert out["with_scenario"]["coverage"]["met"] >= out["current"]["coverage"]["met"]
    assert [t["request"] for t in out["with_scenario"]["teams"]] == ["Pricing engine", "Second"]
    side = out["with_scenario"]  # each team's cost against its budget, summed (the hire makes both feasible)
    assert side["status"] in ("optimal", "feasible") and len(side["teams"]) == 2
    assert side["cost"] == round(sum(t["cost"] for t in side["teams"]), 2) > 0 and side["budget"] == 120000
    assert side["budget_left"] == round(120000 - side["cost"], 2)
    with pytest.raises(AccessDenied):
        scenario_run.run(tg, scenario(HIRE), tg.viewer("sponsor", "fay"), portfolio=portfolio)


def test_each_overlay_starts_from_the_store_as_it_is_now(tg):
    """The record copy is reused while the revision stands still (a file clone), never after a write,
    and one what-if's changes never reach the next one's overlay."""
    hire = resolve(scenario(HIRE), tg)
    with scenario_run.Overlay(tg, plan(hire, tg.store)) as first:
        assert first.store.get("person", "hire-planned-engineer") is not None
    nothing = resolve(scenario({"delay": {"project": "p-hire", "weeks": 1}}), tg)
    with scenario_run.Overlay(tg, plan(nothing, tg.store)) as second:
        assert second.store.get("person", "hire-planned-engineer") is None
        assert second.store.counts() == tg.store.counts()  # every kind, record for record in number
    tg.store.apply(ChangeSet().add(Person("zed", "Zed Ray", "zed@example.org", "eng")))
    with scenario_run.Overlay(tg, plan(nothing, tg.store)) as third:
        assert third.store.get("person", "zed") is not None


def test_a_delayed_project_with_a_forgotten_member(tg):
    """Forgetting keeps a membership under a tombstone: the overlay leaves it out, apply moves it too."""
    tg.store.forget_person("gus")
    sc = scenario({"delay": {"project": "CRM migration", "weeks": 2}})
    out = scenario_run.run(tg, sc, tg.viewer("admin"), request=REQUEST, relevance=False)
    assert out["notes"][0].startswith("2 record(s) of forgotten people")  # Gus's CRM membership and rating of Ana
    scenario_run.apply(tg, sc, tg.viewer("admin"))
    moved = tg.store.project_members("p-crm")
    assert {m.start for m in moved} == {date(2025, 1, 15)} and len(moved) == 3  # ana, fay and the tombstone


def test_reassign_then_reallocate_builds_phases_and_a_role_must_be_said_when_there_are_two(tg):
    sc = resolve(scenario(
        {"reassign": {"person": "Ana Lima", "from_project": "p-plat", "to_project": "p-new", "date": "2026-04-01",
                      "allocation": 0.4}},
        {"allocation": {"person": "ana", "project": "Pricing engine", "allocation": 0.2, "from": "2026-05-01"}}), tg)
    cs = plan(sc, tg.store).changes
    assert set(cs.upserts["membership"]) == {
        Membership("ana", "p-plat", "lead", 0.7, date(2026, 1, 15), date(2026, 3, 31)),  # ends the day before
        phased("ana", "p-new", [Phase(date(2026, 4, 1), date(2026, 4, 30), 0.4),  # the rest moved, then re-allocated
                                Phase(date(2026, 5, 1), date(2026, 6, 30), 0.2)], "lead")}
    assert not cs.deletes
    tg.store.apply(ChangeSet().add(Membership("ana", "p-plat", "reviewer", 0.1, date(2026, 2, 1), date(2026, 5, 31))))
    with pytest.raises(ValidationError, match="Ana Lima is on Platform upgrade as lead, reviewer; say which with role"):
        plan(resolve(scenario({"allocation": {"person": "ana", "project": "p-plat", "allocation": 0.5}}), tg), tg.store)
    whole = plan(resolve(scenario({"reassign": {"person": "ana", "from_project": "p-plat", "to_project": "p-new",
                                                "role": "reviewer"}}), tg), tg.store).changes
    assert whole.deletes == {"membership": [("ana", "p-plat", "reviewer")]}
    assert whole.upserts["membership"] == [Membership("ana", "p-new", "reviewer", 0.1, date(2026, 2, 1),
                                                      date(2026, 5, 31))]
