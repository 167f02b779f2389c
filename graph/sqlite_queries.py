"""The engine's read queries on the embedded store (mixed into SqliteStore).

Every query takes its inputs as parameters; lists of ids travel as one JSON-array parameter
read with `json_each`, so there is no limit on their length and no SQL built from input.
Visibility of cases is decided in SQL (`_VISIBLE`), mirroring graph.model.can_see.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from teamgraph.graph.load import candidates_with_load, profile_load
from teamgraph.graph.model import Case, Membership, PersonSkill, Viewer, Window
from teamgraph.graph.sqlite_schema import CODECS
from teamgraph.graph.reads import (
    Calendar, Candidate, CandidateAsk, CollaborationPair, EvidenceLink, Holder, PersonProfile, SkillNeighbourhood, SkillRisk,
    gc_paused,
)

_IDS = "(SELECT value FROM json_each(?))"
OPEN_PROJECT = "('proposed', 'active')"  # project statuses whose needs are demand

# graph.model.can_see in SQL. Named parameters: :privileged, :vdept, :vprojects, :vperson.
_VISIBLE = """(c.visibility = 'public' OR :privileged = 1
    OR (c.visibility = 'department' AND c.department = :vdept)
    OR (c.visibility NOT IN ('public', 'department') AND (
        c.project IN (SELECT value FROM json_each(:vprojects))
        OR EXISTS (SELECT 1 FROM case_author ca WHERE ca.case_id = c.id AND ca.person = :vperson))))"""

_CASE_COLS = CODECS["case"].columns.replace("t.", "c.")

_CANDIDATE_IDS = f"""
WITH need(skill, level) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))
SELECT DISTINCT ps.person FROM need
JOIN person_skill ps ON ps.skill = need.skill AND ps.level >= need.level
JOIN person p ON p.id = ps.person AND p.status = 'active'
UNION SELECT id FROM person WHERE status = 'active' AND department IN {_IDS}
UNION SELECT id FROM person WHERE id IN {_IDS}"""

# A person's calendar overlapping [:start, :end] (NULL bounds: everything); holidays by location.
_NAMED_IDS = "(SELECT value FROM json_each(:ids))"
_PERIODS_OF = f"""SELECT {CODECS['capacity_period'].columns} FROM capacity_period t WHERE t.person IN {_NAMED_IDS}
AND (:end IS NULL OR t.start <= :end) AND (:start IS NULL OR t."end" IS NULL OR t."end" >= :start)
ORDER BY t.person, t.start"""
_TIME_OFF_OF = f"""SELECT {CODECS['time_off'].columns} FROM time_off t WHERE t.person IN {_NAMED_IDS}
AND (:end IS NULL OR t.start <= :end) AND (:start IS NULL OR t."end" >= :start) ORDER BY t.person, t.start"""
# Holidays by location, once per location (the people of a location share them).
_HOLIDAYS_OF = f"""SELECT {CODECS['holiday'].columns} FROM holiday t
WHERE t.location IN (SELECT DISTINCT location FROM person WHERE id IN {_NAMED_IDS})
AND (:end IS NULL OR t.date <= :end) AND (:start IS NULL OR t.date >= :start) ORDER BY t.location, t.date"""

_MEMBERSHIPS_IN_WINDOW = f"""SELECT {CODECS['membership'].columns} FROM membership t
WHERE t.person IN {_IDS} AND (t.start IS NULL OR t.start <= ?) AND (t."end" IS NULL OR t."end" >= ?)
ORDER BY t.person, t.project, t.role"""

# Per person and project, the last day they were on it (membership end, else project end);
# a pair's `last` is the latest day both were still on a shared project.
# {among} is one of two fixed fragments (never input), so the planner can use the person index.
_PAIRS = """
WITH m AS (
    SELECT mm.person, mm.project, MAX(COALESCE(mm."end", pr."end")) AS last_day
    FROM membership mm JOIN person p ON p.id = mm.person LEFT JOIN project pr ON pr.id = mm.project
    {among}
    GROUP BY mm.person, mm.project)
