"""The portfolio's load spans (matching.portfolio_load.person_spans on time-phased pieces) against a
day-by-day reference: for every working day, the person's requests active then, their load and
capacity that day; the largest load per (requests, capacity); minus the dominated ones."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teamgraph.graph.load import pieces
from teamgraph.graph.model import CapacityPeriod, Membership, TimeOff, Window
from teamgraph.matching.portfolio_load import intervals, person_spans, request_masks

DAY0 = date(2027, 1, 4)
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


@st.composite
def cases(draw):
    windows = []
    for _ in range(draw(st.integers(1, 6))):
        a = draw(st.integers(0, 40))
        windows.append(Window(day(a), day(a + draw(st.integers(0, 25)))))
    mine = draw(st.sets(st.integers(0, len(windows) - 1), min_size=1))
    ms = [Membership("p", f"m{n}", "x", draw(st.sampled_from([0.1, 0.3, 0.5])), day(a), day(a + draw(st.integers(0, 20))))
          for n, a in enumerate(draw(st.lists(st.integers(0, 50), max_size=4)))]
    off = [TimeOff("p", day(a), day(a + draw(st.integers(0, 3)))) for a in draw(st.lists(st.integers(0, 60), max_size=2))]
    periods = [CapacityPeriod("p", day(a), day(a + 10), 0.5) for a in draw(st.lists(st.integers(0, 50), max_size=1))]
    return windows, mine, ms, off, periods


def reference(windows, mine, per_request):
    best: dict = {}
    for d in sorted({w.start + timedelta(days=n) for k in mine for w in [windows[k]]
                     for n in range((w.end - w.start).days + 1)}):
        active = frozenset(k for k in mine if windows[k].start <= d <= windows[k].end)
        [p] = [p for p in per_request[min(active)] if p.start <= d <= p.end]
        if not p.away:
            best[active, p.capacity] = max(best.get((active, p.capacity), 0.0), p.load)
    return {(s, v, c) for (s, c), v in best.items()
            if not any((s < t or (s == t and c2 < c)) and v <= w and c2 <= c for (t, c2), w in best.items())}


@SETTINGS
@given(case=cases())
def test_spans_are_the_day_by_day_peaks_per_request_set_and_capacity(case):
    windows, mine, ms, off, periods = case
    per_request = {k: tuple(pieces(ms, windows[k], 1.0, periods, off)) for k in mine}
    loads = {k: max(p.load for p in per_request[k]) for k in mine}
    parts = intervals(windows)
    want = reference(windows, mine, per_request)
    for masks in (None, request_masks(parts)):
        got = person_spans(parts, loads, None, per_request, masks)
        assert {(sp.requests, sp.load, sp.capacity) for sp in got} == want
