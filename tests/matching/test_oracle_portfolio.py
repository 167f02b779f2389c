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

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from tests.matching.oracle_org import Booking, Org, OrgPerson, PortfolioCase, portfolio_cases, window_body
from tests.matching.teamcheck import portfolio_findings

from teamgraph.errors import ValidationError
from teamgraph.graph.sqlite_store import SqliteStore
from teamgraph.matching.portfolio import staff
from teamgraph.matching.request import parse_portfolio

# As in test_oracle_single: reproducible, bounded, no wall-clock deadline, no explain phase.
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TIME_LIMIT = 120  # far above what these pools need, so "unknown" and time-limited answers do not occur


def run_case(store, case: PortfolioCase) -> list[dict]:
    pf = parse_portfolio(case.body, skills=store.all("skill"))
    leavers = {k: [p for p in r.include if case.org.person(p).leaver] for k, r in enumerate(pf.requests)}
    if any(leavers.values()):
        with pytest.raises(ValidationError) as err:
            staff(store, pf, time_limit=TIME_LIMIT)
        fields = {p.field for p in err.value.problems}
        named = {f"requests[{k}].include" for k, ps in leavers.items() if ps}
        assert named <= fields, f"leavers {leavers} included: the error names {fields}, not {named}"
        return []
    res = staff(store, pf, time_limit=TIME_LIMIT)
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
    assert not of("size"), "team size"
    assert not of("include", "exclude", "inactive"), "include / exclude / active"
    assert not of("department", "cap"), "departments"
    assert not of("coverage", "level"), "coverage"
    assert not of("budget"), "budget"
    assert not of("allocation"), "allocation"
    assert not of("passenger"), "passenger"
    assert not findings, "misreported answer"


@SETTINGS
@given(case=portfolio_cases())
def test_portfolio_keeps_every_promise(case):
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "org.sqlite3")
        try:
            store.apply(case.org.changes())
            assert_promises(run_case(store, case))
        finally:
            store.close()


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


@pytest.mark.parametrize("case", SMOKE_CASES, ids=["hard", "soft", "forced-busy", "leaver"])
def test_portfolio_smoke_on_every_store(store, case):
    store.apply(case.org.changes())
    assert_promises(run_case(store, case))
