"""Exact search over the utilisation cap U (see MEASURED.md: fix U, bisect, step up).

The total objective is F(team) − λ·u(team), where u is the team's maximum post-assignment
utilisation and F everything else. For a fixed cap U the model is pure 0-1 (matching.model).
Only the distinct utilisations of the pool matter as caps ("levels"). The search:
  1. optimise exactly at the per-requirement lower bound on U (the count-th smallest utilisation
     among each requirement's qualified people), which is often already feasible;
  2. otherwise bisect the levels for the smallest feasible cap U₀ (first-solution solves);
  3. branch and bound over intervals of levels (a, b]: any team whose maximum lies in the interval
     scores at most F*(level b) − λ·level(a+1), F*(b) from an exact solve at b (or its objective
     bound when the time limit stops it); intervals whose bound cannot beat the best team are
     closed, the others are split at their middle level, re-using F*(b) as the bound of the upper
     half. Exact solves, not ones capped in deterministic time: on generated 10k-person orgs a
     capped solve's LP bound stayed 5-30 % loose, so the top interval never closed and the search
     needed 4-6 solves; the exact top solve usually closes it at once (2 solves, 2-3× faster).
When every interval is closed the team is proven optimal (over the pruned pool, which
matching.prune keeps optimal). Otherwise the gap to the best open bound is reported.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

from teamgraph.matching.model import build_team_model, score_team, solver_for, team_util
from teamgraph.matching.problem import Problem
from teamgraph.matching.rules import EPS, fits


@dataclass
class Team:
    members: list[int]
    roles: dict[int, list[int]]  # member → requirements whose slots they fill
    F: int  # objective without the utilisation term
    u: float  # maximum post-assignment utilisation of the members who are not forced

    def total(self, pb: Problem) -> int:
        return self.F - pb.util_penalty(self.u)


@dataclass
class SearchResult:
    team: Team | None
    status: str  # optimal | feasible | infeasible | unknown
    bound: int | None  # best upper bound on the total objective
    solves: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def gap(self, pb: Problem) -> float:
        if self.team is None or self.bound is None:
            return 0.0
        best = self.team.total(pb)
        return max(0.0, (self.bound - best) / max(1.0, abs(self.bound)))


def objective_expr(tm):
    """The model's objective (everything but the utilisation term) as a linear expression."""
    return sum(c * v for ts in tm.terms.values() for c, v in ts if c)


def _some_member_above(pb: Problem, tm, u: float) -> bool:
    """Require a member who is not forced at a utilisation above `u` (the team's maximum is then
    above it). False when nobody in the model can be: no such team."""
    lits = []
    for i, x in tm.x.items():
        if i in pb.forced:
            continue
        c = pb.people[i]
        k = next((k for k, a in enumerate(tm.v.levels) if c.util(a) > u + EPS), None)
        if k == 0:
            lits.append(x)
        elif k is not None and (i, k) in tm.v.lv:
            lits.append(tm.v.lv[i, k])
    if lits:
        tm.model.AddBoolOr(lits)
    return bool(lits)


def _read_team(pb: Problem, tm, solver) -> Team:
    members = sorted(i for i, v in tm.x.items() if solver.BooleanValue(v))
    roles: dict[int, list[int]] = {i: [] for i in members}
    for (i, r), v in tm.y.items():
        if solver.BooleanValue(v):
            roles[i].append(r)
    u = team_util(pb, members, roles)
    s = score_team(pb, members, roles)
    return Team(members, roles, sum(v for k, v in s.items() if k != "max_util"), u)


