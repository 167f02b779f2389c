"""Result types of the engine and how a team is explained: per member the requirements they cover,
their evidence (projects, the cases the viewer may see, ratings for HR/admin only, skill last used)
their load before and after in the window, and for a member who fills no requirement why they
are there ("needed for the team size minimum of 3", "represents required department Quality")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from teamgraph.graph.model import Viewer
from teamgraph.matching.model import score_team
from teamgraph.matching.problem import SCALE, Problem
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

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.members]

    def to_dict(self) -> dict:
        return {"members": [m.to_dict() for m in self.members], "score": self.score,
                "total": self.total, "max_util": round(self.max_util, 4),
                "cohesion_together": self.cohesion_together}


@dataclass
class Diff:
    added: list[str]
    removed: list[str]
    kept: list[str]
    names: dict[str, str] = field(default_factory=dict)  # person id → name, for messages

    def to_dict(self) -> dict:
        return dict(self.__dict__)


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

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def overload_note(forced_overload: list[dict]) -> str:
    """"feasible only with this forced overload: Ann Lee at 140 %" (the design's wording)."""
    return "feasible only with this forced overload: " + ", ".join(
        f"{o['name']} at {round(o['utilisation'] * 100)} %" for o in forced_overload)


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
            covers.append({"skill": rq.skill, "label": rq.label or rq.skill, "level": ps.level,
                           "required_level": rq.level, "evidence": ps.evidence, "last_used": _iso(ps.last_used)})
        prof = store.person_profile(c.id, req.window, viewer)
        projects, cases, ratings = [], [], None
        if prof is not None:
            projects = [{"id": p.id, "name": p.name, "role": m.role, "start": _iso(m.start), "end": _iso(m.end),
                         "outcome": p.outcome} for m, p in prof.memberships]
            cases = [{"id": k.id, "title": k.title, "date": _iso(k.date)} for k in prof.cases if k.id in visible]
            if viewer.privileged and prof.ratings is not None:
                ratings = [{"rater": g.rater, "project": g.project, "mean": round(g.mean, 2), "comment": g.comment}
                           for g in prof.ratings]
        out.append(MemberResult(c.id, c.person.name, c.department, c.person.title, covers, a,
                                c.person.capacity, round(c.load, 4), round(c.load + a, 4),
                                projects, cases, ratings, needed_for(pb, members, roles, i), i in pb.forced,
                                pb.dept_name(c.department)))
    s = score_team(pb, members, roles)
    score = {k: round(s[k] / SCALE, 4) for k in TERMS}
    u = max((pb.people[i].util(allocation(pb, roles.get(i, ()))) for i in members), default=0.0)
    chosen = set(members)
    together = sum(pb.weights.cohesion * 0.5 * min(times, 3) / 3
                   for (i, j), (times, _) in pb.pair_info.items() if i in chosen and j in chosen)
    return TeamResult(out, score, round(sum(s.values()) / SCALE, 4), u, round(together, 4))
