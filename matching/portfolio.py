"""Portfolio mode: staff many requests at once from one pool so that nobody is overloaded.

Every per-request rule holds per team exactly as in single-team mode (matching.rules), and a
person's load adds up across the requests active at the same moment (matching.portfolio_load).

Hard mode (no `max_load`): every request fully satisfies every rule; minimise the
organisation-wide maximum post-assignment utilisation U of the people the solver places, then (at
that U) maximise skill fit and spare already-busy people. As in the single-team engine, U is
fixed and bisected, so each solve is a pure 0-1 model; the greedy baseline is the warm start.
A staffing above 100 % is infeasible, not a note; only forced members (include, pins) may be
overloaded, and the answer then says "overloaded" and lists them.

Soft mode (`max_load` = L): nobody non-forced goes above utilisation L; a team may leave
requirement slots, required departments or the size minimum open only by listing them in its
`unmet`; what is met is maximised first (so a free person of a missing department is taken),
then skill fit. No lower bound or gap: those concern hard mode's minimised maximum. Its warm start
is our marginal-gain staffing (portfolio_greedy.marginal_staffing: the person filling the most
open slots of a request first, scarce people first at equal gain, the least utilised next), whose
people also join the shortlists, so every request's candidates differ.

Time limits are CPU seconds for the whole call (reading the pool included).

At organisation scale in the task-coverage shape (thousands of requests, one load cap in requests
per person), matching.portfolio_cover_solve staffs with the same constructive rule over a lean
pool, improves it with CP-SAT over windows and reports an upper bound (`teamgraph eval portfolio`).

Scale: per requirement only the `candidates_per_slot` least-utilised qualified people (plus the
forced ones and a few per required department) enter the model, so the answer is not proven
optimal by the model alone; the lower bound is computed over everyone and the gap to it reported.

Modules: portfolio_pool (reading and merging the requests, bound, shortlists), portfolio_load
(the cross-request rule), portfolio_model (the CP-SAT model), portfolio_greedy (the baseline and
the soft-mode warm start),
portfolio_check and portfolio_result (the rule check every answer passes, and the answer).
"""

from __future__ import annotations

import time

from teamgraph.graph.store import GraphStore
from teamgraph.matching.model import solver_for
from teamgraph.matching.portfolio_greedy import greedy_keys, greedy_staffing, marginal_staffing, spans_by_request
from teamgraph.matching.portfolio_model import build_model, met_weights, objective
from teamgraph.matching.portfolio_pool import PortfolioPool
from teamgraph.matching.portfolio_result import (
    PortfolioResult, build_result, max_util, placed_of, required_slots,
)
from teamgraph.matching.request import Portfolio
from teamgraph.matching.request_fields import STAFF_OBJECTIVE
from teamgraph.matching.rules import EPS, MILLI

TIE_BREAK_SHARE = 0.25  # hard mode's fit tie-break runs when this share of the limit is left, for at most that

__all__ = ["PortfolioPool", "PortfolioResult", "greedy_portfolio", "staff", "staff_pool"]


def greedy_portfolio(store: GraphStore, portfolio: Portfolio, *, max_load: float | None = None) -> PortfolioResult:
    """The baseline staffing of a whole portfolio, reported (and rule-checked) like `staff`, mode
    "greedy": judged as soft mode at its load cap, since the greedy leaves slots open."""
    t0 = time.perf_counter()
    pool = PortfolioPool(store, portfolio, progress=False)
    cap = _limit(max_load if max_load is not None else portfolio.max_load)
    placed, greedy = greedy_staffing(pool, cap)
    xs, ys = greedy_keys(pool, placed, greedy)
    res = build_result(pool, "greedy", "feasible", xs, ys, lb=None, limit=cap, g_util=max_util(pool, placed),
                       g_cov=len(ys), t0=t0, notes=["slot-by-slot baseline, for comparison only"])
    return res