SELECT a.person, b.person, COUNT(*),
       MAX(MIN(COALESCE(a.last_day, b.last_day), COALESCE(b.last_day, a.last_day)))
FROM m a JOIN m b ON a.project = b.project AND a.person < b.person
GROUP BY a.person, b.person ORDER BY a.person, b.person"""
_PAIRS_ALL = _PAIRS.format(among="")
_PAIRS_AMONG = _PAIRS.format(among=f"WHERE mm.person IN {_IDS}")

_PAIR_RATINGS = """
SELECT MIN(rater, ratee), MAX(rater, ratee), AVG((responsiveness + support + problem_solving) / 3.0)
FROM rating WHERE rater <> ratee {among} GROUP BY 1, 2"""
_PAIR_RATINGS_ALL = _PAIR_RATINGS.format(among="")
# `+ratee` keeps the planner on the primary key's rater prefix: with both columns indexable it
# probed every (rater, ratee) combination of the list (2,676² look-ups, 0.9 s for a 10k-person
# team request; 3 ms this way).
_PAIR_RATINGS_AMONG = _PAIR_RATINGS.format(among=f"AND rater IN {_IDS} AND +ratee IN {_IDS}")

_HOLDERS = f"""SELECT ps.skill, {CODECS['person'].columns}, ps.level, ps.evidence, ps.last_used
FROM person_skill ps JOIN person t ON t.id = ps.person AND t.status = 'active'
WHERE ps.skill IN {_IDS} AND ps.level >= ? AND (? IS NULL OR t.department = ?)
ORDER BY ps.skill, ps.level DESC, t.id LIMIT ?"""

_SUPPLY = """SELECT COUNT(*) FROM person_skill ps JOIN person p ON p.id = ps.person AND p.status = 'active'
WHERE ps.skill = ? AND ps.level >= 3 AND (? IS NULL OR p.department = ?)"""

_AT_RISK = """SELECT ps.skill, COUNT(*) AS n FROM person_skill ps
JOIN person p ON p.id = ps.person AND p.status = 'active'
WHERE ps.level >= 3 AND (? IS NULL OR p.department = ?)
GROUP BY ps.skill HAVING n BETWEEN 1 AND ? ORDER BY n, ps.skill"""

_CO_OCCURRING = f"""SELECT {CODECS['skill'].columns}, COUNT(*) AS n
FROM person_skill mine JOIN person p ON p.id = mine.person AND p.status = 'active'
JOIN person_skill other ON other.person = mine.person AND other.skill <> mine.skill
JOIN skill t ON t.id = other.skill
WHERE mine.skill = ? AND (? IS NULL OR p.department = ?)
GROUP BY t.id ORDER BY n DESC, t.id LIMIT ?"""

_DEMAND = f"""SELECT COALESCE(SUM(n."count"), 0) FROM project_need n JOIN project pr ON pr.id = n.project
WHERE n.skill = ? AND pr.status IN {OPEN_PROJECT} AND (? IS NULL OR pr.department = ?)"""

_EVIDENCE = """
SELECT ca.person, 'authored', ca.case_id, NULL, c.date FROM case_author ca
JOIN "case" c ON c.id = ca.case_id JOIN person p ON p.id = ca.person {among_authors}
UNION ALL
SELECT m.person, 'member', m.project, m.role, m."end" FROM membership m JOIN person p ON p.id = m.person
{among_members}
ORDER BY 1, 2, 3, 4"""
_EVIDENCE_ALL = _EVIDENCE.format(among_authors="", among_members="")
_EVIDENCE_AMONG = _EVIDENCE.format(among_authors=f"WHERE ca.person IN {_IDS}",
                                   among_members=f"WHERE m.person IN {_IDS}")


def _ids(values: Iterable[str]) -> str:
    return json.dumps(sorted(set(values)), ensure_ascii=False)


def _date(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _viewer_params(viewer: Viewer) -> dict:
    return {"privileged": 1 if viewer.privileged else 0, "vdept": viewer.department,
            "vprojects": _ids(viewer.projects), "vperson": viewer.person}


def calendars_in(con, person_ids: Iterable[str], window: Window | None = None) -> dict[str, Calendar]:
    """`calendars` on connection `con` (inside a write transaction too: bookings' capacity check)."""
    params = {"ids": _ids(person_ids), "start": window.start.isoformat() if window else None,
              "end": window.end.isoformat() if window else None}
    people = con.execute(f"SELECT id, capacity, location FROM person WHERE id IN {_NAMED_IDS} ORDER BY id",
                         params).fetchall()
    periods, time_off = (_by_person(CODECS[kind].decode_many(con.execute(sql, params).fetchall()))
                         for kind, sql in (("capacity_period", _PERIODS_OF), ("time_off", _TIME_OFF_OF)))
    holidays: dict[str, list] = defaultdict(list)
    for h in CODECS["holiday"].decode_many(con.execute(_HOLIDAYS_OF, params).fetchall()):
        holidays[h.location].append(h)
    shared = {loc: tuple(hs) for loc, hs in holidays.items()}
    return {pid: Calendar(pid, cap, periods.get(pid, ()), time_off.get(pid, ()), shared.get(loc, ()))
            for pid, cap, loc in people}


def _by_person(records: list) -> dict[str, tuple]:
    """{person: their records as a tuple, in the given order}."""
    out: dict[str, list] = defaultdict(list)
    for r in records:
        out[r.person].append(r)
    return {pid: tuple(rs) for pid, rs in out.items()}


class SqliteReads:
    """Engine reads; needs `_con()` and `_guard()` from SqliteStore."""

    def _rows(self, sql: str, params=()) -> list:
        with self._guard():
            return self._con().execute(sql, params).fetchall()

    def _decode_all(self, kind: str, where: str, params=(), order: str | None = None) -> list:
        codec = CODECS[kind]
        return codec.decode_many(self._rows(f"{codec.select_sql} WHERE {where} ORDER BY {order or codec.order_by}",
                                            params))

    # --- people -----------------------------------------------------------------------------
    def candidates(self, needs: Sequence[tuple[str, int]], window: Window,
                   include: Iterable[str] = (), departments: Iterable[str] = ()) -> list[Candidate]:
        """Active people meeting any need or belonging to one of `departments`, plus every
        existing person in `include` (whatever their status, so callers can say why a pinned
        leaver cannot be staffed); each with all their skills and their peak load in `window`.
        Sorted by person id."""
        return self.candidates_many([CandidateAsk(tuple(needs), window, tuple(include), tuple(departments))])[0]

    def candidates_many(self, asks: Sequence[CandidateAsk]) -> list[list[Candidate]]:
        """`candidates` per ask. Each ask's ids come from its own needs query; everything else is
        read once for the union of their people: person rows, skills, and memberships, bookings
        and calendars over the span of every ask's window, each ask's load then cut from them in
        memory (graph.load.candidates_with_load keeps what overlaps its window)."""
        with gc_paused():  # graph.reads: tens of thousands of records, no cycles among them
            return self._candidates_of(asks)

    def _candidates_of(self, asks: Sequence[CandidateAsk]) -> list[list[Candidate]]:
        id_lists = []
        for a in asks:
            need_arg = json.dumps([[s, int(lvl)] for s, lvl in a.needs], ensure_ascii=False)
            rows = self._rows(_CANDIDATE_IDS, (need_arg, _ids(a.departments), _ids(a.include)))
            id_lists.append(sorted({r[0] for r in rows}))
        union = sorted({i for ids in id_lists for i in ids})
        if not union:
            return [[] for _ in asks]
        arg = _ids(union)
        by_id = {p.id: p for p in self._decode_all("person", f"t.id IN {_IDS}", (arg,))}
        skills: dict[str, dict[str, PersonSkill]] = defaultdict(dict)
        for ps in self._decode_all("person_skill", f"t.person IN {_IDS}", (arg,)):
            skills[ps.person][ps.skill] = ps
        span = Window(min(a.window.start for a in asks), max(a.window.end for a in asks))
        by_person: dict[str, list[Membership]] = defaultdict(list)
        for m in CODECS["membership"].decode_many(self._rows(
                _MEMBERSHIPS_IN_WINDOW, (arg, span.end.isoformat(), span.start.isoformat()))):
            by_person[m.person].append(m)
        for m in self.booked_memberships(union, span):  # graph/bookings.py: booked people are busy too
            by_person[m.person].append(m)
        calendars = self.calendars(union, span)
        return [candidates_with_load([by_id[i] for i in ids if i in by_id], skills, by_person, a.window, calendars)
                for ids, a in zip(id_lists, asks)]

    def calendars(self, person_ids: Iterable[str], window: Window | None = None) -> dict[str, Calendar]:
        """{person id: Calendar} for every existing person among `person_ids`: their capacity,
        capacity periods, time off and their location's holidays (overlapping `window` when
        given), each oldest first."""
        with self._guard():
            return calendars_in(self._con(), person_ids, window)

    def memberships_of(self, person_ids: Iterable[str]) -> list[Membership]:
        """Memberships of these people, by person, then start date, project and role."""
        return self._decode_all("membership", f"t.person IN {_IDS}", (_ids(person_ids),),
                                order='t.person, t.start, t.project, t.role')

    def collaboration_pairs(self, person_ids: Iterable[str] | None = None) -> list[CollaborationPair]:
        """Pairs of people (a < b) sharing a project: `times` = shared projects; `last` = the
        latest day both were on a shared project (membership end, else project end); and the
        mean of every rating either gave the other. Tombstones are not people and never appear."""
        if person_ids is None:
            means = {(a, b): m for a, b, m in self._rows(_PAIR_RATINGS_ALL)}
            pairs = self._rows(_PAIRS_ALL)
        else:
            arg = _ids(person_ids)
            means = {(a, b): m for a, b, m in self._rows(_PAIR_RATINGS_AMONG, (arg, arg))}
            pairs = self._rows(_PAIRS_AMONG, (arg,))
        return [CollaborationPair(a, b, n, _date(last), means.get((a, b))) for a, b, n, last in pairs]

    def person_profile(self, person_id: str, window: Window, viewer: Viewer) -> PersonProfile | None:
        person = self.get("person", person_id)
        if person is None:
            return None
        pairs = self._rows(
            f"SELECT {CODECS['membership'].columns}, {CODECS['project'].columns.replace('t.', 'pr.')} "
            "FROM membership t JOIN project pr ON pr.id = t.project WHERE t.person = ? "
            "ORDER BY t.start DESC, t.project, t.role", (person_id,))
        nm = len(CODECS["membership"].fields)
        memberships = [(CODECS["membership"].decode(r[:nm]), CODECS["project"].decode(r[nm:])) for r in pairs]
        cases = [CODECS["case"].decode(r) for r in self._rows(
            f'SELECT {_CASE_COLS} FROM "case" c JOIN case_author a ON a.case_id = c.id '
            f"WHERE a.person = :me AND {_VISIBLE} ORDER BY c.date DESC, c.id",
            {"me": person_id, **_viewer_params(viewer)})]
        ratings = (self._decode_all("rating", "t.ratee = ?", (person_id,), order="t.date DESC, t.rater")
                   if viewer.privileged else None)
        return PersonProfile(
            person=person, department=self.get("department", person.department),
            skills=self._decode_all("person_skill", "t.person = ?", (person_id,),
                                    order="t.level DESC, t.skill"),
            memberships=memberships, cases=cases,
            expert_in=self._decode_all("expert", "t.person = ?", (person_id,)),
            ratings=ratings, window=window, **profile_load(
                [m for m, _ in memberships] + self.booked_memberships([person_id], window), window,
                self.calendars([person_id], window)[person_id]))

    # --- skills -----------------------------------------------------------------------------
    def _holders(self, skill_ids: list[str], min_level: int, department: str | None,
                 limit: int = -1) -> dict[str, list[Holder]]:
        pc = CODECS["person"]
        n = len(pc.fields)
        out: dict[str, list[Holder]] = defaultdict(list)
        for r in self._rows(_HOLDERS, (_ids(skill_ids), min_level, department, department, limit)):
            out[r[0]].append(Holder(pc.decode(r[1:n + 1]), r[n + 1], r[n + 2], _date(r[n + 3])))
        return out

    def skill_neighbourhood(self, skill_id: str, department: str | None = None,
                            limit: int = 25) -> SkillNeighbourhood | None:
        """Holders, supply and co-occurring skills count active people (of `department` when
        given); demand sums the `count` of needs on proposed/active projects (owned by
        `department` when given). `limit` caps holders and co-occurring skills."""
        skill = self.get("skill", skill_id)
        if skill is None:
            return None
        holders = self._holders([skill_id], 1, department, limit)[skill_id]
        sc = CODECS["skill"]
        co = [(sc.decode(r[:-1]), r[-1]) for r in
              self._rows(_CO_OCCURRING, (skill_id, department, department, limit))]
        return SkillNeighbourhood(
            skill=skill, broader=self.get("skill", skill.broader) if skill.broader else None,
            narrower=self._decode_all("skill", "t.broader = ?", (skill_id,)),
            co_occurring=co, holders=holders,
            supply=self._rows(_SUPPLY, (skill_id, department, department))[0][0],
            demand=self._rows(_DEMAND, (skill_id, department, department))[0][0])

    def skills_at_risk(self, max_holders: int = 2, department: str | None = None) -> list[SkillRisk]:
        """Skills with 1..max_holders active holders at level >= 3, fewest first, then by id."""
        counts = self._rows(_AT_RISK, (department, department, max_holders))
        if not counts:
            return []
        ids = [r[0] for r in counts]
        skills = {s.id: s for s in self._decode_all("skill", f"t.id IN {_IDS}", (_ids(ids),))}
        holders = self._holders(ids, 3, department)
        return [SkillRisk(skills[i], holders[i]) for i in ids]

    # --- cases ------------------------------------------------------------------------------
    def get_case(self, case_id: str, viewer: Viewer) -> Case | None:
        rows = self._rows(f'SELECT {_CASE_COLS} FROM "case" c WHERE c.id = :id AND {_VISIBLE}',
                          {"id": case_id, **_viewer_params(viewer)})
        return CODECS["case"].decode(rows[0]) if rows else None

    def list_cases(self, viewer: Viewer, *, department: str | None = None, project: str | None = None,
                   skill: str | None = None, language: str | None = None,
                   limit: int = 100, offset: int = 0) -> list[Case]:
        """Cases `viewer` may see matching every given filter, newest first (then by id)."""
        sql = (f'SELECT {_CASE_COLS} FROM "case" c WHERE {_VISIBLE} '
               "AND (:department IS NULL OR c.department = :department) "
               "AND (:project IS NULL OR c.project = :project) "
               "AND (:language IS NULL OR c.language = :language) "
               "AND (:skill IS NULL OR EXISTS (SELECT 1 FROM case_skill s WHERE s.case_id = c.id "
               "AND s.skill = :skill)) ORDER BY c.date DESC, c.id LIMIT :limit OFFSET :offset")
        params = {"department": department, "project": project, "language": language, "skill": skill,
                  "limit": int(limit), "offset": int(offset), **_viewer_params(viewer)}
        return [CODECS["case"].decode(r) for r in self._rows(sql, params)]

    def visible_case_ids(self, viewer: Viewer) -> set[str]:
        rows = self._rows(f'SELECT c.id FROM "case" c WHERE {_VISIBLE}', _viewer_params(viewer))
        return {r[0] for r in rows}

    def evidence(self, person_ids: Iterable[str] | None = None) -> list[EvidenceLink]:
        """Authored cases (date = case date) and memberships (date = membership end) of real
        people, sorted by person, kind, target. Case ids are not visibility-filtered: callers
        that show them intersect with `visible_case_ids(viewer)`."""
        if person_ids is None:
            rows = self._rows(_EVIDENCE_ALL)
        else:
            arg = _ids(person_ids)
            rows = self._rows(_EVIDENCE_AMONG, (arg, arg))
        return [EvidenceLink(p, k, t, role, _date(d)) for p, k, t, role, d in rows]

