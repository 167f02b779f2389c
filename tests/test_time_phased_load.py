"""graph/load.py: phased allocations, capacity periods and time off, hand-computed."""

from __future__ import annotations

import math
from datetime import date

from teamgraph.graph.load import peak_load, peak_utilisation, person_weeks, pieces, ratio, weekly_load
from teamgraph.graph.model import CapacityPeriod, Membership, Phase, TimeOff, Window, phased

D = date
JAN = Window(D(2027, 1, 4), D(2027, 1, 31))  # Monday 4 Jan .. Sunday 31 Jan: four weeks


def test_a_membership_without_phases_is_one_phase():
    m = Membership("a", "p", allocation=0.5, start=D(2027, 1, 11), end=D(2027, 1, 17))
    assert m.pieces() == (Phase(D(2027, 1, 11), D(2027, 1, 17), 0.5),)
    assert [w.load for w in person_weeks([m], JAN)] == [0.0, 0.5, 0.0, 0.0]
    assert weekly_load([m], JAN) == [(D(2027, 1, 4), 0.0), (D(2027, 1, 11), 0.5), (D(2027, 1, 18), 0.0),
                                     (D(2027, 1, 25), 0.0)]


def test_phases_change_the_allocation_by_date():
    m = phased("a", "p", [Phase(D(2027, 1, 18), None, 0.8), Phase(D(2027, 1, 4), D(2027, 1, 17), 0.2)])
    assert (m.start, m.end, m.allocation) == (D(2027, 1, 4), None, 0.8)  # span and peak derived
    assert [w.load for w in person_weeks([m], JAN)] == [0.2, 0.2, 0.8, 0.8]
    assert peak_load([m], Window(D(2027, 1, 4), D(2027, 1, 17))) == 0.2
    assert peak_load([m], JAN) == 0.8


def test_capacity_periods_and_utilisation():
    m = Membership("a", "p", allocation=0.4)
    periods = [CapacityPeriod("a", D(2027, 1, 18), None, 0.5)]
    weeks = person_weeks([m], JAN, 1.0, periods)
    assert [w.capacity for w in weeks] == [1.0, 1.0, 0.5, 0.5]
    assert [round(w.utilisation, 6) for w in weeks] == [0.4, 0.4, 0.8, 0.8]
    parts = pieces([m], JAN, 1.0, periods)
    assert round(peak_utilisation(parts, 0.2), 6) == 1.2  # (0.4 + 0.2) / 0.5 from the 18th
    assert round(peak_utilisation(parts[:1], 0.2), 6) == 0.6


def test_capacity_zero_never_divides_by_zero():
    m = Membership("a", "p", allocation=0.3)
    periods = [CapacityPeriod("a", D(2027, 1, 11), D(2027, 1, 17), 0.0)]
    weeks = person_weeks([m], JAN, 1.0, periods)
    assert weeks[1].capacity == 0.0 and math.isinf(weeks[1].utilisation)
    assert ratio(0.0, 0.0) == 0.0
    assert math.isinf(peak_utilisation(pieces([], JAN, 1.0, periods), 0.1))
    assert peak_utilisation(pieces([], JAN, 1.0, periods), 0.0) == 0.0


def test_time_off_takes_priority_over_allocations():
    busy = [Membership("a", "p", allocation=0.7), Membership("a", "q", allocation=0.5,
                                                           start=D(2027, 1, 11), end=D(2027, 1, 13))]
    leave = [TimeOff("a", D(2027, 1, 11), D(2027, 1, 13))]  # the overlap is on leave days only
    weeks = person_weeks(busy, JAN, 1.0, (), leave)
    assert [w.load for w in weeks] == [0.7, 0.7, 0.7, 0.7]  # not 1.2: a short holiday is no overload
    assert [w.away_days for w in weeks] == [0, 3, 0, 0]
    assert peak_load(busy, JAN, leave) == 0.7 and peak_load(busy, JAN) == 1.2
    whole = person_weeks(busy, JAN, 1.0, (), [TimeOff("a", D(2027, 1, 4), D(2027, 1, 10))])
    assert (whole[0].load, whole[0].away_days, whole[0].utilisation) == (0.0, 7, 0.0)
    assert peak_utilisation(pieces(busy, Window(D(2027, 1, 4), D(2027, 1, 10)), 1.0, (), [
        TimeOff("a", D(2027, 1, 1), D(2027, 1, 12))]), 1.0) == 0.0  # nothing to do while away


