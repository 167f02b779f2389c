"""Today's staffing, for comparison only: fill each requirement slot, one at a time, with the best
available person (highest level, then best fit), never looking at the team as a whole.

A person is available when the slot's allocation keeps them within capacity (or within a load
cap in portfolio mode). Required departments, inclusions and the minimum size are patched in at
the end with the best available person; if a cap, the size or the budget is then broken, the
greedy has failed — as slot-by-slot tools do when the first choices paint them into a corner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from teamgraph.matching.model import score_team
from teamgraph.matching.problem import Problem
from teamgraph.matching.rules import EPS, allocation, budget_units, cost_units, milli


@dataclass
class GreedyTeam:
    members: list[int]
    roles: dict[int, list[int]]
    feasible: bool
    uncovered: list[tuple[int, int]]  # (requirement, missing count)
    seconds: float = 0.0
    reason: str = ""
    breaks_limits: bool = False  # over the maximum size, a department cap or the budget

    def max_util(self, pb: Problem) -> float:
        return max((pb.people[i].util(allocation(pb, self.roles[i])) for i in self.members), default=0.0)

    def total(self, pb: Problem) -> int:
        return sum(score_team(pb, self.members, self.roles).values())


def greedy_members(pb: Problem, *, extra_load: dict[int, float] | None = None, cap: float = 1.0,
                   prefer: str = "level") -> GreedyTeam:
    """The slot-by-slot team for `pb`. `extra_load` adds load already placed (portfolio mode) and
    `cap` is the utilisation limit. `prefer="level"` is today's way (the best person first);
    `prefer="load"` picks the least utilised qualified person (the portfolio's warm start only)."""
    t0 = time.perf_counter()
    req = pb.request
    extra = extra_load or {}
    team: list[int] = []
    roles: dict[int, list[int]] = {}

    def after(i: int, r: int | None) -> float:
        """i's allocation with requirement r added to their roles (None: as they stand)."""
        return allocation(pb, [*roles.get(i, ()), *(() if r is None else (r,))])

    def fits(i: int, r: int | None) -> bool:
        c = pb.people[i]
        if c.id in pb.excluded:
            return False
        a = after(i, r)
        return c.util(extra.get(i, 0.0) + a) <= cap + EPS  # the time-phased capacity rule (problem.Cand.util)

    def add(i: int) -> None:
        if i not in roles:
            team.append(i)
            roles[i] = []

    for i in sorted(pb.forced):
        add(i)
    uncovered = []
    for r, rq in enumerate(req.requirements):
        for slot in range(rq.count):
            best = None
            for i in pb.qualified[r]:
                if r in roles.get(i, ()) or not fits(i, r):
                    continue
                ps = pb.people[i].skills[rq.skill]
                c = pb.people[i]
                if prefer == "load":
                    key = (-round(c.util(extra.get(i, 0.0) + after(i, r)), 9), i in roles, pb.fit[i, r], c.id)
                else:
                    key = (ps.level, pb.fit[i, r], -c.load, c.id)
                if best is None or key > best[0]:
                    best = (key, i)
            if best is None:
                uncovered.append((r, rq.count - slot))
                break
            add(best[1])
            roles[best[1]].append(r)

    def best_of(cands) -> int | None:
        cands = [i for i in cands if i not in roles and fits(i, None)]
        return min(cands, key=lambda i: (pb.people[i].util(pb.alloc0), pb.people[i].id)) if cands else None

    reason = ""
    for dept in req.required_departments:
        if not any(pb.people[i].department == dept for i in team):
            i = best_of(k for k in range(len(pb.people)) if pb.people[k].department == dept)
            if i is None:
                reason = reason or f"no available person from {dept}"
            else:
                add(i)
    while len(team) < req.size_min:
        i = best_of(range(len(pb.people)))
        if i is None:
            reason = reason or "too few available people for the minimum size"
            break
        add(i)
    limits = ""
    if len(team) > req.size_max:
        limits = f"{len(team)} people exceed the maximum size {req.size_max}"
    counts: dict[str, int] = {}
    for i in team:
        counts[pb.people[i].department] = counts.get(pb.people[i].department, 0) + 1
    for dept, n in counts.items():
        cap_d = req.cap_of(dept)
        if cap_d is not None and n > cap_d:
            limits = limits or f"{n} people from {dept} exceed its cap {cap_d}"
    if req.budget is not None:  # the budget rule's own arithmetic (matching.rules)
        if sum(cost_units(pb, i, milli(allocation(pb, roles[i]))) for i in team) > budget_units(req.budget):
            cost = sum(pb.cost(i, allocation(pb, roles[i])) for i in team)
            limits = limits or f"cost {cost:.0f} exceeds the budget {req.budget:g}"
    reason = reason or limits
    if uncovered:
        reason = reason or "a requirement slot found nobody available"
    return GreedyTeam(sorted(team), roles, not reason and not uncovered, uncovered,
                      time.perf_counter() - t0, reason, bool(limits))


def greedy_team(store, request, *, weights=None, relevance=None) -> tuple[Problem, GreedyTeam]:
    """The baseline team for `request`, with the problem it was scored on (same objective as the engine)."""
    from teamgraph.matching.problem import build_problem
    pb = build_problem(store, request, weights=weights, relevance=relevance)
    return pb, greedy_members(pb)


def greedy_portfolio(store, portfolio, *, max_load=None):
    """The baseline for a whole portfolio (see matching.portfolio.greedy_portfolio)."""
    from teamgraph.matching.portfolio import greedy_portfolio as run
    return run(store, portfolio, max_load=max_load)


def threshold_greedy(prep, L: int, *, deadline: float | None = None):
    """The published ThresholdGreedy (Vombatkere, Gionis & Terzi, SDM'23, "Balancing task coverage
    and expert workload in team formation") at load threshold L, on a coverage pool
    (matching.portfolio_cover_solve.prepare): every expert has L copies; repeatedly assign the
    expert–task pair of largest marginal coverage gain (newly covered task skills / the task's
    skills), lazily re-evaluated, until no pair gains anything. Ties go as a heap of
    (−gain, expert, task) pops them: lowest expert, then lowest task index. The gain is always the
    paper's covered fraction, whatever objective `prep` was made for. Returns the pair rows."""
    from teamgraph.matching.portfolio_cover_greedy import lazy_greedy
    return lazy_greedy(prep.pool, prep.index, L, objective="fraction", deadline=deadline)
