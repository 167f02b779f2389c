"""Small lookups for request paths on Neo4j (mixed into Neo4jStore); Cypher in graph/cypher_reads.py.

Same results and order as the embedded store (graph/sqlite_lookups.py), pinned by
tests/contract/test_store_lookups.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from teamgraph.graph import cypher_reads as q
from teamgraph.graph.model import Department, Membership, Person, Project, ProjectNeed, Skill
from teamgraph.graph.neo4j_codec import decode
from teamgraph.graph.neo4j_reads import nulls_first
from teamgraph.graph.reads import SkillUse


class Neo4jLookups:
    """Lookups; needs `_read(query, **params)` from Neo4jStore."""

    def _decoded(self, kind: str, cypher: str, **params) -> list:
        return [decode(kind, r["row"]) for r in self._read(cypher, **params)]

    def project_needs(self, project_id: str) -> list[ProjectNeed]:
        return self._decoded("project_need", q.PROJECT_NEEDS, id=project_id)

    def project_members(self, project_id: str) -> list[Membership]:
        ms = self._decoded("membership", q.PROJECT_MEMBERS, id=project_id)
        return sorted(ms, key=lambda m: (m.person, nulls_first(m.start), m.role))

    def projects(self, statuses: Iterable[str] | None = None) -> list[Project]:
        return self._decoded("project", q.PROJECTS, statuses=None if statuses is None else sorted(set(statuses)))

    def departments(self) -> list[Department]:
        return self._decoded("department", q.DEPARTMENTS)

    def find_skills(self, names: Iterable[str]) -> dict[str, Skill]:
        given = list(dict.fromkeys(names))
        if not given:
            return {}
        rows = self._read(q.FIND_SKILLS, wanted=[{"given": n, "key": n.strip()} for n in given])
        found = {r["given"]: decode("skill", r["row"]) for r in rows}
        return {name: found[name] for name in given if name in found}

    def search_skills(self, query: str, limit: int = 10) -> list[Skill]:
        return self._decoded("skill", q.SEARCH_SKILLS, text=query.strip(), limit=max(0, int(limit)))

    def search_people(self, query: str, limit: int = 10) -> list[Person]:
        return self._decoded("person", q.SEARCH_PEOPLE, text=query.strip(), limit=max(0, int(limit)))

    def demanded_skills(self, department: str | None = None) -> list[str]:
        return [r["id"] for r in self._read(q.DEMANDED_SKILLS, department=department)]

    def skill_vocabulary(self) -> list[SkillUse]:
        return [SkillUse(decode("skill", r["row"]), r["holders"], r["needed_by"])
                for r in self._read(q.SKILL_VOCABULARY)]

    def people_matching(self, query: str = "", department: str | None = None, skill: str | None = None,
                        min_level: int = 1) -> list[str]:
        return [r["id"] for r in self._read(q.PEOPLE_MATCHING, text=query.strip(), department=department,
                                            skill=skill, level=int(min_level))]

    def project_index(self, query: str = "", statuses: Iterable[str] | None = None, department: str | None = None,
                      skill: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Project]]:
        params = {"text": query.strip(), "statuses": None if statuses is None else sorted(set(statuses)),
                  "department": department, "skill": skill}
        total = self._read(q.PROJECT_INDEX_TOTAL, **params)[0]["total"]
        return total, self._decoded("project", q.PROJECT_INDEX, **params, limit=max(0, int(limit)),
                                    offset=max(0, int(offset)))
