"""Run a suggestion or a portfolio under a what-if scenario, side by side with the current plan; apply
a scenario for real.

The overlay: every record of the organisation, kind by kind (graph.model.WRITE_ORDER, so kinds added
to the model come along), and every live booking — read together as one consistent state
(`store.snapshot`: a write racing the copy is wholly in it or wholly out) — are copied into a private embedded store — an
SQLite file in a temporary folder in memory (/dev/shm where there is one, else the system's temporary
folder), deleted afterwards — whatever the real store is. The record copy is made once per store
revision and cloned as a file for each later what-if at that revision (`_BaseCopy`). The scenario's ChangeSet is applied to the
copy through the same `apply` ingest uses, and a `Teamgraph` over the copy answers: the same
composition root, so every rule (capacity, budget, departments, the role redactions) is the same.
The real store is only read. Retrieval relevance reuses the real index (case, project and person
ids are the same); a planned hire has no indexed evidence, so their relevance is 0, and the answer
says so. Without an index the relevance term is off on both sides, also said.

Who may (the API and the CLI go through `run` and `apply`): HR and admins run any scenario with a
request or a portfolio and apply any scenario. Sponsors run what-ifs on their own requests only (the
booking rule: a request naming a project they sponsor, or none) with planned hires only, and never
apply. Results are shown as `Teamgraph.view` shows any suggestion, so a sponsor sees no cost and no
utilisation after joining (teamgraph/present.py) — but they do see each member's utilisation before
joining, rounded up to 10 %. A change that moves someone's load by a known amount (an allocation, a
delay, a reassignment, a leave) would let a sponsor step it across those rounding boundaries and read
the load back exactly (the side channel present.py's docstring closes for allocations), so those
changes are HR's; a hire changes nobody's load. (A sponsor wanting a later start moves their
request's window.) Members may not run scenarios.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from teamgraph.core import PEOPLE_DATA, PLANNERS
from teamgraph.errors import AccessDenied, FieldProblem, IndexMissing, ValidationError
from teamgraph.graph.bookings import LIVE
from teamgraph.graph.integrity import REFERENCES
from teamgraph.graph.model import WRITE_ORDER, ChangeSet, Viewer
from teamgraph.matching.render import slot_shortfall, unfilled_words
from teamgraph.scenario_plan import Plan, plan
from teamgraph.scenarios import Scenario, resolve
from teamgraph.service import Teamgraph

SPONSOR_CHANGES = ("hire",)  # changes that move nobody's load (see the module docstring)
_PERSON_REFS = [(kind, fld) for kind, fld, target in REFERENCES if target == "person*"]


class OverlayEngine(Teamgraph):
    """The engine over an overlay store: relevance from the real engine's index, no index of its own."""

    def __init__(self, real: Teamgraph, store):
        super().__init__(real.settings, store=store, encoder=real._encoder, progress=False, build_index=False)
        self._real = real

    def _relevance(self, viewer: Viewer):
        return self._real._relevance(viewer)

    def _index_exists(self) -> bool:
        return False

    def _new_retriever(self):
        raise IndexMissing("a what-if overlay has no retrieval index of its own")


def _private_dir(prefix: str) -> tempfile.TemporaryDirectory:
    """A temporary folder in memory where there is one (/dev/shm), else the system's."""
    shm = Path("/dev/shm")
    return tempfile.TemporaryDirectory(prefix=prefix, dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None)


