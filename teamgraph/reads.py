"""The engine's graph reads: lookups, searches, profiles, neighbourhoods, cases, status.

Each is one store read operation (never a scan of `store.all(kind)`), shaped once here so the
CLI and the API print the same answer.
"""

from __future__ import annotations

from teamgraph.core import EngineCore
from teamgraph.errors import FieldProblem, NotFoundError, ValidationError
from teamgraph.graph.model import Viewer, Window


class GraphReads(EngineCore):

    def status(self) -> dict:
        """Which store is configured, where, its revision and record counts (everything)."""
        s = self.settings
        location = (f"{s.neo4j_uri} (database {s.neo4j_database})" if s.store == "neo4j"
                    else str(s.data_dir / "teamgraph.sqlite3"))
        return {"store": s.store, "location": location, "revision": self.store.revision(),
                "counts": dict(self.store.counts())}

    def counts(self, viewer: Viewer) -> dict[str, int]:
        """Record counts, with cases counted as the viewer may see them (counts must not leak)."""
        counts = dict(self.store.counts())
        if not viewer.privileged:
            counts["case"] = len(self.store.visible_case_ids(viewer))
        return counts

    def search_skills(self, query: str, limit: int = 10) -> list:
        """Skills whose id, name or an alias contains `query` (name prefix first)."""
        return self.store.search_skills(query, limit)

    def search_people(self, query: str, limit: int = 10) -> list:
        """Active people whose id, name or title contains `query` (exact id or name prefix first)."""
        return self.store.search_people(query, limit)

    def skill_ids(self, names, field: str = "skills", *, file: str | None = None) -> tuple[str, ...]:
        """Skill ids for ids, names or aliases (any case); unknown ones are a ValidationError
        naming each (`field[i]`, and the file for the CLI's brief files) with close skills."""
        names = [str(n) for n in names]
        found = self.store.find_skills(names)
        problems = []
        for i, name in enumerate(names):
            if name not in found:
                near = [s.name for s in self.near_skills(name, 3)]
                problems.append(FieldProblem(f"unknown skill {name!r}" + (f"; try {', '.join(near)}" if near else ""),
                                             file=file, field=f"{field}[{i}]"))
        if problems:
            raise ValidationError(problems)
        return tuple(found[n].id for n in names)

    def skills_by_id(self, ids) -> dict:
        """{skill id: Skill} for the given ids (unknown ids absent)."""
        ids = list(ids)
        return {s.id: s for s in self.store.find_skills(ids).values() if s.id in ids}

    def near_skills(self, name: str, limit: int = 10) -> list:
        """Skills that look like `name` (a typo, a fragment), closest first, for "did you mean".
        Probes the store's skill search with the name's opening and its letter pairs, then ranks
        what they found, so a typo ("Pyhton") still finds Python without reading every skill."""
        from rapidfuzz import fuzz
        q = name.strip().casefold()
        probes = dict.fromkeys([q[:3], *(q[i:i + 2] for i in range(min(len(q) - 1, 6)))])
        seen = {s.id: s for p in probes if p.strip() for s in self.store.search_skills(p, 10)}
        score = {sid: max(fuzz.WRatio(q, t.casefold()) for t in (s.id, s.name, *s.aliases))
                 for sid, s in seen.items()}
        return [seen[sid] for sid in sorted(score, key=lambda k: -score[k]) if score[sid] >= 50][:limit]

    def departments(self) -> list:
        return self.store.departments()

    def department_arg(self, department: str | None, field: str = "department") -> str | None:
        """A department filter: None, or a known department id (else an error naming `field`)."""
        department = (department or "").strip() or None
        if department and self.store.get("department", department) is None:
            raise ValidationError(FieldProblem(f"unknown department {department!r}", field=field))
        return department

    def projects(self, statuses=None) -> list:
        """Projects (of `statuses` when given), newest start first."""
        from datetime import date
        return sorted(self.store.projects(statuses), key=lambda p: p.start or date.min, reverse=True)

    def project(self, project_id: str, viewer: Viewer) -> dict:
        """A project with its members (names; allocations for HR/admin and the member), needs and
        the cases `viewer` may see."""
        from teamgraph.graph.store import jsonable
        project = self.require("project", project_id)
        members = []
        for m in self.store.project_members(project_id):
            p = self.store.get("person", m.person)
            row = {"person": m.person, "name": p.name if p else None, "role": m.role,
                   "start": m.start.isoformat() if m.start else None, "end": m.end.isoformat() if m.end else None}
            if viewer.privileged or m.person == viewer.person:
                row["allocation"] = m.allocation
            members.append(row)
        cases = [{"id": c.id, "title": c.title, "visibility": c.visibility}
                 for c in self.store.list_cases(viewer, project=project_id)]
        return {"project": jsonable(project), "members": members,
                "needs": [jsonable(n) for n in self.store.project_needs(project_id)], "cases": cases}

    def person_profile(self, person_id: str, window: Window, viewer: Viewer):
        prof = self.store.person_profile(person_id, window, viewer)
        if prof is None:
            raise NotFoundError("person", person_id)
        return prof

    def weekly_load(self, person_id: str, window: Window) -> list[tuple]:
        """(week start, load) through `window`, from the person's memberships."""
        from teamgraph.graph.load import weekly_load
        return weekly_load(self.store.memberships_of([person_id]), window)

    def person_name(self, person_id: str) -> str:
        """The person's name (people-facing text names people); the id for a forgotten person."""
        p = self.store.get("person", person_id)
        return p.name if p else person_id

    def skill_neighbourhood(self, skill_id: str, department: str | None = None, limit: int = 25):
        n = self.store.skill_neighbourhood(skill_id, department=department, limit=limit)
        if n is None:
            raise NotFoundError("skill", skill_id)
        return n

    def skills_at_risk(self, max_holders: int = 2, department: str | None = None) -> list:
        return self.store.skills_at_risk(max_holders=max_holders, department=department)

    def list_cases(self, viewer: Viewer, **filters) -> list:
        return self.store.list_cases(viewer, **filters)

    def get_case(self, case_id: str, viewer: Viewer):
        """One case if `viewer` may see it; otherwise not found, so existence does not leak."""
        case = self.store.get_case(case_id, viewer)
        if case is None:
            raise NotFoundError("case", case_id)
        return case

    def supply_demand(self, department: str | None = None, limit: int = 25) -> list[dict]:
        """Skills asked for by proposed/active projects: supply (holders at level ≥ 3) vs demand,
        largest shortfall first. Uses the store's skill_neighbourhood so the numbers match it."""
        rows = []
        for sid in self.store.demanded_skills(department):
            n = self.store.skill_neighbourhood(sid, department=department, limit=1)
            if n is not None:
                rows.append({"skill": n.skill.id, "name": n.skill.name, "supply": n.supply, "demand": n.demand,
                             "gap": n.demand - n.supply})
        rows.sort(key=lambda r: (-r["gap"], -r["demand"], r["name"]))
        return rows[:limit]
