"""Saved what-if scenarios: named, kept as one JSON file each in `<data dir>/scenarios/`, beside the
store whichever store is configured (a scenario is a plan about the data, not data: it never enters
the graph until applied).

A saved scenario is {id, name, status, version, scenario (the body as written), saved_by, saved_role,
saved_at, after an edit updated_by/updated_role/updated_at, and once done applied_at/applied_by/revision
or discarded_at/discarded_by}. Status moves saved → applied or saved → discarded, nothing else: an
applied or discarded scenario stays as a record of what was decided, and cannot be applied (again) or
edited. HR and admins save, list, edit, apply and discard; sponsors run what-ifs from a file or a body
without saving them (teamgraph/scenario_run.py).

Editing is optimistic, as bookings are checked against what changed since the suggestion: an edit
names the version it was made from, and when someone saved a newer one meanwhile it is refused
(409 `scenario_changed`, naming who and when) rather than silently overwriting their work.
Files are written whole to a temporary name and renamed, so a reader never sees half a file; every
check-then-write (status, version) holds one lock over the folder (an flock: threads and processes).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from teamgraph.core import PEOPLE_DATA
from teamgraph.errors import AccessDenied, ConflictError, FieldProblem, NotFoundError, ValidationError
from teamgraph.graph.model import Viewer
from teamgraph.graph.reads import fold
from teamgraph.scenarios import Scenario, parse_scenario

STATUSES = ("saved", "applied", "discarded")
ID = re.compile(r"^sc-[a-z0-9-]{1,60}$")


class ScenarioDone(ConflictError):
    """Applying or discarding a scenario that is already applied or discarded: HTTP 409."""

    code = "scenario_done"


class ScenarioChanged(ConflictError):
    """Editing a saved scenario from a version someone has replaced since: HTTP 409, nothing written.
    `version` is the current one (open it again to see what changed)."""

    code = "scenario_changed"

    def __init__(self, message: str, version: int):
        self.version = version
        super().__init__(message)

    def to_dict(self) -> dict:
        return {**super().to_dict(), "version": self.version}


def version_of(record: dict) -> int:
    """A record's version (scenarios saved before edits existed are version 1)."""
    return int(record.get("version") or 1)


def _now() -> str:
    from teamgraph.bookings import now
    return now()


def _about(change, pattern) -> bool:
    """True when a scenario change (`{kind: {person: ...}}`) is about the person `pattern` names."""
    if not isinstance(change, dict):
        return False
    return any(isinstance(v, dict) and isinstance(v.get("person"), str) and pattern.fullmatch(v["person"].strip())
               for v in change.values())