class _BaseCopy:
    """The organisation copied once per store revision: a later what-if at the same revision clones
    the file (a file copy) instead of reading every record again. One copy is kept, the latest; a
    write anywhere moves the revision, so a stale copy is never used. The copy is one consistent
    state (`store.snapshot`: records, live bookings and the revision read together), so a write
    racing it is wholly in the copy or wholly out, and the copy is keyed by the revision it holds."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key: tuple | None = None  # (the real store, the revision the copy holds)
        self._dir: tempfile.TemporaryDirectory | None = None
        self.left_out = 0
        self.bookings: list = []  # the live bookings of the same snapshot

    def clone(self, real_store, target: Path) -> tuple[int, list]:
        """Copy the organisation of `real_store` into the new file `target`; returns the records left
        out and the live bookings (as the snapshot read them, for the overlay to move and copy)."""
        from teamgraph.graph.sqlite_store import SqliteStore
        with self._lock:
            if self._key is None or self._key[0] is not real_store or self._key[1] != real_store.revision():
                folder = _private_dir("teamgraph-whatif-base-")
                base = SqliteStore(Path(folder.name) / "base.sqlite3")
                try:
                    snap = real_store.snapshot(WRITE_ORDER, LIVE)
                    left_out = copy_organisation(snap, base)
                finally:
                    base.close()  # the last connection closing folds the WAL into the file
                if self._dir is not None:
                    self._dir.cleanup()
                self._dir, self.left_out, self.bookings = folder, left_out, snap.bookings
                self._key = (real_store, snap.revision)
            shutil.copyfile(Path(self._dir.name) / "base.sqlite3", target)
            return self.left_out, self.bookings


_BASE = _BaseCopy()


class Overlay:
    """A copy of `real`'s organisation with `the_plan` applied, in a private embedded store."""

    def __init__(self, real: Teamgraph, the_plan: Plan):
        from teamgraph.graph.sqlite_store import SqliteStore
        self._dir = _private_dir("teamgraph-whatif-")
        path = Path(self._dir.name) / "overlay.sqlite3"
        try:
            self.left_out, bookings = _BASE.clone(real.store, path)
            self.store = SqliteStore(path, count_tentative=real.settings.count_tentative)
        except BaseException:
            self._dir.cleanup()
            raise
        try:
            self.store.apply(_overlay_changes(the_plan.changes, self.store))
            self.store.copy_bookings(moved_bookings(bookings, the_plan))
        except BaseException:
            self.close()
            raise
        self.engine = OverlayEngine(real, self.store)

    def close(self) -> None:
        self.store.close()
        self._dir.cleanup()

    def __enter__(self) -> Overlay:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _of_people(kind: str, records, people: set[str]) -> tuple[list, int]:
    """`records` without those kept under a forgotten person's tombstone (a person reference that is
    no person), and how many were left out."""
    refs = [fld for k, fld in _PERSON_REFS if k == kind]
    kept = [r for r in records if not any(getattr(r, fld) not in people for fld in refs)]
    return kept, len(records) - len(kept)


def copy_organisation(snapshot, target) -> int:
    """Every record of a `store.snapshot` into the empty `target`, in one apply. Memberships and
    ratings kept under a forgotten person's tombstone are left out (they are nobody's load and no
    pair of team members): the count is returned."""
    people = {p.id for p in snapshot.records.get("person", ())}
    cs, left_out = ChangeSet(), 0
    for kind in WRITE_ORDER:
        records, n = _of_people(kind, list(snapshot.records.get(kind, ())), people)
        left_out += n
        if records:
            cs.upserts[kind] = records
    target.apply(cs)
    return left_out


def _overlay_changes(changes: ChangeSet, store) -> ChangeSet:
    """The plan for the overlay: its tombstone records (a delayed project's forgotten members) are
    not in the copy, so neither are their changes."""
    people = {p.id for p in changes.upserts.get("person", ())}
    people |= {ref for kind, fld in _PERSON_REFS for r in changes.upserts.get(kind, ())
               if (ref := getattr(r, fld)) not in people and store.get("person", ref) is not None}
    out = ChangeSet(deletes=changes.deletes)
    for kind, records in changes.upserts.items():
        out.upserts[kind] = _of_people(kind, records, people)[0]
    return out