class Search:
    """One exact search; `cuts` make it find alternatives to earlier teams."""

    def __init__(self, pb: Problem, *, seed: int = 0, time_limit: float | None = None,
                 cuts=(), pool=None, hint: Team | None = None):
        self.pb, self.seed, self.cuts, self.pool = pb, seed, list(cuts), pool
        self.deadline = None if time_limit is None else time.perf_counter() + time_limit
        self.solves = 0
        self.proven = True
        self.hint = hint
        self._exact: dict = {}

    def _left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def _solve(self, U: float, objective: bool, cap: float | None = None, above: float | None = None,
               cutoff: int | None = None):
        """(status, team, bound) at cap U. status: optimal | feasible | infeasible | unknown.
        `cap` limits this solve's deterministic time (for solves that only need to bound an interval).
        `above` keeps only teams whose maximum utilisation exceeds it, and `cutoff` only teams whose
        objective without the utilisation term reaches it: a solve that bounds the interval
        (above, U] needs no other team, and "infeasible" then says the interval holds none."""
        from ortools.sat.python import cp_model
        key = (U, cap, above, cutoff)
        for k in ((U, cap, None, None), key):  # an exact solve at this cap answers every later question
            if k in self._exact:
                st, team, bound = self._exact[k]
                return ("feasible" if team is not None and not objective else st), team, (bound if objective else None)
        tm = build_team_model(self.pb, U, pool=self.pool, cuts=self.cuts, objective=True,
                              hint=(set(self.hint.members), self.hint.roles) if self.hint else None)
        if above is not None and not _some_member_above(self.pb, tm, above):
            self._exact[key] = ("infeasible", None, None)
            return "infeasible", None, None
        if cutoff is not None:
            tm.model.Add(objective_expr(tm) >= cutoff)
        left = self._left()
        if left is not None and left <= 0:
            return "unknown", None, None
        solver = solver_for(self.seed, left)
        # Measured on generated orgs (44 requests at 1k and 10k, same optima): without presolve and
        # with cut level 0 these 0-1 models solve in about half the CPU time. Presolve off alone
        # once took 650 s where the default took 5 s, so the two settings go together.
        solver.parameters.cp_model_presolve = False
        solver.parameters.cut_level = 0
        if not objective:  # feasibility: the objective's LP still guides the search to a first team
            solver.parameters.stop_after_first_solution = True
        if cap is not None:  # deterministic time, so capped solves stay reproducible
            solver.parameters.max_deterministic_time = cap
        st = solver.Solve(tm.model)
        self.solves += 1
        if st == cp_model.INFEASIBLE or st == cp_model.MODEL_INVALID:
            self._exact[(U, None, above, cutoff)] = ("infeasible", None, None)  # whatever the cap
            return "infeasible", None, None
        if st == cp_model.UNKNOWN:
            return "unknown", None, None
        team = _read_team(self.pb, tm, solver)
        self.hint = team
        if not objective:
            return "feasible", team, None
        bound = int(solver.BestObjectiveBound() + 1e-6) if st == cp_model.FEASIBLE else team.F
        out = ("optimal" if st == cp_model.OPTIMAL else "feasible"), team, bound
        if out[0] == "optimal" and cap is None:
            self._exact[key] = out
        return out

    def _levels(self, pool) -> list[float]:
        """The caps worth trying: every utilisation within capacity that a member who is not
        forced can reach (base allocation, or a role they qualify for). Forced members take no
        part: their utilisation is never anyone else's limit."""
        pb = self.pb
        qualified = [set(q) for q in pb.qualified]
        out = set()
        for i in pool:
            if i in pb.forced or not pb.eligible(i):
                continue
            c = pb.people[i]
            for a in {pb.alloc0, *(pb.alloc(r) for r, q in enumerate(qualified) if i in q)}:
                if fits(c, a):
                    out.add(round(c.util(a), 9))
        return sorted(out) or [0.0]

    def run(self) -> SearchResult:
        t0 = time.perf_counter()
        pb = self.pb
        pool = pb.kept if self.pool is None else self.pool
        levels = self._levels(pool)
        res = SearchResult(None, "unknown", None)

        # 1. No team has a maximum below the per-requirement bound: the slots forced members cannot
        #    fill go to others, so the (count − forced qualified)-th smallest utilisation among the
        #    requirement's other qualified people. Try that level first; it is often feasible,
        #    which makes the bisection unnecessary.
        start = 0
        in_pool = set(pool)
        for r, rq in enumerate(pb.request.requirements):
            need = rq.count - sum(1 for i in pb.qualified[r] if i in pb.forced)
            us = sorted(pb.people[i].util(pb.alloc(r)) for i in pb.qualified[r]
                        if i in in_pool and i not in pb.forced)
            if need > 0 and len(us) >= need:
                start = max(start, next((k for k, u in enumerate(levels) if u >= us[need - 1] - EPS),
                                        len(levels) - 1))
        st, team, _ = self._solve(levels[start], objective=True)  # exact: re-used by step 3
        lo, hi, hi_team = start - 1, start, team
        if team is None:
            # 2. Feasible at all (largest cap)? Then bisect for the smallest feasible cap.
            st, team, _ = self._solve(levels[-1], objective=False)
            if st != "feasible":
                res.status = st
                res.solves, res.seconds = self.solves, time.perf_counter() - t0
                return res
            lo, hi, hi_team = start, len(levels) - 1, team
        while hi - lo > 1:
            mid = (lo + hi) // 2
            st, team, _ = self._solve(levels[mid], objective=False)
            if st == "feasible":
                hi, hi_team = mid, team
            elif st == "infeasible":
                lo = mid
            else:  # out of time: stop bisecting, keep what is proven feasible
                self.proven = False
                break

        # 3. Branch and bound over intervals (a, b] of levels. Solving at b bounds every team whose
        #    maximum lies in the interval by F*(b) − λ·level(a+1). Only the time limit cuts a solve
        #    short; its BestObjectiveBound is still a valid bound then.
        best: Team | None = hi_team
        best_val = hi_team.total(pb)
        heap: list[tuple[int, int, int, int, bool]] = []  # (-bound, a, b, F bound at b, exact)
        def explore(a: int, b: int) -> bool:
            """Bound the interval (a, b]: the best team at cap level b among those whose maximum lies
            above level a and that could still beat the best team (their objective without the
            utilisation term above best + λ·level(a+1)); none such closes the interval."""
            nonlocal best, best_val
            if a < 0:
                st, team, bound = self._solve(levels[b], objective=True)
            else:
                st, team, bound = self._solve(levels[b], objective=True, above=levels[a],
                                              cutoff=best_val + pb.util_penalty(levels[a + 1]) + 1)
                if st == "infeasible":
                    return True  # no team in the interval beats the best: closed
            if team is None:
                return False
            if team.total(pb) > best_val:
                best, best_val = team, team.total(pb)
            exact = st == "optimal"
            if not (exact and b == a + 1):  # an exact solve of a one-level interval closes it
                heapq.heappush(heap, (-(bound - pb.util_penalty(levels[a + 1])), a, b, bound, exact))
            return True

        m = hi
        n = len(levels) - 1
        ok = explore(m - 1, m) if m > 0 else explore(-1, 0)
        if ok and n > m:
            ok = explore(m, n)
        open_bound = None
        while ok and heap:
            neg, a, b, f_b, exact = heap[0]
            if -neg <= best_val:
                heap.clear()  # the largest bound cannot beat the best team: every interval is closed
                break
            if self._left() is not None and self._left() <= 0:
                break
            heapq.heappop(heap)
            if b == a + 1 or a < 0:
                ok = explore(a, b)  # one level left
            else:
                mid = (a + b) // 2
                ok = explore(a, mid)
                if exact:
                    heapq.heappush(heap, (-(f_b - pb.util_penalty(levels[mid + 1])), mid, b, f_b, exact))
                else:
                    ok = ok and explore(mid, b)
        if heap or not ok:
            self.proven = False
            open_bound = max([-h[0] for h in heap], default=best_val)
        bound = best_val if self.proven else max(best_val, open_bound or best_val)
        res.team, res.bound = best, bound
        res.status = "optimal" if self.proven else "feasible"
        res.solves, res.seconds = self.solves, time.perf_counter() - t0
        return res
