"""The CP-SAT team model at a fixed utilisation cap U, in the shape of the OR-Tools samples.

Fixing U (the maximum post-assignment utilisation of the members who are not forced) turns the
model into a pure 0-1 problem: a person, or a role with a larger allocation, is simply unavailable
when it would take them above U. The search over U lives in matching.solve; this module builds
one model. The hard rules and their variables come from matching.rules (one definition for the
single-team model, the portfolio and diagnosis):

  x[p]       person p is in the team
  y[p,r]     p fills one of the `count` slots of requirement r (only if qualified and within U)
  l[p,k]     p's allocation reaches the k-th allocation level (only when allocations differ)
and, for the objective only:
  z[p,q]     both p and q are in the team (only for pairs who worked together)
  d[dept]    the department is represented (for the novelty term)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from teamgraph.matching import rules
from teamgraph.matching.problem import SCALE, Problem
from teamgraph.matching.rules import EPS, TeamVars
from teamgraph.matching.rules import allocation

__all__ = ["TeamModel", "build_team_model", "busy_units", "score_team", "solver_for", "team_util"]


@dataclass
class TeamModel:
    model: object
    v: TeamVars
    terms: dict[str, list[tuple[int, object]]] = field(default_factory=dict)

    @property
    def x(self) -> dict[int, object]:
        return self.v.x

    @property
    def y(self) -> dict[tuple[int, int], object]:
        return self.v.y


def team_util(pb: Problem, members: Iterable[int], roles: dict[int, list[int]]) -> float:
    """The objective's utilisation: the largest post-assignment utilisation among members who are
    not forced (a forced member's overload is reported, never anyone else's limit)."""
    return max((pb.people[i].util(allocation(pb, roles.get(i, ()))) for i in members
                if i not in pb.forced), default=0.0)


def build_team_model(pb: Problem, U: float, *, pool: Sequence[int] | None = None,
                     cuts: Sequence[tuple[frozenset[int], int]] = (), objective: bool = True,
                     hint: tuple[set[int], dict[int, list[int]]] | None = None) -> TeamModel:
    """The model of `pb` with every member who is not forced at utilisation ≤ U.

    `cuts` are (team, min_diff): the new team keeps at most |team| − min_diff of its members.
    """
    from ortools.sat.python import cp_model

    pool = pb.kept if pool is None else pool
    members = [i for i in pool if pb.eligible(i) or i in pb.forced]
    # Pruning left some people in the pool only to pad the team (matching.prune): no role variables.
    padding = pb.roleless if pool is pb.kept else set()
    model = cp_model.CpModel()

    # Variables: x, y, l, without those that would take someone who is not forced above U.
    v = rules.new_vars(model, pb, members, cap=U, roleless=padding)
    # Every hard rule of the team (matching.rules), capacity at the cap U.
    rules.post_team_rules(model, pb, v, cap=U)
    # Why-not asks for a team holding its subject (who keeps every rule).
    for i in pb.fixed:
        model.Add(v.x[i] == 1) if i in v.x else model.AddBoolOr([])
    # Alternatives: differ from each earlier team in at least min_diff members.
    for team, diff in cuts:
        model.Add(sum(v.x[i] for i in team if i in v.x) <= len(team) - diff)

    tm = TeamModel(model, v)
    _pad_cuts(pb, tm)
    if objective:
        _objective(pb, tm)
    if hint:
        team, roles = hint
        for i, x in v.x.items():
            model.AddHint(x, i in team)
        for (i, r), y in v.y.items():
            model.AddHint(y, r in roles.get(i, ()))
    return tm


def _pad_cuts(pb: Problem, tm: TeamModel) -> None:
    """Redundant cuts on the passenger rule that tighten the LP bound (measured: CP-SAT time on 12
    generated 10k requests 8.5 → 5.3 CPU s, same optima). A "pure pad" — a member who is not
    forced and has no role variable — fills no role, so the rule lets them in only at the size
    minimum (at_min) or as the only member of a required department (alone[d]). At the minimum the
    team holds at least F members who fill roles (F: the fewest people of this model covering every
    requirement's count, matching.prune._covers), so at most size_min − F pure pads; otherwise at
    most one per required department, and only where alone[d] holds. Hence, per department d and
    in total: Σ x[pure pads] ≤ (size_min − F)·at_min + alone[d] (summed over the required ones).
    In the LP relaxation this stops many pure pads from each entering at a fraction."""
    from teamgraph.matching.prune import _covers
    v, req = tm.v, pb.request
    roles: dict[int, int] = {}
    for i, r in v.y:
        roles[i] = roles.get(i, 0) | 1 << r
    pads = [i for i in v.x if i not in roles and i not in pb.forced]
    if not pads:
        return
    F, _ = _covers(pb, list(roles.values()), {})
    seats = max(0, req.size_min - F)
    at_min = v.extra["at_min"]
    alone = {d: v.extra[f"alone[{d}]"] for d in req.required_departments}
    by_dept: dict[str, list[int]] = {}
    for i in pads:
        by_dept.setdefault(pb.people[i].person.department, []).append(i)
    tm.model.Add(sum(v.x[i] for i in pads) <= seats * at_min + sum(alone.values()))
    for d, members in by_dept.items():
        if len(members) > 1 or d not in alone:
            tm.model.Add(sum(v.x[i] for i in members) <= seats * at_min + (alone[d] if d in alone else 0))


def _objective(pb: Problem, tm: TeamModel) -> None:
    """Maximise skill fit + relevance + cohesion + novelty + preference − busy penalty."""
    model, x, levels = tm.model, tm.x, tm.v.levels
    terms: dict[str, list[tuple[int, object]]] = {k: [] for k in
                                                  ("skill_fit", "relevance", "cohesion", "novelty",
                                                   "preference", "busy", "members")}
    for (i, r), v in tm.y.items():
        terms["skill_fit"].append((pb.fit[i, r], v))
    for i, v in x.items():
        terms["relevance"].append((pb.relevance[i], v))
        terms["preference"].append((pb.preference[i], v))
        terms["members"].append((-round(pb.weights.member * SCALE), v))
        terms["busy"].append((-round(pb.busy(i) * levels[0]), v))
    for (i, k), lk in tm.v.lv.items():  # busy people pay per FTE: each allocation step adds its share
        terms["busy"].append((-round(pb.busy(i) * (levels[k] - levels[k - 1])), lk))
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
    for dept in sorted({pb.people[i].department for i in x}):
        if pb.novelty.get(dept):
            d = model.NewBoolVar(f"d[{dept}]")
            model.AddBoolOr(tm.v.members_of(pb, dept)).OnlyEnforceIf(d)
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
           "busy": -sum(_busy(pb, i, roles.get(i, ())) for i in team)}
    out["novelty"] = sum(pb.novelty.get(d, 0) for d in {pb.people[i].department for i in team})
    out["max_util"] = -pb.util_penalty(team_util(pb, team, roles))
    return out


def _busy(pb: Problem, i: int, roles: Iterable[int]) -> int:
    """Busy penalty of member i with these roles."""
    return busy_units(pb, i, allocation(pb, roles))


def busy_units(pb: Problem, i: int, a: float, levels: Sequence[float] | None = None) -> int:
    """Busy penalty of person i at allocation `a`, step by step as the model counts it (so the
    model, `score_team` and pruning's slack agree to the unit)."""
    levels = rules.allocation_levels(pb) if levels is None else levels
    return round(pb.busy(i) * levels[0]) + sum(round(pb.busy(i) * (levels[k] - levels[k - 1]))
                                               for k in range(1, len(levels)) if levels[k] <= a + EPS)
