"""People × weeks utilisation (issue 9 item 3): a proposed team "today" against "with this plan",
a booking's people, and HR's capacity by department with a drill-down to its people.

A week's figures are the engine's weekly load (`person_weeks`: the time-phased load, capacity and
time off the solver, the booking check and why-not use), so the grid cannot disagree with them.
A plan counts as its members' memberships over its window, and "with this plan" is the same
weekly load with them (each week its most utilised working piece, so a week where capacity or
leave changes is judged where the plan weighs most, as the solver's `Cand.util` does). A booking that
load already counts (confirmed, or tentative unless TEAMGRAPH_COUNT_TENTATIVE=0) is part of
"today" and adds nothing more. What a role sees of a cell is teamgraph.present's rule
(`person_week`); the department view is HR's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

from teamgraph import limits
from teamgraph.bookings import Bookings
from teamgraph.core import PEOPLE_DATA, PLANNERS
from teamgraph.errors import AccessDenied, FieldProblem, NotFoundError, ValidationError
from teamgraph.graph.bookings import BookedMember, counted_statuses, member_problems
from teamgraph.graph.model import Membership, Viewer, Window
from teamgraph.present import over_capacity, person_week


@dataclass(frozen=True)
class Plan:
    """People added to the load over a window: a proposed team, or a booking's booked members."""
    name: str | None
    window: Window
    members: tuple[BookedMember, ...]
    booking: dict | None = None  # {id, status, in_today} when the plan is a booking
    in_today: bool = False  # already counted in today's load (a counted booking)


def _figure(x: float) -> float | None:
    """A utilisation for JSON: None when it is infinite (capacity 0 with load: over by any amount)."""
    return round(x, 4) if math.isfinite(x) else None


def cell(today, planned=None) -> dict:
    """One person-week, every figure (HR's view): `today`'s Week and, with plans, the same week
    with them counted (each its most utilised working piece, so the capacity may differ)."""
    after = planned or today
    return {"week": today.start.isoformat(), "end": today.end.isoformat(),
            "load_before": round(today.load, 4), "capacity": round(today.capacity, 4),
            "load_after": round(after.load, 4), "capacity_after": round(after.capacity, 4),
            "util_before": _figure(today.utilisation), "util_after": _figure(after.utilisation),
            "away_days": today.away_days,
            "over_before": over_capacity(today.load, today.capacity),
            "over_after": over_capacity(after.load, after.capacity)}


def _over_words(over: list[dict], when: str) -> str:
    if not over:
        return f"{when}, everyone is within capacity in every week"

    def day(iso: str) -> str:
        d = date.fromisoformat(iso)
        return f"{d.day} {d:%b %Y}"
    parts = [f"{o['name']} in {len(o['weeks'])} week{'s' if len(o['weeks']) != 1 else ''} (from {day(o['weeks'][0])})"
             for o in over]
    return f"{when}, over capacity: " + "; ".join(parts)


