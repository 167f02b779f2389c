"""Small lookups for request paths on the embedded store (mixed into SqliteStore): a project's
needs and members, open projects, departments, skills and people by what a user typed.

Text matching uses `tg_fold`, graph.reads.fold registered as an SQL function on every connection
(SQLite's own lower() folds ASCII only), so both stores apply the same rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from teamgraph.graph.model import Department, Membership, Person, Project, ProjectNeed, Skill
from teamgraph.graph.reads import SkillUse, fold
from teamgraph.graph.sqlite_queries import OPEN_PROJECT
from teamgraph.graph.sqlite_schema import CODECS

# A given name matches a skill by id (rank 0), name (1) or alias (2); best rank, then id, wins.
_FIND_SKILLS = """
WITH wanted(given, key) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)),
keys(skill, key, rank) AS (
    SELECT id, tg_fold(id), 0 FROM skill
    UNION ALL SELECT id, tg_fold(name), 1 FROM skill
    UNION ALL SELECT s.id, tg_fold(a.value), 2 FROM skill s, json_each(s.aliases) a)
SELECT wanted.given, keys.skill FROM wanted JOIN keys ON keys.key = wanted.key
ORDER BY wanted.given, keys.rank, keys.skill"""

# Text tests over one fixed column (never input), with the folded query as :q and as LIKE
# patterns :infix / :prefix. Folding every row in Python costs ~10x a LIKE at 100k people, so a
# plain-ASCII value is tested with LIKE / NOCASE (their case folding is ASCII's, which is exactly
# casefold there) and only values with other characters go through tg_fold. A LIKE hit is always
# a fold hit, so `contains` needs tg_fold only where LIKE says no.
_SPACE = "' ' || char(9, 10, 11, 12, 13, 28, 29, 30, 31)"  # what str.strip removes, in ASCII


def _ascii(col: str) -> str:
    return f"length(CAST({col} AS BLOB)) = length({col})"


def _contains(col: str) -> str:
    return f"({col} LIKE :infix ESCAPE '\\' OR (NOT {_ascii(col)} AND instr(tg_fold({col}), :q)))"


def _starts_with(col: str) -> str:
    return (f"(CASE WHEN {_ascii(col)} THEN trim({col}, {_SPACE}) LIKE :prefix ESCAPE '\\' "
            f"ELSE instr(tg_fold({col}), :q) = 1 END)")


def _equals(col: str) -> str:
    return f"(CASE WHEN {_ascii(col)} THEN trim({col}, {_SPACE}) = :q COLLATE NOCASE ELSE tg_fold({col}) = :q END)"


_SEARCH_SKILLS = f"""{CODECS['skill'].select_sql}
WHERE {_contains('t.id')} OR {_contains('t.name')}
   OR EXISTS (SELECT 1 FROM json_each(t.aliases) a WHERE {_contains('a.value')})
ORDER BY NOT {_starts_with('t.name')}, t.name, t.id LIMIT :limit"""

_SEARCH_PEOPLE = f"""{CODECS['person'].select_sql}
WHERE t.status = 'active' AND ({_contains('t.id')} OR {_contains('t.name')} OR {_contains('t.title')})
ORDER BY NOT ({_equals('t.id')} OR {_starts_with('t.name')}), t.name, t.id LIMIT :limit"""

_DEMANDED_SKILLS = f"""SELECT DISTINCT n.skill FROM project_need n JOIN project pr ON pr.id = n.project
WHERE pr.status IN {OPEN_PROJECT} AND (:department IS NULL OR pr.department = :department)
ORDER BY n.skill"""

_PROJECTS_WITH_STATUS = "(:every = 1 OR t.status IN (SELECT value FROM json_each(:statuses)))"

# The vocabulary people can be offered: skills an active person holds or an open project needs,
# with every broader skill above them (for browsing), and how many hold / need each.
_SKILL_VOCABULARY = f"""
WITH RECURSIVE used(id) AS (
    SELECT ps.skill FROM person_skill ps JOIN person p ON p.id = ps.person AND p.status = 'active'
    UNION SELECT n.skill FROM project_need n JOIN project pr ON pr.id = n.project AND pr.status IN {OPEN_PROJECT}),
tree(id) AS (SELECT id FROM used
    UNION SELECT s.broader FROM tree JOIN skill s ON s.id = tree.id WHERE s.broader IS NOT NULL)
{CODECS['skill'].select_sql.replace('SELECT ', 'SELECT (SELECT COUNT(*) FROM person_skill ps JOIN person p ON '
    "p.id = ps.person AND p.status = 'active' WHERE ps.skill = t.id), (SELECT COUNT(*) FROM project_need n "
    f"JOIN project pr ON pr.id = n.project AND pr.status IN {OPEN_PROJECT} WHERE n.skill = t.id), ", 1)}
