"""Result types of the engine and how a team is explained: per member the requirements they cover,
their evidence (projects, the cases the viewer may see, ratings for HR/admin only, skill last used)
their load before and after in the window, and for a member who fills no requirement why they
are there ("needed for the team size minimum of 3", "represents required department Quality")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from teamgraph.graph.model import Viewer
from teamgraph.matching.model import score_team
from teamgraph.matching.problem import SCALE, Problem, away_words
from teamgraph.matching.rules import allocation, needed_for

TERMS = ("skill_fit", "relevance", "cohesion", "novelty", "preference", "busy", "members", "max_util")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@dataclass
class MemberResult:
    id: str
    name: str
    department: str
    title: str
    covers: list[dict]  # {skill, label, level, required_level, last_used}
    allocation: float
    capacity: float
    load_before: float
    load_after: float
    projects: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    ratings: list[dict] | None = None  # only for HR/admin viewers
    needed_for: str | None = None  # a member without a role: why they are in the team, in words
    forced: bool = False  # included or pinned by the request
    department_name: str = ""  # `department` is the id; this is what people read
    away: list[dict] = field(default_factory=list)  # {start, end}: time off and holidays in the window

    @property
    def util_before(self) -> float:
        return self.load_before / self.capacity if self.capacity else float("inf")

    @property
    def util_after(self) -> float:
        return self.load_after / self.capacity if self.capacity else float("inf")

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["util_before"] = round(self.util_before, 4)
        d["util_after"] = round(self.util_after, 4)
        return d


@dataclass
class TeamResult:
    members: list[MemberResult]
    score: dict[str, float]  # objective term → value (weights applied)
    total: float
    max_util: float  # over every member, forced ones too (the score's max_util term leaves them out)
    # the part of `score["cohesion"]` from projects together alone (no ratings): what non-HR viewers see
    cohesion_together: float = 0.0
    cost: float = 0.0  # Σ rate × allocation × 8 h × working days: what the budget rule counts

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.members]

    def to_dict(self) -> dict:
        return {"members": [m.to_dict() for m in self.members], "score": self.score,
                "total": self.total, "max_util": round(self.max_util, 4),
                "cohesion_together": self.cohesion_together, "cost": self.cost}


@dataclass
class Diff:
    added: list[str]
    removed: list[str]
    kept: list[str]
    names: dict[str, str] = field(default_factory=dict)  # person id → name, for messages

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        for k in ("added", "removed", "kept"):
            d[f"{k}_people"] = [{"id": p, "name": self.names.get(p) or p} for p in getattr(self, k)]
        return d


@dataclass
class Suggestion:
    request: dict
    status: str  # optimal | feasible | overloaded | infeasible | unknown | invalid
    team: TeamResult | None
    alternatives: list[TeamResult] = field(default_factory=list)
    proven_optimal: bool = False
    gap: float | None = 0.0  # None when not known (solved over a heuristic shortlist)
    seconds: float = 0.0
    solves: int = 0
    pool: dict = field(default_factory=dict)  # candidates, kept after pruning, eligible
    weights: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    diagnosis: object = None
    diff: Diff | None = None
    pins: list[str] = field(default_factory=list)
    forced_overload: list[dict] = field(default_factory=list)  # {person, name, utilisation}
    violations: list[dict] = field(default_factory=list)  # {rule, message, person, request, team}

    def to_dict(self) -> dict:
        return {"request": self.request, "status": self.status,
                "forced_overload": self.forced_overload, "violations": self.violations,
                "team": self.team.to_dict() if self.team else None,
                "alternatives": [a.to_dict() for a in self.alternatives],
                "proven_optimal": self.proven_optimal, "gap": None if self.gap is None else round(self.gap, 6),
                "seconds": round(self.seconds, 4), "solves": self.solves, "pool": self.pool,
                "weights": self.weights, "notes": self.notes, "pins": self.pins,
                "diagnosis": self.diagnosis.to_dict() if self.diagnosis is not None else None,
                "diff": self.diff.to_dict() if self.diff else None}


@dataclass
class WhyNot:
    person: str
    in_team: bool
    feasible: bool  # could be in a valid team
    reason: str  # the binding reason, or the cost of swapping in
    # in_team | unknown | leaver | excluded | missing_level | over_capacity | department_cap | budget
    # | conflict | cost | invalid
    kind: str
    details: dict = field(default_factory=dict)
    name: str = ""  # the person's name, for people-facing text

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["person_name"] = d.pop("name") or self.person
        return d


def overload_note(forced_overload: list[dict]) -> str:
    """"feasible only with this forced overload: Ann Lee at 140 %" (the design's wording)."""
    return "feasible only with this forced overload: " + ", ".join(
        f"{o['name']} at {round(o['utilisation'] * 100)} %" if o["utilisation"] != float("inf")
        else f"{o['name']} working while at capacity 0" for o in forced_overload)


def team_result(store, pb: Problem, members: list[int], roles: dict[int, list[int]],
                viewer: Viewer) -> TeamResult:
    """Explain one team for `viewer`: coverage, evidence and load per member, score per term."""
    req = pb.request
    visible = store.visible_case_ids(viewer)
    out = []
    for i in members:
        c = pb.people[i]
        a = allocation(pb, roles.get(i, ()))
        covers = []
        for r in roles.get(i, ()):
            rq = req.requirements[r]
            ps = c.skills[rq.skill]
            # fit: 1.0 is a confirmed, recently used holding at exactly the required level (Weights.fit)
            fit = pb.fit[i, r] / (SCALE * pb.weights.fit) if pb.weights.fit else 0.0
            covers.append({"skill": rq.skill, "label": rq.label or rq.skill, "level": ps.level,
                           "required_level": rq.level, "evidence": ps.evidence, "last_used": _iso(ps.last_used),
                           "fit": round(fit, 3)})
        prof = store.person_profile(c.id, req.window, viewer)
        projects, cases, ratings = [], [], None
        if prof is not None:
            projects = [{"id": p.id, "name": p.name, "role": m.role, "start": _iso(m.start), "end": _iso(m.end),
                         "outcome": p.outcome} for m, p in prof.memberships]
            cases = [{"id": k.id, "title": k.title, "date": _iso(k.date)} for k in prof.cases if k.id in visible]
            if viewer.privileged and prof.ratings is not None:
                ratings = [{"rater": g.rater, "project": g.project, "mean": round(g.mean, 2), "comment": g.comment}
                           for g in prof.ratings]
        worst = c.worst(a)  # time-phased: the piece of the window where joining weighs most
        out.append(MemberResult(c.id, c.person.name, c.department, c.person.title, covers, a,
                                worst.capacity, round(worst.load, 4), round(worst.load + a, 4),
                                projects, cases, ratings, needed_for(pb, members, roles, i), i in pb.forced,
                                pb.dept_name(c.department),
                                [{"start": x.isoformat(), "end": y.isoformat()} for x, y in c.away()]))
    s = score_team(pb, members, roles)
    score = {k: round(s[k] / SCALE, 4) for k in TERMS}
    u = max((pb.people[i].util(allocation(pb, roles.get(i, ()))) for i in members), default=0.0)
    chosen = set(members)
    together = sum(pb.weights.cohesion * 0.5 * min(times, 3) / 3
                   for (i, j), (times, _) in pb.pair_info.items() if i in chosen and j in chosen)
    cost = sum(pb.cost(i, allocation(pb, roles.get(i, ()))) for i in members)
    return TeamResult(out, score, round(sum(s.values()) / SCALE, 4), u, round(together, 4), round(cost, 2))


# --- explanations in words, on the JSON a viewer receives ----------------------------------------
# `describe` runs on a Suggestion dict *after* the role redactions (teamgraph.present), so every
# figure it puts into words is one the viewer already has: a sponsor's score parts leave out what
# present.py withholds, and a member forced in by the request is described by availability bands.

TERM_WORDS = {  # term → (label, what it measures; the sign says which way it pushes)
    "skill_fit": ("skill fit", "members' levels, evidence and recent use against each requirement"),
    "relevance": ("relevant experience", "members' past projects and cases that resemble the brief"),
    "cohesion": ("worked together", "pairs of members who have worked on projects together"),
    "novelty": ("cross-department reach", "departments that rarely work with the others, brought in"),
    "preference": ("preferences met", "members in a preferred location or speaking a preferred language"),
    "busy": ("busy people", "time asked of people who are already busy (a penalty)"),
    "members": ("team size", "each member is a time commitment, so every extra member costs a little"),
    "max_util": ("peak load", "the busiest member's load after joining (a penalty: lower load, higher score)"),
}


def _pct(v) -> str:
    return f"{round(v * 100)} %" if v != float("inf") else "∞ % (work at capacity 0)"


def _names(people) -> str:
    people = list(people)
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1] if people else ""


