"""Applying a what-if with its team booked (both stores): the organisation changes and the bookings in
one transaction, conflicts named with person and weeks, nothing half-written."""

from __future__ import annotations

from datetime import date

import pytest

from teamgraph import scenario_run
from teamgraph.errors import AccessDenied, ValidationError
from teamgraph.graph.bookings import BookingConflict
from tests.test_scenarios import HIRE, REQUEST, dump, scenario
from tests.test_scenarios import tg as tg  # noqa: F401  (the engine fixture over each store)

CHEAP_HIRE = {"hire": {**HIRE["hire"], "cost_rate": 1}}


def test_apply_books_the_team_the_what_if_showed(tg):
    hr = tg.viewer("hr", "ivy")
    sc = scenario(CHEAP_HIRE)
    shown = scenario_run.run(tg, sc, hr, request=REQUEST, relevance=False)["with_scenario"]["members"]
    assert "hire-planned-engineer" in [m["id"] for m in shown]
    team = [{"id": m["id"], "allocation": REQUEST["allocation"]} for m in shown]
    out = scenario_run.apply(tg, sc, hr, request=REQUEST, book="confirmed", teams=[team])
    [b] = out["bookings"]
    assert b["status"] == "confirmed" and {m["id"] for m in b["members"]} == {m["id"] for m in shown}
    assert "Planned engineer" in b["words"] and b["booked_by"]["name"] == "Ivy Diaz"
    assert out["written"]["person"] == 1 and out["written"]["booking"] == 1
    stored = tg.store.get_booking(b["id"])
    assert stored.window.start == date(2026, 4, 1) and tg.store.get("person", "hire-planned-engineer")
    assert out["revision"] == tg.store.revision()


def test_without_a_team_apply_solves_on_the_overlay_as_run_does(tg):
    hr = tg.viewer("hr", "ivy")
    sc = scenario(CHEAP_HIRE)
    shown = scenario_run.run(tg, sc, hr, request=REQUEST, relevance=False)["with_scenario"]["members"]
    out = scenario_run.apply(tg, sc, hr, request=REQUEST, book="tentative", relevance=False)
    assert [m["id"] for m in out["bookings"][0]["members"]] == sorted(m["id"] for m in shown)
    assert out["bookings"][0]["status"] == "tentative"


def test_someone_booked_since_is_a_conflict_naming_person_and_weeks_and_nothing_is_written(tg):
    hr = tg.viewer("hr", "ivy")
    sc = scenario(CHEAP_HIRE)
    shown = scenario_run.run(tg, sc, hr, request=REQUEST, relevance=False)["with_scenario"]["members"]
    taken = next(m for m in shown if m["id"] != "hire-planned-engineer")
    # meanwhile HR books that person full time (over capacity, allowed) in May
    tg.book({**REQUEST, "window": {"start": "2026-05-04", "end": "2026-05-17"}},
            [{"id": taken["id"], "allocation": 1.0}], hr, allow_overload=True)
    before = dump(tg.store)
    team = [{"id": m["id"], "allocation": REQUEST["allocation"]} for m in shown]
    with pytest.raises(BookingConflict) as e:
        scenario_run.apply(tg, sc, hr, request=REQUEST, book="tentative", teams=[team])
    [c] = e.value.conflicts
    assert c.name == taken["name"] and c.weeks[0] == date(2026, 4, 29) and len(c.weeks) == 3
    assert taken["name"] in str(e.value) and "nothing was written" in str(e.value)
    assert dump(tg.store) == before  # no hire, no booking, same revision


def test_a_booking_before_the_hire_starts_conflicts_in_the_weeks_they_are_not_there(tg):
    hr = tg.viewer("hr", "ivy")
    late = scenario({"hire": {**CHEAP_HIRE["hire"], "start": "2026-05-01"}})
    before = dump(tg.store)
    with pytest.raises(BookingConflict) as e:
        scenario_run.apply(tg, late, hr, request=REQUEST, book="tentative",
                           teams=[[{"id": "hire-planned-engineer"}, {"id": "fay"}]])
    assert e.value.conflicts[0].name == "Planned engineer" and e.value.conflicts[0].weeks[0] == date(2026, 4, 1)
    assert dump(tg.store) == before


def test_a_delayed_project_books_the_moved_window_and_a_portfolio_books_each_request(tg):
    hr = tg.viewer("admin")
    out = scenario_run.apply(tg, scenario(CHEAP_HIRE, {"delay": {"project": "Pricing engine", "weeks": 2}}), hr,
                             request=REQUEST, book="tentative", relevance=False)
    w = tg.store.get_booking(out["bookings"][0]["id"]).window
    assert (w.start, w.end) == (date(2026, 4, 15), date(2026, 7, 14))
    portfolio = {"name": "Q3", "requests": [{**REQUEST, "name": "Third", "project": None,
                                             "window": {"start": "2026-08-03", "end": "2026-09-27"}},
                                            {**REQUEST, "name": "Fourth", "project": None,
                                             "window": {"start": "2026-08-03", "end": "2026-09-27"}}]}
    sc = scenario({"hire": {**CHEAP_HIRE["hire"], "name": "Second hire"}})
    done = scenario_run.apply(tg, sc, hr, portfolio=portfolio, book="tentative", time_limit=10)
    assert [b["name"] for b in done["bookings"]] == ["Third", "Fourth"]
    assert done["written"]["booking"] == 2 and tg.store.get("person", "hire-second-hire")


def test_what_apply_refuses_before_writing(tg):
    before = dump(tg.store)
    hr = tg.viewer("hr", "ivy")
    sc = scenario(CHEAP_HIRE)
    for kw, field in (({"book": "tentative"}, "request"), ({"request": REQUEST}, "book"),
                      ({"request": REQUEST, "book": "cancelled"}, "book"),
                      ({"request": REQUEST, "book": "tentative", "teams": [[{"id": "fay"}], [{"id": "gus"}]]}, "teams"),
                      ({"request": REQUEST, "book": "tentative", "teams": [[{"id": "nobody"}]]}, "members[0].id"),
                      ({"request": REQUEST, "book": "tentative", "teams": [[{"id": "fay", "allocation": "x"}]]},
                       "team[0].allocation")):
        with pytest.raises(ValidationError) as e:
            scenario_run.apply(tg, sc, hr, **kw)
        assert field in [p.field for p in e.value.problems], (kw, e.value.problems)
    with pytest.raises(AccessDenied):
        scenario_run.apply(tg, sc, tg.viewer("sponsor", "fay"), request=REQUEST, book="tentative")
    assert dump(tg.store) == before