class Heatmaps(Bookings):

    # --- plans ------------------------------------------------------------------------------
    def plan_of(self, request, members, viewer: Viewer) -> Plan:
        """A proposed team as a Plan: `request` (a body or TeamRequest) and `members` as a booking
        takes them ([id] or [{id, allocation}], the request's allocation by default)."""
        if viewer.role not in PLANNERS:
            raise AccessDenied(f"the {viewer.role} role may not ask for teams; sponsors, HR and admins may")
        if not isinstance(request, dict) and not hasattr(request, "window"):
            raise ValidationError(FieldProblem("must be a team request object", field="request"))
        request = self._request(request)
        booked = self._members(members, request.allocation)
        problems = member_problems(booked)
        if problems:
            raise ValidationError(problems, "invalid members")
        self._check_people([m.person for m in booked], "members")
        return Plan(request.name, request.window, booked)

    def portfolio_plans(self, plans, viewer: Viewer) -> list[Plan]:
        """A portfolio's staffing as Plans (HR/admin, as portfolio staffing): `plans` is a list of
        {request, members}, one per request; problems name `plans[i].…`."""
        if viewer.role not in PEOPLE_DATA:
            raise AccessDenied(f"portfolio staffing is for HR and admins; you are {viewer.role}")
        if not isinstance(plans, list) or not 1 <= len(plans) <= limits.MAX_PORTFOLIO_REQUESTS:
            raise ValidationError(FieldProblem(f"a list of 1 to {limits.MAX_PORTFOLIO_REQUESTS} "
                                               "{request, members} objects", field="plans"))
        out, problems = [], []
        for i, item in enumerate(plans):
            if not isinstance(item, dict):
                problems.append(FieldProblem("an object with request and members", field=f"plans[{i}]"))
                continue
            try:
                out.append(self.plan_of(item.get("request"), item.get("members"), viewer))
            except ValidationError as e:
                problems += [replace(f, field=f"plans[{i}].{f.field}" if f.field else f"plans[{i}]") for f in e.problems]
        if problems:
            raise ValidationError(problems, "invalid plans")
        return out

    def booking_plan(self, booking_id: str, viewer: Viewer) -> Plan:
        """A booking the viewer may see as a Plan of its booked members."""
        b = self.booking(booking_id, viewer)
        in_today = b.status in counted_statuses(self.store.count_tentative)
        members = tuple(m for m in b.members if m.status == "booked")
        return Plan(b.name, b.window, members, {"id": b.id, "status": b.status, "in_today": in_today}, in_today)

    # --- grids ------------------------------------------------------------------------------
    def heatmap(self, plans, viewer: Viewer) -> dict:
        """People × weeks of `plans` (one team, a portfolio's teams, a booking) over the weeks of
        their windows: each cell today and with the plans, as `viewer` may see it."""
        plans = list(plans)
        window = Window(min(p.window.start for p in plans), max(p.window.end for p in plans))
        ids = list(dict.fromkeys(m.person for p in plans for m in p.members))
        today = self.person_weeks(ids, window)
        planned = self.person_weeks(ids, window, extra=[
            Membership(m.person, "plan", "plan", m.allocation, p.window.start, p.window.end)
            for p in plans if not p.in_today for m in p.members])
        rows = [{"id": pid, "cells": [cell(w, a) for w, a in zip(today[pid], planned[pid])],
                 "allocation": round(sum(m.allocation for p in plans for m in p.members if m.person == pid), 4)}
                for pid in ids]
        data = self._named(rows, window)
        data["plans"] = [{"name": p.name, "window": {"start": p.window.start.isoformat(), "end": p.window.end.isoformat()},
                          "members": [m.person for m in p.members], "booking": p.booking} for p in plans]
        over = {side: [{"person": r["id"], "name": r["name"], "weeks": [c["week"] for c in r["cells"] if c[f"over_{side}"]]}
                       for r in data["people"]] for side in ("before", "after")}
        over = {side: [o for o in found if o["weeks"]] for side, found in over.items()}
        data["summary"] = {"over_today": over["before"], "over_with_plan": over["after"],
                           "words_today": _over_words(over["before"], "Today"),
                           "words_with_plan": _over_words(over["after"], "With this plan")}
        return self._cells_for(data, viewer)

    def department_capacity(self, window: Window, viewer: Viewer) -> dict:
        """Departments × weeks (HR/admin): per week the people, their summed load and capacity,
        the mean utilisation (summed load ÷ summed capacity), the peak one, how many are over
        capacity and how many have time off."""
        self._check_hr(viewer)
        departments = self.store.departments()
        members = {d.id: self.store.people_matching("", d.id, None, 1) for d in departments}
        weeks = self.person_weeks([p for ids in members.values() for p in ids], window)
        rows = []
        for d in departments:
            ids = members[d.id]
            if not ids:
                continue
            columns = list(zip(*(weeks[p] for p in ids)))
            rows.append({"id": d.id, "name": d.name, "people": len(ids),
                         "cells": [_department_week(col) for col in columns]})
        first = next(iter(weeks.values()), [])
        return {"window": _window(window), "weeks": [w.start.isoformat() for w in first], "departments": rows}

    def department_people(self, department: str, window: Window, viewer: Viewer) -> dict:
        """One department's active people × weeks (HR/admin), by name: today's figures (no plan)."""
        self._check_hr(viewer)
        d = self.store.get("department", department)
        if d is None:
            raise NotFoundError("department", department)
        ids = self.store.people_matching("", department, None, 1)
        weeks = self.person_weeks(ids, window)
        rows = [{"id": pid, "cells": [{k: v for k, v in cell(w).items() if not k.endswith("_after")}
                                      for w in weeks.get(pid, [])]} for pid in ids]
        data = self._named(rows, window)
        data["people"].sort(key=lambda r: r["name"].casefold())
        data["department"] = {"id": d.id, "name": d.name}
        return data

    # --- helpers ----------------------------------------------------------------------------
    def _check_hr(self, viewer: Viewer) -> None:
        if viewer.role not in PEOPLE_DATA:
            raise AccessDenied(f"capacity by department is for HR and admins; you are {viewer.role}")

    def _named(self, rows: list[dict], window: Window) -> dict:
        people = {pid: self.store.get("person", pid) for pid in (r["id"] for r in rows)}
        departments = self.names_of("department", [p.department for p in people.values() if p])
        for r in rows:
            p = people[r["id"]]
            r["name"] = p.name if p else r["id"]
            r["department"] = p.department if p else None
            r["department_name"] = departments.get(p.department) if p else None
        weeks = rows[0]["cells"] if rows else []
        return {"window": _window(window), "weeks": [c["week"] for c in weeks], "people": rows}

    def _cells_for(self, data: dict, viewer: Viewer) -> dict:
        return {**data, "people": [{**r, "cells": [person_week(c, viewer.role) for c in r["cells"]]}
                                   for r in data["people"]]}


def _window(window: Window) -> dict:
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def _department_week(weeks) -> dict:
    """One department-week from its people's weeks."""
    load = sum(w.load for w in weeks)
    capacity = sum(w.capacity for w in weeks)
    utils = [w.utilisation for w in weeks]
    peak = max(utils)
    first = weeks[0]
    return {"week": first.start.isoformat(), "end": first.end.isoformat(), "people": len(weeks),
            "load": round(load, 4), "capacity": round(capacity, 4),
            "mean_util": round(load / capacity, 4) if capacity > 0 else None,
            "peak_util": _figure(peak),
            "over": sum(over_capacity(w.load, w.capacity) for w in weeks),
            "away": sum(1 for w in weeks if w.away_days)}
