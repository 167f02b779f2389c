"""Plain dataclasses for the organisation graph. No database, ML or web imports here.

Nodes: Department, Skill, Person, Project, Case. Relationships carrying data: PersonSkill
(HAS_SKILL with level and evidence), Membership (MEMBER_OF with role and allocation, and
optionally several dated phases), ProjectNeed (NEEDS: demand for a skill on an open project),
Expert (EXPERT_IN), CollaborationRating (RATED, between two people on a project),
CapacityPeriod (a person's capacity from a date), TimeOff (a person's leave) and Holiday (a
public holiday at a location: everyone whose `location` it is is away that day).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from operator import attrgetter
from typing import ClassVar, Literal

Evidence = Literal["self-declared", "confirmed", "inferred-from-project"]
EVIDENCE_KINDS: tuple[str, ...] = ("self-declared", "confirmed", "inferred-from-project")
Visibility = Literal["public", "department", "confidential"]
VISIBILITIES: tuple[str, ...] = ("public", "department", "confidential")
PERSON_STATUSES: tuple[str, ...] = ("active", "leaver")
PROJECT_STATUSES: tuple[str, ...] = ("proposed", "active", "closed", "cancelled")
OUTCOMES: tuple[str, ...] = ("", "success", "partial", "failure")
ROLES: tuple[str, ...] = ("sponsor", "member", "hr", "admin")
PROCESSES: tuple[str, ...] = (
    "lead-to-cash", "demand-to-delivery", "hire-to-onboard", "procure-to-pay",
    "idea-to-launch", "issue-to-resolution", "record-to-report",
)


class Keyed:
    """A record identified by a natural key of its own fields (relationships, calendar entries):
    `key_fields` names them in order, once; `key` and both stores' key columns and properties
    (graph.sqlite_schema, graph.cypher_graph) are derived from it."""

    key_fields = ()
    _key_of: ClassVar = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        cls._key_of = attrgetter(*cls.key_fields)  # at least two fields: a tuple, read in C

    @property
    def key(self) -> tuple:
        return self._key_of(self)


@dataclass(frozen=True)
class Window:
    """A closed date interval [start, end]."""

    start: date
    end: date


@dataclass(frozen=True)
class Department:
    kind: ClassVar[str] = "department"
    id: str
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class Skill:
    kind: ClassVar[str] = "skill"
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    broader: str | None = None
    category: str = ""


@dataclass(frozen=True)
class Person:
    kind: ClassVar[str] = "person"
    id: str
    name: str
    email: str
    department: str
    title: str = ""
    location: str = ""
    timezone: str = ""
    capacity: float = 1.0
    cost_rate: float = 0.0
    languages: tuple[str, ...] = ()
    status: str = "active"


@dataclass(frozen=True)
class PersonSkill(Keyed):
    kind: ClassVar[str] = "person_skill"
    key_fields = ("person", "skill")
    person: str
    skill: str
    level: int
    evidence: str = "self-declared"
    last_used: date | None = None


@dataclass(frozen=True)
class Project:
    kind: ClassVar[str] = "project"
    id: str
    name: str
    description: str = ""
    sponsor: str | None = None
    department: str | None = None
    process: str = ""
    process_owner: str | None = None
    start: date | None = None
    end: date | None = None
    status: str = "closed"
    outcome: str = ""
    kpis: dict[str, float] = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True)
class ProjectNeed(Keyed):
    """Demand: an open project needs `count` people with `skill` at `level` or above."""

    kind: ClassVar[str] = "project_need"
    key_fields = ("project", "skill")
    project: str
    skill: str
    level: int = 1
    count: int = 1


@dataclass(frozen=True)
class Phase:
    """One stretch of a membership at one allocation (FTE); None dates are open-ended."""

    start: date | None
    end: date | None
    allocation: float


@dataclass(frozen=True)
class Membership(Keyed):
    """A person on a project. `phases` (sorted, not overlapping) give the allocation by date
    range; a membership without phases is one phase: `allocation` from `start` to `end`. With
    phases, `start`/`end` span them and `allocation` is their peak (what a summary shows)."""

    kind: ClassVar[str] = "membership"
    key_fields = ("person", "project", "role")
    person: str
    project: str
    role: str = "member"
    allocation: float = 0.0
    start: date | None = None
    end: date | None = None
    phases: tuple[Phase, ...] = ()

    def pieces(self) -> tuple[Phase, ...]:
        """The allocation by date range: the phases, or the one implicit phase."""
        return self.phases or (Phase(self.start, self.end, self.allocation),)


def phases_json(phases: tuple[Phase, ...]) -> str:
    """Phases as the JSON text both stores keep: [[start, end, allocation], ...] (ISO dates or null)."""
    import json
    return json.dumps([[p.start.isoformat() if p.start else None, p.end.isoformat() if p.end else None,
                        float(p.allocation)] for p in phases])


def phases_from_json(text: str | None) -> tuple[Phase, ...]:
    import json
    return tuple(Phase(date.fromisoformat(s) if s else None, date.fromisoformat(e) if e else None, float(a))
                 for s, e, a in json.loads(text or "[]"))


def phased(person: str, project: str, phases, role: str = "member") -> Membership:
    """A membership made of `phases` (sorted by start), its span and peak derived from them."""
    phases = tuple(sorted(phases, key=lambda p: p.start or date.min))
    starts = [p.start for p in phases]
    ends = [p.end for p in phases]
    return Membership(person, project, role, max((p.allocation for p in phases), default=0.0),
                      None if None in starts else min(starts, default=None),
                      None if None in ends else max(ends, default=None), phases)


@dataclass(frozen=True)
class CapacityPeriod(Keyed):
    """From `start` (to `end`, None: onwards) the person's capacity is `capacity` FTE instead of
    `Person.capacity` ("0.2 FTE now, 0.8 from February"). 0 is allowed (e.g. parental leave
    kept as capacity): any load on such days is an overload, never a division by zero."""

    kind: ClassVar[str] = "capacity_period"
    key_fields = ("person", "start")
    person: str
    start: date
    end: date | None = None
    capacity: float = 1.0


TIME_OFF_KINDS: tuple[str, ...] = ("leave", "sick", "training", "other")


@dataclass(frozen=True)
class TimeOff(Keyed):
    """The person is away `start`..`end` (inclusive): no project work those days (graph/load.py)."""

    kind: ClassVar[str] = "time_off"
    key_fields = ("person", "start")
    person: str
    start: date
    end: date
    reason: str = "leave"
    note: str = ""


@dataclass(frozen=True)
class Holiday(Keyed):
    """A public holiday at `location` (the same text as `Person.location`): everyone there is away."""

    kind: ClassVar[str] = "holiday"
    key_fields = ("location", "date")
    location: str
    date: date
    name: str = ""

    @property
    def start(self) -> date:  # a one-day span, like TimeOff (graph/load.py counts both as away)
        return self.date

    @property
    def end(self) -> date:
        return self.date


@dataclass(frozen=True)
class Case:
    """A retrospective written as problem → action → result → lesson."""

    kind: ClassVar[str] = "case"
    id: str
    title: str
    problem: str
    action: str = ""
    result: str = ""
    lesson: str = ""
    project: str | None = None
    department: str | None = None
    skills: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str = "en"
    visibility: str = "public"
    date: date | None = None
    authors: tuple[str, ...] = ()

    def text(self) -> str:
        """The whole case as one text, for indexing."""
        return "\n".join(p for p in (self.title, self.problem, self.action, self.result, self.lesson) if p)


@dataclass(frozen=True)
class Expert(Keyed):
    kind: ClassVar[str] = "expert"
    key_fields = ("person", "topic")
    person: str
    topic: str
    source: str = "designated"


@dataclass(frozen=True)
class CollaborationRating(Keyed):
    kind: ClassVar[str] = "rating"
    key_fields = ("rater", "ratee", "project")
    rater: str
    ratee: str
    project: str
    date: date | None = None
    responsiveness: int = 3
    support: int = 3
    problem_solving: int = 3
    comment: str = ""

    @property
    def mean(self) -> float:
        return (self.responsiveness + self.support + self.problem_solving) / 3.0


ENTITY_TYPES: dict[str, type] = {
    t.kind: t for t in (Department, Skill, Person, PersonSkill, Project, ProjectNeed,
                        Membership, Case, Expert, CollaborationRating, CapacityPeriod, TimeOff, Holiday)
}
# Order matters for writes (referenced entities first) and is reversed for deletes.
WRITE_ORDER: tuple[str, ...] = ("department", "skill", "person", "capacity_period", "time_off", "holiday",
                                "project", "person_skill", "project_need", "membership", "case", "expert",
                                "rating")
# The person's calendar: what graph/load.py needs besides memberships (CalendarRead per person).
CALENDAR_KINDS: tuple[str, ...] = ("capacity_period", "time_off", "holiday")


def record_key(record) -> tuple:
    """Identity of a record: `id` for nodes, the natural key for relationships."""
    return (record.id,) if hasattr(record, "id") else record.key


def as_dict(record) -> dict:
    """Shallow dict of a record's fields (dates stay dates, tuples stay tuples)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


