"""The kickoff package: what a project should read and whom it should call on day one.

For a project (by id) or an ad-hoc brief: the top similar cases (near-duplicates folded into
the first of them), the lessons to read first (whole lesson sentences drawn in turn from the
cases, so several cases speak, near-duplicate sentences dropped), experts to consult with
every factor of their order, and — when the matching engine is present — the suggested team.
The package carries how well the best case fits (embeddings.confidence): below the threshold
it says that no past case fits well and shows at most MAX_WEAK cases, each marked weak, and no
lessons to read first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from teamgraph.embeddings.confidence import MAX_WEAK, THRESHOLD, fits
from teamgraph.embeddings.lexical import tokenize
from teamgraph.embeddings.sentences import sentences
from teamgraph.embeddings.results import CaseHit, ExpertHit
from teamgraph.graph.model import Viewer, Window
from teamgraph.errors import FieldProblem, NotFoundError, TeamgraphError, ValidationError

MAX_LESSONS = 8
PER_CASE = 3  # lesson sentences a case may give at most
MIN_TERMS = 2  # shorter fragments ("Background.") and lines ending in ":" are headings, not lessons
FOLD_OVERLAP = 0.8  # cases (or sentences) sharing this share of their terms are near-duplicates
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
    confidence: dict = field(default_factory=dict)  # {"match", "fits", "threshold", "message"}
    process_owner: dict | None = None  # {"id", "name"} of the project's process owner

    def to_dict(self) -> dict:
        return {"brief": self.brief, "project": self.project, "skills": list(self.skills),
                "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
                "confidence": dict(self.confidence), "process_owner": self.process_owner,
                "cases": [c.to_dict() for c in self.cases], "lessons": [x.to_dict() for x in self.lessons],
                "experts": [e.to_dict() for e in self.experts], "team": self.team, "notes": list(self.notes)}


def judge(cases: list[CaseHit]) -> tuple[list[CaseHit], dict]:
    """Cases marked weak below the threshold, and the package's confidence (the best match among
    them, which need not be the first: the order also weighs graph signals): when even the best
    case does not fit, at most MAX_WEAK cases remain, all weak."""
    best = max((c.match for c in cases if c.match is not None), default=None)
    ok = fits(best)
    marked = [c if fits(c.match) else replace(c, weak=True) for c in cases]
    if not ok:
        marked = marked[:MAX_WEAK]
    if not cases:
        message = "No past case you may see matches this brief."
    elif ok:
        message = f"The best case fits this brief well (match {best:.0%})."
    else:
        message = (f"No past case fits this brief well (best match {best:.0%}); the closest "
                   f"{len(marked)} are shown as weak matches, and no lessons are drawn from them.")
    return marked, {"match": None if best is None else round(best, 3), "fits": ok, "threshold": THRESHOLD,
                    "message": message}


def _near_duplicate(terms: set[str], seen: list[set[str]]) -> bool:
    """≥ FOLD_OVERLAP of the smaller term set inside the other's, for some earlier set."""
    return any(len(terms & t) >= FOLD_OVERLAP * min(len(terms), len(t)) for t in seen)


def lessons_to_read(cases: list[CaseHit], limit: int = MAX_LESSONS, per_case: int = PER_CASE) -> list[Lesson]:
    """Whole lesson sentences (embeddings.sentences), taken in turns: each case's first one in
    rank order, then each case's second one, …, at most `per_case` per case; sentences of fewer
    than MIN_TERMS index terms and near-duplicates of an earlier one are skipped."""
    queues = []
    for c in cases:
        sents = [(s, set(tokenize(s))) for s in sentences(c.lesson or "")]
        queues.append((c, [x for x in sents if len(x[1]) >= MIN_TERMS and not x[0].endswith(":")]))
    out: list[Lesson] = []
    seen: list[set[str]] = []
    taken = {c.id: 0 for c, _ in queues}
    while len(out) < limit and any(q for _, q in queues):
        for c, q in queues:
            while q and taken[c.id] < per_case:
                sent, terms = q.pop(0)
                if _near_duplicate(terms, seen):
                    continue
                seen.append(terms)
                out.append(Lesson(sent, c.id, c.title))
                taken[c.id] += 1
                break
            else:
                q.clear()  # this case has given all it may
            if len(out) >= limit:
                break
    return out


def fold_duplicates(cases: list[CaseHit]) -> list[CaseHit]:
    """Cases whose texts are near-duplicates of a better-ranked one (the same lesson filed twice)
    are folded into it: it lists their ids in `duplicates`, they leave the list."""
    kept: list[tuple[CaseHit, set[str]]] = []
    for c in cases:
        terms = set(tokenize(" ".join((c.title, c.problem, c.lesson or ""))))
        for i, (k, kt) in enumerate(kept):
            if terms and kt and len(terms & kt) >= FOLD_OVERLAP * max(len(terms), len(kt)):
                kept[i] = (replace(k, duplicates=k.duplicates + (c.id,)), kt)
                break
        else:
            kept.append((c, terms))
    return [c for c, _ in kept]


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
    owner = None
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
        if project.process_owner:
            person = store.get("person", project.process_owner)
            owner = {"id": project.process_owner, "name": person.name if person else None}
    window = window or Window(date.today(), date.today() + timedelta(days=90))
    # one more case than asked, in case the project's own retrospective is among them
    # more cases than asked: the project's own retrospective and near-duplicates leave the list
    found = [c for c in retriever.similar_cases(brief, viewer, k=2 * k_cases + 1, skills=skills,
                                                prefer_department=department, prefer_process=process)
             if project_id is None or c.project != project_id]
    cases, confidence = judge(fold_duplicates(found)[:k_cases])
    experts = [e for e in retriever.experts(brief, viewer, k=k_experts + len(exclude_members), skills=skills,
                                            window=window, prefer_department=department, prefer_process=process)
               if e.person not in exclude_members][:k_experts]
    pkg = KickoffPackage(brief=brief, project=project_id, skills=skills, cases=cases,
                         lessons=lessons_to_read([c for c in cases if not c.weak]), experts=experts,
                         window=window, confidence=confidence, process_owner=owner)
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
