"""Portfolio mode: staff many requests at once from one pool so that nobody is overloaded.

Hard mode (no `max_load`): every request must be fully staffed; minimise the organisation-wide
maximum post-assignment utilisation U of the people assigned, then (at that U) maximise skill fit
and minimise load pushed onto already-busy people (the spread). As in the single-team engine, U
is fixed and bisected, so each solve is a pure 0-1 model; the greedy baseline is the warm start.

Soft mode (`max_load` = L): nobody goes above utilisation L; maximise the requirement slots
covered, then skill fit, and report what stays uncovered.

Load across requests is exact in time: the timeline is cut at every request window boundary,
and in each piece the allocations of the requests active in it add up. Existing load is taken as
the person's peak over all the windows they are considered for (never an under-estimate).

Scale: per requirement only the `candidates_per_slot` least-utilised qualified people (plus the
included ones and a few per required department) enter the model, so the answer is not proven
optimal; the lower bound is computed over everyone (per-slot bound and a water-filling bound per
skill and time piece) and the gap to it is reported.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tqdm import tqdm

from teamgraph.graph.store import GraphStore
from teamgraph.matching.baseline import greedy_members
from teamgraph.matching.model import EPS, solver_for
from teamgraph.matching.problem import build_problem
from teamgraph.matching.request import Portfolio

MILLI = 1000  # loads in thousandths of an FTE inside the model


@dataclass
class PortfolioResult:
    mode: str  # hard | soft
    status: str  # optimal | feasible | infeasible | unknown
    max_util: float
    lower_bound: float
    gap: float
    spread: float  # standard deviation of post-assignment utilisation over assigned people
    covered: int
    required: int
    teams: list[dict]
    people: list[dict]
    baseline_max_util: float
    baseline_covered: int
    seconds: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _pieces(windows: list) -> list[frozenset[int]]:
    """Maximal sets of requests whose windows overlap at some moment."""
    cuts = sorted({w.start for w in windows} | {w.end for w in windows})
    sets = []
    for d in cuts:
        s = frozenset(k for k, w in enumerate(windows) if w.start <= d <= w.end)
        if s:
            sets.append(s)
    return [s for s in set(sets) if not any(s < t for t in sets)]


class PortfolioPool:
    """All requests' problems merged over one global set of people."""

    def __init__(self, store: GraphStore, pf: Portfolio, progress: bool):
        self.portfolio = pf
        skills = list(store.all("skill"))
        self.pbs = [build_problem(store, r, light=True, skills=skills)
                    for r in tqdm(pf.requests, desc="reading requests", disable=not progress, file=None)]
        self.ids: list[str] = []
        self.gidx: dict[str, int] = {}
        self.base: list[float] = []
        self.cap: list[float] = []
        self.local: list[dict[int, int]] = []  # per request: global person → local index
        for pb in self.pbs:
            loc = {}
            for i, c in enumerate(pb.people):
                g = self.gidx.get(c.id)
                if g is None:
                    g = self.gidx[c.id] = len(self.ids)
                    self.ids.append(c.id)
                    self.base.append(c.load)
                    self.cap.append(c.person.capacity)
                self.base[g] = max(self.base[g], c.load)
                loc[g] = i
            self.local.append(loc)
        self.pieces = _pieces([pb.request.window for pb in self.pbs])

    def util(self, g: int, extra: float) -> float:
        return (self.base[g] + extra) / self.cap[g] if self.cap[g] > 0 else float("inf")

    def lower_bound(self) -> float:
        """A bound valid over everyone: each slot needs a distinct qualified person, and each skill's
        demand in a time piece must fit into its holders' remaining capacity (water-filling)."""
        lb = 0.0
        for k, pb in enumerate(self.pbs):
            for r, rq in enumerate(pb.request.requirements):
                us = sorted(self.util(g, pb.alloc(r)) for g, i in self.local[k].items()
                            if i in pb.qualified[r] and pb.people[i].id not in pb.excluded)
                if len(us) >= rq.count:
                    lb = max(lb, us[rq.count - 1])
        for piece in self.pieces:
            demand: dict[str, float] = {}
            holders: dict[str, set[int]] = {}
            for k in piece:
                pb = self.pbs[k]
                for r, rq in enumerate(pb.request.requirements):
                    demand[rq.skill] = demand.get(rq.skill, 0.0) + rq.count * pb.alloc(r)
                    holders.setdefault(rq.skill, set()).update(
                        g for g, i in self.local[k].items() if i in pb.qualified[r])
            for s, d in demand.items():
                hs = [g for g in holders[s] if self.cap[g] > 0]
                lo, hi = lb, 10.0
                if sum(max(0.0, hi * self.cap[g] - self.base[g]) for g in hs) < d:
                    continue
                for _ in range(40):  # smallest U with Σ max(0, U·cap − base) ≥ demand
                    mid = (lo + hi) / 2
                    if sum(max(0.0, mid * self.cap[g] - self.base[g]) for g in hs) >= d:
                        hi = mid
                    else:
                        lo = mid
                lb = max(lb, lo)
        return lb

    def shortlist(self, k: int, per_slot: int) -> list[int]:
        """Global ids of the people request k may use in the model."""
        pb = self.pbs[k]
        inv = {i: g for g, i in self.local[k].items()}
        keep = {inv[i] for i in pb.forced}
        for r, rq in enumerate(pb.request.requirements):
            q = sorted(pb.qualified[r], key=lambda i: (self.util(inv[i], pb.alloc(r)), -pb.fit[i, r],
                                                       pb.people[i].id))
            keep.update(inv[i] for i in q[:max(per_slot, 3 * rq.count)])
        for dept in pb.request.required_departments:
            q = sorted((i for i in inv if pb.people[i].department == dept and pb.eligible(i)),
                       key=lambda i: (self.util(inv[i], pb.alloc0), pb.people[i].id))
            keep.update(inv[i] for i in q[:3])
        return sorted(g for g in keep if pb.people[self.local[k][g]].id not in pb.excluded)


