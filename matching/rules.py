"""The hard rules of one team, written once (the design's rule set: coverage, level, allocation,
capacity, size, department, cap, budget, include, exclude, inactive, passenger).

Two halves share the rule names:

* **Posting** puts each rule into a CP-SAT model. The single-team model (matching.model), the
  portfolio model and diagnosis (matching.diagnose) all post through these functions, one team per
  call, so one request's team can sit inside a bigger model. `new_vars` makes the variables of one
  team (each named, `tag` tells teams apart):

      x[p]      person p (an index into `pb.people`) is a member
      y[p,r]    p fills one of the `count` slots of requirement r (only people at the level)
      l[p,k]    p's allocation is at least levels[k], k ≥ 1 (levels: `allocation_levels(pb)`)

  so allocation(p) = levels[0]·x[p] + Σₖ (levels[k] − levels[k−1])·l[p,k] (`allocation_milli`).
  The l variables are lower bounds on the allocation: every rule and objective term that uses them
  gets harder as they rise, so a solution never needs them above the true allocation, and teams are
  read back from x and y (`allocation(pb, roles)`).

  Every posting function takes `enforce(rule, key) -> literal | None`. A literal makes that rule
  instance hold only when the literal is true (diagnosis assumptions and relaxation indicators,
  the portfolio's soft-mode indicators); None, or no `enforce`, keeps it hard. Keys per rule:
  coverage r · size "min" / "max" · department dept id · cap dept id · budget None ·
  include / exclude / inactive / capacity person index. `post_coverage` also takes `short`
  (r → IntVar): that many slots of r may stay empty (diagnosis shortfall, soft-mode coverage).

* **Checking**: `check_team(pb, members, roles)` re-checks a finished team in plain Python and
  returns `Violation(rule, message, person, request, key)` with the same rule names; `key` says
  which instance of the rule (requirement index, department id, "min"/"max", person id; see
  `Violation`) so callers need not re-derive it from the order. Forced members
  (include ∪ pins) are exempt from capacity; `forced_overload` lists those over it (the design's
  "forced overload": reported, never silent, never anyone else's limit).

Amounts are integers inside the model: allocations in thousandths of an FTE, money in cents,
so `budget_units`/`cost_units` make the model and the checker agree to the cent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from teamgraph.matching.problem import Cand, Problem

EPS = 1e-9
HOURS_PER_DAY = 8  # Person.cost_rate is per hour; one FTE works 8 hours a working day
MILLI = 1000  # allocation units per FTE inside the model
RULES = ("coverage", "level", "allocation", "capacity", "size", "department", "cap", "budget",
         "include", "exclude", "inactive", "passenger")
Enforce = Callable[[str, object], object]  # (rule, key) → enforcement literal, or None (hard)


# --- the rules as plain functions (used by posting, checking and the problem builder) ----------

def qualifies(c: Cand, skill: str, level: int) -> bool:
    """Level rule: c holds `skill` at `level` or above."""
    ps = c.skills.get(skill)
    return ps is not None and ps.level >= level


def fits(c: Cand, allocation: float, cap: float = 1.0) -> bool:
    """Capacity rule at utilisation cap `cap`: load + allocation ≤ cap × capacity."""
    return c.util(allocation) <= cap + EPS


def allocation(pb: Problem, roles: Iterable[int]) -> float:
    """Allocation rule: the largest allocation of the roles filled (smaller than the base counts
    too), or the base allocation for a member without a role."""
    roles = list(roles)
    return max(pb.alloc(r) for r in roles) if roles else pb.alloc0


def allocation_levels(pb: Problem) -> list[float]:
    """The distinct allocations a member can have, ascending: the base and every role's."""
    return sorted({round(a, 9) for a in (pb.alloc0, *(pb.alloc(r) for r in range(len(pb.request.requirements))))})


def qualified_roles(pb: Problem, i: int) -> list[int]:
    """The requirements person i holds at their level (the slots they may fill)."""
    return [r for r, rq in enumerate(pb.request.requirements) if qualifies(pb.people[i], rq.skill, rq.level)]


