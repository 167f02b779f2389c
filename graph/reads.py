"""The read models the stores return: plain frozen dataclasses, JSON-ready through `to_dict`.

They sit apart from the GraphStore protocol (graph/store.py) so the store implementations and
their callers import them without importing the protocol, and nothing here imports a store.
"""

from __future__ import annotations

import gc
import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date

from teamgraph.graph.model import (
    CapacityPeriod, Case, CollaborationRating, Department, Expert, Holiday, Membership, Person, PersonSkill, Project,
    Skill, TimeOff, Window,
)


def jsonable(value):
    """A JSON-ready copy: dataclasses become dicts, dates ISO strings, tuples lists, sets sorted lists."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def finite(data):
    """`data` (JSON-ready) with non-finite floats as None: JSON has no Infinity, and a utilisation
    is infinite when someone works on a day at capacity 0 (graph.load.ratio)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(v) for v in data]
    return data


class _ToDict:
    def to_dict(self) -> dict:
        """JSON-ready data (dates as ISO strings), for the API and `--json`."""
        return jsonable(self)


@dataclass(frozen=True)
class ApplyReport(_ToDict):
    """What one `apply` did: records written and deleted per kind, keys touched, new revision."""

    written: dict[str, int]
    deleted: dict[str, int]
    touched: dict[str, frozenset[tuple]]
    revision: int


@dataclass(frozen=True)
class Snapshot:
    """`GraphStore.snapshot`: records by kind, bookings and the revision they were read at, together."""

    records: dict
    bookings: list
    revision: int


@dataclass(frozen=True)
class Calendar(_ToDict):
    """What a person's load is measured against besides memberships (graph/load.py): their
    capacity, capacity periods, time off and the holidays of their location, oldest first."""

    person: str
    capacity: float = 1.0
    periods: tuple[CapacityPeriod, ...] = ()
    time_off: tuple[TimeOff, ...] = ()
    holidays: tuple[Holiday, ...] = ()

    @property
    def away(self) -> tuple:
        """Time off and holidays: the spans graph.load.pieces counts as away."""
        return self.time_off + self.holidays


@dataclass(frozen=True)
class Candidate(_ToDict):
    """A person who meets at least one skill need, with their skills and load in the window:
    `load` is the peak (a derived figure), `pieces` the time-phased load it comes from
    (graph.load.Piece: load, capacity and away by date run; empty for no calendar read)."""

    person: Person
    skills: dict[str, PersonSkill]
    load: float
    pieces: tuple = ()


@dataclass(frozen=True)
class CandidateAsk:
    """One `candidates` read (its arguments), so many can be read at once (`candidates_many`)."""

    needs: tuple
    window: object
    include: tuple = ()
    departments: tuple = ()


@dataclass(frozen=True)
class CollaborationPair(_ToDict):
    """Two people (a < b) who worked on `times` projects together, last ending `last`."""

    a: str
    b: str
    times: int
    last: date | None
    mean_rating: float | None  # mean of ratings each gave the other; None when unrated


@dataclass(frozen=True)
class Holder(_ToDict):
    person: Person
    level: int
    evidence: str
    last_used: date | None


@dataclass(frozen=True)
class SkillNeighbourhood(_ToDict):
    skill: Skill
    broader: Skill | None
    narrower: list[Skill]
    co_occurring: list[tuple[Skill, int]]  # skills held by the same people, with how many share both
    holders: list[Holder]  # active people only, highest level first
    supply: int  # active holders at level >= 3
    demand: int  # people asked for by proposed/active projects' needs

    def to_dict(self) -> dict:
        d = jsonable(self)
        d["co_occurring"] = [{"skill": jsonable(s), "count": n} for s, n in self.co_occurring]
        return d


@dataclass(frozen=True)
class SkillUse(_ToDict):
    """A skill of the offered vocabulary: how many active people hold it (any level) and how many
    proposed/active projects need it (both 0 for a broader skill kept only for browsing)."""

    skill: Skill
    holders: int
    needed_by: int


@dataclass(frozen=True)
class SkillRisk(_ToDict):
    skill: Skill
    holders: list[Holder]


@dataclass(frozen=True)
class EvidenceLink(_ToDict):
    """Why a person may know about something: they wrote a case, or worked on a project."""

    person: str
    kind: str  # "authored" | "member"
    target: str  # case id or project id
    role: str | None = None
    date: date | None = None


@dataclass
class PersonProfile(_ToDict):
    person: Person
    department: Department | None
    skills: list[PersonSkill]
    memberships: list[tuple[Membership, Project]]
    cases: list[Case]  # cases they wrote that the viewer may see
    expert_in: list[Expert]
    ratings: list[CollaborationRating] | None  # received; None unless the viewer is HR/admin
    load: float  # peak load in the window (time-phased: graph/load.py)
    window: Window = field(default=None)  # type: ignore[assignment]
    capacity_periods: list[dict] = field(default_factory=list)  # {start, end, capacity} overlapping the window
    away: list[dict] = field(default_factory=list)  # {start, end}: time off and holidays in the window (dates only)
    utilisation: float = 0.0  # peak (time-phased) load ÷ capacity in the window

    def to_dict(self) -> dict:
        d = jsonable(self)
        d["memberships"] = [{"membership": jsonable(m), "project": jsonable(p)} for m, p in self.memberships]
        return d


def fold(text: str) -> str:
    """The one normalisation for looking skills and people up by what a user typed: surrounding
    space stripped, case folded (so "Python ", "PYTHON" and "python" are the same key)."""
    return text.strip().casefold()


_gc_lock = threading.Lock()
_gc_pauses = [0, False]  # reads under way, whether the collector was on when the first began


@contextmanager
def gc_paused():
    """The cyclic garbage collector paused while a read builds its records (candidate reads build
    tens of thousands per request). Those records hold no reference cycles, so reference counting
    frees them; but the collector would walk the young objects every 700 allocations, and now and
    then the whole heap: 40 % of a 10k-person candidate read, measured. Concurrent and nested reads
    are counted: the collector comes back when the last one ends, and only if it was on before."""
    with _gc_lock:
        if _gc_pauses[0] == 0:
            _gc_pauses[1] = gc.isenabled()
            gc.disable()
        _gc_pauses[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses[0] -= 1
            if _gc_pauses[0] == 0 and _gc_pauses[1]:
                gc.enable()
