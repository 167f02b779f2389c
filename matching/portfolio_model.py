"""The portfolio's CP-SAT model at a utilisation cap U, in the shape of the OR-Tools samples.

Each request's team gets its own variables and every per-request rule through matching.rules
(`new_vars`, `post_team_rules`: coverage, level, allocation, capacity at U, size, departments,
caps, budget, include/exclude, passengers), tagged by request; the one rule of its own here is the
cross-request load (matching.portfolio_load.post_load).

Soft mode keeps every rule hard except three a team under a load cap may leave open: requirement
slots (`short[k,r]` empty slots), required departments and the size minimum (an enforcement
literal `met[k,rule,key]` each). The objective counts what is met, so a free person of a missing
department, or one more member for the minimum, is always taken when one exists: each met unit
weighs 1 ("slots"), or 1/units of its request ("fraction": Σ over requests of the fraction met,
the SDM'23 paper's coverage), as integers (`met_weights`).

Variables (each named, per request k; local person index i, global g):
  x[k:p], y[k:p,skill], l[k:p,a]   from matching.rules.new_vars
  short[k:skill]                   soft mode: slots of the requirement left empty
  met[k:department:d], met[k:size:min]   soft mode: the rule instance holds
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from teamgraph.matching.portfolio_load import post_load
from teamgraph.matching.portfolio_pool import PortfolioPool
from teamgraph.matching.request_fields import OBJECTIVES, STAFF_OBJECTIVE
from teamgraph.matching.rules import MILLI, TeamVars, allocation_milli, new_vars, post_team_rules


@dataclass
class PortfolioModel:
    model: object
    pool: PortfolioPool
    teams: list[TeamVars]
    inv: list[dict[int, int]]  # per request: local index → global person
    met: list[object] = field(default_factory=list)  # soft mode: weighted literals and slot counts met
    met_bound: int = 0  # soft mode: nothing can meet more (for stopping at it)

    def keys(self, solver) -> tuple[set, set]:
        """(x keys (g, k), y keys (g, k, r)) of the solver's solution."""
        xs = {(self.inv[k][i], k) for k, v in enumerate(self.teams) for i, x in v.x.items() if solver.BooleanValue(x)}
        ys = {(self.inv[k][i], k, r) for k, v in enumerate(self.teams) for (i, r), y in v.y.items()
              if solver.BooleanValue(y)}
        return xs, ys

    def hint(self, xs, ys) -> None:
        for k, v in enumerate(self.teams):
            for i, x in v.x.items():
                self.model.AddHint(x, (self.inv[k][i], k) in xs)
            for (i, r), y in v.y.items():
                self.model.AddHint(y, (self.inv[k][i], k, r) in ys)

    def met_count(self):
        return sum(self.met)


def met_units(pb) -> int:
    """What soft mode can meet of request `pb`: its requirement slots, required departments and
    the size minimum."""
    return sum(rq.count for rq in pb.request.requirements) + len(pb.request.required_departments) + 1