def lowest_allocation(pb: Problem, i: int, roles: Iterable[int] | None = None) -> float:
    """The smallest allocation person i can have: the base, or a smaller role they qualify for
    (`roles`: their `qualified_roles`, when already known)."""
    return min([pb.alloc0, *(pb.alloc(r) for r in (qualified_roles(pb, i) if roles is None else roles))])


def milli(a: float) -> int:
    return round(a * MILLI)


def cost_units(pb: Problem, i: int, allocation_milli: int) -> int:
    """Budget rule's charge in cents × milli-FTE: rate × allocation × 8 h × working days."""
    return round(pb.people[i].person.cost_rate * 100) * allocation_milli * HOURS_PER_DAY * pb.duration_days


def budget_units(budget: float) -> int:
    return int(budget * 100 + 1e-6) * MILLI


# --- posting -----------------------------------------------------------------------------------

@dataclass
class TeamVars:
    """One team's variables inside a model (see the module docstring)."""

    x: dict[int, object]
    y: dict[tuple[int, int], object]
    lv: dict[tuple[int, int], object]
    levels: list[float]
    extra: dict[str, object] = field(default_factory=dict)  # helper literals (at_min, alone[d])
    _by_dept: dict[str, list[object]] | None = field(default=None, repr=False, compare=False)

    def members_of(self, pb: Problem, dept: str) -> list[object]:
        if self._by_dept is None:  # asked once per department and rule: grouped once (x is fixed)
            self._by_dept = {}
            for i, v in self.x.items():
                self._by_dept.setdefault(pb.people[i].person.department, []).append(v)
        return list(self._by_dept.get(dept, ()))


def _lit(enforce: Enforce | None, rule: str, key) -> object | None:
    return enforce(rule, key) if enforce is not None else None


def _post(ct, lit) -> None:
    if lit is not None:
        ct.OnlyEnforceIf(lit)


def new_vars(model, pb: Problem, people: Iterable[int], *, cap: float | None = None,
             roleless: Iterable[int] = (), tag: str = "") -> TeamVars:
    """Variables for a team drawn from `people`. With `cap` (a utilisation cap), variables that
    would break the capacity rule at that cap are left out (forced members keep theirs); people
    in `roleless` get no role variables (pruning kept them only to make up the size)."""
    req, people_ = pb.request, pb.people
    levels = allocation_levels(pb)
    roleless = set(roleless)
    t = f"{tag}:" if tag else ""

    seen: dict[tuple[int, float], bool] = {}

    def ok(i: int, a: float) -> bool:
        if cap is None or i in pb.forced:
            return True
        if (i, a) not in seen:  # a time-phased utilisation is a scan over pieces: once per allocation
            seen[i, a] = fits(people_[i], a, cap)
        return seen[i, a]

    holds = {i: qualified_roles(pb, i) for i in people}
    x = {i: model.NewBoolVar(f"x[{t}{people_[i].id}]") for i in people if ok(i, lowest_allocation(pb, i, holds[i]))}
    y = {}
    for r, rq in enumerate(req.requirements):
        for i in x:
            if i not in roleless and r in holds[i] and ok(i, pb.alloc(r)):
                y[i, r] = model.NewBoolVar(f"y[{t}{people_[i].id},{rq.skill}]")
    lv = {}
    for i in x:
        reach = max([pb.alloc0] + [pb.alloc(r) for r in holds[i] if (i, r) in y])
        for k in range(1, len(levels)):
            if levels[k] <= reach + EPS and ok(i, levels[k]):
                lv[i, k] = model.NewBoolVar(f"l[{t}{people_[i].id},{levels[k]:g}]")
    return TeamVars(x, y, lv, levels)


def allocation_milli(pb: Problem, v: TeamVars, i: int):
    """Person i's allocation in the team, in thousandths of an FTE (a linear expression)."""
    steps = [(milli(v.levels[k]) - milli(v.levels[k - 1])) * v.lv[i, k]
             for k in range(1, len(v.levels)) if (i, k) in v.lv]
    return milli(v.levels[0]) * v.x[i] + sum(steps)


