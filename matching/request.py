"""Team requests and portfolios: parsing, validation and skill-name resolution.

A request is validated once, here, at the boundary; past it the engine trusts the types. Every
problem found is reported at once (ValidationError with FieldProblems naming the request field,
and the file and line when the request came from a YAML/JSON file).

Skills may be written as ids, names or aliases (Chinese aliases included). Structure is checked
by `parse_request`; names are resolved against the store's skills by `resolve_skills` (the engine
calls it), or straight away when `parse_request(..., skills=store.all("skill"))` is given them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from teamgraph.graph.model import Skill, Window
from teamgraph import limits
from teamgraph.errors import ErrorReport, FieldProblem, ValidationError
from teamgraph.matching import request_fields as rf
from teamgraph.matching.request_fields import (
    FieldParser, closest, parse_date, parse_int, parse_names, parse_number, parse_text, read_file,
)

REQUEST_KEYS = ("name", "brief", "project", "window", "allocation", "size", "requirements",
                "departments", "budget", "include", "exclude", "preferences", "max_away")
DEFAULT_ALLOCATION = 0.5
DEFAULT_MAX_AWAY = 0.5  # away more than half the window: not a candidate (matching.problem.too_much_away)


@dataclass(frozen=True)
class Requirement:
    """`count` people with `skill` at `level` or above. `allocation`, when given (larger or smaller
    than the request's), is what the people filling this requirement give; a member takes the
    largest of their roles, and a member without a role the request's allocation."""

    skill: str
    level: int = 3
    count: int = 1
    allocation: float | None = None
    label: str = ""  # what the sponsor wrote, for messages

    def to_dict(self) -> dict:
        return {"skill": self.skill, "level": self.level, "count": self.count,
                "allocation": self.allocation, "label": self.label or self.skill}


@dataclass(frozen=True)
class TeamRequest:
    """A sponsor's team request. `requirements` hold skill ids once `resolved` is True."""

    window: Window
    requirements: tuple[Requirement, ...]
    name: str = ""
    brief: str = ""
    project: str | None = None
    allocation: float = DEFAULT_ALLOCATION
    size_min: int = 1
    size_max: int = 8
    required_departments: tuple[str, ...] = ()
    department_caps: Mapping[str, int] = field(default_factory=dict, hash=False)
    max_per_department: int | None = None
    budget: float | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    max_away: float = DEFAULT_MAX_AWAY  # share of the window a candidate may be away
    source: str = "request"
    resolved: bool = False
    lines: Mapping[str, int] = field(default_factory=dict, hash=False, compare=False, repr=False)

    def alloc_of(self, r: Requirement) -> float:
        return r.allocation if r.allocation is not None else self.allocation

    def cap_of(self, department: str) -> int | None:
        """The cap on members from `department` (the tighter of the specific and the general cap)."""
        caps = [c for c in (self.department_caps.get(department), self.max_per_department) if c is not None]
        return min(caps) if caps else None

    def problem(self, message: str, fld: str) -> FieldProblem:
        return FieldProblem(message, self.source, self.lines.get(fld), fld)

    def to_dict(self) -> dict:
        return {
            "name": self.name, "brief": self.brief, "project": self.project,
            "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
            "allocation": self.allocation, "size": {"min": self.size_min, "max": self.size_max},
            "requirements": [r.to_dict() for r in self.requirements],
            "departments": {"required": list(self.required_departments),
                            "caps": dict(self.department_caps),
                            "max_per_department": self.max_per_department},
            "budget": self.budget, "include": list(self.include), "exclude": list(self.exclude),
            "preferences": {"locations": list(self.locations), "languages": list(self.languages)},
            "max_away": self.max_away,
        }


@dataclass(frozen=True)
class Portfolio:
    """Many requests staffed at once from one pool."""

    requests: tuple[TeamRequest, ...]
    name: str = ""
    max_load: float | None = None
    source: str = "portfolio"

    def to_dict(self) -> dict:
        return {"name": self.name, "max_load": self.max_load,
                "requests": [r.to_dict() for r in self.requests]}


def parse_request(data: Mapping, source: str = "request", *, skills: Iterable[Skill] | None = None,
                  lines: Mapping[str, int] | None = None, _prefix: str = "") -> TeamRequest:
    """Validate a request body (a dict from YAML/JSON or the web form) into a TeamRequest.

    Raises ValidationError listing every problem, each naming its field (e.g.
    `requirements[2].level`) and, for files, the line. With `skills`, skill names are resolved too.
    """
    p = FieldParser(source, lines or {}, _prefix)
    if not isinstance(data, Mapping):
        p.add("a request must be a mapping of fields", "")
        p.report.raise_if_any(f"invalid team request in {source}")
    for key in data:
        if key not in REQUEST_KEYS:
            near = closest(str(key), REQUEST_KEYS, 1)
            p.add("unknown field" + (f"; did you mean {near[0]!r}?" if near else
                                     f"; known fields: {', '.join(REQUEST_KEYS)}"), str(key))
    name = p.get(data, "name", parse_text, "")
    brief = p.get(data, "brief", lambda v: parse_text(v, limits.MAX_BRIEF_CHARS), "")
    project = p.get(data, "project", lambda v: parse_text(v) or None)
    allocation = p.get(data, "allocation", lambda v: parse_number(v, *rf.ALLOCATION), DEFAULT_ALLOCATION)

    window = None
    w = data.get("window")
    if not isinstance(w, Mapping):
        p.add("required: a mapping with start and end dates (YYYY-MM-DD)", "window")
    else:
        start = p.get(w, "start", parse_date, fld="window.start")
        end = p.get(w, "end", parse_date, fld="window.end")
        for k, v in (("start", start), ("end", end)):
            if v is None and k not in w:
                p.add("required", f"window.{k}")
        if start and end:
            if end < start:
                p.add(f"ends before it starts ({end} < {start})", "window.end")
            elif limits.window_problem(start, end):
                p.add(limits.window_problem(start, end), "window.end")
            else:
                window = Window(start, end)

    size_min, size_max = 1, 8
    s = data.get("size")
    if isinstance(s, Mapping):
        size_min = p.get(s, "min", lambda v: parse_int(v, *rf.SIZE), 1, "size.min")
        size_max = p.get(s, "max", lambda v: parse_int(v, *rf.SIZE), max(8, size_min), "size.max")
    elif isinstance(s, (list, tuple)) and len(s) == 2:
        size_min = p.get({"m": s[0]}, "m", lambda v: parse_int(v, *rf.SIZE), 1, "size")
        size_max = p.get({"m": s[1]}, "m", lambda v: parse_int(v, *rf.SIZE), 8, "size")
    elif s is not None:
        try:
            size_min = size_max = parse_int(s, *rf.SIZE)
        except ValueError as e:
            p.add(f"{e}; or give {{min: N, max: M}}", "size")
    if size_min > size_max:
        p.add(f"min ({size_min}) is larger than max ({size_max})", "size")

    reqs: list[Requirement] = []
    raw = data.get("requirements")
    if not isinstance(raw, list) or not raw:
        p.add("required: a non-empty list of {skill, level, count}", "requirements")
        raw = []
    elif len(raw) > limits.MAX_REQUIREMENTS:
        p.add(f"at most {limits.MAX_REQUIREMENTS} requirements, not {len(raw)}", "requirements")
        raw = []
    for i, r in enumerate(raw):
        f = f"requirements[{i}]"
        if isinstance(r, str):
            r = {"skill": r}
        if not isinstance(r, Mapping):
            p.add("must be a mapping like {skill: python, level: 3, count: 1}", f)
            continue
        for key in r:
            if key not in rf.REQUIREMENT_KEYS:
                p.add("unknown field (use skill, level, count, allocation)", f"{f}.{key}")
        skill = str(r.get("skill") or "").strip()
        if len(skill) > limits.MAX_NAME_CHARS:
            p.add(limits.text_problem(skill, limits.MAX_NAME_CHARS), f"{f}.skill")
        elif not skill:
            p.add("required: a skill id, name or alias", f"{f}.skill")
        level = p.get(r, "level", lambda v: parse_int(v, *rf.LEVEL), 3, f"{f}.level")
        count = p.get(r, "count", lambda v: parse_int(v, *rf.COUNT), 1, f"{f}.count")
        alloc = p.get(r, "allocation", lambda v: parse_number(v, *rf.ALLOCATION), None, f"{f}.allocation")
        reqs.append(Requirement(skill, level, count, alloc, skill))
    if reqs and max(r.count for r in reqs) > size_max:
        p.add(f"a requirement asks for more people than the team size allows ({size_max})", "size")

    deps = data.get("departments") or {}
    required, caps, max_per = (), {}, None
    if isinstance(deps, (list, tuple)):
        deps = {"required": deps}
    if not isinstance(deps, Mapping):
        p.add("must be a mapping {required: [...], caps: {dept: n}, max_per_department: n}", "departments")
        deps = {}
    required = p.get(deps, "required", parse_names, (), "departments.required")
    max_per = p.get(deps, "max_per_department", lambda v: parse_int(v, *rf.SIZE), None,
                    "departments.max_per_department")
    raw_caps = deps.get("caps") or {}
    if not isinstance(raw_caps, Mapping):
        p.add("must be a mapping {department: max members}", "departments.caps")
        raw_caps = {}
    if len(raw_caps) > limits.MAX_NAMES:
        p.add(f"at most {limits.MAX_NAMES} departments, not {len(raw_caps)}", "departments.caps")
        raw_caps = {}
    for d in raw_caps:
        n = p.get(raw_caps, d, lambda v: parse_int(v, *rf.DEPARTMENT_CAP), None, f"departments.caps.{d}")
        if n is not None:
            caps[str(d)] = n
    for d in required:
        if caps.get(d) == 0:
            p.add(f"department {d!r} is both required and capped at 0", f"departments.caps.{d}")
    if len(required) > size_max:
        p.add(f"{len(required)} required departments cannot fit a team of at most {size_max}",
              "departments.required")

    budget = p.get(data, "budget", lambda v: parse_number(v, *rf.BUDGET), None)
    include = p.get(data, "include", parse_names, ())
    exclude = p.get(data, "exclude", parse_names, ())
    for person in set(include) & set(exclude):
        p.add(f"{person!r} is both included and excluded", "exclude")
    if len(include) > size_max:
        p.add(f"{len(include)} people included but the team has at most {size_max}", "include")
    prefs = data.get("preferences") or {}
    if not isinstance(prefs, Mapping):
        p.add("must be a mapping {locations: [...], languages: [...]}", "preferences")
        prefs = {}
    locations = p.get(prefs, "locations", parse_names, (), "preferences.locations")
    languages = p.get(prefs, "languages", parse_names, (), "preferences.languages")
    max_away = p.get(data, "max_away", lambda v: parse_number(v, *rf.MAX_AWAY), DEFAULT_MAX_AWAY)

    p.report.raise_if_any(f"invalid team request in {source}")
    req = TeamRequest(window=window, requirements=tuple(reqs), name=name, brief=brief, project=project,
                      allocation=allocation, size_min=size_min, size_max=size_max,
                      required_departments=tuple(required), department_caps=caps,
                      max_per_department=max_per, budget=budget, include=tuple(include),
                      exclude=tuple(exclude), locations=tuple(locations), languages=tuple(languages),
                      max_away=max_away, source=source, lines=dict(lines or {}))
    return resolve_skills(req, skills, _prefix) if skills is not None else req


def resolve_skills(request: TeamRequest, skills: Iterable[Skill], _prefix: str = "",
                   suggest: Callable[[str], list[Skill]] | None = None) -> TeamRequest:
    """Map each requirement's skill (id, name or alias, any case) to a skill id.

    Unknown names raise ValidationError with "did you mean" suggestions: `suggest(name)` (the
    engine's one rule, teamgraph.vocabulary) when given, else the closest of `skills` by id,
    name or alias. Two requirements on the same skill are merged only if identical; otherwise
    it is an error, because "python ≥ 3 × 2" and "python ≥ 5 × 1" mean different things and both are kept.
    """
    if request.resolved:
        return request
    skills = list(skills)
    index: dict[str, str] = {}
    labels: dict[str, Skill] = {}
    by_id = {s.id: s for s in skills}
    for s in skills:
        for key in (s.id, s.name, *s.aliases):
            index.setdefault(key.strip().casefold(), s.id)
            labels.setdefault(key, s)
    report = ErrorReport()
    out = []
    for i, r in enumerate(request.requirements):
        sid = index.get(r.skill.strip().casefold())
        if sid is None:
            if suggest is not None:
                near = list(suggest(r.skill))
            else:
                near = list({labels[n].id: labels[n] for n in closest(r.skill, labels, 10)}.values())
            fld = f"{_prefix}requirements[{i}].skill"
            report.add(f"no skill called {r.skill!r}" + (f"; did you mean {' or '.join(s.name for s in near[:3])}?"
                                                         if near else ""),
                       file=request.source, line=request.lines.get(fld), field=fld,
                       suggestions=tuple((s.id, s.name) for s in near[:3]))
            continue
        # The label people read: the sponsor's own words, but the skill's name for a bare id (a slug).
        typed_id = r.skill.strip().casefold() == sid.casefold()
        label = r.label if r.label and r.label != r.skill else by_id[sid].name if typed_id else r.skill
        out.append(replace(r, skill=sid, label=label))
    report.raise_if_any(f"unknown skills in {request.source}")
    return replace(request, requirements=tuple(out), resolved=True)


def load_request(path: str | Path, skills: Iterable[Skill] | None = None) -> TeamRequest:
    """Read and validate a request file (.yaml/.yml or .json)."""
    data, lines, source = read_file(path)
    return parse_request(data, source, skills=skills, lines=lines)


def parse_portfolio(data: Mapping, source: str = "portfolio", *, skills: Iterable[Skill] | None = None,
                    lines: Mapping[str, int] | None = None, base: Path | None = None) -> Portfolio:
    """Validate `{name, max_load, requests: [request | {file: path}, …]}`; every problem at once."""
    report = ErrorReport()
    lines = lines or {}
    if not isinstance(data, Mapping) or not isinstance(data.get("requests"), list) or not data["requests"]:
        raise ValidationError(FieldProblem("required: a non-empty list of requests", source,
                                           lines.get("requests"), "requests"))
    for key in data:
        if key not in rf.PORTFOLIO_KEYS:
            report.add("unknown field (use name, max_load, requests)", file=source,
                       line=lines.get(str(key)), field=str(key))
    max_load = None
    if data.get("max_load") is not None:
        try:
            max_load = parse_number(data["max_load"], *rf.MAX_LOAD)
        except ValueError as e:
            report.add(str(e), file=source, line=lines.get("max_load"), field="max_load")
    requests = []
    skills = list(skills) if skills is not None else None
    if len(data["requests"]) > limits.MAX_PORTFOLIO_REQUESTS:
        raise ValidationError(FieldProblem(f"at most {limits.MAX_PORTFOLIO_REQUESTS} requests, not "
                                           f"{len(data['requests'])}", source, lines.get("requests"), "requests"))
    for i, r in enumerate(data["requests"]):
        prefix = f"requests[{i}]."
        try:
            if isinstance(r, Mapping) and set(r) == {"file"}:
                sub = Path(r["file"]) if base is None else base / r["file"]
                requests.append(load_request(sub, skills))
            else:
                requests.append(parse_request(r, source, skills=skills, lines=lines, _prefix=prefix))
        except ValidationError as e:
            report.problems.extend(e.problems)
    report.raise_if_any(f"invalid portfolio in {source}")
    names = [r.name or f"request {i + 1}" for i, r in enumerate(requests)]
    requests = [replace(r, name=n) for r, n in zip(requests, names)]
    return Portfolio(tuple(requests), str(data.get("name") or ""), max_load, source)


def load_portfolio(path: str | Path, skills: Iterable[Skill] | None = None) -> Portfolio:
    """Read and validate a portfolio file; `{file: x.yaml}` entries are relative to it."""
    data, lines, source = read_file(path)
    return parse_portfolio(data, source, skills=skills, lines=lines, base=Path(path).parent)