def _build(pool: PortfolioPool, lists: list[list[int]], U: float, soft: bool, hint=None, u_var=None):
    """The portfolio model at utilisation cap U; returns (model, x, y). With `u_var` (an IntVar
    factory), the cap is a variable in thousandths that each person's load must stay under, for
    a direct minimisation of the maximum (a large-neighbourhood search starting from the greedy)."""
    from ortools.sat.python import cp_model
    model = cp_model.CpModel()
    x, y = {}, {}
    load: dict[int, dict[int, list]] = {}  # person → request → load terms
    for k, pb in enumerate(pool.pbs):
        req = pb.request
        loc = pool.local[k]
        for g in lists[k]:
            if pool.util(g, pb.alloc0) <= U + EPS or (loc[g] in pb.forced and not soft):
                x[g, k] = model.NewBoolVar(f"x[{pool.ids[g]},{k}]")
        # Each requirement fills its slots (all in hard mode, as many as possible in soft mode).
        for r, rq in enumerate(req.requirements):
            ys = []
            qset = set(pb.qualified[r])
            for g in lists[k]:
                if (g, k) in x and loc[g] in qset and pool.util(g, pb.alloc(r)) <= U + EPS:
                    y[g, k, r] = v = model.NewBoolVar(f"y[{pool.ids[g]},{k},{r}]")
                    model.AddImplication(v, x[g, k])
                    ys.append(v)
            model.Add(sum(ys) <= rq.count) if soft else model.Add(sum(ys) == rq.count)
        team = [x[g, k] for g in lists[k] if (g, k) in x]
        # Team size (the minimum only binds in hard mode: a half-staffed team is reported, not forbidden).
        model.Add(sum(team) <= req.size_max)
        if not soft:
            model.Add(sum(team) >= req.size_min)
            for i in pb.forced:
                g = next(g for g, li in loc.items() if li == i)
                if (g, k) in x:
                    model.Add(x[g, k] == 1)
                else:  # an included person above U: no team at this U
                    model.AddBoolOr([])
            for dept in req.required_departments:
                model.Add(sum(x[g, k] for g in lists[k] if (g, k) in x
                              and pb.people[loc[g]].department == dept) >= 1)
        for dept in {pb.people[loc[g]].department for g in lists[k]}:
            cap = req.cap_of(dept)
            if cap is not None:
                model.Add(sum(x[g, k] for g in lists[k] if (g, k) in x
                              and pb.people[loc[g]].department == dept) <= cap)
        if req.budget is not None:
            model.Add(sum(round(pb.cost(loc[g], pb.alloc0) * 100) * x[g, k] for g in lists[k] if (g, k) in x)
                      <= round(req.budget * 100))
        for g in lists[k]:
            if (g, k) in x:
                terms = load.setdefault(g, {}).setdefault(k, [])
                terms.append(round(pb.alloc0 * MILLI) * x[g, k])
                for r in range(len(req.requirements)):
                    extra = pb.alloc(r) - pb.alloc0
                    if extra > EPS and (g, k, r) in y:  # larger role allocations (conservative: they add up)
                        terms.append(round(extra * MILLI) * y[g, k, r])
    # Nobody above U in any piece of time: existing peak + the allocations active then.
    uv = u_var(model) if u_var else None
    for g, by_req in load.items():
        room = int((U * pool.cap[g] - pool.base[g]) * MILLI + 1e-6)
        for piece in pool.pieces:
            ks = [k for k in piece if k in by_req]
            if uv is not None and ks:  # base + load ≤ uv · capacity, in thousandths (capacity in tenths)
                cap10 = round(pool.cap[g] * 10)
                model.Add(10 * sum(t for k in ks for t in by_req[k]) + round(pool.base[g] * MILLI * 10)
                          <= cap10 * uv)
            if len(ks) > 1 or (ks and sum(len(by_req[k]) for k in ks) > 1):  # exact, at the fixed U
                model.Add(sum(t for k in ks for t in by_req[k]) <= room)
    if hint:  # (x keys, y keys) of a known staffing, e.g. the greedy's
        hx, hy = hint
        for key, v in x.items():
            model.AddHint(v, key in hx)
        for key, v in y.items():
            model.AddHint(v, key in hy)
    return model, x, y


