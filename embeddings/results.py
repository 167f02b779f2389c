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
    match: float | None = None  # calibrated chance that this case fits the brief (embeddings.confidence)
    weak: bool = False  # below the confidence threshold: shown only as a weak match
    duplicates: tuple[str, ...] = ()  # near-duplicate cases folded into this one

    def to_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "problem": self.problem, "action": self.action,
            "result": self.result, "lesson": self.lesson, "project": self.project,
            "department": self.department, "process": self.process, "outcome": self.outcome,
            "date": self.date, "language": self.language, "skills": list(self.skills),
            "score": round(self.score, 6),
            "match": None if self.match is None else round(self.match, 3), "weak": self.weak,
            "duplicates": list(self.duplicates),
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
    """One expert. The order is rebuilt from the card: score = relevance × rating factor × load
    discount (embeddings.experts), every factor shown."""

    person: str
    name: str
    department: str
    title: str
    score: float  # relevance × rating_factor × load_discount; what the list is sorted by
    relevance: float  # evidence relevance in [0, 1] before the rating and load factors
    load: float  # peak allocation (FTE) in the window
    capacity: float
    load_discount: float  # multiplier in [0.5, 1] from utilisation = load / capacity; 1 = not busy
    evidence: tuple[Evidence, ...]
    skills: tuple[tuple[str, int, str], ...]  # (skill, level, evidence kind) matching the brief
    expert_in: tuple[str, ...]
    ranks: dict[str, int] = field(default_factory=dict)  # signal → rank of this person in it
    ratings: dict | None = None  # {"mean", "count"}: privileged viewers only
    rating_factor: float = 1.0  # 1 + 0.05·(mean − 3) where the viewer may see ratings, else 1 (not used)
    signals: dict[str, float] = field(default_factory=dict)  # signal → normalised score (relevance = mean)

    @property
    def utilisation(self) -> float | None:
        return self.load / self.capacity if self.capacity else None

    def to_dict(self) -> dict:
        u = self.utilisation
        return {
            "person": self.person, "name": self.name, "department": self.department, "title": self.title,
            "score": round(self.score, 6), "relevance": round(self.relevance, 4),
            "load": round(self.load, 4), "capacity": self.capacity,
            "utilisation": None if u is None else round(u, 4),
            "load_discount": round(self.load_discount, 4), "rating_factor": round(self.rating_factor, 4),
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
            "evidence": [e.to_dict() for e in self.evidence],
            "skills": [{"skill": s, "level": lv, "evidence": ev} for s, lv, ev in self.skills],
            "expert_in": list(self.expert_in), "ranks": dict(self.ranks), "ratings": self.ratings,
        }