class Shelf:
    def __init__(self, data_dir: Path):
        self.folder = Path(data_dir) / "scenarios"
        self._held = threading.local()

    @staticmethod
    def _may(viewer: Viewer) -> None:
        if viewer.role not in PEOPLE_DATA:
            raise AccessDenied("HR and admins keep scenarios; sponsors run what-ifs from a file or a body")

    def _path(self, scenario_id: str) -> Path:
        if not ID.match(scenario_id or ""):
            raise NotFoundError("scenario", scenario_id)
        return self.folder / f"{scenario_id}.json"

    @contextmanager
    def _locked(self):
        """One check-then-write at a time over the folder (an flock on `.lock`: other threads open
        their own description of it, other processes too), so two edits of one version, or an edit
        racing an apply, cannot both pass the check. Re-entrant within a thread, so an apply can
        hold it from reading the scenario to marking it applied."""
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            self._held.depth = 1
            try:
                yield
            finally:
                self._held.depth = 0
                fcntl.flock(f, fcntl.LOCK_UN)

    def _write(self, record: dict) -> dict:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(record["id"])
        tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        os.replace(tmp, path)
        return record

    def save(self, body: dict, viewer: Viewer, source: str = "scenario") -> dict:
        """Validate `body` (the scenario as written) and keep it under a new id."""
        self._may(viewer)
        scenario = parse_scenario(body, source)
        slug = re.sub(r"[^a-z0-9]+", "-", fold(scenario.name)).strip("-")[:40] or "scenario"
        record = {"id": f"sc-{slug}-{secrets.token_hex(3)}", "name": scenario.name, "status": "saved", "version": 1,
                  "scenario": body, "saved_by": viewer.person, "saved_role": viewer.role, "saved_at": _now()}
        return self._write(record)

    def get(self, scenario_id: str, viewer: Viewer) -> dict:
        self._may(viewer)
        path = self._path(scenario_id)
        if not path.is_file():
            raise NotFoundError("scenario", scenario_id)
        record = json.loads(path.read_text(encoding="utf-8"))
        return {**record, "version": version_of(record)}

    def scenario(self, scenario_id: str, viewer: Viewer) -> Scenario:
        """The saved scenario (any status: an applied one can still be run to compare), validated."""
        return parse_scenario(self.get(scenario_id, viewer)["scenario"], scenario_id)

    def list(self, viewer: Viewer, status: str | None = None) -> list[dict]:
        """Saved scenarios, newest first (without their bodies)."""
        self._may(viewer)
        out = []
        for path in sorted(self.folder.glob("sc-*.json")) if self.folder.is_dir() else ():
            r = json.loads(path.read_text(encoding="utf-8"))
            if status is None or r["status"] == status:
                out.append({**{k: v for k, v in r.items() if k != "scenario"}, "version": version_of(r)})
        return sorted(out, key=lambda r: (r["saved_at"], r["id"]), reverse=True)

    def _open(self, scenario_id: str, viewer: Viewer, doing: str) -> dict:
        """The record, still open (saved); ScenarioDone when it was applied or discarded already."""
        record = self.get(scenario_id, viewer)
        if record["status"] != "saved":
            raise ScenarioDone(f"scenario {scenario_id} is {record['status']}; it cannot be {doing} now")
        return record

    def _done(self, scenario_id: str, viewer: Viewer, status: str, **extra) -> dict:
        with self._locked():
            record = self._open(scenario_id, viewer, status)
            return self._write({**record, "status": status, f"{status}_at": _now(), f"{status}_by": viewer.person,
                                **extra})

    def update(self, scenario_id: str, body: dict, version: int, viewer: Viewer, source: str = "scenario",
               name_of: Callable[[str], str] | None = None) -> dict:
        """Replace an open scenario's body (same id, version + 1), validated as `save` validates.
        `version` is the one the edit was made from; a newer one saved meanwhile is ScenarioChanged
        naming who saved it (`name_of` turns a person id into their name) and when; nothing is written."""
        self._may(viewer)
        scenario = parse_scenario(body, source)
        with self._locked():
            record = self._open(scenario_id, viewer, "changed")
            current = version_of(record)
            if version != current:
                last = "updated" if record.get("updated_at") else "saved"
                by = record.get(f"{last}_by")
                who = (name_of(by) if name_of and by else by) or f"someone with the {record[f'{last}_role']} role"
                when = record[f"{last}_at"][:16].replace("T", " ")
                raise ScenarioChanged(f"{record['name']} was changed by {who} at {when} (version {current}) after "
                                      f"you opened version {version}; open it again and redo your edit", current)
            return self._write({**record, "name": scenario.name, "scenario": body, "version": current + 1,
                                "updated_by": viewer.person, "updated_role": viewer.role, "updated_at": _now()})

    @contextmanager
    def applying(self, scenario_id: str, viewer: Viewer):
        """The saved scenario to apply (validated; ScenarioDone when it was applied or discarded
        already), with the folder held until `applied` marks it: an edit or a discard arriving
        meanwhile waits, then finds it applied (ScenarioDone), so the body marked applied is always
        the one that was applied."""
        with self._locked():
            yield parse_scenario(self._open(scenario_id, viewer, "applied")["scenario"], scenario_id)

    def applied(self, scenario_id: str, viewer: Viewer, revision: int) -> dict:
        return self._done(scenario_id, viewer, "applied", revision=revision)

    def forget_person(self, person_id: str, mentions: tuple[str, ...]) -> int:
        """Every kept scenario with a forgotten person gone (the engine's forget calls this): changes
        about them (their id, name or e-mail as the change's `person`) leave the scenario, every other
        mention (its name, description, who saved or applied it) becomes FORGOTTEN. Returns how many
        files were rewritten; a file that does not mention them is left as it is."""
        from teamgraph.graph.bookings import mention_pattern, scrub
        pattern = mention_pattern([person_id, *mentions])
        if pattern is None or not self.folder.is_dir():
            return 0
        rewritten = 0
        with self._locked():
            for path in sorted(self.folder.glob("sc-*.json")):
                record = json.loads(path.read_text(encoding="utf-8"))
                body = dict(record.get("scenario") or {})
                if isinstance(body.get("changes"), list):
                    body["changes"] = [c for c in body["changes"] if not _about(c, pattern)]
                scrubbed = scrub({**record, "scenario": body}, person_id, pattern)
                if scrubbed != record:
                    self._write(scrubbed)
                    rewritten += 1
        return rewritten

    def discard(self, scenario_id: str, viewer: Viewer, note: str = "") -> dict:
        from teamgraph.bookings import MAX_NOTE_CHARS
        if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
            raise ValidationError(FieldProblem(f"at most {MAX_NOTE_CHARS} characters", field="note"))
        return self._done(scenario_id, viewer, "discarded", note=note.strip())
