"""What gets indexed: cases, projects and person profiles as (text, metadata) documents.

Person profiles deliberately contain no case text: a profile vector built from a confidential
case would let anyone find that case's author by describing the case. Case evidence enters
expert ranking per query, from the cases the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterable

from embeddings.corpus import Doc
from graph.model import Case, Expert, Membership, Person, PersonSkill, Project, Skill


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def case_doc(case: Case, project: Project | None) -> Doc:
    text = "\n".join(p for p in (case.text(), " ".join(case.tags)) if p)
    meta = {
        "title": case.title, "project": case.project, "department": case.department,
        "process": project.process if project else "", "outcome": project.outcome if project else "",
        "date": _iso(case.date), "language": case.language, "skills": list(case.skills),
        "authors": list(case.authors),
    }
    return Doc(case.id, text, meta)


def project_doc(project: Project) -> Doc:
    text = "\n".join(p for p in (project.name, project.description, project.process.replace("-", " ")) if p)
    meta = {"name": project.name, "department": project.department, "process": project.process,
            "outcome": project.outcome, "status": project.status,
            "start": _iso(project.start), "end": _iso(project.end)}
    return Doc(project.id, text, meta)


def person_doc(person: Person, skills: Iterable[PersonSkill], memberships: Iterable[Membership],
               projects: dict[str, Project], experts: Iterable[Expert], skill_by_id: dict[str, Skill]) -> Doc:
    skills = sorted(skills, key=lambda s: (-s.level, s.skill))
    memberships = list(memberships)
    topics = sorted({e.topic for e in experts})
    names = []
    for ps in skills:
        sk = skill_by_id.get(ps.skill)
        names.append(" ".join([sk.name, *sk.aliases]) if sk else ps.skill)
    project_names = [projects[m.project].name for m in memberships if m.project in projects]
    text = "\n".join(p for p in (person.title, ", ".join(names), ", ".join(topics),
                                 "; ".join(dict.fromkeys(project_names))) if p)
    meta = {
        "name": person.name, "department": person.department, "title": person.title,
        "status": person.status, "capacity": person.capacity,
        "skills": {ps.skill: [ps.level, ps.evidence] for ps in skills},
        "projects": sorted({(m.project, m.role) for m in memberships}),
        "expert_in": topics,
    }
    return Doc(person.id, text, meta)


def skill_terms(skill: Skill) -> list[str]:
    """Names a brief may use for a skill: id, name and aliases."""
    return [skill.id, skill.name, *skill.aliases]
