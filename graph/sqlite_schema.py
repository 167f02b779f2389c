"""Schema and row codecs of the embedded SQLite store.

One table per entity kind, columns named after the dataclass fields. Tuples and dicts
(aliases, languages, kpis, skills, tags, authors) are JSON text, dates ISO text. Two derived
tables, `case_author` and `case_skill`, are kept in step with a case's JSON columns by
triggers so visibility, evidence and skill filters are indexed lookups.

Foreign keys are DEFERRABLE INITIALLY DEFERRED: the store checks references itself (to name
the offending record) and the deferred keys are a safety net at COMMIT. `membership.person`
and `rating.rater` carry no foreign key because `forget_person` re-points them to an opaque
tombstone id that is not a person.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date

from teamgraph.graph.model import ENTITY_TYPES, phases_from_json, phases_json

_FK = "DEFERRABLE INITIALLY DEFERRED"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', 0);
CREATE TABLE IF NOT EXISTS tombstone (id TEXT PRIMARY KEY);

CREATE TABLE IF NOT EXISTS department (
    id TEXT PRIMARY KEY, name TEXT NOT NULL,
    parent TEXT REFERENCES department(id) {_FK});
CREATE TABLE IF NOT EXISTS skill (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, aliases TEXT NOT NULL,
    broader TEXT REFERENCES skill(id) {_FK}, category TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS skill_by_broader ON skill(broader);
CREATE TABLE IF NOT EXISTS person (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,
    department TEXT NOT NULL REFERENCES department(id) {_FK},
    title TEXT NOT NULL, location TEXT NOT NULL, timezone TEXT NOT NULL,
    capacity REAL NOT NULL, cost_rate REAL NOT NULL, languages TEXT NOT NULL, status TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS person_by_department ON person(department, status);
CREATE TABLE IF NOT EXISTS project (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,
    sponsor TEXT REFERENCES person(id) {_FK}, department TEXT REFERENCES department(id) {_FK},
    process TEXT NOT NULL, process_owner TEXT REFERENCES person(id) {_FK},
    start TEXT, "end" TEXT, status TEXT NOT NULL, outcome TEXT NOT NULL, kpis TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS project_by_sponsor ON project(sponsor);
CREATE INDEX IF NOT EXISTS project_by_owner ON project(process_owner);
CREATE INDEX IF NOT EXISTS project_by_department ON project(department);
CREATE TABLE IF NOT EXISTS person_skill (
    person TEXT NOT NULL REFERENCES person(id) {_FK}, skill TEXT NOT NULL REFERENCES skill(id) {_FK},
    level INTEGER NOT NULL, evidence TEXT NOT NULL, last_used TEXT,
    PRIMARY KEY (person, skill)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_skill_by_skill ON person_skill(skill, level);
CREATE TABLE IF NOT EXISTS project_need (
    project TEXT NOT NULL REFERENCES project(id) {_FK}, skill TEXT NOT NULL REFERENCES skill(id) {_FK},
    level INTEGER NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (project, skill)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS project_need_by_skill ON project_need(skill);
CREATE TABLE IF NOT EXISTS membership (
    person TEXT NOT NULL, project TEXT NOT NULL REFERENCES project(id) {_FK},
    role TEXT NOT NULL, allocation REAL NOT NULL, start TEXT, "end" TEXT, phases TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (person, project, role)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS membership_by_project ON membership(project);
CREATE TABLE IF NOT EXISTS "case" (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, problem TEXT NOT NULL, action TEXT NOT NULL,
    result TEXT NOT NULL, lesson TEXT NOT NULL,
    project TEXT REFERENCES project(id) {_FK}, department TEXT REFERENCES department(id) {_FK},
    skills TEXT NOT NULL, tags TEXT NOT NULL, language TEXT NOT NULL, visibility TEXT NOT NULL,
    date TEXT, authors TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS case_by_project ON "case"(project);
CREATE INDEX IF NOT EXISTS case_by_department ON "case"(department);
CREATE INDEX IF NOT EXISTS case_by_date ON "case"(date DESC, id);
CREATE TABLE IF NOT EXISTS case_author (
    case_id TEXT NOT NULL REFERENCES "case"(id) ON DELETE CASCADE, person TEXT NOT NULL,
    PRIMARY KEY (case_id, person)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_author_by_person ON case_author(person);
CREATE TABLE IF NOT EXISTS case_skill (
    case_id TEXT NOT NULL REFERENCES "case"(id) ON DELETE CASCADE, skill TEXT NOT NULL,
    PRIMARY KEY (case_id, skill)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_skill_by_skill ON case_skill(skill);
CREATE TRIGGER IF NOT EXISTS case_after_insert AFTER INSERT ON "case" BEGIN
    INSERT OR IGNORE INTO case_author (case_id, person) SELECT NEW.id, value FROM json_each(NEW.authors);
    INSERT OR IGNORE INTO case_skill (case_id, skill) SELECT NEW.id, value FROM json_each(NEW.skills);
END;
CREATE TRIGGER IF NOT EXISTS case_after_update AFTER UPDATE OF authors, skills ON "case" BEGIN
    DELETE FROM case_author WHERE case_id = OLD.id;
    DELETE FROM case_skill WHERE case_id = OLD.id;
    INSERT OR IGNORE INTO case_author (case_id, person) SELECT NEW.id, value FROM json_each(NEW.authors);
    INSERT OR IGNORE INTO case_skill (case_id, skill) SELECT NEW.id, value FROM json_each(NEW.skills);
END;
CREATE TABLE IF NOT EXISTS expert (
    person TEXT NOT NULL REFERENCES person(id) {_FK}, topic TEXT NOT NULL, source TEXT NOT NULL,
    PRIMARY KEY (person, topic)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rating (
    rater TEXT NOT NULL, ratee TEXT NOT NULL REFERENCES person(id) {_FK},
    project TEXT NOT NULL REFERENCES project(id) {_FK}, date TEXT,
    responsiveness INTEGER NOT NULL, support INTEGER NOT NULL, problem_solving INTEGER NOT NULL,
    comment TEXT NOT NULL, PRIMARY KEY (rater, ratee, project)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rating_by_ratee ON rating(ratee);
CREATE INDEX IF NOT EXISTS rating_by_project ON rating(project);
CREATE TABLE IF NOT EXISTS capacity_period (
    person TEXT NOT NULL REFERENCES person(id) {_FK}, start TEXT NOT NULL, "end" TEXT,
    capacity REAL NOT NULL, PRIMARY KEY (person, start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS time_off (
    person TEXT NOT NULL REFERENCES person(id) {_FK}, start TEXT NOT NULL, "end" TEXT NOT NULL,
    reason TEXT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (person, start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS holiday (
    location TEXT NOT NULL, date TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (location, date)) WITHOUT ROWID;
"""

