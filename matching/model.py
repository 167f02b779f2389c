"""The CP-SAT team model at a fixed utilisation cap U, in the shape of the OR-Tools samples.

Fixing U (the team's maximum post-assignment utilisation) turns the model into a pure 0-1
problem: a person, or a role with a larger allocation, is simply unavailable when it would take
them above U. The search over U lives in matching.solve; this module builds one model.

Variables (each named):
  x[p]       person p is in the team
  y[p,r]     p fills one of the `count` slots of requirement r (only if qualified and within U)
  l[p,k]     p's allocation reaches the k-th larger per-role allocation level (only when roles differ)
  z[p,q]     both p and q are in the team (only for pairs who worked together)
  d[dept]    the department is represented (for the novelty term)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from teamgraph.matching.problem import SCALE, Problem

EPS = 1e-9


@dataclass
class TeamModel:
    model: object
    x: dict[int, object]
    y: dict[tuple[int, int], object]
    levels: dict[tuple[int, int], object]
    terms: dict[str, list[tuple[int, object]]] = field(default_factory=dict)


def alloc_levels(pb: Problem) -> list[float]:
    """Distinct per-role allocations above the base allocation, ascending."""
    return sorted({pb.alloc(r) for r in range(len(pb.request.requirements)) if pb.alloc(r) > pb.alloc0 + EPS})


def member_allocation(pb: Problem, roles: Iterable[int]) -> float:
    """A member's allocation: the base allocation, or the largest of the roles they fill."""
    return max([pb.alloc0, *(pb.alloc(r) for r in roles)])


def build_team_model(pb: Problem, U: float, *, pool: Sequence[int] | None = None,
                     cuts: Sequence[tuple[frozenset[int], int]] = (), objective: bool = True,
                     hint: tuple[set[int], dict[int, list[int]]] | None = None) -> TeamModel | None:
    """The model of `pb` with every member's utilisation ≤ U, or None if a forced member exceeds U.

    `cuts` are (team, min_diff): the new team keeps at most |team| − min_diff of its members.
    """
    from ortools.sat.python import cp_model

    req = pb.request
    people = pb.people
    pool = pb.kept if pool is None else pool
    if any(people[i].util(pb.alloc0) > U + EPS for i in pb.forced):
        return None
    members = [i for i in pool if people[i].util(pb.alloc0) <= U + EPS and
               (pb.eligible(i) or i in pb.forced) and people[i].id not in pb.excluded]
    in_pool = set(members)
    # Pruning left some people in the pool only to pad the team (matching.prune): no role variables.
    padding = pb.roleless if pool is pb.kept else set()
    model = cp_model.CpModel()

    # Variables.
    x = {i: model.NewBoolVar(f"x[{people[i].id}]") for i in members}
    y = {}
    for r, qual in enumerate(pb.qualified):
        for i in qual:
            if i in in_pool and i not in padding and people[i].util(pb.alloc(r)) <= U + EPS:
                y[i, r] = model.NewBoolVar(f"y[{people[i].id},{req.requirements[r].skill}]")
    steps = alloc_levels(pb)
    lv = {}
    for i in members:
        for k, a in enumerate(steps):
            if people[i].util(a) <= U + EPS and any(
                    (i, r) in y and pb.alloc(r) >= a - EPS for r in range(len(req.requirements))):
                lv[i, k] = model.NewBoolVar(f"l[{people[i].id},{a:g}]")

    # Each requirement fills exactly `count` slots with qualified members.
    for r, rq in enumerate(req.requirements):
        model.Add(sum(y[i, r] for i in pb.qualified[r] if (i, r) in y) == rq.count)
    # Only members fill slots.
    for (i, r), v in y.items():
        model.AddImplication(v, x[i])
    # A member filling a role with a larger allocation takes that allocation level.
    for (i, r), v in y.items():
        for k, a in enumerate(steps):
            if pb.alloc(r) >= a - EPS:
                model.AddImplication(v, lv[i, k])
    for (i, k), v in lv.items():
        model.AddImplication(v, x[i])
    # Team size.
    model.Add(sum(x.values()) >= req.size_min)
    model.Add(sum(x.values()) <= req.size_max)
    # Included and pinned people are in.
    for i in pb.forced:
        model.Add(x[i] == 1)
    # Departments: the required ones are represented, the capped ones stay under their cap.
    by_dept: dict[str, list[int]] = {}
    for i in members:
        by_dept.setdefault(people[i].department, []).append(i)
    for dept in req.required_departments:
        model.Add(sum(x[i] for i in by_dept.get(dept, [])) >= 1)
    for dept, ids in by_dept.items():
        cap = req.cap_of(dept)
        if cap is not None:
            model.Add(sum(x[i] for i in ids) <= cap)
    # Budget: cost rate × allocation × working days, in cents.
    if req.budget is not None:
        cost = []
        for i in members:
            cost.append(round(pb.cost(i, pb.alloc0) * 100) * x[i])
            prev = pb.alloc0
            for k, a in enumerate(steps):
                if (i, k) in lv:
                    cost.append(round(pb.cost(i, a - prev) * 100) * lv[i, k])
                prev = a
        model.Add(sum(cost) <= round(req.budget * 100))
    # Alternatives: differ from each earlier team in at least min_diff members.
    for team, diff in cuts:
        model.Add(sum(x[i] for i in team if i in x) <= len(team) - diff)

    tm = TeamModel(model, x, y, lv)
    if objective:
        _objective(pb, tm, by_dept, steps)
    if hint:
        team, roles = hint
        for i, v in x.items():
            model.AddHint(v, i in team)
        for (i, r), v in y.items():
            model.AddHint(v, r in roles.get(i, ()))
    return tm


