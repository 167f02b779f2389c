"""Saved what-if scenarios: named, kept as one JSON file each in `<data dir>/scenarios/`, beside the
store whichever store is configured (a scenario is a plan about the data, not data: it never enters
the graph until applied).

A saved scenario is {id, name, status, scenario (the body as written), saved_by, saved_role, saved_at,
and once done applied_at/applied_by/revision or discarded_at/discarded_by}. Status moves saved →
applied or saved → discarded, nothing else: an applied or discarded scenario stays as a record of
what was decided, and cannot be applied (again). HR and admins save, list, apply and discard;
sponsors run what-ifs from a file or a body without saving them (teamgraph/scenario_run.py).
Files are written whole to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
import re
import secrets
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

    @staticmethod
    def _may(viewer: Viewer) -> None:
        if viewer.role not in PEOPLE_DATA:
            raise AccessDenied("HR and admins keep scenarios; sponsors run what-ifs from a file or a body")

    def _path(self, scenario_id: str) -> Path:
        if not ID.match(scenario_id or ""):
            raise NotFoundError("scenario", scenario_id)
        return self.folder / f"{scenario_id}.json"

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
        record = {"id": f"sc-{slug}-{secrets.token_hex(3)}", "name": scenario.name, "status": "saved",
                  "scenario": body, "saved_by": viewer.person, "saved_role": viewer.role, "saved_at": _now()}
        return self._write(record)

    def get(self, scenario_id: str, viewer: Viewer) -> dict:
        self._may(viewer)
        path = self._path(scenario_id)
        if not path.is_file():
            raise NotFoundError("scenario", scenario_id)
        return json.loads(path.read_text(encoding="utf-8"))

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
                out.append({k: v for k, v in r.items() if k != "scenario"})
        return sorted(out, key=lambda r: (r["saved_at"], r["id"]), reverse=True)

    def _done(self, scenario_id: str, viewer: Viewer, status: str, **extra) -> dict:
        record = self.get(scenario_id, viewer)
        if record["status"] != "saved":
            raise ScenarioDone(f"scenario {scenario_id} is {record['status']}; it cannot be {status} now")
        return self._write({**record, "status": status, f"{status}_at": _now(), f"{status}_by": viewer.person,
                            **extra})

    def open_scenario(self, scenario_id: str, viewer: Viewer) -> Scenario:
        """The saved scenario, validated; ScenarioDone when it was applied or discarded already."""
        record = self.get(scenario_id, viewer)
        if record["status"] != "saved":
            raise ScenarioDone(f"scenario {scenario_id} is {record['status']}; it cannot be applied")
        return parse_scenario(record["scenario"], scenario_id)

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