def moved_bookings(bookings, the_plan: Plan) -> list:
    """The live `bookings` as the scenario leaves them: a delayed project's later, a leaver released
    from those starting on or after the day they go."""
    out = []
    for b in bookings:
        days = the_plan.shift_bookings.get(b.project or "", 0)
        if days:
            b = replace(b, window=replace(b.window, start=b.window.start + timedelta(days=days),
                                          end=b.window.end + timedelta(days=days)))
        gone = {p for p, day in the_plan.leave_bookings.items() if b.window.start >= day}
        if gone & {m.person for m in b.members}:
            b = replace(b, members=tuple(replace(m, status="released") if m.person in gone else m for m in b.members))
        out.append(b)
    return out


def affected_bookings(store, the_plan: Plan) -> list[FieldProblem]:
    """Live bookings that applying the plan would leave wrong (a delayed project's, a leaver's after
    they go): bookings are not moved by ingest changes, so apply refuses and names them."""
    problems = []
    for b in store.list_bookings(statuses=LIVE):
        if b.project in the_plan.shift_bookings:
            problems.append(FieldProblem(f"booking {b.id} ({b.name or b.project}) is for a delayed project; "
                                         "cancel it, apply, then book again", field="changes"))
        for person, day in the_plan.leave_bookings.items():
            m = b.member(person)
            if m is not None and m.status == "booked" and b.window.end >= day:
                problems.append(FieldProblem(f"booking {b.id} still books {person} after {day.isoformat()}; "
                                             "release them from it first", field="changes"))
    return problems


# --- who may ------------------------------------------------------------------------------------

def check_may_run(tg: Teamgraph, scenario: Scenario, viewer: Viewer, request=None, portfolio=None) -> None:
    if viewer.role not in PLANNERS:
        raise AccessDenied(f"the {viewer.role} role may not run what-if scenarios; sponsors, HR and admins may")
    if viewer.role in PEOPLE_DATA:
        return
    if portfolio is not None:
        raise AccessDenied("portfolios are for HR and admins; sponsors run what-ifs on their own requests")
    tg._check_may_book(request, viewer, "tentative")  # the one rule of a sponsor's own request
    for c in scenario.changes:
        if c.kind not in SPONSOR_CHANGES:
            raise AccessDenied(f"{c.at}: sponsors plan hires in what-ifs; {c.kind!r} moves someone's load, which "
                               "is for HR (to start later, move the request's window)")


# --- side by side -------------------------------------------------------------------------------

def _team_side(viewed: dict) -> dict:
    team = viewed.get("team")
    side = {"status": viewed["status"], "members": [], "coverage": None, "max_util": None, "cost": None,
            "budget": (viewed.get("request") or {}).get("budget"), "budget_left": None, "words": ""}
    if not team:
        diagnosis = viewed.get("diagnosis") or {}
        side["words"] = "no team: " + (diagnosis.get("summary") or "; ".join(n for n in viewed.get("notes", []) if n)
                                       or viewed["status"])
        return side
    s = team["summary"]
    side.update(members=[{"id": m["id"], "name": m["name"]} for m in team["members"]],
                coverage={"met": s["requirements_met"], "total": s["requirements_total"], "fit_pct": s["fit_pct"]},
                max_util=team.get("max_util"), cost=s.get("cost"), budget_left=s.get("budget_left"),
                words=s["words"])
    return side


