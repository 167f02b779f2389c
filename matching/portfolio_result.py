"""What `staff` returns: the teams (people by name beside id), the load per person, what each team
leaves unmet in soft mode, forced overload, and the rule check every answer passes before it leaves.

A team member is {id, name, covers, covers_labels, needed_for, allocation, forced}: `covers` are
the skill ids of the requirements they fill (for programs; requirements are unique per skill),
`covers_labels` the same requirements' labels in the same order (what the sponsor wrote: what
people read), `needed_for` why a member without a role is there ("represents required department
Quality"), as in single-team answers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from teamgraph.matching.explain import overload_note
from teamgraph.matching.rules import allocation, answer_status, needed_for
from teamgraph.matching.portfolio_check import check_staffing
from teamgraph.matching.portfolio_load import peak_after, util_after
from teamgraph.matching.portfolio_model import met_units
from teamgraph.matching.portfolio_pool import PortfolioPool
from teamgraph.matching.render import unfilled_words
from teamgraph.matching.request_fields import STAFF_OBJECTIVE


@dataclass
class PortfolioResult:
    """`status`: optimal | feasible | overloaded (every rule holds except the capacity of the people
    in `forced_overload`) | infeasible | unknown | invalid (a rule check failed: `violations`).
    `max_util` is the highest utilisation at a moment where someone holds a membership the solver
    chose; moments with forced memberships only are reported through `forced_overload`.
    `lower_bound` and `gap` concern hard mode's minimised maximum and are None in soft mode."""

    mode: str  # hard | soft | greedy
    status: str
    max_util: float
    lower_bound: float | None
    gap: float | None
    spread: float  # standard deviation of post-assignment utilisation over assigned people
    covered: int
    required: int
    teams: list[dict]
    people: list[dict]
    baseline_max_util: float
    baseline_covered: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    forced_overload: list[dict] = field(default_factory=list)  # {person, name, utilisation, requests}
    violations: list[dict] = field(default_factory=list)  # {rule, message, person?, request?}
    objective: str = STAFF_OBJECTIVE  # soft mode's: "slots" or "fraction" (matching.request_fields)
    coverage: float = 0.0  # Σ over requests of the fraction of what it asks that is met

    def to_dict(self) -> dict:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def placed_of(pool: PortfolioPool, xs, ys) -> dict[tuple[int, int], float]:
    """(person, request) → the member's allocation (rule 1, from the roles they fill)."""
    roles = roles_of(ys)
    return {(g, k): allocation(pool.pbs[k], roles.get((g, k), ())) for g, k in xs}


def roles_of(ys) -> dict[tuple[int, int], list[int]]:
    roles: dict[tuple[int, int], list[int]] = {}
    for g, k, r in sorted(ys):
        roles.setdefault((g, k), []).append(r)
    return roles


def by_person(placed) -> dict[int, dict[int, float]]:
    mine: dict[int, dict[int, float]] = {}
    for (g, k), a in placed.items():
        mine.setdefault(g, {})[k] = a
    return mine


def chosen_util(pool: PortfolioPool, g: int, mine: dict[int, float]) -> float:
    """Person g's peak utilisation over the moments where they hold a non-forced membership."""
    forced = pool.forced.get(g, set())
    spans = [sp for sp in pool.spans[g] if any(k in sp.requests and k not in forced for k in mine)]
    return util_after(spans, mine, pool.cap[g]) if spans else 0.0


def max_util(pool: PortfolioPool, placed) -> float:
    return max((chosen_util(pool, g, mine) for g, mine in by_person(placed).items()), default=0.0)


