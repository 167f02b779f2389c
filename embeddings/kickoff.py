"""The kickoff package: what a project should read and whom it should call on day one.

For a project (by id) or an ad-hoc brief: the top similar cases, the lessons to read first
(de-duplicated lesson sentences of those cases, in case order), experts to consult with their
current load, and — when the matching engine is present — the suggested team.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from teamgraph.embeddings.lexical import tokenize
from teamgraph.embeddings.results import CaseHit, ExpertHit
from teamgraph.graph.model import Viewer, Window
from teamgraph.errors import FieldProblem, NotFoundError, TeamgraphError, ValidationError

_SENTENCES = re.compile(r"(?<=[.!?。！？])\s*")
MAX_LESSONS = 8
BRIEF_FIELDS = {"title": str, "description": str, "skills": list, "department": str, "process": str}


@dataclass(frozen=True)
class Lesson:
    text: str
    case: str
    case_title: str

    def to_dict(self) -> dict:
        return {"text": self.text, "case": self.case, "case_title": self.case_title}


@dataclass
class KickoffPackage:
    brief: str
    project: str | None
    skills: tuple[str, ...]
    cases: list[CaseHit]
    lessons: list[Lesson]
    experts: list[ExpertHit]
    window: Window
    team: dict | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"brief": self.brief, "project": self.project, "skills": list(self.skills),
                "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
                "cases": [c.to_dict() for c in self.cases], "lessons": [x.to_dict() for x in self.lessons],
                "experts": [e.to_dict() for e in self.experts], "team": self.team, "notes": list(self.notes)}


def lessons_to_read(cases: list[CaseHit], limit: int = MAX_LESSONS) -> list[Lesson]:
    """Lesson sentences of the cases in rank order, dropping near-duplicates (same index terms,
    or ≥ 80 % of one sentence's terms inside an earlier one's)."""
    out: list[Lesson] = []
    seen: list[set[str]] = []
    for c in cases:
        for sent in (s.strip() for s in _SENTENCES.split(c.lesson or "")):
            terms = set(tokenize(sent))
            if not terms:
                continue
            if any(len(terms & t) >= 0.8 * min(len(terms), len(t)) for t in seen):
                continue
            seen.append(terms)
            out.append(Lesson(sent, c.id, c.title))
            if len(out) >= limit:
                return out
    return out


def kickoff_package(retriever, store, *, brief: str | None = None, project_id: str | None = None,
                    viewer: Viewer, k_cases: int = 5, k_experts: int = 5,
                    team_suggester: Callable[[dict], dict] | None = None, skills=(),
                    department: str | None = None, process: str | None = None,
                    window: Window | None = None) -> KickoffPackage:
    """Build the package for `project_id` (its name, description, needed skills, department and
    process) or for an ad-hoc `brief` (+ skills/department/process).

    `team_suggester(context)` receives {"brief", "project", "skills", "department", "process",
    "window"} and returns a JSON-ready dict; its TeamgraphErrors are reported inside `team`.
    """
    if (brief is None) == (project_id is None):
        raise ValidationError(FieldProblem("give either a brief or a project id", field="brief"))
    skills = tuple(skills)
    exclude_members: set[str] = set()
    if project_id is not None:
        project = store.get("project", project_id)
        if project is None:
            raise NotFoundError("project", project_id)
        brief = "\n".join(p for p in (project.name, project.description) if p)
        skills = skills or tuple(n.skill for n in store.project_needs(project_id))  # sorted by skill
        department = department or project.department
        process = process or project.process or None
        if window is None and project.start and project.end and project.end >= project.start:
            window = Window(project.start, project.end)
        exclude_members = {m.person for m in store.project_members(project_id)}
    window = window or Window(date.today(), date.today() + timedelta(days=90))
    # one more case than asked, in case the project's own retrospective is among them
    cases = [c for c in retriever.similar_cases(brief, viewer, k=k_cases + 1, skills=skills,
                                                prefer_department=department, prefer_process=process)
             if project_id is None or c.project != project_id][:k_cases]
    experts = [e for e in retriever.experts(brief, viewer, k=k_experts + len(exclude_members), skills=skills,
                                            window=window, prefer_department=department, prefer_process=process)
               if e.person not in exclude_members][:k_experts]
    pkg = KickoffPackage(brief=brief, project=project_id, skills=skills, cases=cases,
                         lessons=lessons_to_read(cases), experts=experts, window=window)
    if exclude_members:
        pkg.notes.append(f"{len(exclude_members)} current project member(s) left out of the experts")
    if team_suggester is not None:
        context = {"brief": brief, "project": project_id, "skills": list(skills), "department": department,
                   "process": process, "window": window}
        try:
            pkg.team = team_suggester(context)
        except TeamgraphError as e:  # an infeasible team must not hide the cases and experts
            pkg.team = {"error": e.to_dict()}
    return pkg


def read_brief(path: Path) -> dict:
    """A brief YAML file → {"title", "description", "skills", "department", "process"}, validated,
    with every problem named by file, line and field."""
    import yaml
    try:
        text = Path(path).read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as e:
        raise ValidationError(FieldProblem(f"cannot read: {e}", file=str(path))) from e
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        raise ValidationError(FieldProblem(f"not valid YAML: {getattr(e, 'problem', e)}", file=str(path),
                                           line=None if line is None else line + 1)) from e
    if not isinstance(data, dict):
        raise ValidationError(FieldProblem("must be a mapping with title, description, skills, …", file=str(path)))
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value} if node is not None else {}
    problems = []
    for key, value in data.items():
        want = BRIEF_FIELDS.get(key)
        if want is None:
            problems.append(FieldProblem(f"unknown field (expected one of {', '.join(BRIEF_FIELDS)})",
                                         str(path), lines.get(key), str(key)))
        elif value is not None and not isinstance(value, want):
            problems.append(FieldProblem(f"must be a {'list of strings' if want is list else 'string'}",
                                         str(path), lines.get(key), key))
        elif want is list and value and not all(isinstance(s, str) and s.strip() for s in value):
            problems.append(FieldProblem("must be a list of non-empty strings", str(path), lines.get(key), key))
    if not (data.get("title") or data.get("description")) and not problems:
        problems.append(FieldProblem("a brief needs a title or a description", str(path), None, "title"))
    if problems:
        raise ValidationError(problems, f"{path}: invalid brief")
    return {"title": data.get("title") or "", "description": data.get("description") or "",
            "skills": list(data.get("skills") or ()), "department": data.get("department"),
            "process": data.get("process")}