def _objective(pool: PortfolioPool, model, x, y, soft: bool, coverage_only: bool = False) -> int | None:
    fit = sum(pool.pbs[k].fit[pool.local[k][g], r] * v for (g, k, r), v in y.items())
    # Pushing busy people up costs utilisation-before × FTE; every member also costs a little, so
    # teams are not padded with people who cover nothing (Weights.member, as in single-team mode).
    busy = sum((round(pool.util(g, 0) * 100) * round(pool.pbs[k].alloc0 * 10)
                + round(pool.pbs[k].weights.member * 1000)) * v for (g, k), v in x.items())
    if soft:
        # Redundant but decisive: slots coverable at all bound the objective, so the search stops
        # as soon as it covers them instead of proving it through the LP.
        slots: dict[tuple[int, int], int] = {}
        for _, k, r in y:
            slots[k, r] = slots.get((k, r), 0) + 1
        ub = sum(min(n, pool.pbs[k].request.requirements[r].count) for (k, r), n in slots.items())
        model.Add(sum(y.values()) <= ub)
    else:
        ub = None
    if coverage_only:
        model.Maximize(sum(y.values()))
    elif soft:
        model.Maximize(10_000_000 * sum(y.values()) + 10 * fit - busy)
    else:
        model.Maximize(10 * fit - busy)
    return ub


def greedy_staffing(pool: PortfolioPool, cap: float, prefer: str = "level"):
    """Today's way, for comparison: request after request, slot after slot (matching.baseline),
    with the load already placed on overlapping requests. Returns ((person, request) → FTE, teams)."""
    overlap = [set().union(*(p for p in pool.pieces if k in p)) for k in range(len(pool.pbs))]
    placed: dict[tuple[int, int], float] = {}
    by_person: dict[int, list[tuple[int, float]]] = {}
    greedy = []
    for k, pb in enumerate(pool.pbs):
        inv = {i: g for g, i in pool.local[k].items()}
        extra = {i: pool.base[g] - pb.people[i].load + sum(a for k2, a in by_person.get(g, ()) if k2 in overlap[k])
                 for i, g in inv.items()}
        gt = greedy_members(pb, extra_load=extra, cap=cap, prefer=prefer)
        greedy.append(gt)
        for i in gt.members:
            a = max([pb.alloc0, *(pb.alloc(r) for r in gt.roles[i])])
            placed[inv[i], k] = a
            by_person.setdefault(inv[i], []).append((k, a))
    return placed, greedy


