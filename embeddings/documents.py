"""What gets indexed: cases, projects and person profiles as (text, metadata) documents.

Person profiles deliberately contain no case text: a profile vector built from a confidential
case would let anyone find that case's author by describing the case. Case evidence enters
expert ranking per query, from the cases the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from datetime import date

from teamgraph.embeddings.corpus import Corpus, Doc
from teamgraph.graph.model import (
    SYSTEM, Case, CollaborationRating, Expert, Membership, Person, PersonSkill, Project, Skill, Window,
)


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def case_doc(case: Case, project: Project | None) -> Doc:
    """A case's text is its own (title, problem, action, result, lesson, tags) and, as a line of
    its own, the name of the project it was written on: the kind of work it comes from ("Quote-to-
    order automation — Shenzhen") is part of what it is about, and the line a brief for the next
    project of that kind shares with it even when the case is in another language."""
    text = "\n".join(p for p in (case.text(), " ".join(case.tags), project.name if project else "") if p)
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
               projects: dict[str, Project], experts: Iterable[Expert], skill_by_id: dict[str, Skill],
               ratings: Iterable[CollaborationRating] = ()) -> Doc:
    """A profile document. Its metadata also carries the mean peer rating received (mean, count),
    so expert ranking never scans every rating per query; the text never holds ratings."""
    skills = sorted(skills, key=lambda s: (-s.level, s.skill))
    # The text must not depend on the read path: a full scan and a profile list memberships in
    # different orders, and any difference re-encodes the profile (an update after a sync
    # re-encoded most touched profiles for nothing).
    memberships = sorted(memberships, key=lambda m: (m.project, m.start or date.min, m.role))
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
    means = [r.mean for r in ratings]
    if means:
        meta["rating"] = [sum(means) / len(means), len(means)]
    return Doc(person.id, text, meta)


def skill_terms(skill: Skill) -> list[str]:
    """Names a brief may use for a skill: id, name and aliases."""
    return [skill.id, skill.name, *skill.aliases]


def all_documents(store) -> dict[str, list[Doc]]:
    """Every case, project and person document, from a few full scans of the store."""
    projects = {p.id: p for p in store.all("project")}
    skills = {s.id: s for s in store.all("skill")}
    by_person: dict[str, dict[str, list]] = {}
    for kind in ("person_skill", "membership", "expert"):
        for r in store.all(kind):
            by_person.setdefault(r.person, {}).setdefault(kind, []).append(r)
    for r in store.all("rating"):
        by_person.setdefault(r.ratee, {}).setdefault("rating", []).append(r)
    return {
        "case": [case_doc(c, projects.get(c.project)) for c in store.all("case")],
        "project": [project_doc(p) for p in projects.values()],
        "person": [person_doc(p, by_person.get(p.id, {}).get("person_skill", ()),
                              by_person.get(p.id, {}).get("membership", ()), projects,
                              by_person.get(p.id, {}).get("expert", ()), skills,
                              by_person.get(p.id, {}).get("rating", ()))
                   for p in store.all("person")],
    }


def touched_documents(store, touched: dict, case_meta: dict, person_meta: dict
                      ) -> dict[str, tuple[list[Doc], list[str]]]:
    """(documents to upsert, keys to remove) per corpus for one ApplyReport's touched keys,
    including cascades the report does not list: a deleted person's authorship, a project's
    process/outcome on its cases and its memberships, a skill's name in profiles."""
    cases, projects, people = set(), set(), set()
    for kind, keys in touched.items():
        first = {k[0] for k in keys}
        if kind == "case":
            cases |= first
        elif kind == "project":
            projects |= first
            cases |= {c for c, m in case_meta.items() if m.get("project") in first}
            people |= {p for p, m in person_meta.items() if any(pr in first for pr, _ in m["projects"])}
        elif kind in ("person", "person_skill", "membership", "expert"):
            people |= first
            if kind == "person":
                cases |= {c for c, m in case_meta.items() if first & set(m.get("authors", ()))}
        elif kind == "rating":  # key (rater, ratee, project): the ratee's mean rating moves
            people |= {k[1] for k in keys}
        elif kind == "skill":
            people |= {p for p, m in person_meta.items() if first & set(m["skills"])}
            cases |= {c for c, m in case_meta.items() if first & set(m.get("skills", ()))}
    out: dict[str, tuple[list[Doc], list[str]]] = {}
    if cases:
        present = [(cid, store.get("case", cid)) for cid in sorted(cases)]
        proj = {c.project: store.get("project", c.project) for _, c in present if c is not None and c.project}
        out["case"] = ([case_doc(c, proj.get(c.project)) for _, c in present if c is not None],
                       [cid for cid, c in present if c is None])
    if projects:
        present = [(pid, store.get("project", pid)) for pid in sorted(projects)]
        out["project"] = ([project_doc(p) for _, p in present if p is not None],
                          [pid for pid, p in present if p is None])
    if people:
        skills = {s.id: s for s in store.all("skill")}
        window = Window(date(1900, 1, 1), date(1900, 1, 1))  # loads are not indexed
        found, gone = [], []
        for pid in sorted(people):
            prof = store.person_profile(pid, window, SYSTEM)
            if prof is None:
                gone.append(pid)
                continue
            found.append(person_doc(prof.person, prof.skills, [m for m, _ in prof.memberships],
                                    {p.id: p for _, p in prof.memberships}, prof.expert_in, skills,
                                    prof.ratings or ()))
        out["person"] = (found, gone)
    return out


def forget_person(corpora: dict, person_id: str) -> dict[str, int]:
    """Remove every trace of `person_id` from loaded corpora (name → Corpus), in place: their
    profile document (text terms, digest, metadata with name, skills and mean rating, and its
    vectors, purged from the stored index) and their id in cases' `authors`. Nothing is encoded,
    so it works whatever the model. Returns what went: `person` documents and `authorship`
    references (0s are left out)."""
    out: dict[str, int] = {}
    people = corpora.get("person")
    if people is not None and people.remove([person_id], purge=True):
        out["person"] = 1
    cases = corpora.get("case")
    n = 0
    for meta in (cases.meta.values() if cases is not None else ()):
        authors = meta.get("authors") or []
        if person_id in authors:
            meta["authors"] = [a for a in authors if a != person_id]
            n += 1
    if n:
        out["authorship"] = n
    return out


def save_forgotten(folder: Path, corpora: dict, removed: dict[str, int]) -> list[str]:
    """Rewrite the files of the corpora `forget_person` changed; returns their names."""
    files: list[str] = []
    for name, what in (("person", "person"), ("case", "authorship")):
        if removed.get(what) and name in corpora:
            corpora[name].save(folder)
            files += [f"{name}{s}" for s in (".docs.json", ".vectors.faiss", ".vectors.json")]
    return files


def forget_in_folder(folder: Path, person_id: str) -> dict:
    """`forget_person` on the index files in `folder` (no model, no manifest change: the
    index's revision is untouched, so the next update or sync proceeds as before)."""
    names = sorted(p.name[:-len(".docs.json")] for p in Path(folder).glob("*.docs.json"))
    corpora = {n: Corpus.load(Path(folder), n) for n in names if Corpus.exists(Path(folder), n)}
    removed = forget_person(corpora, person_id)
    return {"removed": removed, "files_rewritten": save_forgotten(Path(folder), corpora, removed)}