def build_result(pool: PortfolioPool, mode: str, status: str, xs, ys, *, lb: float | None, limit: float,
                 g_util: float, g_cov: int, t0: float, notes: list[str],
                 objective: str = STAFF_OBJECTIVE) -> PortfolioResult:
    """The answer for staffing (xs, ys), checked against every rule before it is returned."""
    soft = mode != "hard"
    placed = placed_of(pool, xs, ys)
    roles = roles_of(ys)
    mine = by_person(placed)
    utils = {g: chosen_util(pool, g, m) for g, m in mine.items()}
    mx = max(utils.values(), default=0.0)
    mean = sum(utils.values()) / len(utils) if utils else 0.0
    spread = (sum((u - mean) ** 2 for u in utils.values()) / len(utils)) ** 0.5 if utils else 0.0
    check = check_staffing(pool, placed, roles, limit=limit, soft=soft)
    teams = [_team(pool, k, xs, roles, placed, check.unmet.get(k, [])) for k in range(len(pool.pbs))]
    people = []
    for g, m in mine.items():
        people.append({"id": pool.ids[g], "name": pool.names[g],
                       "load_before": round(max((sp.load for sp in pool.spans[g]), default=0.0), 4),
                       "load_after": round(peak_after(pool.spans[g], m), 4), "capacity": pool.cap[g]})
    people.sort(key=lambda p: (-p["load_after"] / (p["capacity"] or 1), p["id"]))
    status = answer_status(status, violated=bool(check.violations), overloaded=bool(check.forced_overload))
    if check.violations:
        notes.append("a rule check failed on this answer (a bug): see violations")
    if check.forced_overload:
        notes.append(overload_note(check.forced_overload))
    gap = None
    if soft:
        notes.append("soft mode: no lower bound or gap (they concern hard mode's minimised maximum)")
    else:
        gap = max(0.0, (mx - lb) / mx) if mx > 0 else 0.0
        notes.append(f"max utilisation {mx:.1%} vs lower bound {lb:.1%} (gap {gap:.1%})")
    return PortfolioResult(mode, status, mx, None if soft else lb, gap, spread, len(ys),
                           required_slots(pool), teams, people, g_util, g_cov, time.perf_counter() - t0, notes,
                           check.forced_overload, check.violations, objective, coverage(pool, check.unmet))


def _team(pool: PortfolioPool, k: int, xs, roles, placed, unmet: list[dict]) -> dict:
    """Request k's team: members with what they cover (or why they are there), what it misses."""
    pb = pool.pbs[k]
    team = sorted(g for g, k2 in xs if k2 == k)
    local = [pool.local[k][g] for g in team]
    local_roles = {pool.local[k][g]: roles.get((g, k), []) for g in team}
    members = []
    for g, i in zip(team, local):
        filled_by = [pb.request.requirements[r] for r in local_roles[i]]
        members.append({"id": pool.ids[g], "name": pool.names[g],
                        "covers": [rq.skill for rq in filled_by],
                        "covers_labels": [rq.label or rq.skill for rq in filled_by],
                        "needed_for": needed_for(pb, local, local_roles, i),
                        "allocation": placed[g, k], "forced": pool.is_forced(g, k)})
    filled = [sum(r in rs for rs in local_roles.values()) for r in range(len(pb.request.requirements))]
    uncovered = [{"skill": rq.skill, "label": rq.label or rq.skill, "level": rq.level, "missing": rq.count - n}
                 for rq, n in zip(pb.request.requirements, filled) if n < rq.count]
    # cost as the single-team answers state it (Problem.cost: rate × FTE × hours); HR/admin only
    # (teamgraph.present drops it for other roles), the budget is the sponsor's own figure
    cost = round(sum(pb.cost(i, placed[g, k]) for g, i in zip(team, local)), 2)
    return {"request": pb.request.name, "members": members, "uncovered": uncovered,
            "unfilled": unfilled_words(uncovered), "unmet": unmet, "cost": cost, "budget": pb.request.budget}


def coverage(pool: PortfolioPool, unmet: dict[int, list[dict]]) -> float:
    """Σ over requests of the fraction of their met units (matching.portfolio_model.met_units)
    that soft mode's check does not list as unmet."""
    total = 0.0
    for k, pb in enumerate(pool.pbs):
        missed = sum(u.get("missing", 1) for u in unmet.get(k, []))
        total += 1 - missed / met_units(pb)
    return total


def required_slots(pool: PortfolioPool) -> int:
    return sum(rq.count for pb in pool.pbs for rq in pb.request.requirements)