WHERE t.id IN (SELECT id FROM tree) ORDER BY t.id"""

# Directory filters (each optional): folded text in id/name/title, department, a skill at a level.
_PEOPLE_MATCHING = f"""SELECT t.id FROM person t
WHERE t.status = 'active' AND (:text = 0 OR {_contains('t.id')} OR {_contains('t.name')} OR {_contains('t.title')})
  AND (:department IS NULL OR t.department = :department)
  AND (:skill IS NULL OR EXISTS (SELECT 1 FROM person_skill ps WHERE ps.person = t.id AND ps.skill = :skill
                                 AND ps.level >= :level))
ORDER BY t.name, t.id"""

_PROJECT_FILTER = f"""WHERE {_PROJECTS_WITH_STATUS}
  AND (:text = 0 OR {_contains('t.id')} OR {_contains('t.name')})
  AND (:department IS NULL OR t.department = :department)
  AND (:skill IS NULL OR EXISTS (SELECT 1 FROM project_need n WHERE n.project = t.id AND n.skill = :skill))"""
_PROJECT_INDEX = f"""{CODECS['project'].select_sql} {_PROJECT_FILTER}
ORDER BY t.start IS NULL, t.start DESC, t.id LIMIT :limit OFFSET :offset"""
_PROJECT_INDEX_TOTAL = f"SELECT COUNT(*) FROM project t {_PROJECT_FILTER}"


def _text_params(query: str, limit: int) -> dict:
    q = fold(query)
    like = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")  # literal, not wildcards
    return {"q": q, "infix": f"%{like}%", "prefix": f"{like}%", "limit": max(0, int(limit))}


def register_functions(con) -> None:
    """SQL functions the lookups need, on one connection."""
    con.create_function("tg_fold", 1, lambda v: None if v is None else fold(v), deterministic=True)


class SqliteLookups:
    """Lookups; needs `_rows` and `_decode_all` (graph.sqlite_queries.SqliteReads)."""

    def project_needs(self, project_id: str) -> list[ProjectNeed]:
        return self._decode_all("project_need", "t.project = ?", (project_id,), order="t.skill")

    def project_members(self, project_id: str) -> list[Membership]:
        return self._decode_all("membership", "t.project = ?", (project_id,), order="t.person, t.start, t.role")

    def projects(self, statuses: Iterable[str] | None = None) -> list[Project]:
        params = {"every": 1 if statuses is None else 0,
                  "statuses": json.dumps(sorted(set(statuses or ())), ensure_ascii=False)}
        return self._decode_all("project", _PROJECTS_WITH_STATUS, params, order="t.id")

    def departments(self) -> list[Department]:
        return self._decode_all("department", "1 = 1", order="t.name, t.id")

    def find_skills(self, names: Iterable[str]) -> dict[str, Skill]:
        given = list(dict.fromkeys(names))
        if not given:
            return {}
        best: dict[str, str] = {}
        for name, skill_id in self._rows(_FIND_SKILLS, (json.dumps([[n, fold(n)] for n in given]),)):
            best.setdefault(name, skill_id)
        skills = {s.id: s for s in self._decode_all("skill", "t.id IN (SELECT value FROM json_each(?))",
                                                     (json.dumps(sorted(set(best.values()))),))}
        return {name: skills[best[name]] for name in given if name in best}

    def search_skills(self, query: str, limit: int = 10) -> list[Skill]:
        return [CODECS["skill"].decode(r) for r in self._rows(_SEARCH_SKILLS, _text_params(query, limit))]

    def search_people(self, query: str, limit: int = 10) -> list[Person]:
        return [CODECS["person"].decode(r) for r in self._rows(_SEARCH_PEOPLE, _text_params(query, limit))]

    def demanded_skills(self, department: str | None = None) -> list[str]:
        return [r[0] for r in self._rows(_DEMANDED_SKILLS, {"department": department})]

    def skill_vocabulary(self) -> list[SkillUse]:
        return [SkillUse(CODECS["skill"].decode(r[2:]), r[0], r[1]) for r in self._rows(_SKILL_VOCABULARY)]

    def people_matching(self, query: str = "", department: str | None = None, skill: str | None = None,
                        min_level: int = 1) -> list[str]:
        params = dict(_text_params(query, 0), text=1 if fold(query) else 0, department=department,
                      skill=skill, level=int(min_level))
        return [r[0] for r in self._rows(_PEOPLE_MATCHING, params)]

    def project_index(self, query: str = "", statuses: Iterable[str] | None = None, department: str | None = None,
                      skill: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Project]]:
        params = dict(_text_params(query, limit), text=1 if fold(query) else 0, department=department, skill=skill,
                      every=1 if statuses is None else 0, offset=max(0, int(offset)),
                      statuses=json.dumps(sorted(set(statuses or ())), ensure_ascii=False))
        total = self._rows(_PROJECT_INDEX_TOTAL, params)[0][0]
        return total, [CODECS["project"].decode(r) for r in self._rows(_PROJECT_INDEX, params)]
