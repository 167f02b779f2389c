"""The engine's graph reads: lookups, searches, profiles, neighbourhoods, cases, status.

Each is one store read operation (never a scan of `store.all(kind)`), shaped once here so the
CLI and the API print the same answer.
"""

from __future__ import annotations

from teamgraph.core import EngineCore
from teamgraph.errors import FieldProblem, NotFoundError, TeamgraphError, ValidationError
from teamgraph.graph.model import Viewer, Window
from teamgraph.graph.reads import fold

PERSON_FUZZY_MIN = 75  # rapidfuzz score for "looks like this name"


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
        """Skills whose id, name or an alias contains `query` (name prefix first), every skill."""
        return self.store.search_skills(query, limit)

    def search_people(self, query: str, limit: int = 10) -> list:
        """Active people whose id, name or title contains `query` (exact id or name prefix first)."""
        return self.store.search_people(query, limit)

    # --- people by what a user typed: one lookup for the API, the pages and the CLI -------------
    def find_people(self, query: str, limit: int = 10) -> list:
        """Active people for a picker or "did you mean": an exact id first, then id/name/title
        containing the words (`search_people`), then names that look like them (a typo, a
        surname, initials; rapidfuzz over what the words' openings find, never a scan)."""
        from rapidfuzz import fuzz
        q = fold(query)
        if not q:
            return []
        found = {p.id: p for p in self.store.search_people(query, limit)}
        if len(found) < limit:
            words = [w for w in q.split() if len(w) >= 2]
            probes = dict.fromkeys(p for w in words for p in (w[:3], w[-3:], w[:2]) if len(p) >= 2)
            seen = {p.id: p for probe in probes for p in self.store.search_people(probe, 50) if p.id not in found}
            def looks(name: str) -> float:  # the whole name, or one typed word against one word of it
                name = fold(name)
                return max(fuzz.WRatio(q, name), max(fuzz.ratio(w, t) for w in q.split() for t in name.split()))
            score = {pid: looks(p.name) for pid, p in seen.items()}
            for pid in sorted(score, key=lambda k: (-score[k], seen[k].name, k)):
                if score[pid] < PERSON_FUZZY_MIN or len(found) >= limit:
                    break
                found[pid] = seen[pid]
        return list(found.values())

    def person_named(self, text: str, field: str = "person"):
        """The one active or known person `text` means: an id, else the only person whose name,
        id or title contains it; otherwise a ValidationError naming `field` with candidates."""
        text = text.strip()
        exact = self.store.get("person", text) if text else None
        if exact is not None:
            return exact
        literal = self.store.search_people(text, 2) if text else []
        same = [p for p in literal if fold(p.name) == fold(text)]
        if len(literal) == 1 or len(same) == 1:
            return (same or literal)[0]
        near = self.find_people(text, 5)
        if literal:
            message = f"several people match {text!r}; pick one"
        else:
            message = f"no one called {text!r}" + (f"; did you mean {' or '.join(p.name for p in near[:3])}?"
                                                   if near else "")
        raise ValidationError(FieldProblem(message, field=field, suggestions=tuple((p.id, p.name) for p in near)))

    # --- directories: filtered, paged, with a total --------------------------------------------
    def people_directory(self, viewer: Viewer, window: Window, *, query: str = "", department: str | None = None,
                         skill: str | None = None, min_level: int = 1, min_fte: float | None = None,
                         limit: int = 50, offset: int = 0) -> dict:
        """Active people by name, filtered by text, department, a skill at a level and free time
        (at least `min_fte` FTE free on every working day of `window`: graph.load.free_fte, the
        time-phased load), with `total` before paging. Free
        FTE figures are shown to HR/admin and to the person themself; others see the band. A
        text with no literal match falls back to names that look like it (`find_people`)."""
        from teamgraph.graph.load import free_fte, peak_utilisation
        from teamgraph.present import availability
        ids = self.store.people_matching(query, department, skill, min_level)
        if not ids and query.strip() and department is None and skill is None:
            ids = [p.id for p in self.find_people(query, 20)]
        loads = None
        if min_fte is not None:  # the filter needs everyone's load; the page alone does not
            loads = {c.person.id: c for c in self.store.candidates([], window, include=ids)}
            ids = [i for i in ids if i in loads and free_fte(loads[i].pieces, loads[i].person.capacity) >= min_fte - 1e-9]
        page = ids[offset:offset + limit]
        if loads is None:
            loads = {c.person.id: c for c in self.store.candidates([], window, include=page)}
        departments = self.names_of("department", [loads[i].person.department for i in page if i in loads])
        rows = []
        for i in page:
            c = loads[i]
            p = c.person
            row = {"id": p.id, "name": p.name, "department": p.department, "department_name": departments[p.department],
                   "title": p.title, "availability": availability(peak_utilisation(c.pieces))}  # time-phased
            if skill is not None and skill in c.skills:
                row["level"] = c.skills[skill].level
            if viewer.privileged or viewer.person == p.id:
                row["available_fte"] = round(free_fte(c.pieces, p.capacity), 3)
            rows.append(row)
        return {"people": rows, "total": len(ids), "offset": offset, "limit": limit}

    def project_index(self, *, query: str = "", statuses=None, department: str | None = None,
                      skill: str | None = None, limit: int = 50, offset: int = 0) -> dict:
        """Projects newest first, filtered by text, status, owning department and a needed skill,
        one page with the `total`; each with its department's name and its needs by skill name."""
        from teamgraph.graph.store import jsonable
        total, page = self.store.project_index(query, statuses, department, skill, limit, offset)
        needs = {p.id: self.store.project_needs(p.id) for p in page}
        skills = self.names_of("skill", [n.skill for ns in needs.values() for n in ns])
        departments = self.names_of("department", [p.department for p in page])
        rows = [{"id": p.id, "name": p.name, "status": p.status, "department": p.department,
                 "department_name": departments.get(p.department), "start": jsonable(p.start), "end": jsonable(p.end),
                 "needs": [{"skill": n.skill, "skill_name": skills[n.skill], "level": n.level, "count": n.count}
                           for n in needs[p.id]]} for p in page]
        return {"projects": rows, "total": total, "offset": offset, "limit": limit}

    # --- the skill vocabulary: one resolution for the API, the CLI and "did you mean" ----------
    def vocabulary(self):
        """The offered skills (teamgraph.vocabulary.Vocabulary), read once per store revision."""
        from teamgraph.vocabulary import Vocabulary
        revision = self.revision()
        cached = getattr(self, "_vocabulary", None)
        if cached is None or cached[0] != revision:
            cached = (revision, Vocabulary(self.store.skill_vocabulary()))
            self._vocabulary = cached
        return cached[1]

    def _meaning_encoder(self):
        """The sentence encoder retrieval uses (same model, backend and embedding cache), for skills
        of related meaning; None if it cannot load (literal and typo matches still work)."""
        if self._encoder is not None:
            return self._encoder
        if getattr(self, "_vocabulary_encoder", None) is None:
            try:
                from teamgraph.embeddings.encoder import encoder_for
                self._vocabulary_encoder = encoder_for(self.settings, progress=self._progress)  # shares the model
            except (ImportError, OSError, TeamgraphError) as e:
                import logging
                logging.getLogger("teamgraph.vocabulary").info("skills of related meaning unavailable: %s", e)
                return None
        return self._vocabulary_encoder

    def skill_search(self, query: str, limit: int = 10, *, meaning: bool = True) -> dict:
        """The skill picker: `{skills: [row], did_you_mean: [{id, name}]}` (teamgraph.vocabulary)."""
        from teamgraph.vocabulary import row
        vocab = self.vocabulary()
        encoder = self._meaning_encoder() if meaning and query.strip() else None
        hits = vocab.search(query, limit, encoder)
        literal = [m for m in hits if m.how != "related"]
        near = [] if literal or not query.strip() else vocab.suggest(query, 3)
        return {"skills": [row(m, vocab) for m in hits],
                "did_you_mean": [{"id": m.skill.id, "name": m.skill.name} for m in near]}

    def skill_suggestions(self, name: str, limit: int = 3) -> list:
        """"Did you mean" for an unknown skill name: used skills only (typos, then related meaning)."""
        return [m.skill for m in self.vocabulary().suggest(name, limit, self._meaning_encoder())]

    def unknown_skill(self, name: str, **where) -> FieldProblem:
        """The problem for a skill name nobody recognises, with clickable suggestions."""
        near = self.skill_suggestions(name)
        hint = f"; did you mean {' or '.join(s.name for s in near)}?" if near else ""
        return FieldProblem(f"no skill called {name!r}{hint}", suggestions=tuple((s.id, s.name) for s in near),
                            **where)

    def resolve_skill(self, name: str, field: str = "skill"):
        """The skill `name` is (id, name or alias, any case), else a ValidationError with suggestions."""
        found = self.store.find_skills([name])
        if name not in found:
            raise ValidationError(self.unknown_skill(name, field=field))
        return found[name]

    def skill_ids(self, names, field: str = "skills", *, file: str | None = None) -> tuple[str, ...]:
        """Skill ids for ids, names or aliases (any case); unknown ones are a ValidationError
        naming each (`field[i]`, and the file for the CLI's brief files) with close skills."""
        names = [str(n) for n in names]
        found = self.store.find_skills(names)
        problems = [self.unknown_skill(name, file=file, field=f"{field}[{i}]")
                    for i, name in enumerate(names) if name not in found]
        if problems:
            raise ValidationError(problems)
        return tuple(found[n].id for n in names)

    def skills_by_id(self, ids) -> dict:
        """{skill id: Skill} for the given ids (unknown ids absent)."""
        ids = list(ids)
        return {s.id: s for s in self.store.find_skills(ids).values() if s.id in ids}

    def names_of(self, kind: str, ids) -> dict[str, str]:
        """{id: the name people read} for persons, projects, skills or departments (one record read
        each, skills in one batch); an id without a record (a forgotten person) maps to itself."""
        ids = [i for i in dict.fromkeys(ids) if i]
        if kind == "skill":
            found = self.skills_by_id(ids)
            return {i: found[i].name if i in found else i for i in ids}
        if kind == "department":
            names = {d.id: d.name for d in self.store.departments()}
            return {i: names.get(i, i) for i in ids}
        out = {}
        for i in ids:
            record = self.store.get(kind, i)
            out[i] = getattr(record, "name", None) or i
        return out

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
        needs = self.store.project_needs(project_id)
        skills = self.names_of("skill", [n.skill for n in needs])
        people = self.names_of("person", [project.sponsor, project.process_owner])
        shown = dict(jsonable(project), sponsor_name=people.get(project.sponsor),
                     process_owner_name=people.get(project.process_owner),
                     department_name=self.names_of("department", [project.department]).get(project.department))
        return {"project": shown, "members": members, "cases": cases,
                "needs": [dict(jsonable(n), skill_name=skills[n.skill]) for n in needs]}

    def person_profile(self, person_id: str, window: Window, viewer: Viewer):
        prof = self.store.person_profile(person_id, window, viewer)
        if prof is None:
            raise NotFoundError("person", person_id)
        return prof

    def weekly_load(self, person_id: str, window: Window) -> list[tuple]:
        """(week start, load) through `window`, time-phased (`person_weeks`)."""
        return [(w.start, w.load) for w in self.person_weeks([person_id], window)[person_id]]

    def person_weeks(self, person_ids, window: Window, extra=()) -> dict:
        """{person id: [graph.load.Week]} through `window` (weeks from `window.start`): each
        person's memberships and bookings against their capacity, capacity periods, time off
        and holidays (graph/load.py). An unknown id is a NotFoundError. `extra`: memberships
        counted on top (a plan not yet booked: the heatmap's "with this plan")."""
        from teamgraph.graph.load import calendar_weeks
        ids = list(dict.fromkeys(person_ids))
        cals = self.store.calendars(ids, window) if ids else {}
        for pid in ids:
            if pid not in cals:
                raise NotFoundError("person", pid)
        by_person: dict[str, list] = {pid: [] for pid in ids}
        for m in [*(self.store.load_memberships(ids) if ids else ()), *extra]:
            by_person[m.person].append(m)
        return {pid: calendar_weeks(by_person[pid], window, cals[pid]) for pid in ids}

    def person_name(self, person_id: str) -> str:
        """The person's name (people-facing text names people); the id for a forgotten person."""
        p = self.store.get("person", person_id)
        return p.name if p else person_id

    def skill_neighbourhood(self, skill_id: str, department: str | None = None, limit: int = 25):
        """The neighbourhood of a skill given by id, or by name or alias (one `find_skills` look-up)."""
        n = self.store.skill_neighbourhood(skill_id, department=department, limit=limit)
        if n is None:
            found = self.store.find_skills([skill_id]).get(skill_id)
            n = self.store.skill_neighbourhood(found.id, department=department, limit=limit) if found else None
        if n is None:
            raise NotFoundError("skill", skill_id)
        return n

    def skill_holders_page(self, skill_id: str, department: str | None = None, limit: int = 25,
                           offset: int = 0) -> tuple:
        """(neighbourhood with holders `offset`..`offset + limit` only, how many active people of
        `department` hold the skill at all): the skill graph's "n of N" and "show more"."""
        from dataclasses import replace
        n = self.skill_neighbourhood(skill_id, department=department, limit=offset + limit)
        n = replace(n, holders=n.holders[offset:offset + limit], co_occurring=n.co_occurring[:limit])
        return n, len(self.store.people_matching("", department, n.skill.id))

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
