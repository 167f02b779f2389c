"""The engine's read queries on Neo4j (mixed into Neo4jStore); queries in graph/cypher_reads.py.

Results match the embedded store exactly, including order. Where SQLite and Cypher order
nulls differently (SQLite: nulls first ascending, last descending; Cypher the reverse), the
sort is done here in Python with SQLite's rule, or in Cypher with an explicit `x IS NULL` key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from teamgraph.graph import cypher_reads as q
from teamgraph.graph.load import candidates_with_load, profile_load
from teamgraph.graph.model import Case, Membership, PersonSkill, Viewer, Window
from teamgraph.graph.neo4j_codec import as_date, decode
from teamgraph.graph.reads import (
    Calendar, Candidate, CandidateAsk, CollaborationPair, EvidenceLink, Holder, PersonProfile, SkillNeighbourhood, SkillRisk,
    gc_paused,
)


def _ids(values: Iterable[str]) -> list[str]:
    return sorted(set(values))


def nulls_first(v):
    """Sort key with SQLite's rule for ascending order: NULL before every value."""
    return (v is not None, v if v is not None else "")


class _Desc:
    """Sort key for descending order with SQLite's rule (NULL last)."""

    def __init__(self, v: date | None):
        self.v = v

    def __lt__(self, other: _Desc) -> bool:
        if self.v is None:
            return False
        return other.v is None or self.v > other.v

    def __eq__(self, other) -> bool:
        return isinstance(other, _Desc) and self.v == other.v


def _viewer(viewer: Viewer) -> dict:
    return {"privileged": viewer.privileged, "vdept": viewer.department,
            "vprojects": _ids(viewer.projects), "vperson": viewer.person}


def calendars_in(run, person_ids: Iterable[str], window: Window | None = None) -> dict[str, Calendar]:
    """`calendars` through `run(query, **params)` (a read, or the bookings' write transaction)."""
    ids = _ids(person_ids)
    bounds = {"start": window.start if window else None, "end": window.end if window else None}
    people = [(r["id"], float(r["capacity"]), r["location"]) for r in run(q.PERSON_CAPACITIES, ids=ids)]
    periods, time_off = ({}, {})
    for got, kind, query in ((periods, "capacity_period", q.PERIODS_OF), (time_off, "time_off", q.TIME_OFF_OF)):
        for r in run(query, ids=ids, **bounds):
            rec = decode(kind, r["row"])
            got.setdefault(rec.person, []).append(rec)
    holidays: dict[str, list] = defaultdict(list)
    for r in run(q.HOLIDAYS_AT, locations=sorted({loc for _, _, loc in people if loc is not None}), **bounds):
        h = decode("holiday", r["row"])
        holidays[h.location].append(h)
    shared = {loc: tuple(hs) for loc, hs in holidays.items()}  # one tuple per location
    return {pid: Calendar(pid, cap, tuple(periods.get(pid, ())), tuple(time_off.get(pid, ())), shared.get(loc, ()))
            for pid, cap, loc in people}