def test_weeks_cover_the_window_and_the_last_may_be_short():
    w = Window(D(2027, 1, 6), D(2027, 1, 16))
    weeks = person_weeks([], w)
    assert [(x.start, x.end) for x in weeks] == [(D(2027, 1, 6), D(2027, 1, 12)), (D(2027, 1, 13), D(2027, 1, 16))]
    assert [x.days for x in weeks] == [7, 4]
    assert all(x.load == 0.0 and x.capacity == 1.0 for x in weeks)


def test_the_service_reads_weeks_with_the_calendar(tiny_store, tmp_path):
    import pytest
    from teamgraph.errors import NotFoundError
    from teamgraph.graph.model import ChangeSet, Holiday
    from teamgraph.service import Teamgraph
    from teamgraph.settings import Settings
    tiny_store.apply(ChangeSet().add(CapacityPeriod("cy", D(2026, 2, 9), None, 0.4),
                                     TimeOff("cy", D(2026, 2, 2), D(2026, 2, 8)), Holiday("Seoul", D(2026, 2, 17))))
    tg = Teamgraph(Settings(data_dir=tmp_path), store=tiny_store, progress=False)
    feb = Window(D(2026, 2, 2), D(2026, 2, 22))  # cy: engineer on p-plat at 0.4 from 1 February
    weeks = tg.person_weeks(["cy"], feb)["cy"]
    assert [(w.load, w.capacity, w.away_days) for w in weeks] == [(0.0, 0.8, 7), (0.4, 0.4, 0), (0.4, 0.4, 1)]
    assert [round(w.utilisation, 6) for w in weeks] == [0.0, 1.0, 1.0]
    assert tg.weekly_load("cy", feb) == [(w.start, w.load) for w in weeks]
    with pytest.raises(NotFoundError):
        tg.person_weeks(["cy", "nobody"], feb)


def _naive_days(memberships, window, capacity, periods, time_off):
    """Day by day, from the records alone (no sweep): (load, capacity, away) per day."""
    from datetime import timedelta
    out, d = [], window.start
    while d <= window.end:
        load = sum(p.allocation for m in memberships for p in m.pieces()
                   if (p.start is None or p.start <= d) and (p.end is None or d <= p.end))
        cap = next((p.capacity for p in periods if p.start <= d and (p.end is None or d <= p.end)), capacity)
        out.append((round(load, 6), cap, any(t.start <= d <= t.end for t in time_off)))
        d += timedelta(days=1)
    return out


def test_pieces_agree_with_a_day_by_day_count():
    from datetime import timedelta
    from hypothesis import given, settings, strategies as st
    day = st.integers(-10, 70).map(lambda k: D(2027, 1, 4) + timedelta(days=k))
    fte = st.sampled_from([0.0, 0.2, 0.5, 0.3, 1.0])

    def ordered(a, b):
        return (a, b) if a <= b else (b, a)
    span = st.tuples(day, day).map(lambda t: ordered(*t))
    flat = st.builds(lambda sp, a, open_end: Membership("a", "p", "m", a, sp[0], None if open_end else sp[1]),
                     span, fte, st.booleans())
    two = st.builds(lambda sp, a, b: phased("a", "p", [Phase(sp[0], sp[0] + (sp[1] - sp[0]) // 2, a),
                                                        Phase(sp[0] + (sp[1] - sp[0]) // 2 + timedelta(days=1),
                                                              sp[1] + timedelta(days=1), b)]), span, fte, fte)
    window = Window(D(2027, 1, 4), D(2027, 2, 28))

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(st.lists(st.one_of(flat, two), max_size=4), st.sampled_from([1.0, 0.8, 0.0]),
           st.lists(st.builds(lambda sp, c: CapacityPeriod("a", sp[0], sp[1], c), span, fte), max_size=1),
           st.lists(st.builds(lambda sp: TimeOff("a", *sp), span), max_size=2))
    def check(ms, capacity, periods, leave):
        parts = pieces(ms, window, capacity, periods, leave)
        days = [(p.load, p.capacity, p.away) for p in parts for _ in range(p.days)]
        assert days == _naive_days(ms, window, capacity, periods, leave)
        assert parts[0].start == window.start and parts[-1].end == window.end
        assert all(a.end + timedelta(days=1) == b.start and a[2:] != b[2:] for a, b in zip(parts, parts[1:]))
    check()