def met_weights(pool: PortfolioPool, objective: str = STAFF_OBJECTIVE) -> list[int]:
    """Per request, the integer weight of one met unit: 1 ("slots"), or S / units with S the least
    common multiple of the requests' units ("fraction", exact; above 10⁶, rounded from 10⁶)."""
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}; one of {', '.join(OBJECTIVES)}")
    units = [met_units(pb) for pb in pool.pbs]
    if objective == "slots" or not units:
        return [1] * len(units)
    scale = math.lcm(*set(units))
    return [scale // u for u in units] if scale <= 10 ** 6 else [max(1, round(10 ** 6 / u)) for u in units]


def build_model(pool: PortfolioPool, lists: list[list[int]], U: float, soft: bool, *, hint=None,
                uv_range: tuple[int, int] | None = None,
                weights: list[int] | None = None) -> tuple[PortfolioModel, object]:
    """The model with every non-forced person within utilisation U (per request and across them).
    With `uv_range` (thousandths), U is also a variable every load stays under (returned second,
    else None), for a direct minimisation of the maximum from a known staffing. `weights` (soft
    mode): per request, what one met unit is worth (`met_weights`; 1 each when None)."""
    from ortools.sat.python import cp_model
    model = cp_model.CpModel()
    teams, inv, met = [], [], []
    met_bound = 0
    weights = weights or [1] * len(pool.pbs)
    for k, pb in enumerate(pool.pbs):
        req = pb.request
        inv.append({pool.local[k][g]: g for g in lists[k]})
        v = new_vars(model, pb, sorted(inv[k]), cap=U, tag=str(k))
        enforce, short = None, None
        if soft:
            lits: dict = {}

            def enforce(rule, key, lits=lits, k=k):
                if rule == "department" or (rule, key) == ("size", "min"):
                    lits[rule, key] = model.NewBoolVar(f"met[{k}:{rule}:{key}]")
                    return lits[rule, key]
                return None  # every other rule stays hard
            short = {r: model.NewIntVar(0, rq.count, f"short[{k}:{rq.skill}]")
                     for r, rq in enumerate(req.requirements)}
        post_team_rules(model, pb, v, cap=U, enforce=enforce, short=short, tag=str(k))
        if soft:
            # The passenger rule counts a member without a role as needed for the minimum only when
            # the team is exactly at it (rules.needed_for); a relaxed minimum must not loosen that.
            model.Add(sum(v.x.values()) >= req.size_min).OnlyEnforceIf(v.extra["at_min"])
            w = weights[k]
            met += [w * lit for lit in lits.values()]
            met += [w * (rq.count - short[r]) for r, rq in enumerate(req.requirements)]
            met_bound += w * sum(min(rq.count, sum(1 for (_, rr) in v.y if rr == r))
                                 for r, rq in enumerate(req.requirements))
            met_bound += w * sum(1 for d in req.required_departments if v.members_of(pb, d))
            met_bound += w * (len(v.x) >= req.size_min)
        teams.append(v)
    uv = model.NewIntVar(*uv_range, "U") if uv_range else None
    _post_cross_request_load(pool, model, teams, inv, U, uv)
    pm = PortfolioModel(model, pool, teams, inv, met, met_bound)
    if hint:
        pm.hint(*hint)
    return pm, uv


def _post_cross_request_load(pool: PortfolioPool, model, teams, inv, U: float, uv) -> None:
    terms: dict[int, dict[int, object]] = {}
    member: dict[int, dict[int, object]] = {}
    for k, v in enumerate(teams):
        for i, x in v.x.items():
            g = inv[k][i]
            terms.setdefault(g, {})[k] = allocation_milli(pool.pbs[k], v, i)
            member.setdefault(g, {})[k] = x
    for g in sorted(terms):
        # One request alone is the capacity rule, already posted at U; spans matter when the
        # person can be in several (or when U itself is a variable).
        if len(terms[g]) > 1 or uv is not None:
            post_load(model, pool.spans[g], terms[g], member[g], pool.forced.get(g, set()), U * pool.cap[g],
                      pool.ids[g], uv, pool.cap[g])


def objective(pm: PortfolioModel, *, soft: bool, met_only: bool = False) -> None:
    """Soft mode's first phase maximises what is met; otherwise maximise skill fit, then spare busy
    people: pushing them up costs utilisation-before × FTE, and every member costs a little so
    teams are not padded (Weights.member, as in single-team mode)."""
    pool, model = pm.pool, pm.model
    if met_only:
        model.Maximize(pm.met_count())
        return
    fit, busy = [], []
    for k, v in enumerate(pm.teams):
        pb = pool.pbs[k]
        for (i, r), y in v.y.items():
            fit.append(pb.fit[i, r] * y)
        for i, x in v.x.items():
            g = pm.inv[k][i]
            busy.append(round(pool.util(g, k, 0.0) * 100) * allocation_milli(pb, v, i))
            busy.append(round(pb.weights.member * MILLI) * 100 * x)
    gain = 1000 * sum(fit) - sum(busy)
    model.Maximize(gain + (10 ** 9) * pm.met_count() if soft else gain)