def staff(store: GraphStore, portfolio: Portfolio, *, max_load: float | None = None, time_limit: float = 30,
          seed: int = 0, candidates_per_slot: int = 12, progress: bool = False,
          tie_break: bool = True, lns_workers: int = 1, objective: str = STAFF_OBJECTIVE) -> PortfolioResult:
    """Staff every request of `portfolio` at once (see the module docstring for the two modes).

    `time_limit` is CPU seconds (time.process_time(), all threads) for the whole call, reading the
    pool included, so a busy machine does not starve the solver; the best staffing found by then is
    returned. `candidates_per_slot` bounds the shortlist per requirement; `tie_break=False` skips the
    soft mode's second phase (fit among the staffings that meet the most). `lns_workers` > 1 lets
    hard mode's direct minimisation search in parallel (faster on large portfolios, but no longer
    deterministic, so the CLI and the API keep the default 1). `objective` is soft mode's
    (matching.request_fields.OBJECTIVES): "slots" counts what is met, "fraction" sums each
    request's fraction met (the SDM'23 coverage); hard mode meets everything.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    pool = PortfolioPool(store, portfolio, progress)
    return staff_pool(pool, max_load=max_load, time_limit=time_limit, seed=seed,
                      candidates_per_slot=candidates_per_slot, tie_break=tie_break, t0=t0, c0=c0,
                      lns_workers=lns_workers, objective=objective)


def _limit(max_load: float | None) -> float:
    """The load rule's utilisation limit: capacity, or the load cap when that is lower."""
    return 1.0 if max_load is None else min(1.0, max_load)