def greedy_portfolio(store: GraphStore, portfolio: Portfolio, *, max_load: float | None = None) -> PortfolioResult:
    """The baseline staffing of a whole portfolio, reported like `staff` (mode "greedy")."""
    t0 = time.perf_counter()
    pool = PortfolioPool(store, portfolio, progress=False)
    cap = max_load if max_load is not None else (portfolio.max_load or 1.0)
    placed, greedy = greedy_staffing(pool, cap)
    xs = set(placed)
    ys = {(g, k, r) for g, k in xs for r in greedy[k].roles[pool.local[k][g]]}
    required = sum(rq.count for pb in pool.pbs for rq in pb.request.requirements)
    res = _result(pool, True, "feasible", xs, ys, 0.0, _max_util(pool, placed), len(ys), required, t0, [])
    res.mode, res.notes = "greedy", ["slot-by-slot baseline, for comparison only"]
    return res


def staff(store: GraphStore, portfolio: Portfolio, *, max_load: float | None = None, time_limit: float = 30,
          seed: int = 0, candidates_per_slot: int = 12, progress: bool = False,
          tie_break: bool = True, lns_workers: int = 2) -> PortfolioResult:
    """Staff every request of `portfolio` at once (see the module docstring for the two modes).

    `candidates_per_slot` bounds the shortlist per requirement; `tie_break=False` skips the
    soft mode's second phase (fit among maximum-coverage staffings).
    """
    t0 = time.perf_counter()
    pool = PortfolioPool(store, portfolio, progress)
    return staff_pool(pool, max_load=max_load, time_limit=time_limit - (time.perf_counter() - t0), seed=seed,
                      candidates_per_slot=candidates_per_slot, tie_break=tie_break, t0=t0,
                      lns_workers=lns_workers)