def _portfolio_side(viewed: dict, requests) -> dict:
    """A portfolio answer as one column: one team per request of the portfolio, in its order (an
    empty one where the answer staffs none, e.g. infeasible), so the two columns pair request by
    request; coverage in skill slots and in requests fully staffed; cost summed against the budgets."""
    found = viewed["teams"] if len(viewed["teams"]) == len(requests) else None
    by_name: dict[str, list] = {}
    for t in viewed["teams"] if found is None else ():
        by_name.setdefault(t["request"], []).append(t)
    teams = []
    for k, q in enumerate(requests):
        if found is not None:
            t = found[k]
        else:
            queue = by_name.get(q.name) or []
            t = queue.pop(0) if queue else {}
        # slots short by name in one line (unfilled_words); the other unmet rules by their messages
        teams.append({"request": q.name, "members": [{"id": m["id"], "name": m["name"]} for m in t.get("members", [])],
                      "uncovered": t.get("uncovered", []), "unfilled": unfilled_words(t.get("uncovered", [])),
                      "unmet": [u.get("message") for u in t.get("unmet", []) if not slot_shortfall(u)],
                      "cost": t.get("cost"), "budget": q.budget})
    costs = [t["cost"] for t in teams if t["cost"] is not None]
    budgets = [t["budget"] for t in teams if t["budget"] is not None]
    cost = round(sum(costs), 2) if costs else None
    budget = round(sum(budgets), 2) if budgets and len(budgets) == len(teams) else None  # every request has one
    staffed = sum(1 for t in teams if t["members"] and not t["uncovered"] and not t["unmet"])
    words = (f"{staffed} of {len(teams)} request(s) fully staffed" if viewed["teams"] else
             "no teams: " + ("; ".join(n for n in viewed.get("notes", []) if n) or viewed["status"]))
    return {"status": viewed["status"], "words": words,
            "coverage": {"met": viewed["covered"], "total": viewed["required"], "requests_staffed": staffed,
                         "requests": len(teams)},
            "max_util": viewed["max_util"], "cost": cost, "budget": budget,
            "budget_left": round(budget - cost, 2) if budget is not None and cost is not None else None,
            "teams": teams, "members": _unique(m for t in teams for m in t["members"])}


def _unique(people) -> list[dict]:
    """People in first-seen order, each once (a portfolio may put one person on several teams)."""
    seen: dict[str, dict] = {}
    for m in people:
        seen.setdefault(m["id"], m)
    return list(seen.values())


def _changed(before: list[dict], after: list[dict]) -> dict:
    ids_before, ids_after = {m["id"] for m in before}, {m["id"] for m in after}
    return {"joined": _unique(m for m in after if m["id"] not in ids_before),
            "left": _unique(m for m in before if m["id"] not in ids_after)}


def team_changes(current: dict, with_scenario: dict) -> dict:
    """Who joins and who leaves; for a portfolio also request by request (`by_request`)."""
    out = _changed(current["members"], with_scenario["members"])
    if "teams" in current:
        out["by_request"] = [{"request": a["request"], **_changed(a["members"], b["members"])}
                             for a, b in zip(current["teams"], with_scenario["teams"])]
    return out


def _shifted(request, the_plan: Plan):
    """A request for a delayed project moves with it."""
    days = the_plan.delayed.get(request.project or "", 0)
    if not days:
        return request
    w = request.window
    return replace(request, window=replace(w, start=w.start + timedelta(days=days), end=w.end + timedelta(days=days)))


def run(tg: Teamgraph, scenario: Scenario, viewer: Viewer, *, request=None, portfolio=None, seed: int = 0,
        time_limit: float | None = 10.0, relevance: bool = True) -> dict:
    """The request (a TeamRequest or body) or the portfolio answered on the current organisation and
    under `scenario`, side by side, as `viewer` may see them. Nothing is written anywhere."""
    if (request is None) == (portfolio is None):
        raise ValidationError(FieldProblem("give a request or a portfolio to run the scenario with", field="request"))
    scenario = resolve(scenario, tg)
    if request is not None:
        request = tg._request(request)
    elif isinstance(portfolio, dict):
        portfolio = tg.portfolio(portfolio)
    check_may_run(tg, scenario, viewer, request, portfolio)
    the_plan = plan(scenario, tg.store)
    out = {"scenario": scenario.to_dict(), "org_changes": org_changes(the_plan), "notes": []}
    with Overlay(tg, the_plan) as overlay:
        if overlay.left_out:
            out["notes"].append(f"{overlay.left_out} record(s) of forgotten people are not in the overlay "
                                "(they are nobody's load)")
        if request is not None:
            moved = _shifted(request, the_plan)
            if moved is not request:
                out["notes"].append(f"the request's window moves with its project: {moved.window.start} to "
                                    f"{moved.window.end}")
            answers = [tg.view(e.suggest(q, viewer, alternatives=0, seed=seed, time_limit=time_limit,
                                         relevance=relevance).to_dict(), viewer)
                       for e, q in ((tg, request), (overlay.engine, moved))]
            sides = [_team_side(a) for a in answers]
        else:
            moved = replace(portfolio, requests=tuple(_shifted(q, the_plan) for q in portfolio.requests))
            answers = [tg.view(e.staff(p, viewer, time_limit=time_limit or 30.0, seed=seed).to_dict(), viewer)
                       for e, p in ((tg, portfolio), (overlay.engine, moved))]
            sides = [_portfolio_side(a, moved.requests) for a in answers]
    if request is not None:
        out["relevance"] = _relevance_words(tg, viewer, request, relevance)
    out.update(kind="request" if request is not None else "portfolio", current=sides[0], with_scenario=sides[1],
               team_changes=team_changes(*sides),
               answers={"current": answers[0], "with_scenario": answers[1]})
    return out