class _Search:
    """One `staff_pool` run: the pool, the shortlists and the clock, and a solve at a cap U."""

    def __init__(self, pool: PortfolioPool, soft: bool, per_slot: int, seed: int, time_limit: float, c0: float,
                 lns_workers: int, weights: list[int]):
        self.pool, self.soft, self.seed, self.lns_workers = pool, soft, seed, lns_workers
        self.weights = weights  # soft mode: per request, what one met unit is worth
        self.by_request = spans_by_request(pool)  # for both greedy staffings
        self.lists = [pool.shortlist(k, per_slot) for k in range(len(pool.pbs))]
        self.complete = all(pool.complete(k, lst) for k, lst in enumerate(self.lists))
        self.c0, self.time_limit = c0, time_limit

    def left(self) -> float:
        """CPU seconds left of the call's limit."""
        return self.time_limit - (time.process_time() - self.c0)

    def run(self, U: float, budget: float, hint, *, mode: str = "feasible", min_met: int = 0):
        """Solve at cap U. mode: "feasible" (no objective), "met" (soft: maximise what is met,
        stopping at the count bound), "best" (fit and busy people). Returns (status, xs, ys)."""
        from ortools.sat.python import cp_model
        pm, _ = build_model(self.pool, self.lists, U, self.soft, hint=hint, weights=self.weights)
        if min_met:
            pm.model.Add(pm.met_count() >= min_met)
        if mode != "feasible":
            objective(pm, soft=self.soft, met_only=mode == "met")
        solver = solver_for(self.seed, max(0.05, budget))
        if mode == "met":
            bound = pm.met_bound

            class _StopAtBound(cp_model.CpSolverSolutionCallback):
                """Meeting everything that can be met at all is optimal by counting: stop there."""

                def on_solution_callback(self):
                    if self.ObjectiveValue() >= bound:
                        self.StopSearch()
            st = solver.Solve(pm.model, _StopAtBound())
            if st == cp_model.FEASIBLE and solver.ObjectiveValue() >= bound:
                st = cp_model.OPTIMAL
        else:
            st = solver.Solve(pm.model)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            xs, ys = pm.keys(solver)
            return st, xs, ys, round(solver.ObjectiveValue()) if mode == "met" else None
        return st, None, None, None

    def minimise_max(self, hi: float, lb: float, xs, ys):
        """Minimise the maximum directly from a staffing (CP-SAT's large-neighbourhood search
        improves the hint); the bisection then tightens what it leaves."""
        from ortools.sat.python import cp_model
        pm, uv = build_model(self.pool, self.lists, hi, self.soft, hint=(xs, ys),
                             uv_range=(int(lb * MILLI), int(hi * MILLI) + 1), weights=self.weights)
        pm.model.Minimize(uv)
        # CP-SAT's limit is wall time: with several workers the CPU runs that many times faster
        solver = solver_for(self.seed, max(0.05, self.left() * 0.5 / self.lns_workers), workers=self.lns_workers)
        if solver.Solve(pm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            xs0, ys0 = pm.keys(solver)
            u0 = max_util(self.pool, placed_of(self.pool, xs0, ys0))
            if u0 < hi:
                return u0, xs0, ys0
        return hi, xs, ys


def staff_pool(pool: PortfolioPool, *, max_load: float | None = None, time_limit: float = 30, seed: int = 0,
               candidates_per_slot: int = 12, tie_break: bool = True, t0: float | None = None,
               c0: float | None = None, lns_workers: int = 1, objective: str = STAFF_OBJECTIVE) -> PortfolioResult:
    """`staff` over an already-read pool (evaluations re-use one pool for many load caps). The CPU
    limit counts from `c0` (a time.process_time(); now when None), `seconds` from `t0`."""
    t0 = time.perf_counter() if t0 is None else t0
    c0 = time.process_time() if c0 is None else c0
    max_load = max_load if max_load is not None else pool.portfolio.max_load
    soft = max_load is not None
    cap = _limit(max_load)
    weights = met_weights(pool, objective)
    search = _Search(pool, soft, candidates_per_slot, seed, time_limit, c0, lns_workers, weights)

    # Greedy baseline, request by request, also the warm start.
    placed, greedy = greedy_staffing(pool, cap, by_request=search.by_request)
    g_util = max_util(pool, placed)
    g_cov = sum(len(r) for gt in greedy for r in gt.roles.values())
    if soft:
        status, xs, ys, notes = _soft(search, cap, _soft_start(search, cap, placed, greedy), tie_break)
        lb = None
    else:
        lb = pool.lower_bound()
        status, xs, ys, notes = _hard(search, lb, placed, greedy)
    if xs is None:
        # Hard mode keeps a number in `gap` (readers format it); soft mode has none.
        return PortfolioResult("soft" if soft else "hard", status, 0.0, lb, None if soft else 0.0, 0.0, 0,
                               required_slots(pool),
                               [], [], g_util, g_cov, time.perf_counter() - t0, notes, objective=objective)
    return build_result(pool, "soft" if soft else "hard", status, xs, ys, lb=lb, limit=cap, g_util=g_util,
                        g_cov=g_cov, t0=t0, notes=notes, objective=objective)


def _soft_start(search: _Search, cap: float, placed, greedy):
    """Soft mode's warm start: our marginal-gain staffing (matching.portfolio_greedy.marginal_staffing)
    when it keeps every rule and fills at least as many slots (its people join the shortlists),
    else the slot-by-slot baseline."""
    pool = search.pool
    base = greedy_keys(pool, placed, greedy)
    ours_placed, ours_roles = marginal_staffing(pool, cap, search.weights)
    xs = set(ours_placed)
    ys = {(g, k, r) for (g, k), rs in ours_roles.items() for r in rs}
    for g, k in xs:  # the model's candidates per request include the people our staffing chose
        if g not in search.lists[k]:
            search.lists[k] = sorted([*search.lists[k], g])
    if len(ys) >= len(base[1]) and _keeps_rules(search, xs, ys, limit=cap, soft=True):
        return xs, ys
    return base


def _soft(search: _Search, cap: float, hint, tie_break: bool):
    """Lexicographic: first the most met (slots, required departments, size minimums) and its
    proof, then fit and sparing busy people among those staffings."""
    from ortools.sat.python import cp_model
    notes = []
    st, xs, ys, met = search.run(cap, search.left() * (0.6 if tie_break else 1.0), hint, mode="met")
    status = "optimal" if st == cp_model.OPTIMAL and search.complete else "feasible" if xs is not None else "unknown"
    if st == cp_model.OPTIMAL and not search.complete:
        notes.append("what is met is the most possible within the shortlists, not proven over everyone")
    if st == cp_model.INFEASIBLE:
        # Only the forced members are ever needed in soft mode, and the shortlists keep them all:
        # this is a proof that the rules that stay hard conflict.
        notes.append("no staffing keeps the rules that stay hard under a load cap (include, exclude, "
                     "size maximum, department caps, budget)")
        return "infeasible", None, None, notes
    if xs is None:
        if not _keeps_rules(search, *hint, limit=cap, soft=True):
            notes.append("no staffing found within the time limit")
            return status, None, None, notes
        # The greedy keeps every rule too (what it leaves open is listed): never return nothing.
        xs, ys, status = *hint, "feasible"
        notes.append("the solver did not improve on the greedy warm start within the time limit")
    if tie_break and search.left() > 0.05:
        st2, xs2, ys2, _ = search.run(cap, search.left(), (xs, ys), mode="best", min_met=met)
        if xs2 is not None:
            xs, ys = xs2, ys2
            if st2 != cp_model.OPTIMAL:
                notes.append("what is met is proven the most possible; the fit tie-break stopped at the time limit"
                             if status == "optimal" else "stopped at the time limit")
    return status, xs, ys, notes


def _hard(search: _Search, lb: float, placed, greedy):
    """Bisect U on a 0.5 % grid between the lower bound and 100 % (or the warm start's maximum)."""
    from ortools.sat.python import cp_model
    pool, notes = search.pool, []
    time_limit = search.time_limit
    if lb > 1.0 + EPS:  # a bound over everyone: nobody can do it within capacity
        notes.append(f"infeasible: even the lower bound on utilisation is {lb:.0%} (above capacity)")
        notes.append("run with --max-load (soft mode) to see what stays unmet")
        return "infeasible", None, None, notes
    # Warm start: the baseline, or a load-aware greedy (least utilised person per slot), when it
    # staffed everything within the rules.
    starts = []
    for pl, teams in ((placed, greedy), greedy_staffing(pool, 1.0, prefer="load", by_request=search.by_request)):
        if all(gt.feasible for gt in teams):
            xs0, ys0 = greedy_keys(pool, pl, teams)
            if _keeps_rules(search, xs0, ys0, limit=1.0, soft=False):
                starts.append((max_util(pool, pl), xs0, ys0))
    st = None
    if starts:
        hi, xs, ys = min(starts, key=lambda s: s[0])
    else:
        hi = 1.0
        st, xs, ys, _ = search.run(hi, search.left() * 0.4, None)
    if xs is not None and hi > lb + 0.005:
        hi, xs, ys = search.minimise_max(hi, lb, xs, ys)
    if xs is None:
        proven = st == cp_model.INFEASIBLE and search.complete
        status = "infeasible" if proven else "unknown"
        notes.append("not every request can be fully staffed within capacity and every rule" if proven else
                     "no full staffing found within the shortlists" if st == cp_model.INFEASIBLE else
                     "no full staffing found within the time limit")
        notes.append("run with --max-load (soft mode) to see what stays unmet")
        return status, None, None, notes
    lo = lb
    while hi - lo > 0.005 and search.left() > time_limit * 0.35:
        mid = (lo + hi) / 2
        _, xs2, ys2, _ = search.run(mid, min(search.left() * 0.3, 5.0), (xs, ys))
        if xs2 is not None:
            hi, xs, ys = mid, xs2, ys2
        else:  # infeasible, or not found in time: search higher (the reported bound stays lb)
            lo = mid
    hi = max_util(pool, placed_of(pool, xs, ys))
    st3 = None
    if search.left() > time_limit * TIE_BREAK_SHARE:  # tie-break (fit, sparing busy people) at this maximum
        # A bounded share of the limit: the maximum is settled and the fit is secondary (on the
        # 200-request benchmark the tie-break found no better staffing in 16 s of the limit).
        st3, xs3, ys3, _ = search.run(hi + 1e-9, min(search.left(), time_limit * TIE_BREAK_SHARE), (xs, ys),
                                      mode="best")
        if xs3 is not None:
            xs, ys = xs3, ys3
    status = "feasible"
    if hi <= lb + 1e-9:
        status = "optimal"  # the maximum meets the lower bound
        if st3 != cp_model.OPTIMAL:
            notes.append("the maximum utilisation is optimal; the fit tie-break is not proven")
    return status, xs, ys, notes


def _keeps_rules(search: _Search, xs, ys, *, limit: float, soft: bool) -> bool:
    """Whether a greedy staffing keeps every rule (it does not know them all: passengers, say)
    within the shortlists, so it can warm-start the model or stand in for it."""
    from teamgraph.matching.portfolio_check import check_staffing
    from teamgraph.matching.portfolio_result import roles_of
    pool = search.pool
    check = check_staffing(pool, placed_of(pool, xs, ys), roles_of(ys), limit=limit, soft=soft)
    return not check.violations and all(
        g in search.lists[k] for g, k in xs)