def post_allocation(model, pb: Problem, v: TeamVars) -> None:
    """Allocation rule: roles imply membership and their allocation level; a member without a
    role takes the base allocation."""
    roles: dict[int, list] = {}
    for (i, r), y in v.y.items():
        model.AddImplication(y, v.x[i])  # only members fill slots
        roles.setdefault(i, []).append(y)
        for k in range(1, len(v.levels)):
            if v.levels[k] <= pb.alloc(r) + EPS:
                model.AddImplication(y, v.lv[i, k])  # a role takes at least its allocation
    for (i, k), lk in v.lv.items():
        model.AddImplication(lk, v.lv[i, k - 1] if k > 1 else v.x[i])  # levels are nested
    for i, x in v.x.items():
        for k in range(1, len(v.levels)):
            if v.levels[k] <= pb.alloc0 + EPS:  # no role → the base allocation
                model.AddBoolOr([x.Not(), *roles.get(i, []), *([v.lv[i, k]] if (i, k) in v.lv else [])])


def post_coverage(model, pb: Problem, v: TeamVars, enforce: Enforce | None = None,
                  short: dict[int, object] | None = None) -> None:
    """Coverage and level rules: each requirement r has exactly count_r slot fillers, each holding
    the skill at the level (y exists only for them), each filling r at most once (y is 0/1)."""
    for r, rq in enumerate(pb.request.requirements):
        filled = sum(y for (i, rr), y in v.y.items() if rr == r)
        gap = short[r] if short and r in short else 0
        _post(model.Add(filled + gap == rq.count), _lit(enforce, "coverage", r))


def post_capacity(model, pb: Problem, v: TeamVars, cap: float = 1.0, enforce: Enforce | None = None) -> None:
    """Capacity rule at utilisation cap `cap` for everyone but forced members: the first
    allocation level that would take them over is forbidden."""
    for i, x in v.x.items():
        if i in pb.forced:
            continue
        over = next((k for k, a in enumerate(v.levels) if not fits(pb.people[i], a, cap)), None)
        if over is None:
            continue
        target = x if over == 0 else v.lv.get((i, over))
        if target is not None:
            _post(model.Add(target == 0), _lit(enforce, "capacity", i))


def post_size(model, pb: Problem, v: TeamVars, enforce: Enforce | None = None) -> None:
    """Size rule: size_min ≤ |team| ≤ size_max."""
    size = sum(v.x.values())
    _post(model.Add(size >= pb.request.size_min), _lit(enforce, "size", "min"))
    _post(model.Add(size <= pb.request.size_max), _lit(enforce, "size", "max"))


def post_departments(model, pb: Problem, v: TeamVars, enforce: Enforce | None = None) -> None:
    """Department rule: each required department has a member."""
    for dept in pb.request.required_departments:
        _post(model.AddBoolOr(v.members_of(pb, dept)), _lit(enforce, "department", dept))


def post_caps(model, pb: Problem, v: TeamVars, enforce: Enforce | None = None) -> None:
    """Cap rule: a capped department has at most its cap of members."""
    for dept in sorted({pb.people[i].department for i in v.x}):
        cap = pb.request.cap_of(dept)
        if cap is not None:
            _post(model.Add(sum(v.members_of(pb, dept)) <= cap), _lit(enforce, "cap", dept))


def cost_expr(pb: Problem, v: TeamVars):
    """The team's cost in `cost_units` (a linear expression): Σ rate × allocation × 8 h × working
    days, per-role allocations counted through the allocation levels."""
    cost = []
    for i, x in v.x.items():
        cost.append(cost_units(pb, i, milli(v.levels[0])) * x)
        for k in range(1, len(v.levels)):
            if (i, k) in v.lv:
                cost.append(cost_units(pb, i, milli(v.levels[k]) - milli(v.levels[k - 1])) * v.lv[i, k])
    return sum(cost)


def post_budget(model, pb: Problem, v: TeamVars, enforce: Enforce | None = None) -> None:
    """Budget rule: the team's cost (`cost_expr`) ≤ budget."""
    if pb.request.budget is None:
        return
    _post(model.Add(cost_expr(pb, v) <= budget_units(pb.request.budget)), _lit(enforce, "budget", None))