@dataclass
class ChangeSet:
    """Everything one write applies, atomically: upserts by kind and deletes by kind and key."""

    upserts: dict[str, list] = field(default_factory=dict)
    deletes: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, *records) -> ChangeSet:
        for r in records:
            self.upserts.setdefault(r.kind, []).append(r)
        return self

    def delete(self, kind: str, *keys: tuple) -> ChangeSet:
        if kind not in ENTITY_TYPES:
            raise ValueError(f"unknown entity kind {kind!r}")
        self.deletes.setdefault(kind, []).extend(keys)
        return self

    def __len__(self) -> int:
        return sum(map(len, self.upserts.values())) + sum(map(len, self.deletes.values()))


@dataclass(frozen=True)
class Viewer:
    """Who is asking, for visibility rules. `projects` are the projects they are a member of."""

    role: str = "member"
    person: str | None = None
    department: str | None = None
    projects: frozenset[str] = frozenset()

    @property
    def privileged(self) -> bool:
        return self.role in ("hr", "admin")


SYSTEM = Viewer(role="admin")


def can_see(case: Case, viewer: Viewer) -> bool:
    """The one visibility rule. Stores implement it in their queries; this is its reference.

    public: everyone. department: members of the case's department, and HR/admin.
    confidential: members of the case's project (and its authors), and HR/admin.
    """
    if case.visibility == "public" or viewer.privileged:
        return True
    if case.visibility == "department":
        return viewer.department is not None and viewer.department == case.department
    return (case.project is not None and case.project in viewer.projects) or (
        viewer.person is not None and viewer.person in case.authors)
