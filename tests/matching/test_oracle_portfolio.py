"""Portfolio staffing against the brute-force oracle, on random small organisations with 2–3
requests whose windows overlap, with and without a load cap.

Every team satisfies every per-request rule and loads add up day by day across overlapping
requests (forced members exempt only where all their running memberships are forced, and then
reported in forced_overload with status "overloaded"); soft mode leaves a requirement slot, a
department or the size minimum short only when that team lists it in `unmet`, and reports no lower
bound or gap; hard-mode "infeasible" only when the oracle finds no staffing; an "optimal" soft
answer leaves nothing unmet when the oracle meets every request within the cap; a leaver in
include is a ValidationError naming requests[k].include.
"""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from tests.matching.oracle_org import org_store, Booking, Org, OrgPerson, PortfolioCase, portfolio_cases, window_body
from tests.matching.teamcheck import portfolio_findings

from teamgraph.errors import ValidationError
from teamgraph.matching.portfolio import staff
from teamgraph.matching.request import parse_portfolio

# As in test_oracle_single: reproducible, bounded, no wall-clock deadline, no explain phase.
SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TIME_LIMIT = 120  # far above what these pools need, so "unknown" and time-limited answers do not occur


def run_case(store, case: PortfolioCase, objective: str = "slots") -> list[dict]:
    pf = parse_portfolio(case.body, skills=store.all("skill"))
    leavers = {k: [p for p in r.include if case.org.person(p).leaver] for k, r in enumerate(pf.requests)}
    if any(leavers.values()):
        with pytest.raises(ValidationError) as err:
            staff(store, pf, time_limit=TIME_LIMIT)
        fields = {p.field for p in err.value.problems}
        named = {f"requests[{k}].include" for k, ps in leavers.items() if ps}
        assert named <= fields, f"leavers {leavers} included: the error names {fields}, not {named}"
        return []
    res = staff(store, pf, time_limit=TIME_LIMIT, objective=objective)
    return portfolio_findings(store, pf, res, case.org.ids)


def assert_promises(findings: list[dict]) -> None:
    """One line per property, so each gets its own minimal counterexample."""
    def of(*rules):
        return [f["message"] for f in findings if f["rule"] in rules]
    assert not of("oracle"), "false infeasible, or an optimal soft answer short of a full staffing"
    assert not of("forced_overload"), "forced overload not reported"
    assert not of("unmet"), "soft-mode shortfall not listed in unmet"
    assert not of("load"), "over capacity across overlapping requests"
    assert not of("capacity"), "over capacity within a request"
    assert not of("away"), "away more than a request's max_away"
    assert not of("size"), "team size"
    assert not of("include", "exclude", "inactive"), "include / exclude / active"
    assert not of("department", "cap"), "departments"
    assert not of("coverage", "level"), "coverage"
    assert not of("budget"), "budget"
    assert not of("allocation"), "allocation"
    assert not of("passenger"), "passenger"
    assert not findings, "misreported answer"


def _welders(*changed: OrgPerson) -> Org:
    """Five free people in quality with welding 3 at capacity 1, some replaced by `changed`."""
    people = {f"p{i}": OrgPerson(f"p{i}", "quality", 1.0, 100.0, False, (("welding", 3),), ()) for i in range(5)}
    people.update({p.id: p for p in changed})
    return Org(("quality", "sales"), ("welding", "audit"), tuple(people.values()))


def _pair(second: dict | None = None, first: dict | None = None, **portfolio) -> dict:
    """Two three-week requests for one welder each, over the same weeks, changed as given."""
    base = {"allocation": 0.5, "window": window_body(0, 3), "size": {"min": 1, "max": 1},
            "requirements": [{"skill": "Welding", "level": 3}]}
    return {"name": "portfolio", "requests": [{**base, "name": "request 1", **(first or {})},
                                              {**base, "name": "request 2", **(second or {})}], **portfolio}


_AUDITOR = OrgPerson("p4", "quality", 1.0, 100.0, False, (("audit", 3),), ())
_AUDIT = [{"skill": "Audit", "level": 3}]
# The shrunk counterexamples the previous engine failed on, always run first (one per defect).
SHRUNK = [
    # false infeasible: p4 audits both (0.5 + 0.5), p0 makes request 2's size minimum
    PortfolioCase(_welders(_AUDITOR), _pair({"requirements": _AUDIT, "size": {"min": 2, "max": 2},
                                             "departments": {"required": ["quality"]}}, {"requirements": _AUDIT})),
    # soft mode leaves request 2 empty (quality capped at 0) without listing what it misses (defect 2)
    PortfolioCase(_welders(), _pair({"departments": {"caps": {"quality": 0}}}, max_load=1.0)),
    # soft mode drops an include
    PortfolioCase(_welders(), _pair({"include": ["p0"]}, max_load=1.0)),
    # a 0.2 role given the 0.5 base
    PortfolioCase(_welders(), _pair({"requirements": [{"skill": "Welding", "level": 3, "allocation": 0.2}]})),
    # soft mode reports a lower bound and a gap (defect 2)
    PortfolioCase(_welders(), _pair(max_load=1.0)),
    # a leaver included in both requests: the error names both fields (defect 10)
    PortfolioCase(_welders(OrgPerson("p3", "quality", 1.0, 100.0, True, (("welding", 3),), ())),
                  _pair({"include": ["p3"]}, {"include": ["p3"]})),
    # time-phased (issue 9): the only welders are half busy in week 1 (phased, free after), down to
    # 0.5 FTE from week 1, or on leave for the second week: both requests still have a welder
    PortfolioCase(Org(("quality", "sales"), ("welding",), (
        OrgPerson("p0", "quality", 1.0, 100.0, False, (("welding", 3),), (Booking(0.5, 0, 2, 0.0),)),
        OrgPerson("p1", "quality", 1.0, 100.0, False, (("welding", 3),), (), ((1, 0.5),)),
        OrgPerson("p2", "quality", 1.0, 100.0, False, (("welding", 3),), (), (), ((1, 7),)))), _pair()),
]