def post_forced(model, pb: Problem, v: TeamVars, enforce: Enforce | None = None) -> None:
    """Include rule: included and pinned people are members."""
    for i in sorted(pb.forced):
        lit = _lit(enforce, "include", i)
        if i in v.x:
            _post(model.Add(v.x[i] == 1), lit)
        else:  # not in this model's pool: no team here (or the literal is false)
            _post(model.AddBoolOr([]), lit)


def post_exclusions(model, pb: Problem, v: TeamVars, enforce: Enforce | None = None) -> None:
    """Exclude and inactive rules: excluded people and people who are not active stay out."""
    exclude = set(pb.request.exclude)
    for i, x in v.x.items():
        c = pb.people[i]
        if c.id in exclude:
            _post(model.Add(x == 0), _lit(enforce, "exclude", i))
        if c.person.status != "active":
            _post(model.Add(x == 0), _lit(enforce, "inactive", i))


def post_no_passengers(model, pb: Problem, v: TeamVars, tag: str = "") -> None:
    """Passenger rule: a member without a role who is not forced is needed, either for the size
    minimum (the team is at it) or as the only member of a required department. Never a cause
    of infeasibility (dropping such a member breaks no other rule), so it has no literal."""
    req = pb.request
    t = f"{tag}:" if tag else ""
    at_min = v.extra["at_min"] = model.NewBoolVar(f"at_min[{t}]")
    model.Add(sum(v.x.values()) <= req.size_min).OnlyEnforceIf(at_min)
    alone = {}
    for dept in req.required_departments:
        alone[dept] = v.extra[f"alone[{dept}]"] = model.NewBoolVar(f"alone[{t}{dept}]")
        model.Add(sum(v.members_of(pb, dept)) <= 1).OnlyEnforceIf(alone[dept])
    roles: dict[int, list] = {}
    for (i, _), y in v.y.items():
        roles.setdefault(i, []).append(y)
    for i, x in v.x.items():
        if i in pb.forced:
            continue
        why = [at_min] + ([alone[pb.people[i].department]] if pb.people[i].department in alone else [])
        model.AddBoolOr([x.Not(), *roles.get(i, []), *why])


def post_team_rules(model, pb: Problem, v: TeamVars, *, cap: float = 1.0, enforce: Enforce | None = None,
                    short: dict[int, object] | None = None, tag: str = "") -> None:
    """Every hard rule of one team (capacity at utilisation cap `cap`)."""
    post_allocation(model, pb, v)
    post_coverage(model, pb, v, enforce, short)
    post_capacity(model, pb, v, cap, enforce)
    post_size(model, pb, v, enforce)
    post_departments(model, pb, v, enforce)
    post_caps(model, pb, v, enforce)
    post_budget(model, pb, v, enforce)
    post_forced(model, pb, v, enforce)
    post_exclusions(model, pb, v, enforce)
    post_no_passengers(model, pb, v, tag)


# --- checking ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    """One broken rule instance. `key` names the instance as the posting functions' `enforce`
    does, except that people are named by id: coverage and level → requirement index, size →
    "min" / "max", department and cap → department id, budget → None, allocation / capacity /
    exclude / inactive / passenger / include → person id (a role filled by a non-member: None)."""

    rule: str  # one of RULES (portfolio adds "load")
    message: str
    person: str | None = None
    request: str | None = None
    key: object = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def needed_for(pb: Problem, members: Iterable[int], roles: dict[int, list[int]], i: int) -> str | None:
    """Why a member without a role is in the team, in words; None if they fill a role or are forced
    (and, for a passenger, None too: check_team reports them)."""
    members = list(members)
    if roles.get(i) or i in pb.forced:
        return None
    dept = pb.people[i].department
    if dept in pb.request.required_departments and sum(pb.people[j].department == dept for j in members) == 1:
        return f"represents required department {pb.dept_name(dept)}"
    if len(members) == pb.request.size_min:
        return f"needed for the team size minimum of {pb.request.size_min}"
    return None


def forced_overload(pb: Problem, members: Iterable[int], roles: dict[int, list[int]]) -> list[dict]:
    """Forced members over capacity: {person, name, utilisation}."""
    out = []
    for i in members:
        c = pb.people[i]
        if i in pb.forced and not fits(c, allocation(pb, roles.get(i, ()))):
            out.append({"person": c.id, "name": c.person.name,
                        "utilisation": round(c.util(allocation(pb, roles.get(i, ()))), 4)})
    return out


def answer_status(status: str, *, violated: bool, overloaded: bool) -> str:
    """The status an answer leaves with once checked (single team and portfolio alike): "invalid"
    when a rule is broken (a bug guard), "overloaded" when a found team holds only because forced
    members go over capacity (never "optimal"), else the solver's status."""
    if violated:
        return "invalid"
    if overloaded and status in ("optimal", "feasible"):
        return "overloaded"
    return status


