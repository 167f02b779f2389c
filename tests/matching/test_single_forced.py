"""Forced members (include and pins) on tests/tinyorg.py, window Q1 2026, on every store backend.

Loads in Q1 (hand-computed): ana 0.9, bo 1.0, cy 0.4 of capacity 0.8, everyone else 0 but hal 0.7.
With 0.5 FTE, ana (python 5, sql 3) would be at 140 %, cy (sql 4) at 112.5 %.

Defect 1: an included or pinned fully booked person came back at 140 % as "optimal", silently.
Defect 9: that person's utilisation became everyone's cap, so hal took a 0.6 role at 130 %.
Defect 10: a leaver in include or pins crashed suggest (KeyError); now a ValidationError naming the field.
"""

from __future__ import annotations

import pytest
from tests.matching.teamcheck import violations
from tests.matching.pricing import pricing_request

from teamgraph.errors import ValidationError
from teamgraph.matching.engine import resolve, suggest, why_not
from teamgraph.matching.render import suggestion_text
from teamgraph.matching.request import resolve_skills


def request(**over):
    return pricing_request(**{"allocation": 0.5, **over})


def test_included_booked_person_is_an_acknowledged_overload(tiny_store):
    req = request(include=["ana"])
    sug = suggest(tiny_store, req)
    assert sug.status == "overloaded"  # never "optimal" with someone at 140 %
    assert sug.forced_overload == [{"person": "ana", "name": "Ana Lima", "utilisation": pytest.approx(1.4)}]
    assert "feasible only with this forced overload: Ana Lima at 140 %" in sug.notes
    d = sug.to_dict()
    assert d["status"] == "overloaded" and d["forced_overload"][0]["name"] == "Ana Lima" and d["violations"] == []
    text = suggestion_text(sug)
    assert text.splitlines()[0].startswith("Pricing: overloaded — feasible only with this forced overload: "
                                           "Ana Lima at 140 %")
    assert "proven optimal)" not in text.splitlines()[0]
    assert violations(tiny_store, resolve_skills(req, tiny_store.all("skill")), sug.team) == []


def test_pinned_booked_person_is_an_acknowledged_overload(tiny_store):
    first = suggest(tiny_store, request(allocation=0.3))
    again = resolve(tiny_store, request(allocation=0.3), pins=["ana"], previous=first)
    assert again.status == "overloaded" and [o["person"] for o in again.forced_overload] == ["ana"]
    assert again.forced_overload[0]["utilisation"] == pytest.approx(1.2)
    assert "ana" in again.team.ids and again.diff.names["ana"] == "Ana Lima"


def test_forced_overload_never_raises_anyone_elses_limit(tiny_store):
    # Base 0.3 FTE, bo included: 1.0 + 0.3 = 130 %. Recruiting at 0.6 FTE: hal (level 5) scores best
    # but would go from 70 % to 130 %; ivy (level 3, free) stays at 60 %. Before, bo's 130 % was
    # the cap for everyone and hal joined at 130 %, "optimal".
    req = request(allocation=0.3, size={"min": 1, "max": 3}, include=["bo"],
                  requirements=[{"skill": "recruiting", "level": 3, "allocation": 0.6}])
    sug = suggest(tiny_store, req)
    assert sug.status == "overloaded"
    assert sorted(sug.team.ids) == ["bo", "ivy"]
    assert all(m.util_after <= 1.0 + 1e-9 for m in sug.team.members if m.id != "bo")
    assert sug.forced_overload == [{"person": "bo", "name": "Bo Chen", "utilisation": pytest.approx(1.3)}]
    bo = next(m for m in sug.team.members if m.id == "bo")
    assert bo.forced and bo.covers == [] and bo.needed_for is None
    # The objective's utilisation term leaves the forced member out: ivy at 60 % is the maximum.
    assert sug.team.score["max_util"] == pytest.approx(-2 * 0.6)
    assert sug.team.max_util == pytest.approx(1.3)  # what the team shows counts everyone


def test_forced_member_within_capacity_is_plain_optimal(tiny_store):
    sug = suggest(tiny_store, request(allocation=0.3, include=["gus"]))
    assert sug.status == "optimal" and sug.forced_overload == [] and "gus" in sug.team.ids


@pytest.mark.parametrize("field", ["include", "pins"])
@pytest.mark.parametrize("person, words", [("jon", ["Jon Roe", "leaver"]), ("zed", ["unknown person 'zed'"])])
def test_leaver_or_unknown_in_include_or_pins_names_the_field(tiny_store, field, person, words):
    with pytest.raises(ValidationError) as e:
        if field == "include":
            suggest(tiny_store, request(include=[person]))
        else:
            resolve(tiny_store, request(), pins=[person])
    p = e.value.problems[0]
    assert p.field == field and all(w in p.message for w in words)


def test_pinned_and_excluded_names_pins(tiny_store):
    with pytest.raises(ValidationError) as e:
        suggest(tiny_store, request(exclude=["fay"]), pins=["fay"])
    assert [p.field for p in e.value.problems] == ["pins"] and "Fay Wong" in e.value.problems[0].message


def test_why_not_keeps_capacity_for_its_subject(tiny_store):
    # sql at 0.6 FTE: gus takes it (60 %), fay budgeting ≥ 4; cy (sql 4) would be at 125 %, so cy
    # could only join without a role, as a passenger beyond the size minimum of 2. Asking "why not
    # cy?" must not exempt cy from capacity the way a pin does.
    req = request(allocation=0.3, requirements=[{"skill": "sql", "level": 3, "allocation": 0.6},
                                                {"skill": "budgeting", "level": 4}])
    sug = suggest(tiny_store, req)
    assert sorted(sug.team.ids) == ["fay", "gus"]
    why = why_not(tiny_store, req, "cy", suggestion=sug)
    assert not why.feasible and why.kind == "conflict"
    assert "capacity of Cy Park" in why.reason