def _load_words(m: dict) -> str:
    """Load before → after in the figures the viewer has: HR the load against capacity; a sponsor
    the utilisation before (rounded up) and whether joining stays within capacity; others a band."""
    if m.get("capacity") and "load_before" in m and "load_after" in m:
        cap = m["capacity"]
        return f"load {_pct(m['load_before'] / cap)} → {_pct(m['load_after'] / cap)} of capacity"
    util = m.get("util_before")
    before = (("free before joining" if util == 0 else f"{_pct(util)} of capacity in use before joining")
              if util is not None else m.get("availability") or "")
    after = m.get("availability_after")
    return before + (f", {after} after" if after else "")


def team_summary(team: dict, requirements: list[dict], budget: float | None = None) -> dict:
    """Requirements met (n of m, with who covers each at which level), fit %, cost against the
    request's `budget` (`budget_left`: what the budget leaves, negative when over), in words."""
    rows, met, slots, fit = [], 0, 0, 0.0
    for rq in requirements:
        covering = [(m["name"], c) for m in team["members"] for c in m.get("covers", []) if c["skill"] == rq["skill"]]
        count = rq.get("count", 1)
        slots += count
        fit += sum(min(1.0, c.get("fit", 1.0)) for _, c in covering[:count])
        met += len(covering) >= count
        label = rq.get("label") or rq["skill"]
        rows.append({"skill": rq["skill"], "label": label, "level": rq["level"], "count": count,
                     "filled": [{"name": n, "level": c["level"]} for n, c in covering],
                     "words": f"{label} ≥ {rq['level']}" + (f" × {count}" if count > 1 else "") + ": "
                              + (", ".join(f"{n} ({c['level']})" for n, c in covering) or "nobody")})
    fit_pct = round(fit / slots, 3) if slots else None
    words = f"covers {met} of {len(requirements)} requirements"
    if fit_pct is not None:
        words += f", skill fit {_pct(fit_pct)}"
    if team.get("max_util") is not None:
        words += f", busiest member at {_pct(team['max_util'])} of capacity"
    cost = team.get("cost")
    left = round(budget - cost, 2) if budget is not None and cost is not None else None
    if cost is not None and budget is not None:
        words += (f", costs {cost:,.0f} of the {budget:,.0f} budget ({left:,.0f} left)" if left >= 0 else
                  f", costs {cost:,.0f}: {-left:,.0f} over the {budget:,.0f} budget")
    elif cost:
        words += f", costs {cost:,.0f} (no budget set)"
    return {"requirements_met": met, "requirements_total": len(requirements), "requirements": rows,
            "fit_pct": fit_pct, "cost": cost, "budget": budget, "budget_left": left, "words": words}