def _objective(pb: Problem, tm: TeamModel, by_dept: dict[str, list[int]], steps: list[float]) -> None:
    """Maximise skill fit + relevance + cohesion + novelty + preference − busy penalty."""
    model, x = tm.model, tm.x
    terms: dict[str, list[tuple[int, object]]] = {k: [] for k in
                                                  ("skill_fit", "relevance", "cohesion", "novelty",
                                                   "preference", "busy", "members")}
    for (i, r), v in tm.y.items():
        terms["skill_fit"].append((pb.fit[i, r], v))
    for i, v in x.items():
        terms["relevance"].append((pb.relevance[i], v))
        terms["preference"].append((pb.preference[i], v))
        terms["members"].append((-round(pb.weights.member * SCALE), v))
        terms["busy"].append((-round(pb.busy(i) * pb.alloc0), v))
    prev = pb.alloc0
    for k, a in enumerate(steps):
        for i in x:
            if (i, k) in tm.levels:
                terms["busy"].append((-round(pb.busy(i) * (a - prev)), tm.levels[i, k]))
        prev = a
    # Cohesion: z[p,q] is 1 exactly when both are members (one side of the link suffices, as the
    # objective pushes z up for positive pairs and down for negative ones).
    partners: dict[int, list] = {}
    for (i, j), w in pb.pairs.items():
        if w == 0 or i not in x or j not in x:
            continue
        z = model.NewBoolVar(f"z[{pb.people[i].id},{pb.people[j].id}]")
        if w > 0:
            model.AddImplication(z, x[i])
            model.AddImplication(z, x[j])
        else:
            model.AddBoolOr([x[i].Not(), x[j].Not(), z])
        terms["cohesion"].append((w, z))
        if w > 0:
            partners.setdefault(i, []).append(z)
            partners.setdefault(j, []).append(z)
    # Redundant cuts that tighten the LP bound a lot: a member has at most size_max − 1 partners,
    # and a team at most size_max·(size_max − 1)/2 pairs.
    smax = pb.request.size_max
    for i, zs in partners.items():
        if len(zs) > smax - 1:
            model.Add(sum(zs) <= (smax - 1) * x[i])
    all_z = [z for zs in partners.values() for z in zs]
    if len(all_z) // 2 > smax * (smax - 1) // 2:
        model.Add(sum(all_z) <= smax * (smax - 1))  # each pair is counted twice in all_z
    # Novelty: departments that rarely work with the others, when represented.
    for dept, ids in by_dept.items():
        if pb.novelty.get(dept):
            d = model.NewBoolVar(f"d[{dept}]")
            model.AddBoolOr([x[i] for i in ids]).OnlyEnforceIf(d)
            terms["novelty"].append((pb.novelty[dept], d))
    tm.terms = terms
    model.Maximize(sum(c * v for ts in terms.values() for c, v in ts if c))


def solver_for(seed: int, time_limit: float | None, workers: int = 1):
    """A CP-SAT solver that is deterministic for a given seed (one worker, no wall-clock race)."""
    from ortools.sat.python import cp_model
    s = cp_model.CpSolver()
    s.parameters.num_workers = workers
    s.parameters.random_seed = seed
    # The full LP relaxation with cuts: with one worker the default level left the objective bound
    # 15-50 % loose on 150-candidate teams (no proof in 30 s); level 2 proves them in 0.05-0.2 s.
    s.parameters.linearization_level = 2
    if time_limit is not None:
        s.parameters.max_time_in_seconds = max(0.01, time_limit)
    return s


def score_team(pb: Problem, team: Iterable[int], roles: dict[int, list[int]]) -> dict[str, float]:
    """The objective of a team, term by term, computed from the problem data (not the solver)."""
    team = sorted(team)
    t = set(team)
    out = {"skill_fit": sum(pb.fit[i, r] for i in team for r in roles.get(i, ())),
           "relevance": sum(pb.relevance[i] for i in team),
           "cohesion": sum(w for (i, j), w in pb.pairs.items() if i in t and j in t),
           "preference": sum(pb.preference[i] for i in team),
           "members": -round(pb.weights.member * SCALE) * len(team),
           "busy": -sum(round(pb.busy(i) * pb.alloc0) + _busy_steps(pb, i, roles.get(i, ())) for i in team)}
    out["novelty"] = sum(pb.novelty.get(d, 0) for d in {pb.people[i].department for i in team})
    u = max((pb.people[i].util(member_allocation(pb, roles.get(i, ()))) for i in team), default=0.0)
    out["max_util"] = -pb.util_penalty(u)
    return out


def _busy_steps(pb: Problem, i: int, roles: Iterable[int]) -> int:
    a_i = member_allocation(pb, roles)
    prev, total = pb.alloc0, 0
    for a in alloc_levels(pb):
        if a <= a_i + EPS:
            total += round(pb.busy(i) * (a - prev))
        prev = a
    return total
