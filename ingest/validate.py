"""Row and cross-file validation: turns raw rows into graph.model records, collecting problems.

`FolderValidator.add_row` parses each field, applies the per-row rules (end ≥ start, rater ≠
ratee, allocation within the person's capacity, …), detects duplicate keys (naming the earlier
line) and checks references. Files are fed in graph.model.WRITE_ORDER so every referenced kind
is complete before it is referenced; the two self-references (department.parent,
skill.broader) are checked in `finish`, together with cycles. Ids missing from the folder are
looked up in the optional target store, so a folder may add to what is already loaded.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from teamgraph.graph.model import ENTITY_TYPES, record_key
from teamgraph.graph.reads import fold
from teamgraph.ingest.formats import SPECS, FileSpec
from teamgraph.ingest.reader import Row
from teamgraph.errors import ErrorReport

if TYPE_CHECKING:
    from teamgraph.graph.store import GraphStore

_MISSING = object()
SMALL_FOLDER = 2000  # people in a folder up to which their stored e-mails are looked up by id first
_FILE_OF_KIND = {s.kind: s.filename for s in SPECS}
# Node kinds whose ids other records reference, and the field holding their parent.
PARENT_FIELD = {"department": "parent", "skill": "broader"}


def _empty(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, (list, tuple, dict)) and not v)


def _key_text(key: tuple) -> str:
    return key[0] if len(key) == 1 else "(" + ", ".join(map(str, key)) + ")"


class FolderValidator:
    """Accumulates the records of one folder and every problem found in them."""

    def __init__(self, errors: ErrorReport, store: GraphStore | None = None,
                 folder_only: frozenset[str] = frozenset()):
        self.errors = errors
        self.store = store
        self.folder_only = folder_only  # kinds resolved in the folder only (--replace deletes the rest)
        self.records: dict[str, dict[tuple, object]] = {}
        # where each key was defined: a line number in the kind's usual file, else (file, line);
        # plain ints keep a million-row folder from holding a million tuples
        self.where: dict[str, dict[tuple, int | tuple[str, int]]] = {}
        self.read: dict[str, int] = {}  # rows read per kind (valid or not)
        self._emails: dict[str, tuple[str, int, str | None]] = {}  # lower-case email -> file, line, id
        self._store_cache: dict[tuple[str, str], object] = {}
        self._deferred: list[tuple[str, str, str, int, str]] = []  # kind, id, file, line, field
        # (kind, person) -> [(start, end, line, capacity)]: capacity periods and time off in the folder
        self._spans: dict[tuple[str, str], list] = {}

    # --- lookups -----------------------------------------------------------------------------
    def lookup(self, kind: str, ident: str) -> object | None:
        """A node from the folder, else from the target store, else None."""
        rec = self.records.get(kind, {}).get((ident,))
        if rec is not None:
            return rec
        if self.store is None or kind in self.folder_only:
            return None
        hit = self._store_cache.get((kind, ident), _MISSING)
        if hit is _MISSING:
            hit = self.store.get(kind, ident)
            self._store_cache[(kind, ident)] = hit
        return hit

    def _ref(self, kind: str, ident: str, file: str, line: int, field: str) -> None:
        if self.lookup(kind, ident) is None:
            plural = {"person": "people", "project_need": "project needs"}.get(kind, f"{kind}s")
            in_store = self.store is not None and kind not in self.folder_only
            where = f"{plural} in this folder" + (" or the store" if in_store else "")
            self.errors.add(f"unknown {kind.replace('_', ' ')} {ident!r} (not among the {where})"
                            + self._suggest(kind, ident), file=file, line=line, field=field)

    def _suggest(self, kind: str, ident: str) -> str:
        """'; did you mean …?' from the folder's ids (only for the first problems: it is a scan)."""
        if len(self.errors.problems) > 100 or len(self.records.get(kind, ())) > 50_000:
            return ""
        close = difflib.get_close_matches(ident, [k[0] for k in self.records.get(kind, ())], n=1, cutoff=0.75)
        return f"; did you mean {close[0]!r}?" if close else ""

    # --- rows --------------------------------------------------------------------------------
    def add_row(self, spec: FileSpec, row: Row) -> None:
        # Hot path (a million rows for 100k people): line numbers are looked up only on problems.
        kind = spec.kind
        self.read[kind] = self.read.get(kind, 0) + 1
        values: dict[str, object] = {}
        complete = True
        raw_values = row.values
        for col in spec.columns:
            name = col.name
            raw = raw_values.get(name)
            if (not raw or raw.isspace()) if raw.__class__ is str else _empty(raw):
                if col.required:
                    self.errors.add("is required", file=row.file, line=row.line_of(name), field=name)
                    complete = False
                continue
            try:
                value = col.parse(raw)
            except ValueError as e:
                self.errors.add(str(e), file=row.file, line=row.line_of(name), field=name)
                complete = complete and not col.required
                continue
            if col.required and (value == "" or value == ()):
                self.errors.add("is required", file=row.file, line=row.line_of(name), field=name)
                complete = False
                continue
            values[name] = value
            ref = col.ref
            if ref:
                for ident in (value if value.__class__ is tuple else (value,)):
                    if ref == kind:  # self-reference: the file is not complete yet
                        self._deferred.append((kind, ident, row.file, row.line_of(name), name))
                    elif (ident,) not in self.records.get(ref, ()):
                        self._ref(ref, ident, row.file, row.line_of(name), name)
        self._row_rules(kind, values, row)
        if not complete:
            return
        record = ENTITY_TYPES[kind](**values)
        key = record_key(record)
        seen = self.where.setdefault(kind, {})
        if key in seen:
            f, ln = self._loc(kind, seen[key])
            first = f"line {ln}" if f == row.file else f"{f}:{ln}"
            fields = "id" if hasattr(record, "id") else "+".join(_key_fields(kind))
            self.errors.add(f"duplicate {kind.replace('_', ' ')} {_key_text(key)!r}; first defined on {first}",
                            file=row.file, line=row.line, field=fields)
            return
        seen[key] = row.line if row.file == _FILE_OF_KIND[kind] else (row.file, row.line)
        self.records.setdefault(kind, {})[key] = record

    def _row_rules(self, kind: str, v: dict, row: Row) -> None:
        """Rules across fields of one row, and against the referenced person."""
        add = self.errors.add
        if kind in ("project", "membership") and v.get("start") and v.get("end") and v["end"] < v["start"]:
            add(f"end {v['end'].isoformat()} is before start {v['start'].isoformat()}",
                file=row.file, line=row.line_of("end"), field="end")
        if kind == "person" and "email" in v:
            email = v["email"].lower()
            if email in self._emails:
                f, ln, _ = self._emails[email]
                add(f"email {v['email']!r} is already used on line {ln}", file=row.file,
                    line=row.line_of("email"), field="email")
            else:
                self._emails[email] = (row.file, row.line_of("email"), v.get("id"))
        if kind == "membership" and v.get("phases"):
            self._phased(v, row)
        if kind == "membership" and "person" in v and "allocation" in v:
            person = self.lookup("person", v["person"])  # the hot path: periods only when over
            fld = "phases" if v.get("phases") else "allocation"
            fte = v["allocation"]  # with phases, their peak
            if person is not None and fte > person.capacity + 1e-9:
                cap = self._highest_capacity(person)
                if fte > cap + 1e-9:
                    add(f"allocation {fte:g} exceeds the capacity {cap:g} of person {v['person']!r}"
                        + (" (its highest, capacity periods included)" if cap > person.capacity else ""),
                        file=row.file, line=row.line_of(fld), field=fld)
        if kind in ("capacity_period", "time_off") and v.get("start") and v.get("end") and v["end"] < v["start"]:
            add(f"end {v['end'].isoformat()} is before start {v['start'].isoformat()}",
                file=row.file, line=row.line_of("end"), field="end")
        elif kind in ("capacity_period", "time_off") and v.get("person") and v.get("start"):
            self._no_overlap(kind, v, row)
        if kind == "rating" and v.get("rater") and v.get("rater") == v.get("ratee"):
            add("a person cannot rate themselves", file=row.file, line=row.line_of("ratee"), field="ratee")
        if kind == "case" and v.get("visibility") == "department" and not v.get("department"):
            add("visibility 'department' needs a department", file=row.file,
                line=row.line_of("visibility"), field="department")
        if kind == "department" and v.get("parent") and v.get("parent") == v.get("id"):
            add("a department cannot be its own parent", file=row.file, line=row.line_of("parent"),
                field="parent")
        if kind == "skill" and v.get("broader") and v.get("broader") == v.get("id"):
            add("a skill cannot be broader than itself", file=row.file, line=row.line_of("broader"),
                field="broader")

    def _phased(self, v: dict, row: Row) -> None:
        """A membership given as phases: no flat allocation beside them; its span is the phases'
        (or, when given, encloses them); its `allocation` becomes their peak (graph.model.phased)."""
        phases = v["phases"]
        peak = max(p.allocation for p in phases)
        if "allocation" in v and abs(v["allocation"] - peak) > 1e-9:
            self.errors.add(f"give either allocation or phases, not both (with phases the allocation is their "
                            f"peak, {peak:g}; leave it empty)", file=row.file, line=row.line_of("allocation"),
                            field="allocation")
        first, last = phases[0].start, phases[-1].end
        if v.get("start") and first < v["start"]:
            self.errors.add(f"phase from {first.isoformat()} starts before the membership's start "
                            f"{v['start'].isoformat()}", file=row.file, line=row.line_of("phases"), field="phases")
        if v.get("end") and (last is None or last > v["end"]):
            self.errors.add(f"the last phase ends {last.isoformat() if last else 'never'}, after the membership's "
                            f"end {v['end'].isoformat()}", file=row.file, line=row.line_of("phases"), field="phases")
        v["allocation"] = peak
        v.setdefault("start", first)
        if "end" not in v and last is not None:
            v["end"] = last

    def _highest_capacity(self, person) -> float:
        """The most the person can ever give: Person.capacity or a higher capacity period (in the
        folder, else in the store)."""
        cap = max([person.capacity] + [c for *_, c in self._spans.get(("capacity_period", person.id), ())])
        if self.store is not None and "capacity_period" not in self.folder_only:
            cal = self.store.calendars([person.id]).get(person.id)
            cap = max([cap] + [p.capacity for p in (cal.periods if cal else ())])
        return cap

    def _no_overlap(self, kind: str, v: dict, row: Row) -> None:
        """One person's capacity periods (and their time off) must not overlap in the folder."""
        start, end = v["start"], v.get("end")
        spans = self._spans.setdefault((kind, v["person"]), [])
        for s0, e0, line, _ in spans:
            if s0 == start:
                return  # the same key: reported as a duplicate
            if (end is None or s0 <= end) and (e0 is None or start <= e0):
                what = "capacity period" if kind == "capacity_period" else "time off"
                self.errors.add(f"overlaps the {what} of {v['person']!r} on line {line} "
                                f"({s0.isoformat()}..{e0.isoformat() if e0 else ''})",
                                file=row.file, line=row.line_of("start"), field="start")
                return
        spans.append((start, end, row.line, v.get("capacity")))

    def _store_overlaps(self) -> None:
        """Capacity periods and time off of the folder against the same person's stored ones
        (stored records with the same key are replaced, so they do not count)."""
        people = sorted({p for (kind, p) in self._spans if kind not in self.folder_only})
        if self.store is None or not people:
            return
        for pid, cal in self.store.calendars(people).items():
            for kind, stored in (("capacity_period", cal.periods), ("time_off", cal.time_off)):
                if kind in self.folder_only:
                    continue
                for s0, e0, line, _ in self._spans.get((kind, pid), ()):
                    for rec in stored:
                        if rec.start != s0 and (e0 is None or rec.start <= e0) and (rec.end is None or s0 <= rec.end):
                            what = "capacity period" if kind == "capacity_period" else "time off"
                            self.errors.add(f"overlaps the stored {what} of {pid!r} from {rec.start.isoformat()} to "
                                            f"{rec.end.isoformat() if rec.end else '(open)'}; change or delete that one",
                                            file=_FILE_OF_KIND[kind], line=line, field="start")
                            break

    # --- after all rows ----------------------------------------------------------------------
    def finish(self) -> None:
        """Self-references and parent cycles, once both files are complete."""
        for kind, ident, file, line, field in self._deferred:
            self._ref(kind, ident, file, line, field)
        for kind, fld in PARENT_FIELD.items():
            self._cycles(kind, fld)
        self._store_emails()
        self._store_overlaps()
        self._holiday_locations()

    def _store_emails(self) -> None:
        """E-mails of the folder's people that another person in the store already holds.

        People of the folder replace their stored records, so only stored people *not* in the
        folder can clash (with --replace of people, none: they are deleted). A small folder looks
        its people up first and scans the store only if some e-mail is new to it."""
        people = self.records.get("person")
        if self.store is None or "person" in self.folder_only or not people or not self._emails:
            return
        new = self._emails
        if len(people) <= SMALL_FOLDER:
            new = {}
            for email, where in self._emails.items():
                old = self.store.get("person", where[2]) if where[2] else None
                if old is None or old.email.lower() != email:
                    new[email] = where
            if not new:
                return
        for rec in self.store.all("person"):
            if (rec.id,) in people:
                continue
            where = new.get(rec.email.lower())
            if where is not None and where[2] != rec.id:
                self.errors.add(f"email {rec.email!r} is already used by person {rec.id!r} in the store",
                                file=where[0], line=where[1], field="email")

    def _holiday_locations(self) -> None:
        """A holiday applies to the people whose `location` is its `location`, exactly. One at a
        location nobody is at, but spelt close to one where people are ("Tolouse", "toulouse "), would
        silently apply to nobody: an error naming that location. A location unlike every known one
        is an office's calendar kept ahead of its people, and stays. The store is read only when a
        location is not among the folder's people."""
        holidays = self.records.get("holiday")
        if not holidays:
            return
        known = {p.location for p in self.records.get("person", {}).values() if p.location}
        unknown = {loc for (loc, _day) in holidays} - known
        if unknown and self.store is not None and "person" not in self.folder_only:
            people = self.records.get("person", {})
            known |= {p.location for p in self.store.all("person") if p.location and (p.id,) not in people}
        choices = sorted(known)
        for key, rec in holidays.items():
            if rec.location in known:
                continue
            close = [k for k in choices if fold(k) == fold(rec.location)] or \
                difflib.get_close_matches(rec.location, choices, n=2, cutoff=0.8)
            if not close:
                continue
            f, ln = self._loc("holiday", self.where["holiday"][key])
            self.errors.add(f"no person is at location {rec.location!r} (a holiday applies to the people whose "
                            f"location is exactly its location); did you mean {' or '.join(map(repr, close))}?",
                            file=f, line=ln, field="location")

    def _parent(self, kind: str, fld: str, ident: str) -> str | None:
        rec = self.lookup(kind, ident)
        return getattr(rec, fld, None) if rec is not None else None

    def _cycles(self, kind: str, fld: str) -> None:
        done: set[str] = set()
        for (start,) in self.records.get(kind, {}):
            path: list[str] = []
            on_path: set[str] = set()
            node: str | None = start
            while node is not None and node not in done:
                if node in on_path:
                    cycle = path[path.index(node):]
                    at = next(((c,) for c in cycle if (c,) in self.where.get(kind, {})), None)
                    if at is not None and len(cycle) > 1:  # self-links are reported per row
                        f, ln = self._loc(kind, self.where[kind][at])
                        self.errors.add(f"{fld} links form a cycle: {' → '.join(cycle + [node])}",
                                        file=f, line=ln, field=fld)
                    break
                path.append(node)
                on_path.add(node)
                node = self._parent(kind, fld, node)
            done.update(path)

    @staticmethod
    def _loc(kind: str, where: int | tuple[str, int]) -> tuple[str, int]:
        return (_FILE_OF_KIND[kind], where) if isinstance(where, int) else where


def _key_fields(kind: str) -> tuple[str, ...]:
    return {"person_skill": ("person", "skill"), "project_need": ("project", "skill"),
            "membership": ("person", "project", "role"), "expert": ("person", "topic"),
            "rating": ("rater", "ratee", "project"), "capacity_period": ("person", "start"),
            "time_off": ("person", "start"), "holiday": ("location", "date")}.get(kind, ("id",))
