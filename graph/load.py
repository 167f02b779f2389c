"""Time-phased load: the one load arithmetic of every store, the solver, why-not and the pages.

A person's days fall into *pieces*: maximal runs of days with one load (the summed allocation of
their membership phases on those days), one capacity (their `CapacityPeriod` that day, else
`Person.capacity`) and one away flag (time off or a holiday at their location). Everything else
is derived from the pieces:

- time off takes priority (as in Float and Runn): on away days the person does no project work,
  so neither their allocations nor their capacity count those days: a short holiday is never an
  overload, and a week wholly away has load 0;
- utilisation of a piece is load / capacity; capacity 0 with load > 0 is an overload (infinite
  utilisation), never a division by zero, and 0 / 0 is 0;
- a person's utilisation in a window with `extra` FTE more (a new assignment) is the maximum,
  over the window's working pieces, of (load + extra) / capacity (`peak_utilisation`);
- the peak load of a window is the largest working piece's load (`peak_load`), a derived figure;
- a week's figures (`person_weeks`), like an expert card's load and capacity for a whole window,
  are those of its most utilised working piece (`peak_piece`).

Days are calendar days, as membership dates are; leave spanning a weekend is written through it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from teamgraph.graph.model import Membership, Window

_DAY = timedelta(days=1)


class Piece(NamedTuple):
    """Days `start`..`end` with one summed allocation, one capacity, away or working (a named
    tuple: candidate reads make one per run of days for every person of a pool)."""

    start: date
    end: date
    load: float
    capacity: float
    away: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def utilisation(self, extra: float = 0.0) -> float:
        """(load + extra) / capacity; 0 when away; inf for work on a capacity-0 day."""
        return 0.0 if self.away else ratio(self.load + extra, self.capacity)


@dataclass(frozen=True)
class Week:
    """One week of a person's load: the load and capacity of its most utilised working piece
    (the peak when capacity is constant), and how many of its days they are away."""

    start: date
    end: date
    load: float
    capacity: float
    away_days: int

    @property
    def utilisation(self) -> float:
        """load / capacity (inf when capacity is 0 and load > 0, 0 when both are 0)."""
        return ratio(self.load, self.capacity)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def ratio(load: float, capacity: float) -> float:
    """The one utilisation division: load / capacity, inf for load on no capacity, 0 for 0 / 0."""
    if capacity > 0:
        return load / capacity
    return math.inf if load > 1e-9 else 0.0


def _span(start: date | None, end: date | None, window: Window) -> tuple[date, date] | None:
    s = max(start or window.start, window.start)
    e = min(end or window.end, window.end)
    return (s, e) if s <= e else None


def pieces(memberships: Iterable[Membership], window: Window, capacity: float = 1.0,
           periods: Iterable = (), time_off: Iterable = ()) -> list[Piece]:
    """The window cut into pieces (see the module docstring), in date order, covering it.

    `periods`: the person's CapacityPeriod records (start, end or None, capacity); `time_off`:
    anything with `start` and `end` dates (TimeOff records, holidays as one-day spans)."""
    loads: dict[date, float] = {}
    start, stop = window.start, window.end + _DAY
    for m in memberships:  # Membership.pieces() without building the implicit Phase (hot path)
        for ps, pe, a in ([(p.start, p.end, p.allocation) for p in m.phases] if m.phases
                          else ((m.start, m.end, m.allocation),)):
            s = ps if ps is not None and ps > start else start
            e = pe + _DAY if pe is not None and pe < window.end else stop
            if s < e and a:
                loads[s] = loads.get(s, 0.0) + a
                loads[e] = loads.get(e, 0.0) - a
    aways: dict[date, int] = {}
    for t in time_off:
        s, e = max(t.start, start), min(t.end + _DAY, stop)
        if s < e:
            aways[s] = aways.get(s, 0) + 1
            aways[e] = aways.get(e, 0) - 1
    caps = sorted((max(p.start, start), min(p.end + _DAY, stop) if p.end is not None else stop, p.capacity)
                  for p in periods)
    caps = [c for c in caps if c[0] < c[1]]
    if not aways and not caps and len(loads) <= 2:  # the common case: at most one allocation run
        if not loads:
            return [Piece(window.start, window.end, 0.0, capacity)]
        (s, a), (e, _) = sorted(loads.items())
        runs = [(start, s, 0.0), (s, e, round(a, 6)), (e, stop, 0.0)]
        return [Piece(x, y - _DAY, v, capacity) for x, y, v in runs if x < y]
    cuts = {start, stop, *loads, *aways}  # every key is clipped to [start, stop] above
    for s, e, _ in caps:
        cuts.add(s)
        cuts.add(e)
    days = sorted(cuts)
    out: list[Piece] = []
    load, away, last = 0.0, 0, None
    get_load, get_away = loads.get, aways.get
    for d, nxt in zip(days, days[1:]):
        load += get_load(d, 0.0)
        away += get_away(d, 0)
        cap = capacity
        for s, e, c in caps:  # few per person; not overlapping once validated (the last wins)
            if s <= d < e:
                cap = c
        value = (round(load, 6), cap, away > 0)
        if value == last:
            out[-1] = out[-1]._replace(end=nxt - _DAY)
        else:
            out.append(Piece(d, nxt - _DAY, *value))
            last = value
    return out


def calendar_pieces(memberships: Iterable[Membership], window: Window, calendar) -> list[Piece]:
    """`pieces` for one person from their graph.reads.Calendar (capacity, periods, away days)."""
    return pieces(memberships, window, calendar.capacity, calendar.periods, calendar.away)


def candidates_with_load(people, skills: dict, by_person: dict, window: Window, calendars: dict) -> list:
    """graph.reads.Candidate per person (in the given order): their skills and their time-phased
    load in `window` from `by_person` memberships (bookings included) and `calendars` (both stores).

    The memberships and calendars may reach beyond `window` (GraphStore.candidates_many reads them
    once over the span of many windows): a membership counts when its span overlaps `window`, as
    a store's window read selects it (`overlaps`), and `pieces` clips the calendar to `window`.
    Most people of a pool have nothing of their own in a window (no membership, leave or capacity
    period overlapping it), so their pieces depend only on their capacity and their location's
    holidays: those are cut once per capacity and holiday list (the stores share one tuple per
    location) and shared."""
    from teamgraph.graph.reads import Candidate
    out = []
    shared: dict[tuple, tuple] = {}
    for p in people:
        cal = calendars[p.id]
        ms = [m for m in by_person.get(p.id, ()) if overlaps(m.start, m.end, window)]
        if ms or any(overlaps(x.start, x.end, window) for x in (*cal.periods, *cal.time_off)):
            parts = tuple(calendar_pieces(ms, window, cal))
            peak = peak_of(parts)
        else:
            key = (cal.capacity, id(cal.holidays))  # the calendars (and so the tuples) outlive this loop
            if key not in shared:
                parts = tuple(calendar_pieces((), window, cal))
                shared[key] = parts, peak_of(parts)
            parts, peak = shared[key]
        out.append(Candidate(p, dict(skills.get(p.id, {})), peak, parts))
    return out


def overlaps(start: date | None, end: date | None, window: Window) -> bool:
    """A span (None: open on that side) shares a day with `window`: which memberships a window's
    load reads (the stores' window queries say the same in SQL and Cypher)."""
    return (start is None or start <= window.end) and (end is None or end >= window.start)


def away_spans(parts: Iterable[Piece]) -> list[tuple[date, date]]:
    """The away days of `parts` as (first, last) runs."""
    out: list[tuple[date, date]] = []
    for p in parts:
        if p.away:
            if out and out[-1][1] + _DAY == p.start:
                out[-1] = (out[-1][0], p.end)
            else:
                out.append((p.start, p.end))
    return out


def profile_load(memberships: Iterable[Membership], window: Window, calendar) -> dict:
    """A person profile's load fields (graph.reads.PersonProfile): the peak, the capacity periods
    and the away days in `window` (dates only: the reason and note of time off stay private)."""
    parts = calendar_pieces(memberships, window, calendar)
    return {"load": peak_of(parts), "utilisation": peak_utilisation(parts),
            "capacity_periods": [{"start": p.start, "end": p.end, "capacity": p.capacity} for p in calendar.periods],
            "away": [{"start": a, "end": b} for a, b in away_spans(parts)]}


def peak_utilisation(parts: Iterable[Piece], extra: float = 0.0) -> float:
    """Max over working pieces of (load + extra) / capacity (0 when the window is all away)."""
    return max((p.utilisation(extra) for p in parts if not p.away), default=0.0)


def free_fte(parts: Iterable[Piece], capacity: float = 1.0) -> float:
    """The FTE they have free on every working day (capacity − load at the tightest; ≥ 0):
    what a "at least F FTE free" filter asks. Their capacity when the window is all away."""
    return max(0.0, min((p.capacity - p.load for p in parts if not p.away), default=capacity))


def peak_of(parts: Iterable[Piece]) -> float:
    """The largest load on a working day (0.0 when none)."""
    return max((p.load for p in parts if not p.away), default=0.0)


def away_days(parts: Iterable[Piece]) -> int:
    return sum(p.days for p in parts if p.away)


def peak_load(memberships: Iterable[Membership], window: Window, time_off: Iterable = ()) -> float:
    """Peak summed allocation over the working days of `window` (0.0 when nothing overlaps)."""
    return peak_of(pieces(memberships, window, time_off=time_off))


def person_weeks(memberships: Iterable[Membership], window: Window, capacity: float = 1.0,
                 periods: Iterable = (), time_off: Iterable = ()) -> list[Week]:
    """One Week per 7 days of `window`, the first starting on `window.start` (the last may be
    shorter); pass a Monday-aligned window for calendar weeks."""
    return weeks_of(pieces(memberships, window, capacity, periods, time_off), window, capacity)


def calendar_weeks(memberships: Iterable[Membership], window: Window, calendar) -> list[Week]:
    """`person_weeks` for one person from their graph.reads.Calendar."""
    return person_weeks(memberships, window, calendar.capacity, calendar.periods, calendar.away)


def peak_piece(parts: list[Piece], capacity: float = 1.0, extra: float = 0.0) -> Piece:
    """The most utilised working piece of `parts` with `extra` FTE more (ties: the larger load):
    the load and capacity a week or an expert card shows, so its load / capacity is
    `peak_utilisation(parts, extra)` and, at one capacity, its load is `peak_of(parts)`. All
    away (or no parts): load 0 at the first piece's capacity (else `capacity`)."""
    working = [p for p in parts if not p.away]
    if working:
        return max(working, key=lambda p: (p.utilisation(extra), p.load))
    return Piece(parts[0].start, parts[-1].end, 0.0, parts[0].capacity, True) if parts else \
        Piece(date.min, date.min, 0.0, capacity, True)


def weeks_of(parts: list[Piece], window: Window, capacity: float = 1.0, extra: float = 0.0) -> list[Week]:
    """The weeks of `window` from its pieces. Each week shows its most utilised working piece
    with `extra` FTE more (the load shown is before the extra), so a why-not's weeks over
    capacity are exactly the weeks where `peak_utilisation(parts, extra)` is over."""
    out: list[Week] = []
    k = 0
    week = window.start
    while week <= window.end:
        end = min(week + timedelta(days=6), window.end)
        while k < len(parts) and parts[k].end < week:
            k += 1
        inside = []
        j = k
        while j < len(parts) and parts[j].start <= end:
            p = parts[j]
            inside.append(Piece(max(p.start, week), min(p.end, end), p.load, p.capacity, p.away))
            j += 1
        worst = peak_piece(inside, capacity, extra)
        out.append(Week(week, end, worst.load, worst.capacity, away_days(inside)))
        week = end + _DAY
    return out


def weekly_load(memberships: Iterable[Membership], window: Window) -> list[tuple[date, float]]:
    """(week start, peak load that week) for each week of `window`; weeks start on `window.start`."""
    return [(w.start, w.load) for w in person_weeks(memberships, window)]


def loads_by_person(memberships: Iterable[Membership], window: Window) -> dict[str, float]:
    by_person: dict[str, list[Membership]] = {}
    for m in memberships:
        by_person.setdefault(m.person, []).append(m)
    return {p: peak_load(ms, window) for p, ms in by_person.items()}
