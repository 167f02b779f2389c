"""The single-team engine against the brute-force oracle, on random small organisations.

Every returned team (and alternative) must satisfy every rule, forced overload only for forced
members and only as status "overloaded" listing them; "infeasible" only when the oracle finds no
valid team; never "optimal" with a broken rule; a leaver in include or pins is a ValidationError
naming that field. Each property fails from its own line, so hypothesis reports a minimal
counterexample per property.
"""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from tests.matching.oracle import valid_teams
from tests.matching.oracle_org import (org_store,
    Booking, Org, OrgPerson, SingleCase, single_cases, window_body,
)
from tests.matching.teamcheck import suggestion_findings

from teamgraph.errors import ValidationError
from teamgraph.matching.engine import suggest
from teamgraph.matching.request import parse_request, resolve_skills

# Bounded and reproducible for CI: a fixed example sequence, no example database, no wall-clock
# deadline (a solve's time varies with the machine), no coverage-based "explain" phase (slow).
SETTINGS = settings(max_examples=500, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def run_case(store, case: SingleCase) -> list[dict]:
    """The findings of the engine's answer to `case` on `store` (which holds case.org)."""
    req = resolve_skills(parse_request(case.body), store.all("skill"))
    forced = [*req.include, *case.pins]
    leavers = [p for p in forced if case.org.person(p).leaver]
    if leavers:
        with pytest.raises(ValidationError) as err:
            suggest(store, req, pins=case.pins)
        fields = {p.field for p in err.value.problems}
        named = {"include" if p in req.include else "pins" for p in leavers}
        assert named <= fields, f"leavers {leavers} forced: the error names {fields}, not {named}"
        return []
    sug = suggest(store, req, pins=case.pins, alternatives=1, time_limit=None)
    oracle = valid_teams(store, req, case.org.ids, case.pins)
    return suggestion_findings(store, req, sug, case.pins, oracle)


def assert_promises(findings: list[dict]) -> None:
    """One line per property, so each gets its own minimal counterexample."""
    def of(*rules):
        return [f["message"] for f in findings if f["rule"] in rules]
    assert not of("oracle"), "false infeasible"
    assert not of("forced_overload"), "forced overload not reported"
    assert not of("capacity", "load"), "over capacity"
    assert not of("away"), "away more than the request's max_away"
    assert not of("size"), "team size"
    assert not of("include", "exclude", "inactive"), "include / exclude / active"
    assert not of("department", "cap"), "departments"
    assert not of("coverage", "level"), "coverage"
    assert not of("budget"), "budget"
    assert not of("allocation"), "allocation"
    assert not of("passenger"), "passenger"
    assert not of("oracle_mismatch"), "the checker and the oracle disagree"
    assert not findings, "misreported answer"


def _welders(n: int, *changed: OrgPerson) -> Org:
    """n people in quality with welding 3, free and at capacity 1, some replaced by `changed`."""
    people = {f"p{i}": OrgPerson(f"p{i}", "quality", 1.0, 100.0, False, (("welding", 3),), ()) for i in range(n)}
    people.update({p.id: p for p in changed})
    return Org(("quality", "sales"), ("welding", "audit", "python"), tuple(people.values()))


_TWO_WEEKS = {"name": "request", "allocation": 0.5, "window": window_body(0, 2), "size": {"min": 1, "max": 1},
              "requirements": [{"skill": "Welding", "level": 3, "count": 1}]}
# The shrunk counterexamples the previous engine failed on, always run first (one per defect).
SHRUNK = [
    # forced overload reported as "optimal" (defect 1): p1 is fully booked and pinned
    SingleCase(_welders(4, OrgPerson("p1", "quality", 1.0, 100.0, False, (("welding", 3),),
                                     (Booking(0.5, 0, 1), Booking(0.5, 0, 1)))),
               dict(_TWO_WEEKS, size={"min": 1, "max": 2}), ("p1",)),
    # a 0.2 role given the 0.5 base (defect 4)
    SingleCase(_welders(4), dict(_TWO_WEEKS, requirements=[{"skill": "Welding", "level": 3, "allocation": 0.2}]), ()),
    # a required department whose people hold none of the skills (defect 3): p0 represents quality
    SingleCase(Org(("quality", "sales"), ("welding", "python"),
                   (OrgPerson("p0", "quality", 1.0, 100.0, False, (("python", 3),), ()),
                    OrgPerson("p1", "sales", 1.0, 100.0, False, (("welding", 3),), ()))),
               dict(_TWO_WEEKS, size={"min": 1, "max": 2}, departments={"required": ["quality"]}), ()),
    # a member there only for the size minimum, whose explanation must say so (defect 8)
    SingleCase(_welders(4), dict(_TWO_WEEKS, size={"min": 2, "max": 2}), ()),
    # a pinned leaver (defect 10: a KeyError before)
    SingleCase(_welders(6, OrgPerson("p5", "quality", 1.0, 100.0, True, (("welding", 3),), ())), _TWO_WEEKS,
               ("p5",)),
    # time-phased: the only welders are busy only in the first half (phased), drop to 0.5 FTE in
    # week 1, or are away most of the window (issue 9)
    SingleCase(Org(("quality", "sales"), ("welding",), (
        OrgPerson("p0", "quality", 1.0, 100.0, False, (("welding", 3),), (Booking(0.8, 0, 2, 0.2),)),
        OrgPerson("p1", "quality", 1.0, 100.0, False, (("welding", 4),), (), ((1, 0.5),)),
        OrgPerson("p2", "quality", 1.0, 100.0, False, (("welding", 5),), (), (), ((0, 10),)))),
        dict(_TWO_WEEKS, allocation=0.3, size={"min": 1, "max": 2}), ()),
]


@SETTINGS
@given(case=single_cases())
@example(case=SHRUNK[0])
@example(case=SHRUNK[1])
@example(case=SHRUNK[2])
@example(case=SHRUNK[3])
@example(case=SHRUNK[4])
@example(case=SHRUNK[5])
def test_single_team_keeps_every_promise(case):
    with org_store(case.org) as store:
        assert_promises(run_case(store, case))


# A fixed organisation for both backends: a booked person pinned, a 0.2 role below the 0.5 base,
# a required department whose only active member holds none of the skills, a leaver, a budget.
SMOKE_ORG = Org(
    departments=("quality", "sales"), skills=("welding", "audit"),
    people=(
        OrgPerson("p0", "sales", 1.0, 100.0, False, (("welding", 4),), (Booking(0.8, 0, 13),)),
        OrgPerson("p1", "sales", 1.0, 80.0, False, (("welding", 3), ("audit", 2)), (Booking(0.3, 2, 4),)),
        OrgPerson("p2", "sales", 0.5, 50.0, False, (("audit", 4),), ()),
        OrgPerson("p3", "quality", 0.8, 120.0, False, (), (Booking(0.2, 0, 6),)),
        OrgPerson("p4", "quality", 1.0, 150.0, True, (("welding", 5),), ()),
    ))
SMOKE_BASE = {"name": "smoke", "allocation": 0.5, "window": window_body(0, 13), "size": {"min": 2, "max": 4},
              "requirements": [{"skill": "Welding", "level": 3}, {"skill": "Audit", "level": 2, "allocation": 0.2}]}
SMOKE_CASES = [
    SingleCase(SMOKE_ORG, SMOKE_BASE, ()),
    SingleCase(SMOKE_ORG, SMOKE_BASE, ("p0",)),  # booked at 0.8: a forced overload
    SingleCase(SMOKE_ORG, dict(SMOKE_BASE, departments={"required": ["quality"]}), ()),
    SingleCase(SMOKE_ORG, dict(SMOKE_BASE, size={"min": 3, "max": 4}, budget=30000.0), ()),
    SingleCase(SMOKE_ORG, dict(SMOKE_BASE, include=["p4"]), ()),  # a leaver
]


# Time-phased (issue 9): p0 busy 0.8 then 0.2 (phases), p1 down to capacity 0 from week 4 (parental
# leave kept as capacity), p2 on leave for 60 days, p3 with a week of leave, p4 back to 1.0 FTE.
PHASED_ORG = Org(
    departments=("quality", "sales"), skills=("welding", "audit"),
    people=(
        OrgPerson("p0", "sales", 1.0, 100.0, False, (("welding", 4),), (Booking(0.8, 0, 13, 0.2),)),
        OrgPerson("p1", "sales", 1.0, 80.0, False, (("welding", 5), ("audit", 2)), (), ((4, 0.0),)),
        OrgPerson("p2", "sales", 1.0, 50.0, False, (("audit", 4), ("welding", 5)), (), (), ((0, 60),)),
        OrgPerson("p3", "quality", 0.8, 120.0, False, (("audit", 3),), (Booking(0.2, 0, 6),), (), ((2, 7),)),
        OrgPerson("p4", "quality", 0.5, 150.0, False, (("welding", 3),), (), ((6, 1.0),)),
    ))
SMOKE_CASES += [
    SingleCase(PHASED_ORG, SMOKE_BASE, ()),
    SingleCase(PHASED_ORG, dict(SMOKE_BASE, window=window_body(7, 6)), ()),  # after p0's busy half
    SingleCase(PHASED_ORG, dict(SMOKE_BASE, include=["p2"]), ()),  # away but included: kept
    SingleCase(PHASED_ORG, dict(SMOKE_BASE, max_away=1.0), ()),
]


@pytest.mark.parametrize("case", SMOKE_CASES, ids=["plain", "pinned-busy", "department", "size-budget", "leaver",
                                                   "phased", "phased-late", "phased-away-included",
                                                   "phased-away-allowed"])
def test_single_team_smoke_on_every_store(store, case):
    store.apply(case.org.changes())
    assert_promises(run_case(store, case))
