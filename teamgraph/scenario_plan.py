"""A resolved what-if scenario (teamgraph/scenarios.py) as the ChangeSet that would make it real, and
the bookings it moves: read from the store, written nowhere. The same ChangeSet is applied to the
overlay (teamgraph/scenario_run.py) and, on apply, to the real store — so what was shown is what is
written. Changes apply in order: a later change sees what the earlier ones did."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from teamgraph import limits
from teamgraph.errors import ValidationError
from teamgraph.graph.model import CapacityPeriod, ChangeSet, Membership, Person, PersonSkill, Phase, phased
from teamgraph.scenarios import Change, Scenario

BEFORE_TIME = date(limits.MIN_YEAR, 1, 1)  # a hire's zero-capacity period starts here


@dataclass
class Plan:
    changes: ChangeSet
    added: list[Person] = field(default_factory=list)  # planned hires
    removed: list[tuple[Person, date]] = field(default_factory=list)  # leavers and the day they go
    shift_bookings: dict[str, int] = field(default_factory=dict)  # project id -> days later
    leave_bookings: dict[str, date] = field(default_factory=dict)  # person id -> leaves on
    delayed: dict[str, int] = field(default_factory=dict)  # project id -> days later (requests naming it)


def _shift(d: date | None, days: int) -> date | None:
    return None if d is None else d + timedelta(days=days)


def _before(m: Membership, day: date) -> Membership | None:
    """The part of `m` before `day` (None: nothing of it is)."""
    pieces = [Phase(p.start, min(p.end, day - timedelta(days=1)) if p.end else day - timedelta(days=1), p.allocation)
              for p in m.pieces() if p.start is None or p.start < day]
    if not pieces:
        return None
    if not m.phases:
        return replace(m, end=pieces[0].end)
    return phased(m.person, m.project, pieces, m.role)


def _piece_at(m: Membership, day: date | None) -> float:
    for p in m.pieces():
        if day is None or ((p.start is None or p.start <= day) and (p.end is None or day <= p.end)):
            return p.allocation
    return m.allocation


def _one(c: Change, scenario: Scenario, ms: list[Membership], project_name: str, role: str | None) -> Membership:
    person = c.labels.get(c.values["person"], c.values["person"])
    if role is not None:
        ms = [m for m in ms if m.role == role]
    if len(ms) == 1:
        return ms[0]
    if not ms:
        raise ValidationError(scenario.problem(f"{person} is not on {project_name}" +
                                               (f" as {role}" if role else ""), c, "person"))
    raise ValidationError(scenario.problem(f"{person} is on {project_name} as "
                                           f"{', '.join(m.role for m in ms)}; say which with role", c, "role"))


def _within_capacity(c: Change, scenario: Scenario, store, fte: float) -> None:
    """Ingest's rule for a membership (ingest/validate.py): its FTE is at most the most the person can
    ever give — their capacity or a higher capacity period."""
    person = store.get("person", c.values["person"])
    calendar = store.calendars([person.id]).get(person.id)
    most = max([person.capacity] + [p.capacity for p in (calendar.periods if calendar else ())])
    if fte > most + 1e-9:
        raise ValidationError(scenario.problem(f"{person.name} can give at most {most:g} FTE, not {fte:g}", c,
                                               "allocation"))


def plan(scenario: Scenario, store) -> Plan:
    """The ChangeSet that makes `scenario` real on `store` (read, not written), changes in order:
    a later change sees what the earlier ones did (a membership moved, then re-allocated)."""
    if not scenario.resolved:
        raise ValueError("resolve the scenario first")
    out = Plan(ChangeSet())
    current: dict[tuple, Membership | None] = {}  # key -> the membership after the changes so far

    def memberships(person: str | None = None, project: str | None = None) -> list[Membership]:
        found = store.memberships_of([person]) if person else store.project_members(project)
        for m in found:
            current.setdefault(m.key, m)
        return [m for m in current.values() if m is not None and (person is None or m.person == person)
                and (project is None or m.project == project)]

    def put(old: Membership | None, new: Membership | None) -> None:
        if old is not None and (new is None or new.key != old.key):
            current[old.key] = None
        if new is not None:
            current[new.key] = new

    projects: dict[str, object] = {}
    for c in scenario.changes:
        v = c.values
        if c.kind == "delay":
            days = 7 * v["weeks"]
            p = projects.get(v["project"]) or store.get("project", v["project"])
            projects[p.id] = replace(p, start=_shift(p.start, days), end=_shift(p.end, days))
            for m in memberships(project=p.id):
                put(m, replace(m, start=_shift(m.start, days), end=_shift(m.end, days),
                               phases=tuple(Phase(_shift(x.start, days), _shift(x.end, days), x.allocation)
                                            for x in m.phases)))
            out.shift_bookings[p.id] = out.shift_bookings.get(p.id, 0) + days
            out.delayed[p.id] = out.delayed.get(p.id, 0) + days
        elif c.kind == "hire":
            # no e-mail yet: a placeholder on the reserved .invalid domain, unique by id
            person = Person(v["id"], v["name"], f"{v['id']}@planned-hire.invalid", v["department"],
                            v.get("title") or "planned hire", v.get("location") or "", "",
                            1.0 if v.get("capacity") is None else v["capacity"], v.get("cost_rate") or 0.0,
                            tuple(v.get("languages") or ()))
            out.changes.add(person, *(PersonSkill(person.id, s, level, "self-declared") for s, level in v["skills"]))
            if v.get("start"):
                out.changes.add(CapacityPeriod(person.id, BEFORE_TIME, v["start"] - timedelta(days=1), 0.0))
            out.added.append(person)
        elif c.kind == "remove":
            day = v["from"]
            for m in memberships(person=v["person"]):
                put(m, _before(m, day))
            for cp in store_periods(store, v["person"]):
                if cp.start >= day:
                    out.changes.delete("capacity_period", (cp.person, cp.start))
                elif cp.end is None or cp.end >= day:
                    out.changes.add(replace(cp, end=day - timedelta(days=1)))
            out.changes.add(CapacityPeriod(v["person"], day, None, 0.0))
            out.removed.append((store.get("person", v["person"]), day))
            out.leave_bookings[v["person"]] = day
        elif c.kind == "reassign":
            src = _one(c, scenario, [m for m in memberships(person=v["person"]) if m.project == v["from_project"]],
                       c.labels.get(v["from_project"], v["from_project"]), v.get("role"))
            day = v.get("date")
            rest_start = max(day, src.start) if day and src.start else day or src.start
            if src.end is not None and rest_start is not None and rest_start > src.end:
                raise ValidationError(scenario.problem(f"the membership ends on {src.end.isoformat()}, before "
                                                       f"{rest_start.isoformat()}: nothing left to move", c, "date"))
            moved = Membership(src.person, v["to_project"], src.role,
                               v.get("allocation") or _piece_at(src, rest_start), rest_start, src.end)
            if current.get(moved.key) is not None or store.get("membership", moved.key) is not None:
                raise ValidationError(scenario.problem(
                    f"{c.labels.get(src.person, src.person)} is on {c.labels.get(v['to_project'])} as {src.role} "
                    "already; change that membership's allocation instead", c, "to_project"))
            put(src, _before(src, day) if day else None)
            put(None, moved)
            _within_capacity(c, scenario, store, moved.allocation)
        else:  # allocation
            _within_capacity(c, scenario, store, v["allocation"])
            m = _one(c, scenario, [x for x in memberships(person=v["person"]) if x.project == v["project"]],
                     c.labels.get(v["project"], v["project"]), v.get("role"))
            day = v.get("from")
            if day is not None and m.end is not None and day > m.end:
                raise ValidationError(scenario.problem(f"the membership ends on {m.end.isoformat()}, before "
                                                       f"{day.isoformat()}: nothing to change", c, "from"))
            if day is None or (m.start is not None and day <= m.start):
                put(m, replace(m, allocation=v["allocation"], phases=()))
            else:
                head = _before(m, day)
                tail = Phase(day, m.end, v["allocation"])
                put(m, phased(m.person, m.project, (*head.pieces(), tail), m.role))
    out.changes.add(*projects.values())
    originals = {}
    for key, m in current.items():
        originals.setdefault(key, store.get("membership", key))
        if m is None:
            if originals[key] is not None:
                out.changes.delete("membership", key)
        elif m != originals[key]:
            out.changes.add(m)
    return out


def store_periods(store, person: str) -> tuple:
    """The person's capacity periods (their calendar, one store read)."""
    calendar = store.calendars([person]).get(person)
    return calendar.periods if calendar else ()