@SETTINGS
@given(case=portfolio_cases())
@example(case=SHRUNK[0])
@example(case=SHRUNK[1])
@example(case=SHRUNK[2])
@example(case=SHRUNK[3])
@example(case=SHRUNK[4])
@example(case=SHRUNK[5])
@example(case=SHRUNK[6])
def test_portfolio_keeps_every_promise(case):
    with org_store(case.org) as store:
        assert_promises(run_case(store, case))


@settings(SETTINGS, max_examples=100)
@given(case=portfolio_cases())
def test_portfolio_keeps_every_promise_with_the_fraction_objective(case):
    # soft mode's other objective weighs what is met per request; every promise stays the same
    with org_store(case.org) as store:
        assert_promises(run_case(store, case, "fraction"))


# A fixed organisation for both backends: p1 is half booked in the first weeks, so two overlapping
# requests for welding cannot both take them at 0.5; p3 is quality's only active member and holds
# none of the skills; p4 is a leaver.
SMOKE_ORG = Org(
    departments=("quality", "sales"), skills=("welding", "audit"),
    people=(
        OrgPerson("p0", "sales", 1.0, 100.0, False, (("welding", 4),), (Booking(0.6, 0, 13),)),
        OrgPerson("p1", "sales", 1.0, 80.0, False, (("welding", 3), ("audit", 2)), (Booking(0.5, 0, 4),)),
        OrgPerson("p2", "sales", 0.8, 50.0, False, (("audit", 4), ("welding", 3)), ()),
        OrgPerson("p3", "quality", 0.8, 120.0, False, (), (Booking(0.2, 0, 6),)),
        OrgPerson("p4", "quality", 1.0, 150.0, True, (("welding", 5),), ()),
    ))
_WELD = {"allocation": 0.5, "size": {"min": 1, "max": 3}, "requirements": [{"skill": "Welding", "level": 3}]}
_AUDIT = {"allocation": 0.3, "size": {"min": 1, "max": 3}, "departments": {"required": ["quality"]},
          "requirements": [{"skill": "Audit", "level": 2, "allocation": 0.2}]}
SMOKE_BODY = {"name": "smoke", "requests": [dict(_WELD, name="first", window=window_body(0, 6)),
                                            dict(_WELD, name="second", window=window_body(2, 8)),
                                            dict(_AUDIT, name="third", window=window_body(1, 12))]}
SMOKE_CASES = [
    PortfolioCase(SMOKE_ORG, SMOKE_BODY),
    PortfolioCase(SMOKE_ORG, dict(SMOKE_BODY, max_load=0.6)),
    PortfolioCase(SMOKE_ORG, dict(SMOKE_BODY, requests=[dict(_WELD, name="first", window=window_body(0, 6),
                                                             include=["p0"]), *SMOKE_BODY["requests"][1:]])),
    PortfolioCase(SMOKE_ORG, dict(SMOKE_BODY, requests=[*SMOKE_BODY["requests"][:2],
                                                        dict(_AUDIT, name="third", window=window_body(1, 12),
                                                             include=["p4"])])),
]


# Time-phased (issue 9): p0 busy 0.6 then free (phases), p1 at 0.5 FTE from week 3, p2 away weeks 2–3.
PHASED_ORG = Org(
    departments=("quality", "sales"), skills=("welding", "audit"),
    people=(
        OrgPerson("p0", "sales", 1.0, 100.0, False, (("welding", 4),), (Booking(0.6, 0, 8, 0.0),)),
        OrgPerson("p1", "sales", 1.0, 80.0, False, (("welding", 3), ("audit", 2)), (), ((3, 0.5),)),
        OrgPerson("p2", "sales", 0.8, 50.0, False, (("audit", 4), ("welding", 3)), (), (), ((2, 14),)),
        OrgPerson("p3", "quality", 0.8, 120.0, False, (("audit", 2),), (Booking(0.2, 0, 6),)),
    ))
SMOKE_CASES += [PortfolioCase(PHASED_ORG, SMOKE_BODY), PortfolioCase(PHASED_ORG, dict(SMOKE_BODY, max_load=0.6))]


@pytest.mark.parametrize("case", SMOKE_CASES, ids=["hard", "soft", "forced-busy", "leaver", "phased-hard",
                                                   "phased-soft"])
def test_portfolio_smoke_on_every_store(store, case):
    store.apply(case.org.changes())
    assert_promises(run_case(store, case))