class Neo4jReads:
    """Engine reads; needs `_read(query, **params)` and `get` from Neo4jStore."""

    # --- people -------------------------------------------------------------------------------
    def candidates(self, needs: Sequence[tuple[str, int]], window: Window,
                   include: Iterable[str] = (), departments: Iterable[str] = ()) -> list[Candidate]:
        """Active people meeting any need or belonging to one of `departments`, plus every
        existing person in `include` (whatever their status); each with all their skills and
        their peak load in `window`. By person id."""
        return self.candidates_many([CandidateAsk(tuple(needs), window, tuple(include), tuple(departments))])[0]

    def candidates_many(self, asks: Sequence[CandidateAsk]) -> list[list[Candidate]]:
        """`candidates` per ask, read in the embedded store's shape (graph/sqlite_queries.py): the
        ids per ask, then one query per kind for the union of the people over the span of the windows."""
        with gc_paused():  # graph.reads: tens of thousands of records, no cycles among them
            return self._candidates_of(asks)

    def _candidates_of(self, asks: Sequence[CandidateAsk]) -> list[list[Candidate]]:
        id_lists = []
        for a in asks:
            need_rows = [{"skill": s, "level": int(lvl)} for s, lvl in a.needs]
            id_lists.append(_ids(r["id"] for r in self._read(
                q.CANDIDATE_IDS, needs=need_rows, departments=_ids(a.departments), include=_ids(a.include))))
        union = sorted({i for ids in id_lists for i in ids})
        if not union:
            return [[] for _ in asks]
        by_id = {p.id: p for p in (decode("person", r["row"]) for r in self._read(q.PEOPLE_BY_IDS, ids=union))}
        skills: dict[str, dict[str, PersonSkill]] = defaultdict(dict)
        for r in self._read(q.SKILLS_OF, ids=union):
            ps = decode("person_skill", r["row"])
            skills[ps.person][ps.skill] = ps
        span = Window(min(a.window.start for a in asks), max(a.window.end for a in asks))
        by_person: dict[str, list[Membership]] = defaultdict(list)
        for r in self._read(q.MEMBERSHIPS_IN_WINDOW, ids=union, start=span.start, end=span.end):
            m = decode("membership", r["row"])
            by_person[m.person].append(m)
        for m in self.booked_memberships(union, span):  # graph/bookings.py: booked people are busy too
            by_person[m.person].append(m)
        calendars = self.calendars(union, span)
        return [candidates_with_load([by_id[i] for i in ids if i in by_id], skills, by_person, a.window, calendars)
                for ids, a in zip(id_lists, asks)]

    def calendars(self, person_ids: Iterable[str], window: Window | None = None) -> dict[str, Calendar]:
        """{person id: Calendar} for every existing person among `person_ids` (GraphStore)."""
        return calendars_in(self._read, person_ids, window)

    def memberships_of(self, person_ids: Iterable[str]) -> list[Membership]:
        """Memberships of these people (or tombstones), by person, then start, project and role."""
        ms = [decode("membership", r["row"]) for r in self._read(q.MEMBERSHIPS_OF, ids=_ids(person_ids))]
        return sorted(ms, key=lambda m: (m.person, nulls_first(m.start), m.project, m.role))

    def collaboration_pairs(self, person_ids: Iterable[str] | None = None) -> list[CollaborationPair]:
        """Pairs (a < b) sharing a project: shared projects, the latest day both were on one
        (membership end, else project end), and the mean of the ratings either gave the other."""
        if person_ids is None:
            pairs, ratings = self._read(q.PAIRS_ALL), self._read(q.PAIR_RATINGS_ALL)
        else:
            ids = _ids(person_ids)
            pairs, ratings = self._read(q.PAIRS_AMONG, ids=ids), self._read(q.PAIR_RATINGS_AMONG, ids=ids)
        means = {(r["a"], r["b"]): r["mean"] for r in ratings}
        out = [CollaborationPair(r["a"], r["b"], r["times"], as_date(r["last"]), means.get((r["a"], r["b"])))
               for r in pairs]
        return sorted(out, key=lambda p: (p.a, p.b))

    def person_profile(self, person_id: str, window: Window, viewer: Viewer) -> PersonProfile | None:
        person = self.get("person", person_id)
        if person is None:
            return None
        memberships = sorted(
            ((decode("membership", r["m"]), decode("project", r["p"]))
             for r in self._read(q.PROFILE_MEMBERSHIPS, id=person_id)),
            key=lambda mp: (_Desc(mp[0].start), mp[0].project, mp[0].role))
        cases = [decode("case", r["row"]) for r in self._read(q.AUTHORED_CASES, id=person_id, **_viewer(viewer))]
        ratings = None
        if viewer.privileged:
            ratings = sorted((decode("rating", r["row"]) for r in self._read(q.PROFILE_RATINGS, id=person_id)),
                             key=lambda x: (_Desc(x.date), x.rater))
        return PersonProfile(
            person=person, department=self.get("department", person.department),
            skills=[decode("person_skill", r["row"]) for r in self._read(q.PROFILE_SKILLS, id=person_id)],
            memberships=memberships, cases=cases,
            expert_in=[decode("expert", r["row"]) for r in self._read(q.PROFILE_EXPERT, id=person_id)],
            ratings=ratings, window=window, **profile_load(
                [m for m, _ in memberships] + self.booked_memberships([person_id], window), window,
                self.calendars([person_id], window)[person_id]))

    # --- skills -------------------------------------------------------------------------------
    def _holders(self, skill_ids: list[str], min_level: int, department: str | None,
                 limit: int | None = None) -> dict[str, list[Holder]]:
        out: dict[str, list[Holder]] = defaultdict(list)
        query, extra = (q.HOLDERS, {}) if limit is None else (q.HOLDERS_TOP, {"limit": max(0, int(limit))})
        for r in self._read(query, ids=skill_ids, min_level=min_level, department=department, **extra):
            out[r["skill"]].append(Holder(decode("person", r["person"]), r["level"], r["evidence"],
                                          as_date(r["last_used"])))
        return out

    def skill_neighbourhood(self, skill_id: str, department: str | None = None,
                            limit: int = 25) -> SkillNeighbourhood | None:
        """Holders, supply and co-occurring skills count active people (of `department` when
        given); demand sums the `count` of needs on proposed/active projects (owned by
        `department` when given). `limit` caps holders and co-occurring skills."""
        skill = self.get("skill", skill_id)
        if skill is None:
            return None
        # Only the shown holders cross the wire; supply is counted in the server (a common skill
        # has tens of thousands of holders at 100k people).
        holders = self._holders([skill_id], 1, department, limit)[skill_id]
        co = [(decode("skill", r["row"]), r["shared"]) for r in
              self._read(q.CO_OCCURRING, id=skill_id, department=department, limit=max(0, int(limit)))]
        return SkillNeighbourhood(
            skill=skill, broader=self.get("skill", skill.broader) if skill.broader else None,
            narrower=[decode("skill", r["row"]) for r in self._read(q.NARROWER, id=skill_id)],
            co_occurring=co, holders=holders,
            supply=self._read(q.SUPPLY, id=skill_id, department=department)[0]["supply"],
            demand=self._read(q.DEMAND, id=skill_id, department=department)[0]["demand"])

    def skills_at_risk(self, max_holders: int = 2, department: str | None = None) -> list[SkillRisk]:
        """Skills with 1..max_holders active holders at level >= 3, fewest first, then by id."""
        skills = [decode("skill", r["row"]) for r in
                  self._read(q.AT_RISK, max_holders=int(max_holders), department=department)]
        if not skills:
            return []
        holders = self._holders([s.id for s in skills], 3, department)
        return [SkillRisk(s, holders[s.id]) for s in skills]

    # --- cases --------------------------------------------------------------------------------
    def get_case(self, case_id: str, viewer: Viewer) -> Case | None:
        rows = self._read(q.GET_CASE, id=case_id, **_viewer(viewer))
        return decode("case", rows[0]["row"]) if rows else None

    def list_cases(self, viewer: Viewer, *, department: str | None = None, project: str | None = None,
                   skill: str | None = None, language: str | None = None,
                   limit: int = 100, offset: int = 0) -> list[Case]:
        """Cases `viewer` may see matching every given filter, newest first (then by id)."""
        limit = int(limit) if int(limit) >= 0 else 2**62  # SQLite: a negative LIMIT means none
        rows = self._read(q.LIST_CASES, department=department, project=project, skill=skill,
                          language=language, limit=limit, offset=max(0, int(offset)), **_viewer(viewer))
        return [decode("case", r["row"]) for r in rows]

    def visible_case_ids(self, viewer: Viewer) -> set[str]:
        return {r["id"] for r in self._read(q.VISIBLE_CASE_IDS, **_viewer(viewer))}

    def evidence(self, person_ids: Iterable[str] | None = None) -> list[EvidenceLink]:
        """Authored cases (date = case date) and memberships (date = membership end) of real
        people, by person, kind, target, role. Case ids are not visibility-filtered."""
        rows = (self._read(q.EVIDENCE_ALL) if person_ids is None
                else self._read(q.EVIDENCE_OF, ids=_ids(person_ids)))
        links = [EvidenceLink(r["person"], r["kind"], r["target"], r["role"], as_date(r["date"])) for r in rows]
        return sorted(links, key=lambda e: (e.person, e.kind, e.target, nulls_first(e.role)))
