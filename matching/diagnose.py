"""Why a request is infeasible, and the smallest relaxation that makes it feasible.

The model is rebuilt over the whole pool (over-capacity and excluded people included) from the
same rules as the team model (matching.rules), with one assumption literal per rule instance:
each requirement, team size, each required department, each department cap, the budget, each
person's capacity and exclusion, and each included person.
CP-SAT returns a set of assumptions that together cannot hold (the conflict). A second solve
minimises a weighted count of relaxations (a missing person on a requirement, a person over
capacity, an excluded person used, …), which is the smallest change that admits a team.

Beyond the request's own constraints, `options` (matching.relax) offers changes in time, level and
money — start later, a lower allocation until a date, one level lower on a requirement, a larger
budget — each offered only once a re-solve with the same engine found a team for it (`verified`,
with that team). Texts name people; ids stay in the JSON (`target`, `team`). Figures a sponsor may
not see (a utilisation after joining, the budget a team needs: it is a team's cost) are in
`message` only; `plain` says the same without them, and teamgraph.present shows it to sponsors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from teamgraph.graph.load import peak_utilisation
from teamgraph.graph.model import Window
from teamgraph.matching import rules
from teamgraph.matching.problem import Problem
from teamgraph.matching.rules import EPS

# Relaxation costs: asking a busy person or dropping a required person weighs more than a
# department or size change, so the proposal keeps the request's substance where it can.
COST = {"coverage": 3, "capacity": 2, "exclude": 2, "include": 2, "budget": 1, "department": 1,
        "cap": 1, "size": 1}


@dataclass
class Relaxation:
    # coverage | capacity | exclude | include | budget | department | cap | size (the smallest
    # relaxation); start_after | allocation | level | budget (verified options)
    kind: str
    message: str
    target: str | None = None
    amount: float | None = 1
    plain: str | None = None  # the message without figures a sponsor may not see (None: the same)
    change: dict | None = None  # the changed request fields (options): {"window.start": …} …
    verified: bool = False  # a re-solve found `team` for the changed request
    team: list[str] = field(default_factory=list)  # ids of the team found

    def to_dict(self) -> dict:
        return {"kind": self.kind, "target": self.target, "amount": self.amount, "message": self.message,
                "plain": self.plain, "change": self.change, "verified": self.verified, "team": self.team}


@dataclass
class Diagnosis:
    """Which requirements cannot be met and why, the conflicting constraints, and a relaxation."""

    summary: str
    requirements: list[dict] = field(default_factory=list)  # per requirement: needed/available/why
    conflict: list[str] = field(default_factory=list)  # names of constraints that cannot all hold
    relaxation: list[Relaxation] = field(default_factory=list)
    options: list[Relaxation] = field(default_factory=list)  # each alone makes it feasible (re-solved)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"summary": self.summary, "requirements": self.requirements, "conflict": self.conflict,
                "relaxation": [r.to_dict() for r in self.relaxation],
                "options": [r.to_dict() for r in self.options], "notes": self.notes}

    def __str__(self) -> str:
        lines = [self.summary]
        lines += [f"  - {r['message']}" for r in self.requirements if not r["satisfiable_alone"]]
        if self.conflict:
            lines.append("  conflicting constraints: " + "; ".join(self.conflict))
        if self.relaxation:
            lines.append("  smallest relaxation: " + "; ".join(r.message for r in self.relaxation))
        if self.options:
            lines.append("  or, each on its own (checked by solving again):")
            lines += [f"    - {r.message}" for r in self.options]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


HORIZON_DAYS = 5 * 366  # how far "free from" looks


def free_from(parts_of, allocation: float, window: Window) -> date | None:
    """First day from which the person could take `allocation` for the window's length, or None.
    `parts_of(window)` gives their time-phased load pieces (matching.relax.load_readers: the
    solver's load, calendar included); tried where their utilisation drops."""
    from teamgraph.matching.relax import lighter_days
    length = window.end - window.start
    days = [window.start] + lighter_days(parts_of(Window(window.start,
                                                         window.start + timedelta(days=HORIZON_DAYS) + length)))
    for d in days:
        if d - window.start > timedelta(days=HORIZON_DAYS):
            break
        if peak_utilisation(parts_of(Window(d, d + length)), allocation) <= 1 + EPS:
            return d
    return None


def _skill_name(store, sid: str) -> str:
    s = store.get("skill", sid)
    return s.name if s else sid


def requirement_report(store, pb: Problem) -> list[dict]:
    """Per requirement: how many qualified people exist, are available, over capacity (until when)."""
    from teamgraph.matching.relax import load_readers
    req = pb.request
    out = []
    avails = [[i for i in pb.qualified[r] if pb.eligible(i) and pb.people[i].util(pb.alloc(r)) <= 1 + EPS]
              for r in range(len(req.requirements))]
    parts_of = load_readers(store, {pb.people[i].id for r, q in enumerate(pb.qualified) for i in q
                                    if i not in avails[r]})  # the busy ones: when are they free?
    excluded_q = {}
    for r, rq in enumerate(req.requirements):
        excluded_q[r] = [c.id for c in pb.people if c.id in pb.excluded and
                         (ps := c.skills.get(rq.skill)) is not None and ps.level >= rq.level]
    for r, rq in enumerate(req.requirements):
        avail = avails[r]
        busy = [i for i in pb.qualified[r] if i not in avail]
        frees = []
        for i in busy:
            c = pb.people[i]
            frees.append(free_from(parts_of[c.id], pb.alloc(r), req.window))
        name = f"{_skill_name(store, rq.skill)} ≥ {rq.level}"
        msg = (f"{name} needs {rq.count} {'person' if rq.count == 1 else 'people'}: "
               f"{len(avail)} qualified {'person is' if len(avail) == 1 else 'people are'} available")
        if busy:
            known = [d for d in frees if d is not None]
            until = f" until {max(known).isoformat()}" if known and len(known) == len(frees) else (
                f" (free from {min(known).isoformat()} at the earliest)" if known else " with no end in sight")
            msg += f"; {len(busy)} more {'is' if len(busy) == 1 else 'are'} over capacity{until}"
        if excluded_q[r]:
            names = {c.id: c.person.name for c in pb.people}
            msg += f"; {len(excluded_q[r])} excluded ({', '.join(names[p] for p in excluded_q[r][:5])})"
        out.append({"requirement": r, "skill": rq.skill, "level": rq.level, "count": rq.count,
                    "available": len(avail), "over_capacity": [pb.people[i].id for i in busy],
                    "free_from": {pb.people[i].id: (d.isoformat() if d else None) for i, d in zip(busy, frees)},
                    "excluded": excluded_q[r], "satisfiable_alone": len(avail) >= rq.count,
                    "message": msg})
    return out


def diagnose(store, pb: Problem, *, seed: int = 0, time_limit: float = 10.0, options: bool = True) -> Diagnosis:
    """Explain why no team satisfies `pb.request`; see the module docstring. `options`: also look
    for the verified relaxations in time, level and budget (not for why-not's fixed subject)."""
    from ortools.sat.python import cp_model

    from teamgraph.matching.model import solver_for
    req = pb.request
    reports = requirement_report(store, pb)
    allowed = [i for i, c in enumerate(pb.people) if c.person.status == "active" or i in pb.forced]

    def label(rule: str, key) -> tuple[str, str | None] | None:
        """The name and target of a rule instance that may be relaxed; None keeps it hard."""
        people = pb.people
        if rule == "coverage":
            return f"requirement: {reports[key]['message'].split(':')[0]}", req.requirements[key].skill
        if rule == "size":
            return (f"team size ≥ {req.size_min}" if key == "min" else f"team size ≤ {req.size_max}"), None
        if rule == "department":
            return f"department {pb.dept_name(key)} represented", key
        if rule == "cap":
            return f"at most {req.cap_of(key)} from {pb.dept_name(key)}", key
        if rule == "budget":
            return f"budget {req.budget:g}", None
        if rule in ("capacity", "exclude", "include"):
            word = {"capacity": "capacity", "exclude": "exclusion", "include": "inclusion"}[rule]
            return f"{word} of {people[key].person.name}", people[key].id
        return None  # inactive people are never allowed in

    def build(relax: bool):
        model = cp_model.CpModel()
        lits: dict[str, object] = {}
        penalties = []

        def enforce(rule: str, key):
            """An assumption literal (relax=False), or a relaxation indicator's negation."""
            named = label(rule, key)
            if named is None or (relax and rule == "coverage"):  # coverage relaxes by shortfall
                return None
            name, target = named
            v = model.NewBoolVar(name)
            if relax:
                penalties.append((COST[rule], v, rule, name, target))
                return v.Not()
            lits[name] = v
            return v

        v = rules.new_vars(model, pb, allowed)
        short = None
        if relax:  # each person missing on a requirement is one relaxation
            short = {r: model.NewIntVar(0, rq.count, f"short[{r}]") for r, rq in enumerate(req.requirements)}
            for r, var in short.items():
                penalties.append((COST["coverage"], var, "coverage", label("coverage", r)[0],
                                  req.requirements[r].skill))
        rules.post_team_rules(model, pb, v, enforce=enforce, short=short)
        for i in sorted(pb.fixed):  # why-not's subject, asked for like an inclusion
            model.Add(v.x[i] == 1).OnlyEnforceIf(enforce("include", i))
        return model, lits, penalties

    model, lits, _ = build(relax=False)
    model.AddAssumptions(list(lits.values()))
    solver = solver_for(seed, time_limit)
    st = solver.Solve(model)
    conflict = []
    if st == cp_model.INFEASIBLE:
        core = set(solver.SufficientAssumptionsForInfeasibility())
        conflict = [name for name, v in lits.items() if v.Index() in core]

    model, _, penalties = build(relax=True)
    model.Minimize(sum(w * v for w, v, *_ in penalties))
    solver = solver_for(seed, time_limit)
    st2 = solver.Solve(model)
    relax = []
    if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for _w, v, kind, name, target in penalties:
            amount = solver.Value(v)
            if amount:
                relax.append(_describe(kind, name, target, amount, reports, pb))
    bad = [r["message"] for r in reports if not r["satisfiable_alone"]]
    if bad:
        summary = f"No team can meet {len(bad)} of {len(reports)} requirements with the available people."
    elif conflict:
        summary = "Each requirement can be met on its own, but not all constraints together."
    else:
        summary = "No team satisfies the request within the solver's time limit."
    if relax:  # in words anyone may read (the figures stay in each relaxation's message)
        summary += " Smallest relaxation: " + "; ".join(r.plain or r.message for r in relax) + "."
    diag = Diagnosis(summary, reports, conflict, relax)
    if options and not pb.fixed:
        from teamgraph.matching import relax as relaxations
        pins = [pb.people[i].id for i in sorted(pb.forced) if pb.people[i].id not in req.include]
        found, stopped = relaxations.options(store, pb, pins=pins, seed=seed, time_limit=time_limit,
                                             first=_likely(relax, reports))
        names = _namer(store, pb)
        diag.options = [_option(o, pb, names, lambda sid: _skill_name(store, sid)) for o in found]
        money = next((o for o in found if o["kind"] == "budget"), None)
        if money and [r.kind for r in relax] == ["budget"]:  # the budget alone: say by how much (HR)
            r = relax[0]
            r.plain, r.message = r.message, f"raise the budget by {money['needed'] - money['budget']:,.0f} to " \
                                            f"{money['needed']:,.0f}"
        if stopped:
            diag.notes.append("the search for relaxations stopped at its time limit; more may exist")
    return diag


def _likely(relax: list[Relaxation], reports: list[dict]) -> str:
    """Which option search to run first: the budget when the smallest relaxation raises it,
    time when people are over capacity, else a lower level."""
    kinds = {r.kind for r in relax}
    if "budget" in kinds:
        return "budget"
    if "capacity" in kinds or any(r["over_capacity"] for r in reports):
        return "time"
    return "level"


def _namer(store, pb: Problem):
    known = {c.id: c.person.name for c in pb.people}

    def name(pid: str) -> str:
        if pid not in known:
            p = store.get("person", pid)
            known[pid] = p.name if p else pid
        return known[pid]
    return name


def _names(ids, name, most: int = 5) -> str:
    """"A, B and C" (beyond `most` names: "A, B, C, D and 3 others")."""
    shown = [name(p) for p in ids]
    if len(shown) > most:
        shown = shown[:most - 1] + [f"{len(shown) - most + 1} others"]
    return ", ".join(shown[:-1]) + f" and {shown[-1]}" if len(shown) > 1 else (shown[0] if shown else "nobody")


def _option(o: dict, pb: Problem, name, skill_name) -> Relaxation:
    """A verified option (matching.relax) in words, naming the team the re-solve found."""
    req = pb.request
    team = f" — for example {_names(o['team'], name)}"
    kind = o["kind"]
    plain = None
    amount = None
    if kind == "start_after":
        msg = (f"start on {o['start'].isoformat()} instead of {req.window.start.isoformat()} "
               f"(same length, to {o['end'].isoformat()})")
    elif kind == "allocation":
        at = f"at most {o['allocation']:g} FTE each" if o.get("each") else f"at {o['allocation']:g} FTE"
        full = "the requested FTE" if o.get("each") else f"{o['full']:g} FTE"
        if o["full_from"] is not None:
            last = o["full_from"] - timedelta(days=1)
            msg = f"{at} until {last.isoformat()}, then {full} from {o['full_from'].isoformat()}"
        else:
            msg = f"{at} instead of {full} for the whole window"
        amount = o["allocation"]
    elif kind == "level":
        label = skill_name(o["skill"])
        msg = f"accept level {o['level'] - 1} for {label} (instead of {o['level']})"
        if o["newly"]:
            msg += f": {_names(o['newly'], str)} {'holds' if len(o['newly']) == 1 else 'hold'} it at level {o['level'] - 1}"
        amount = o["level"] - 1
    else:  # budget: the amount is the cheapest valid team's cost (teamgraph.present: HR/admin only)
        raise_by = o["needed"] - o["budget"]
        msg = f"raise the budget by {raise_by:,.0f} to {o['needed']:,.0f}"
        # without the team too: the cheapest team, named, would rank people by cost rate
        plain = "raise the budget (HR can say by how much: the amount would tell a team's cost)"
        amount = raise_by
    return Relaxation(kind, msg + team, target=o.get("skill"), amount=amount, plain=plain, change=o["change"],
                      verified=True, team=list(o["team"]))



def _people(n) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _describe(kind: str, name: str, target, amount: int, reports: list[dict], pb: Problem) -> Relaxation:
    if kind == "coverage":
        rep = next(r for r in reports if r["skill"] == target)
        return Relaxation(kind, f"ask for {rep['count'] - amount} instead of {rep['count']} on "
                                f"{name.removeprefix('requirement: ')}", target, amount)
    if kind in ("capacity", "exclude", "include"):
        who = pb.people[pb.index()[target]]
        subject = who.person.name
        if kind == "capacity":  # the utilisation after joining: HR/admin only (teamgraph.present)
            return Relaxation(kind, f"allow {subject} above capacity ({who.util(pb.alloc0):.0%} after assignment)",
                              target, amount, plain=f"allow {subject} above capacity")
    else:
        subject = pb.dept_name(target) if target is not None else None
    req = pb.request
    size = (f"accept a team smaller than {req.size_min}" if name.startswith("team size ≥") else
            f"accept a team larger than {req.size_max}")
    verbs = {"exclude": f"lift the exclusion of {subject}", "include": f"drop the inclusion of {subject}",
             "budget": f"raise the budget above {req.budget:,.0f}" if req.budget is not None else "raise the budget",
             "department": f"drop the requirement that {subject} is represented",
             "cap": f"allow more than {_people(req.cap_of(target))} from {subject}" if target is not None else
                    f"relax the department cap on {subject}",
             "size": size}
    return Relaxation(kind, verbs[kind], target, amount)