def _relevance_words(tg: Teamgraph, viewer: Viewer, request, asked: bool) -> str:
    """Whether the relevance term was on, the same on both sides (the overlay uses the real index)."""
    if not asked:
        return "off, as asked"
    if not request.brief.strip():
        return "off: the request has no brief"
    if tg._relevance(viewer) is None:
        return "off: no retrieval index could be loaded (`teamgraph index build`), on both sides"
    return "on, from the real retrieval index (planned hires have no indexed evidence)"


def org_changes(the_plan: Plan) -> dict:
    return {"added": [{"id": p.id, "name": p.name} for p in the_plan.added],
            "removed": [{"id": p.id, "name": p.name, "from": day.isoformat()} for p, day in the_plan.removed]}


# --- apply --------------------------------------------------------------------------------------

def apply(tg: Teamgraph, scenario: Scenario, viewer: Viewer, *, request=None, portfolio=None,
          book: str | None = None, teams=None, allow_overload: bool = False, seed: int = 0,
          time_limit: float | None = 10.0, relevance: bool = True) -> dict:
    """Make `scenario` real (HR/admin): names resolved and the ChangeSet built before anything is
    written, then one transaction (all or nothing), then the retrieval indexes follow as after any
    ingest. Refused, writing nothing, while live bookings would be left wrong.

    With a request (or a portfolio) and `book` ('tentative' or 'confirmed'), the team(s) the what-if
    suggests are booked in the same transaction (`store.apply_and_book`): `teams` (one member list
    per request, as `book_portfolio` takes them: the team shown by `run`) books those, else the
    request is answered on the overlay here, as `run`'s with-scenario side. A request for a delayed
    project is booked over its moved window. The bookings are checked on the organisation as the
    changes leave it (a planned hire exists, a leaver's capacity is 0 from their day): a conflict is
    BookingConflict (409) naming person, weeks (and request), and nothing at all is written.
    `allow_overload` books over capacity anyway, said in the audit trail."""
    if viewer.role not in PEOPLE_DATA:
        raise AccessDenied("HR and admins apply scenarios; sponsors may run them on their own requests")
    work = request is not None or portfolio is not None
    if request is not None and portfolio is not None:
        raise ValidationError(FieldProblem("give a request or a portfolio to book, not both", field="request"))
    if work != (book is not None):
        raise ValidationError(FieldProblem("to book the what-if's team give a request (or a portfolio) and book: "
                                           "'tentative' or 'confirmed'", field="book" if work else "request"))
    if book is not None and book not in LIVE:
        raise ValidationError(FieldProblem(f"'tentative' or 'confirmed', not {book!r}", field="book"))
    scenario = resolve(scenario, tg)
    if request is not None:
        request = tg._request(request)
    elif isinstance(portfolio, dict):
        portfolio = tg.portfolio(portfolio)
    the_plan = plan(scenario, tg.store)
    problems = affected_bookings(tg.store, the_plan)
    if problems:
        raise ValidationError(problems, "the scenario moves booked people; nothing was written")
    new_bookings = (_bookings_to_make(tg, the_plan, viewer, request, portfolio, book, teams, allow_overload,
                                      seed=seed, time_limit=time_limit, relevance=relevance) if work else [])
    with tg._lock:
        if new_bookings:
            report, made = tg.store.apply_and_book(the_plan.changes, new_bookings, allow_overload=allow_overload)
        else:
            report, made = tg.store.apply(the_plan.changes), []
        index = tg._follow(report)
    out = {"scenario": scenario.to_dict(), "org_changes": org_changes(the_plan),
           "written": dict(report.written), "deleted": dict(report.deleted), "revision": report.revision,
           "index": index}
    if work:
        out["bookings"] = [tg.booking_view(b, viewer) for b in made]
    return out


