"""Result types of retrieval; each has `to_dict()` giving JSON-ready data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class ScoreParts:
    """Why a result ranks where it does: each signal's raw value and its rank in that list."""

    fused: float
    dense: float | None = None
    bm25: float | None = None
    graph: float | None = None
    dense_rank: int | None = None
    bm25_rank: int | None = None
    graph_rank: int | None = None

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class CaseHit:
    id: str
    title: str
    problem: str
    action: str
    result: str
    lesson: str
    project: str | None
    department: str | None
    process: str
    outcome: str
    date: str | None
    language: str
    skills: tuple[str, ...]
    score: float
    matching_terms: tuple[str, ...]
    shared_skills: tuple[str, ...]
    same_process: bool
    same_department: bool
    parts: ScoreParts

    def to_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "problem": self.problem, "action": self.action,
            "result": self.result, "lesson": self.lesson, "project": self.project,
            "department": self.department, "process": self.process, "outcome": self.outcome,
            "date": self.date, "language": self.language, "skills": list(self.skills),
            "score": round(self.score, 6),
            "why": {"matching_terms": list(self.matching_terms), "shared_skills": list(self.shared_skills),
                    "same_process": self.same_process, "same_department": self.same_department,
                    "parts": self.parts.to_dict()},
        }


@dataclass(frozen=True)
class Evidence:
    """One reason a person may know about the brief."""

    kind: str  # "case" (they wrote it) | "project" (they worked on it)
    id: str
    title: str
    rank: int  # rank of the case/project for this brief
    role: str | None = None
    outcome: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ExpertHit:
    person: str
    name: str
    department: str
    title: str
    score: float  # relevance × rating factor × load discount; what the list is sorted by
    relevance: float  # evidence relevance in [0, 1] before the load discount
    load: float  # peak allocation in the window
    capacity: float
    load_discount: float  # multiplier in (0, 1]; 1 = not busy
    evidence: tuple[Evidence, ...]
    skills: tuple[tuple[str, int, str], ...]  # (skill, level, evidence kind) matching the brief
    expert_in: tuple[str, ...]
    ranks: dict[str, int] = field(default_factory=dict)  # signal → rank of this person in it
    ratings: dict | None = None  # {"mean", "count"}: privileged viewers only

    def to_dict(self) -> dict:
        return {
            "person": self.person, "name": self.name, "department": self.department, "title": self.title,
            "score": round(self.score, 6), "relevance": round(self.relevance, 4),
            "load": round(self.load, 4), "capacity": self.capacity,
            "utilisation": round(self.load / self.capacity, 4) if self.capacity else None,
            "load_discount": round(self.load_discount, 4),
            "evidence": [e.to_dict() for e in self.evidence],
            "skills": [{"skill": s, "level": lv, "evidence": ev} for s, lv, ev in self.skills],
            "expert_in": list(self.expert_in), "ranks": dict(self.ranks), "ratings": self.ratings,
        }
