"""What-if scenarios: a named list of changes to the organisation, read, validated and turned into
the one ChangeSet that would make them real.

A scenario file (YAML or JSON, like a request file):

    name: Delay the ground-station upgrade, hire a data engineer
    changes:
      - delay: {project: Ground station upgrade, weeks: 6}
      - hire: {name: Planned data engineer, department: Software, start: 2027-01-04,
               skills: {Python: 4, SQL: 3}, capacity: 1.0, cost_rate: 95}
      - remove: {person: Ana Lima, from: 2027-02-01}
      - reassign: {person: Bo Chen, from_project: prj-010, to_project: prj-020, date: 2027-01-15}
      - allocation: {person: Bo Chen, project: prj-010, allocation: 0.3, from: 2027-01-01}

Three steps, each complete before the next, every problem reported at once:
- `parse_scenario` checks the structure (errors name file, line and field: `changes[2].hire.skills.Python`);
- `resolve` turns names into ids with the product's lookups (people: `Teamgraph.person_named`; skills:
  `resolve_skill`, "did you mean" from teamgraph.vocabulary; projects and departments by id or name);
- `teamgraph.scenario_plan.plan` reads the store and builds the ChangeSet (the write path ingest uses)
  plus the bookings the changes move; teamgraph/scenario_run.py runs the engine on an overlay with the
  plan applied, or applies it.

What each change means (all dates inclusive):
- delay: the project, its memberships (every phase) and its bookings move N weeks later;
- hire: a new active person with skills (self-declared), capacity and cost rate; before `start` their
  capacity is 0 (a capacity period), so no team overlapping that time can include them;
- remove: the person leaves on `from`: memberships end the day before (those starting later go), their
  capacity is 0 from that day; bookings starting on or after it release them;
- reassign: the person's membership of `from_project` ends the day before `date` (whole, without a date)
  and the rest of it — same role, allocation unless given — continues on `to_project`;
- allocation: the membership's FTE becomes `allocation` (from `from` on, else throughout).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from teamgraph import limits
from teamgraph.errors import ErrorReport, FieldProblem, ValidationError
from teamgraph.graph.reads import fold
from teamgraph.matching import request_fields as rf
from teamgraph.matching.request_fields import closest, parse_date, parse_int, parse_number, parse_text

SCENARIO_KEYS = ("name", "description", "changes")
CHANGE_FIELDS: dict[str, tuple[str, ...]] = {
    "delay": ("project", "weeks"),
    "hire": ("name", "id", "department", "skills", "start", "capacity", "cost_rate", "title", "location",
             "languages"),
    "remove": ("person", "from"),
    "reassign": ("person", "from_project", "to_project", "date", "allocation", "role"),
    "allocation": ("person", "project", "allocation", "from", "role"),
}
REQUIRED = {"delay": ("project", "weeks"), "hire": ("name", "department"), "remove": ("person", "from"),
            "reassign": ("person", "from_project", "to_project"), "allocation": ("person", "project", "allocation")}
MAX_CHANGES = 200
DELAY_WEEKS = (-104, 104)  # negative: bring forward
CAPACITY = (0.0, 1.0)
COST_RATE = (0, 100_000)
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Change:
    """One change: `kind` (a CHANGE_FIELDS key), its parsed `values` (names as written until
    resolved, then ids), the field path of its entry (`changes[3]`) and the line it starts on."""

    kind: str
    values: Mapping
    at: str
    line: int | None = None
    labels: Mapping = field(default_factory=dict)  # id -> name for what resolution found

    def words(self) -> str:
        v, name = self.values, (lambda k: self.labels.get(v.get(k), v.get(k)))
        if self.kind == "delay":
            w = v["weeks"]
            return f"{name('project')} {'later' if w > 0 else 'earlier'} by {abs(w)} week(s)"
        if self.kind == "hire":
            start = f" from {v['start'].isoformat()}" if v.get("start") else ""
            skills = ", ".join(f"{self.labels.get(s, s)} {lvl}" for s, lvl in v["skills"])
            return f"hire {v['name']} ({name('department')}){start}" + (f": {skills}" if skills else "")
        if self.kind == "remove":
            return f"{name('person')} leaves on {v['from'].isoformat()}"
        if self.kind == "reassign":
            when = f" from {v['date'].isoformat()}" if v.get("date") else ""
            return f"{name('person')} moves from {name('from_project')} to {name('to_project')}{when}"
        when = f" from {v['from'].isoformat()}" if v.get("from") else ""
        return f"{name('person')} on {name('project')} at {v['allocation']:.0%}{when}"


@dataclass(frozen=True)
class Scenario:
    name: str
    changes: tuple[Change, ...]
    description: str = ""
    source: str = "scenario"
    resolved: bool = False

    def problem(self, message: str, change: Change | None = None, fld: str = "", lines=None) -> FieldProblem:
        path = f"{change.at}.{change.kind}.{fld}".rstrip(".") if change else fld
        line = (lines or {}).get(path, change.line if change else None)
        return FieldProblem(message, None if self.source in ("scenario", "") else self.source, line, path)

    def to_dict(self) -> dict:
        def plain(k, v):
            if k == "skills":
                return [{"skill": s, "level": level} for s, level in v]
            return v.isoformat() if isinstance(v, date) else list(v) if isinstance(v, tuple) else v
        # labels: the names of the ids a resolved change holds, so an editor can show names, not ids
        return {"name": self.name, "description": self.description,
                "changes": [{c.kind: {k: plain(k, x) for k, x in c.values.items() if x is not None}, "words": c.words(),
                             "labels": dict(c.labels)} for c in self.changes]}


# --- 1. structure ------------------------------------------------------------------------------

def parse_scenario(data, source: str = "scenario", lines: Mapping[str, int] | None = None) -> Scenario:
    """Validate a scenario body (from YAML/JSON or an API body) into a Scenario; names stay as written."""
    lines = lines or {}
    report = ErrorReport()
    file = None if source == "scenario" else source

    def add(message: str, fld: str) -> None:
        report.add(message, file=file, line=lines.get(fld), field=fld)

    if not isinstance(data, Mapping):
        add("a scenario is a mapping with name and changes", "")
        report.raise_if_any(f"invalid scenario in {source}")
    for key in data:
        if key not in SCENARIO_KEYS:
            near = closest(str(key), SCENARIO_KEYS, 1)
            add("unknown field" + (f"; did you mean {near[0]!r}?" if near else f"; use {', '.join(SCENARIO_KEYS)}"),
                str(key))
    name = description = ""
    for key, limit in (("name", limits.MAX_NAME_CHARS), ("description", limits.MAX_BRIEF_CHARS)):
        if data.get(key) is not None:
            try:
                text = parse_text(data[key], limit)
            except ValueError as e:
                add(str(e), key)
            else:
                name, description = (text, description) if key == "name" else (name, text)
    if not name:
        add("required: a name for the scenario", "name")
    raw = data.get("changes")
    if not isinstance(raw, list) or not raw:
        add(f"required: a list of changes, each one of {', '.join(CHANGE_FIELDS)}", "changes")
        raw = []
    elif len(raw) > MAX_CHANGES:
        add(f"at most {MAX_CHANGES} changes, not {len(raw)}", "changes")
        raw = []
    changes = []
    for i, entry in enumerate(raw):
        at = f"changes[{i}]"
        if not isinstance(entry, Mapping) or len(entry) != 1:
            add(f"one change per entry: a mapping with one key, one of {', '.join(CHANGE_FIELDS)}", at)
            continue
        kind, body = next(iter(entry.items()))
        if kind not in CHANGE_FIELDS:
            near = closest(str(kind), CHANGE_FIELDS, 1)
            add(f"unknown change {kind!r}" + (f"; did you mean {near[0]!r}?" if near else
                                              f"; one of {', '.join(CHANGE_FIELDS)}"), f"{at}.{kind}")
            continue
        where = f"{at}.{kind}"
        if not isinstance(body, Mapping):
            add(f"a mapping of {', '.join(CHANGE_FIELDS[kind])}", where)
            continue
        values = _change_values(kind, body, where, add)
        if values is not None:
            changes.append(Change(kind, values, at, lines.get(at)))
    report.raise_if_any(f"invalid scenario in {source}; nothing was changed")
    return Scenario(name, tuple(changes), description, source)


def _change_values(kind: str, body: Mapping, where: str, add) -> dict | None:
    ok = True
    for key in body:
        if key not in CHANGE_FIELDS[kind]:
            near = closest(str(key), CHANGE_FIELDS[kind], 1)
            add("unknown field" + (f"; did you mean {near[0]!r}?" if near else
                                   f"; use {', '.join(CHANGE_FIELDS[kind])}"), f"{where}.{key}")
            ok = False
    for key in REQUIRED[kind]:
        if body.get(key) is None:
            add("required", f"{where}.{key}")
            ok = False
    parsers = {"weeks": lambda v: parse_int(v, *DELAY_WEEKS), "from": parse_date, "date": parse_date,
               "start": parse_date, "allocation": lambda v: parse_number(v, *rf.ALLOCATION),
               "capacity": lambda v: parse_number(v, *CAPACITY), "cost_rate": lambda v: parse_number(v, *COST_RATE),
               "skills": _skills, "languages": _names}
    values: dict = {}
    for key in CHANGE_FIELDS[kind]:
        if body.get(key) is None:
            values[key] = None
            continue
        try:
            values[key] = parsers.get(key, parse_text)(body[key])
        except ValueError as e:
            add(str(e), f"{where}.{key}")
            ok = False
    if kind == "delay" and values.get("weeks") == 0:
        add("a delay of 0 weeks changes nothing", f"{where}.weeks")
        ok = False
    if kind == "reassign" and values.get("from_project") and values["from_project"] == values.get("to_project"):
        add("moves to the project it is already on", f"{where}.to_project")
        ok = False
    if kind == "hire" and values.get("id") and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", values["id"]):
        add("an id is 1-64 letters, digits, '.', '_' or '-'", f"{where}.id")
        ok = False
    if kind == "hire":
        values["skills"] = values.get("skills") or ()
    return values if ok else None


def _skills(v) -> tuple[tuple[str, int], ...]:
    """{skill: level} or [{skill, level}] (names, ids or aliases) → ((name, level), …)."""
    if isinstance(v, Mapping):
        items = list(v.items())
    elif isinstance(v, list):
        items = []
        for s in v:
            if not isinstance(s, Mapping) or "skill" not in s:
                raise ValueError("a mapping {skill: level} or a list of {skill, level}")
            items.append((s["skill"], s.get("level", 3)))
    else:
        raise ValueError("a mapping {skill: level} or a list of {skill, level}")
    if len(items) > limits.MAX_REQUIREMENTS:
        raise ValueError(f"at most {limits.MAX_REQUIREMENTS} skills, not {len(items)}")
    out = []
    for name, level in items:
        try:
            out.append((parse_text(name), parse_int(level, *rf.LEVEL)))
        except ValueError as e:
            raise ValueError(f"{name}: {e}") from None
    return tuple(out)


def _names(v) -> tuple[str, ...]:
    return rf.parse_names(v)


def load_scenario(path) -> Scenario:
    """A scenario file (.yaml/.yml or .json), validated; errors name file, line and field."""
    data, lines, source = rf.read_file(path)
    return parse_scenario(data, source, lines)


# --- 2. names → ids ----------------------------------------------------------------------------

def resolve(scenario: Scenario, tg) -> Scenario:
    """Every person, project, department and skill the scenario names, as ids (an id, a name, an alias
    for skills; "did you mean" for the rest). One ValidationError with every unknown name."""
    if scenario.resolved:
        return scenario
    problems: list[FieldProblem] = []
    out = []
    file = scenario.problem("").file
    for c in scenario.changes:
        values, labels = dict(c.values), {}

        def found(e: ValidationError, c: Change = c) -> None:
            problems.extend(replace(p, file=file, line=c.line) for p in e.problems)

        for key, kind in (("person", "person"), ("project", "project"), ("from_project", "project"),
                          ("to_project", "project"), ("department", "department")):
            if values.get(key) is None:
                continue
            fld = f"{c.at}.{c.kind}.{key}"
            lookup = {"person": tg.person_named, "project": lambda t, f: _project_named(tg, t, f),
                      "department": lambda t, f: department_named(tg, t, f)}[kind]
            try:
                record = lookup(values[key], fld)
            except ValidationError as e:
                found(e)
                continue
            values[key] = record.id
            labels[record.id] = record.name
        if c.kind == "hire":
            skills = []
            for name, level in values["skills"]:
                try:
                    s = tg.resolve_skill(name, f"{c.at}.hire.skills.{name}")
                except ValidationError as e:
                    found(e)
                    continue
                skills.append((s.id, level))
                labels[s.id] = s.name
            values["skills"] = tuple(skills)
            values["id"] = values.get("id") or "hire-" + (_SLUG.sub("-", fold(values["name"])).strip("-") or "person")
            if tg.store.get("person", values["id"]) is not None:
                problems.append(scenario.problem(f"a person {values['id']!r} exists already; give the hire "
                                                 "another id", c, "id"))
        out.append(replace(c, values=values, labels=labels))
    if problems:
        raise ValidationError(problems, f"unknown names in {scenario.source}; nothing was changed")
    return replace(scenario, changes=tuple(out), resolved=True)


def _project_named(tg, text: str, fld: str):
    """The project `text` means: an id, else the one project whose name (or id) contains it."""
    store = tg.store
    hit = store.get("project", text.strip())
    if hit is not None:
        return hit
    total, page = store.project_index(text, limit=5)
    same = [p for p in page if fold(p.name) == fold(text)]
    if total == 1 or len(same) == 1:
        return (same or page)[0]
    if total:
        near = page
        message = f"several projects match {text!r}; pick one"
    else:
        projects = {p.name: p for p in store.projects()}
        near = [projects[n] for n in closest(text, projects, 3)]
        message = f"no project called {text!r}" + (f"; did you mean {' or '.join(p.name for p in near)}?"
                                                    if near else "")
    raise ValidationError(FieldProblem(message, field=fld, suggestions=tuple((p.id, p.name) for p in near[:3])))


def department_named(tg, text: str, fld: str):
    """The department `text` means (its id, or its name in any case), else a ValidationError on
    `fld` with "did you mean" (also `teamgraph capacity --department`)."""
    departments = tg.departments()
    for d in departments:
        if d.id == text.strip() or fold(d.name) == fold(text):
            return d
    names = {d.name: d for d in departments}
    near = [names[n] for n in closest(text, names, 3)]
    raise ValidationError(FieldProblem(f"no department called {text!r}" + (
        f"; did you mean {' or '.join(d.name for d in near)}?" if near else ""), field=fld,
        suggestions=tuple((d.id, d.name) for d in near)))
