"""Load arithmetic shared by every store and the solver.

A person's load in a window is the peak, over the window, of the sum of the allocations of
their memberships active on each day. Allocations change only at membership boundaries, so
the peak is found by a sweep over those boundaries instead of day by day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from teamgraph.graph.model import Membership, Window


def _clip(m: Membership, window: Window) -> tuple[date, date] | None:
    start = max(m.start or window.start, window.start)
    end = min(m.end or window.end, window.end)
    return (start, end) if start <= end else None


def peak_load(memberships: Iterable[Membership], window: Window) -> float:
    """Peak summed allocation over `window` (0.0 when nothing overlaps)."""
    events: list[tuple[date, float]] = []
    for m in memberships:
        span = _clip(m, window)
        if span and m.allocation:
            events.append((span[0], m.allocation))
            events.append((span[1] + timedelta(days=1), -m.allocation))
    events.sort(key=lambda e: (e[0], e[1]))  # ends (negative) before starts on the same day
    peak = cur = 0.0
    for _, delta in events:
        cur += delta
        peak = max(peak, cur)
    return round(peak, 6)


def weekly_load(memberships: Iterable[Membership], window: Window) -> list[tuple[date, float]]:
    """(week start, peak load that week) for each week of `window`; weeks start on `window.start`."""
    ms = list(memberships)
    out = []
    week = window.start
    while week <= window.end:
        end = min(week + timedelta(days=6), window.end)
        out.append((week, peak_load(ms, Window(week, end))))
        week = end + timedelta(days=1)
    return out


def loads_by_person(memberships: Iterable[Membership], window: Window) -> dict[str, float]:
    by_person: dict[str, list[Membership]] = {}
    for m in memberships:
        by_person.setdefault(m.person, []).append(m)
    return {p: peak_load(ms, window) for p, ms in by_person.items()}