def migrate(con) -> None:
    """Bring a store written by an older version up to SCHEMA (CREATE ... IF NOT EXISTS does not
    add columns): memberships gained `phases`."""
    cols = {r[1] for r in con.execute("PRAGMA table_info(membership)")}
    if "phases" not in cols:
        con.execute("ALTER TABLE membership ADD COLUMN phases TEXT NOT NULL DEFAULT '[]'")


TABLES: dict[str, str] = {kind: ('"case"' if kind == "case" else kind) for kind in ENTITY_TYPES}
# Every table, children first, for clear_all.
ALL_TABLES: tuple[str, ...] = ("capacity_period", "time_off", "holiday", "case_author", "case_skill",
                               "rating", "expert", '"case"', "membership", "project_need", "person_skill",
                               "project", "person", "skill", "department", "tombstone")


def _q(name: str) -> str:
    return f'"{name}"'


class Codec:
    """Turns one dataclass kind into a row tuple and back, and holds its SQL."""

    def __init__(self, kind: str):
        self.kind = kind
        self.type = ENTITY_TYPES[kind]
        self.table = TABLES[kind]
        self.fields = [f.name for f in fields(self.type)]
        ann = {f.name: str(f.type) for f in fields(self.type)}
        self.dates = {n for n, a in ann.items() if a.startswith("date")}
        self.phases = {n for n, a in ann.items() if a.startswith("tuple[Phase")}  # JSON rows (model.phases_json)
        self.tuples = {n for n, a in ann.items() if a.startswith("tuple")} - self.phases
        self.dicts = {n for n, a in ann.items() if a.startswith("dict")}
        self.key = ["id"] if "id" in self.fields else list(_key_fields(kind))
        cols = ", ".join(map(_q, self.fields))
        self.columns = ", ".join(f"t.{_q(f)}" for f in self.fields)
        rest = [f for f in self.fields if f not in self.key]
        self.key_where = " AND ".join(f"{_q(k)} = ?" for k in self.key)
        self.order_by = ", ".join(_q(k) for k in self.key)
        # Upsert that leaves identical rows untouched, so `changes()` counts real changes only.
        # Never INSERT OR REPLACE: it deletes the old row and would fire ON DELETE cascades.
        self.upsert_sql = (
            f"INSERT INTO {self.table} ({cols}) VALUES ({', '.join('?' * len(self.fields))}) "
            f"ON CONFLICT ({', '.join(map(_q, self.key))}) DO UPDATE SET "
            + ", ".join(f"{_q(f)} = excluded.{_q(f)}" for f in rest)
            + f" WHERE ({', '.join(f'{self.table}.{_q(f)}' for f in rest)}) IS NOT "
            f"({', '.join(f'excluded.{_q(f)}' for f in rest)})")
        self.delete_sql = f"DELETE FROM {self.table} WHERE {self.key_where}"
        self.select_sql = f"SELECT {self.columns} FROM {self.table} t"
        # decode's work: only the columns stored as text that are not text in the record, each
        # converted for a whole batch at once (candidate reads decode tens of thousands of rows
        # per team request).
        self._columns = [(k, _dates if n in self.dates else _tuples if n in self.tuples
                          else _phases if n in self.phases else _json)
                         for k, n in enumerate(self.fields)
                         if n in self.dates or n in self.tuples or n in self.dicts or n in self.phases]
        # A record is filled from its row without the dataclass __init__ (about half the cost of
        # a frozen dataclass's per-field object.__setattr__): the row holds every field, and no
        # entity kind checks or derives anything on construction. A kind that ever does
        # (__post_init__, __slots__) is built through its constructor instead.
        self._fill = not hasattr(self.type, "__post_init__") and "__slots__" not in vars(self.type)

    def encode(self, record) -> tuple:
        out = []
        for name in self.fields:
            v = getattr(record, name)
            if name in self.dates:
                v = v.isoformat() if v is not None else None
            elif name in self.phases:
                v = phases_json(v)
            elif name in self.tuples:
                v = json.dumps(list(v), ensure_ascii=False)
            elif name in self.dicts:
                v = json.dumps(dict(v), ensure_ascii=False, sort_keys=True)
            out.append(v)
        return tuple(out)

    def decode(self, row) -> object:
        return self.decode_many((row,))[0]

    def decode_many(self, rows) -> list:
        """The records of `rows`, in order: converted column by column (a JSON column with one
        json.loads for the batch, dates in one comprehension), not one call per row and field."""
        rows = rows if isinstance(rows, (list, tuple)) else list(rows)
        if not rows:
            return []
        if self._columns:
            cols = list(zip(*rows))
            for k, convert in self._columns:
                cols[k] = convert(cols[k])
            rows = zip(*cols)
        cls = self.type
        new, names, out = object.__new__, self.fields, []
        if not self._fill:
            return [cls(**dict(zip(names, values))) for values in rows]
        for values in rows:
            record = new(cls)
            record.__dict__.update(zip(names, values))
            out.append(record)
        return out

    def key_of(self, record) -> tuple:
        return tuple(getattr(record, k) for k in self.key)


def _dates(col) -> list:
    fromiso = date.fromisoformat
    return [None if v is None else fromiso(v) for v in col]


def _json(col) -> list:
    return json.loads(f"[{','.join(col)}]")  # one parse for the column (the values are JSON text)


def _tuples(col) -> list:
    return list(map(tuple, _json(col)))


def _phases(col) -> list:
    return [() if v == "[]" else phases_from_json(v) for v in col]  # most memberships have none


def _key_fields(kind: str) -> tuple[str, ...]:
    return ENTITY_TYPES[kind].key_fields  # graph.model.Keyed: named once, with the record


CODECS: dict[str, Codec] = {kind: Codec(kind) for kind in ENTITY_TYPES}
