"""Booked people are busy in later suggestions (issue 9 item 2), on each store: the solver, why-not
and the diagnosis all see the booking through the same load; TEAMGRAPH_COUNT_TENTATIVE=0 (the
store's count_tentative) leaves tentative bookings out, never confirmed ones."""

from __future__ import annotations

import pytest

from teamgraph.service import Teamgraph
from teamgraph.settings import Settings

# only Dee holds logistics at level 5
REQUEST = {"name": "Depot move", "window": {"start": "2026-04-06", "end": "2026-05-31"}, "allocation": 0.5,
           "requirements": [{"skill": "logistics", "level": 5}], "size": {"min": 1, "max": 1}}


@pytest.fixture
def tg(tiny_store, tmp_path):
    return Teamgraph(Settings(data_dir=tmp_path), store=tiny_store, progress=False)


def _team(tg, viewer):
    result = tg.suggest(REQUEST, viewer, alternatives=0, relevance=False, time_limit=10)
    return result, (result.team.ids if result.team else [])


def test_a_booked_person_is_not_suggested_past_capacity(tg, tiny_store):
    hr = tg.viewer("hr", "ivy")
    assert _team(tg, hr)[1] == ["dee"]
    booking = tg.book({**REQUEST, "name": "Warehouse audit", "allocation": 0.8}, ["dee"], hr)
    result, team = _team(tg, hr)
    assert team == [] and result.status == "infeasible"
    why = tg.view_why_not(tg.why_not(REQUEST, "dee", hr, relevance=False), hr)
    assert "over capacity" in why["reason"] and "2026-04-06" in why["reason"]
    tiny_store.count_tentative = False  # tentative bookings left out of suggestions' load
    try:
        tg._changed()
        assert _team(tg, hr)[1] == ["dee"]
        tg.change_booking(booking.id, "confirm", hr)  # a confirmed booking always counts
        assert _team(tg, hr)[1] == []
    finally:
        tiny_store.count_tentative = True
    tg.change_booking(booking.id, "cancel", hr)
    assert _team(tg, hr)[1] == ["dee"]  # cancelled: free again