def check_team(pb: Problem, members: Iterable[int], roles: dict[int, list[int]], *,
               allocations: dict[int, float] | None = None, request: str | None = None) -> list[Violation]:
    """Every rule the team breaks ([] when it keeps them all). `roles` maps a member to the
    requirements whose slots they fill; `allocations`, when given, are the allocations the answer
    reports, checked against the allocation rule. Forced members' capacity is not a violation
    (see `forced_overload`)."""
    req, people = pb.request, pb.people
    members = sorted(set(members))
    out: list[Violation] = []

    def bad(rule: str, message: str, i: int | None = None, key: object = None) -> None:
        person = people[i].id if i is not None else None
        out.append(Violation(rule, message, person, request, person if key is None else key))

    for r, rq in enumerate(req.requirements):
        fillers = [i for i in members if r in roles.get(i, ())]
        name = f"{rq.label or rq.skill} ≥ {rq.level}"
        if len(fillers) != rq.count:
            bad("coverage", f"{name} has {len(fillers)} of {rq.count} people", key=r)
        for i in fillers:
            if not qualifies(people[i], rq.skill, rq.level):
                bad("level", f"{people[i].person.name} fills {name} without the level", i, key=r)
    for i, rs in roles.items():
        if rs and i not in members:
            out.append(Violation("coverage", f"{people[i].person.name} fills a role but is not a member",
                                 people[i].id, request))
    cost = 0
    for i in members:
        c, a = people[i], allocation(pb, roles.get(i, ()))
        if allocations is not None and abs(allocations.get(i, a) - a) > EPS:
            bad("allocation", f"{c.person.name} is given {allocations[i]:g} FTE, the rule gives {a:g}", i)
        if i not in pb.forced and not fits(c, a):
            bad("capacity", f"{c.person.name} would be at {c.util(a):.0%} of capacity", i)
        if c.id in req.exclude:
            bad("exclude", f"{c.person.name} is excluded by the request", i)
        if c.person.status != "active":
            bad("inactive", f"{c.person.name} is a {c.person.status}", i)
        if not roles.get(i) and i not in pb.forced and needed_for(pb, members, roles, i) is None:
            bad("passenger", f"{c.person.name} fills no requirement and is not needed for the size "
                             "or a required department", i)
        cost += cost_units(pb, i, milli(a))
    if not req.size_min <= len(members) <= req.size_max:
        bad("size", f"{len(members)} members, not {req.size_min}..{req.size_max}",
            key="min" if len(members) < req.size_min else "max")
    depts = [people[i].department for i in members]
    for dept in req.required_departments:
        if dept not in depts:
            bad("department", f"required department {pb.dept_name(dept)} has no member", key=dept)
    for dept in sorted(set(depts)):
        cap = req.cap_of(dept)
        if cap is not None and depts.count(dept) > cap:
            bad("cap", f"{depts.count(dept)} members from {pb.dept_name(dept)}, cap {cap}", key=dept)
    if req.budget is not None and cost > budget_units(req.budget):
        bad("budget", f"costs {cost / 100 / MILLI:,.2f}, budget {req.budget:,.2f}")
    for i in sorted(pb.forced):
        if i not in members:
            bad("include", f"{people[i].person.name} is included or pinned but not in the team", i)
    return out