def staff_pool(pool: PortfolioPool, *, max_load: float | None = None, time_limit: float = 30, seed: int = 0,
               candidates_per_slot: int = 12, tie_break: bool = True, t0: float | None = None,
               lns_workers: int = 2) -> PortfolioResult:
    """`staff` over an already-read pool (evaluations re-use one pool for many load caps)."""
    from ortools.sat.python import cp_model
    t0 = time.perf_counter() if t0 is None else t0
    time_limit += time.perf_counter() - t0  # the deadline counts from t0
    portfolio = pool.portfolio
    soft = max_load is not None or portfolio.max_load is not None
    cap = max_load if max_load is not None else (portfolio.max_load or 1.0)
    lists = [pool.shortlist(k, candidates_per_slot) for k in range(len(pool.pbs))]
    notes = []

    # Greedy baseline, request by request, also the warm start.
    placed, greedy = greedy_staffing(pool, cap)
    g_util = _max_util(pool, placed)
    g_cov = sum(len(r) for gt in greedy for r in gt.roles.values())
    # The greedy as a fallback staffing: only its teams within size, caps and budget.
    usable = {k for k, gt in enumerate(greedy) if not gt.breaks_limits}
    g_xs = {key for key in placed if key[1] in usable}
    g_ys = {(g, k, r) for g, k in g_xs for r in greedy[k].roles[pool.local[k][g]]}
    required = sum(rq.count for pb in pool.pbs for rq in pb.request.requirements)
    lb = pool.lower_bound()

    def run(U: float, objective: bool, budget: float, hint, coverage_only=False, min_covered=0):
        model, x, y = _build(pool, lists, U, soft, hint)
        if min_covered:
            model.Add(sum(y.values()) >= min_covered)
        ub = _objective(pool, model, x, y, soft, coverage_only) if objective else None
        solver = solver_for(seed, max(0.05, budget))
        if coverage_only and ub is not None:
            # Every coverable slot covered is optimal by counting; stop there instead of proving it.
            class _StopAtBound(cp_model.CpSolverSolutionCallback):
                def on_solution_callback(self):
                    if self.ObjectiveValue() >= ub:
                        self.StopSearch()
            st = solver.Solve(model, _StopAtBound())
            if st == cp_model.FEASIBLE and solver.ObjectiveValue() >= ub:
                st = cp_model.OPTIMAL
        else:
            st = solver.Solve(model)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return st, {key for key, v in x.items() if solver.BooleanValue(v)}, \
                {key for key, v in y.items() if solver.BooleanValue(v)}
        return st, None, None

    left = lambda: time_limit - (time.perf_counter() - t0)  # noqa: E731
    hint = (g_xs, g_ys)
    if soft:
        # Lexicographic: first the most slots covered (and its proof), then fit and busy people.
        st, xs, ys = run(cap, True, left() * (0.6 if tie_break else 1.0), hint, coverage_only=True)
        status = "optimal" if st == cp_model.OPTIMAL else "feasible" if xs is not None else "unknown"
        if xs is None or len(ys) < len(g_ys):  # the greedy is a valid staffing too: never return less
            xs, ys, status = g_xs, g_ys, "feasible"
            notes.append("the solver did not improve on the greedy warm start within the time limit")
        if tie_break and xs is not None and left() > 0.05:
            st2, xs2, ys2 = run(cap, True, left(), (xs, ys), min_covered=len(ys))
            if xs2 is not None:
                xs, ys = xs2, ys2
                if st2 != cp_model.OPTIMAL:
                    notes.append("coverage is proven optimal; the fit tie-break stopped at the time limit"
                                 if status == "optimal" else "stopped at the time limit")
    else:
        # Bisect U on a 0.5 % grid between the lower bound and 100 % (or the greedy's, if it staffed all).
        # Warm start: the baseline, or a load-aware greedy (least utilised person per slot) if better.
        b_placed, b_teams = greedy_staffing(pool, cap, prefer="load")
        b_util = _max_util(pool, b_placed)
        if all(gt.feasible for gt in b_teams) and b_util <= 1.0 + EPS and (
                b_util < g_util or not all(gt.feasible for gt in greedy)):
            hi, xs = b_util, set(b_placed)
            ys = {(g, k, r) for g, k in xs for r in b_teams[k].roles[pool.local[k][g]]}
        elif all(gt.feasible for gt in greedy) and g_util <= 1.0 + EPS:
            hi, xs, ys = g_util, g_xs, g_ys  # the greedy staffed everything: start from it
        else:
            hi = 1.0
            st, xs, ys = run(hi, False, left() * 0.4, hint)
        if xs is not None and hi > lb + 0.005:
            # Minimise the maximum directly from the current staffing (CP-SAT's large-neighbourhood
            # search improves the hint); the bisection below then tightens what it leaves.
            made = []
            model, x, y = _build(pool, lists, hi, soft, (xs, ys), u_var=lambda m: made.append(
                m.NewIntVar(int(lb * MILLI), int(hi * MILLI) + 1, "U")) or made[0])
            model.Minimize(made[0])
            solver = solver_for(seed, max(0.05, left() * 0.5), workers=lns_workers)
            st0 = solver.Solve(model)
            if st0 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                xs0 = {key for key, v in x.items() if solver.BooleanValue(v)}
                ys0 = {key for key, v in y.items() if solver.BooleanValue(v)}
                u0 = _max_util(pool, _placed(pool, xs0, ys0))
                if u0 < hi:
                    hi, xs, ys = u0, xs0, ys0
        if xs is None:
            status = "infeasible" if st == cp_model.INFEASIBLE else "unknown"
            notes.append("not every request can be fully staffed within capacity" if st == cp_model.INFEASIBLE
                         else "no full staffing found within the time limit")
            notes.append("run with --max-load (soft mode) to see what stays uncovered")
        else:
            status = "feasible"
            lo = lb
            while hi - lo > 0.005 and left() > time_limit * 0.35:
                mid = (lo + hi) / 2
                st2, xs2, ys2 = run(mid, False, min(left() * 0.3, 5.0), (xs, ys))
                if xs2 is not None:
                    hi, xs, ys = mid, xs2, ys2
                else:  # infeasible, or not found in time: search higher (the reported bound stays lb)
                    lo = mid
            hi = _max_util(pool, _placed(pool, xs, ys))
            st3 = None
            if left() > time_limit * 0.25:  # tie-break (fit, sparing busy people) at this maximum
                st3, xs3, ys3 = run(hi + 1e-9, True, left(), (xs, ys))
                if xs3 is not None:
                    xs, ys = xs3, ys3
            if hi <= lb + 1e-9:
                status = "optimal"  # the maximum meets the lower bound
                if st3 != cp_model.OPTIMAL:
                    notes.append("the maximum utilisation is optimal; the fit tie-break is not proven")
    if xs is None:
        return PortfolioResult("soft" if soft else "hard", status, 0.0, lb, 0.0, 0.0, 0, required, [], [],
                               g_util, g_cov, time.perf_counter() - t0, notes)
    return _result(pool, soft, status, xs, ys, lb, g_util, g_cov, required, t0, notes)