def _bookings_to_make(tg: Teamgraph, the_plan: Plan, viewer: Viewer, request, portfolio, status: str, teams,
                      allow_overload: bool, **options) -> list:
    """The Booking records for the what-if's team(s), built (not written): requests moved with a
    delayed project, each checked as `book` checks one, members from `teams` or solved on the overlay."""
    from teamgraph.bookings import staffed_teams
    requests = [_shifted(request, the_plan)] if request is not None else [
        _shifted(q, the_plan) for q in portfolio.requests]
    for q in requests:
        tg._check_may_book(q, viewer, status, allow_overload)
    if teams is not None:
        if not isinstance(teams, (list, tuple)) or len(teams) != len(requests):
            raise ValidationError(FieldProblem(f"one member list per request ({len(requests)})", field="teams"))
    else:
        with Overlay(tg, the_plan) as overlay:
            if request is not None:
                result = overlay.engine.suggest(requests[0], viewer, alternatives=0, seed=options["seed"],
                                                time_limit=options["time_limit"], relevance=options["relevance"])
                if result.team is None:
                    raise ValidationError(FieldProblem("no team to book: the request is infeasible under the "
                                                       "scenario (see the what-if's diagnosis)", field="request"))
                teams = [[{"id": m["id"], "allocation": m["allocation"]}
                          for m in result.to_dict()["team"]["members"]]]
            else:
                moved = replace(portfolio, requests=tuple(requests))
                staffing = overlay.engine.staff(moved, viewer, time_limit=options["time_limit"] or 30.0,
                                                seed=options["seed"])
                teams = staffed_teams(moved, staffing)
    fld = (lambda k: "team") if request is not None else (lambda k: f"teams[{k}]")
    return [tg._new_booking(q, t, viewer, status, fld(k)) for k, (q, t) in enumerate(zip(requests, teams))]


def teams_shown(out, source: str | None = None) -> list[list[dict]]:
    """The with-scenario team(s) of a `run` answer (its JSON, as `whatif --json` prints it), as `apply`'s
    `teams`: one member list [{id, allocation}] per request; ValidationError naming the field otherwise."""
    where = "answers.with_scenario"
    try:
        answer = out["answers"]["with_scenario"]
        found = [answer["team"]] if out["kind"] == "request" else answer["teams"]
        teams = [[{"id": m["id"], "allocation": m["allocation"]} for m in t["members"]] if t else None
                 for t in found]
    except (KeyError, TypeError) as e:
        raise ValidationError(FieldProblem(f"not a what-if answer (teamgraph whatif … --json): no {e}",
                                           source, field=where)) from None
    if any(not t for t in teams):
        raise ValidationError(FieldProblem("the what-if found no team to book", source, field=where))
    return teams


def apply_saved(tg: Teamgraph, scenario_id: str, viewer: Viewer, **booking) -> dict:
    """Apply a saved scenario (teamgraph/scenario_shelf.py) and mark it applied at the new revision;
    `booking` as `apply` takes it (request or portfolio, book, teams, …)."""
    from teamgraph.scenario_shelf import Shelf
    shelf = Shelf(tg.settings.data_dir)
    with shelf.applying(scenario_id, viewer) as scenario:
        out = apply(tg, scenario, viewer, **booking)
        out["saved"] = shelf.applied(scenario_id, viewer, out["revision"])
    return out