def score_parts(team: dict) -> list[dict]:
    """The score's parts the viewer may see, each with a label and what it measures."""
    out = []
    for term, value in (team.get("score") or {}).items():
        label, meaning = TERM_WORDS.get(term, (term.replace("_", " "), ""))
        out.append({"term": term, "label": label, "value": value, "meaning": meaning,
                    "words": f"{label} {value:+.2f}: {meaning}" if meaning else f"{label} {value:+.2f}"})
    return out


def versus(alt: dict, best: dict) -> dict:
    """What an alternative changes against the suggested team and what it costs in score, in words."""
    best_ids = {m["id"]: m["name"] for m in best["members"]}
    alt_ids = {m["id"]: m["name"] for m in alt["members"]}
    added = [{"id": i, "name": n} for i, n in alt_ids.items() if i not in best_ids]
    removed = [{"id": i, "name": n} for i, n in best_ids.items() if i not in alt_ids]
    delta = round(alt["total"] - best["total"], 4)
    if added and removed:
        change = f"swaps {_names(p['name'] for p in removed)} for {_names(p['name'] for p in added)}"
    elif added:
        change = f"adds {_names(p['name'] for p in added)}"
    elif removed:
        change = f"drops {_names(p['name'] for p in removed)}"
    else:
        change = "the same people in different roles"
    parts = {k: round(alt["score"].get(k, 0.0) - best["score"].get(k, 0.0), 4)
             for k in {*alt.get("score", {}), *best.get("score", {})}}
    drivers = sorted((k for k, v in parts.items() if abs(v) >= 0.005), key=lambda k: -abs(parts[k]))[:2]
    why = ", ".join(f"{TERM_WORDS.get(k, (k,))[0]} {parts[k]:+.2f}" for k in drivers)
    if delta >= 0.005:  # only on the parts shown: the suggested team wins on parts this viewer is not shown
        score = (f"scores {delta:.2f} higher on the parts shown here ({why}), but lower overall: the suggested "
                 "team also wins on parts of the score you are not shown (load and ratings)")
    else:
        score = ("scores the same" if abs(delta) < 0.005 else f"scores {abs(delta):.2f} lower") + (
            f" ({why})" if why else "")
    return {"added": added, "removed": removed, "score_delta": delta, "parts_delta": parts,
            "words": f"{change}; {score}"}


def describe(suggestion: dict) -> dict:
    """A viewed Suggestion dict with the explanations added: per team `summary` and
    `score_parts`, per member `explain`, per alternative `versus_best`; other dicts unchanged."""
    if not isinstance(suggestion, dict) or "alternatives" not in suggestion or "request" not in suggestion:
        return suggestion
    requirements = (suggestion.get("request") or {}).get("requirements") or []
    budget = (suggestion.get("request") or {}).get("budget")
    out = dict(suggestion)

    def one(team: dict) -> dict:
        team = dict(team)
        team["members"] = [dict(m, explain="; ".join(w for w in (
            ", ".join(f"covers {c['label']} at level {c['level']} (needs {c['required_level']})"
                      for c in m.get("covers", [])) or m.get("needed_for") or
            ("included or pinned by the request" if m.get("forced") else ""), _load_words(m),
            away_words(((date.fromisoformat(a["start"]), date.fromisoformat(a["end"])) for a in m.get("away") or []), 2))
            if w)) for m in team["members"]]
        team["summary"] = team_summary(team, requirements, budget)
        team["score_parts"] = score_parts(team)
        team["score_words"] = (f"score {team['total']:.2f}: the sum of the parts; higher is better, and only "
                               "teams for the same request compare")
        return team

    if out.get("team"):
        out["team"] = one(out["team"])
        out["alternatives"] = [dict(one(a), versus_best=versus(a, out["team"])) for a in out["alternatives"]]
    return out