def _placed(pool: PortfolioPool, xs, ys) -> dict[tuple[int, int], float]:
    roles: dict[tuple[int, int], list[int]] = {}
    for g, k, r in ys:
        roles.setdefault((g, k), []).append(r)
    return {(g, k): max([pool.pbs[k].alloc0, *(pool.pbs[k].alloc(r) for r in roles.get((g, k), ()))])
            for g, k in xs}


def _post(pool: PortfolioPool, placed) -> dict[int, float]:
    """Post-assignment peak load per assigned person, piece by piece."""
    mine: dict[int, list[tuple[int, float]]] = {}
    for (g, k), a in placed.items():
        mine.setdefault(g, []).append((k, a))
    return {g: pool.base[g] + max(sum(a for k, a in ka if k in piece) for piece in pool.pieces)
            for g, ka in mine.items()}


def _max_util(pool: PortfolioPool, placed) -> float:
    return max((load / pool.cap[g] for g, load in _post(pool, placed).items()), default=0.0)


def _result(pool, soft, status, xs, ys, lb, g_util, g_cov, required, t0, notes) -> PortfolioResult:
    placed = _placed(pool, xs, ys)
    post = _post(pool, placed)
    utils = [post[g] / pool.cap[g] for g in post]
    mx = max(utils, default=0.0)
    mean = sum(utils) / len(utils) if utils else 0.0
    spread = (sum((u - mean) ** 2 for u in utils) / len(utils)) ** 0.5 if utils else 0.0
    teams = []
    roles: dict[tuple[int, int], list[int]] = {}
    filled: dict[tuple[int, int], int] = {}
    for g, k, r in sorted(ys):
        roles.setdefault((g, k), []).append(r)
        filled[k, r] = filled.get((k, r), 0) + 1
    by_req: dict[int, list[int]] = {}
    for g, k in sorted(xs):
        by_req.setdefault(k, []).append(g)
    for k, pb in enumerate(pool.pbs):
        members = [{"id": pool.ids[g], "covers": [pb.request.requirements[r].skill for r in roles.get((g, k), ())],
                    "allocation": placed[g, k]} for g in by_req.get(k, [])]
        uncovered = []
        for r, rq in enumerate(pb.request.requirements):
            got = filled.get((k, r), 0)
            if got < rq.count:
                uncovered.append({"skill": rq.skill, "level": rq.level, "missing": rq.count - got})
        teams.append({"request": pb.request.name, "members": members, "uncovered": uncovered})
    people = sorted(({"id": pool.ids[g], "load_before": round(pool.base[g], 4), "load_after": round(post[g], 4),
                      "capacity": pool.cap[g]} for g in post),
                    key=lambda p: (-p["load_after"] / (p["capacity"] or 1), p["id"]))
    gap = 0.0 if soft else max(0.0, (mx - lb) / mx) if mx > 0 else 0.0
    if soft:
        notes.append("soft mode: the lower bound and gap concern utilisation only in hard mode")
    else:
        notes.append(f"max utilisation {mx:.1%} vs lower bound {lb:.1%} (gap {gap:.1%})")
    return PortfolioResult("soft" if soft else "hard", status, mx, lb, gap, spread, len(ys), required, teams,
                           people, g_util, g_cov, time.perf_counter() - t0, notes)
