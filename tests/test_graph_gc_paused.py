"""graph.reads.gc_paused in the threaded server (waitress runs 8 threads): the cyclic GC is off
process-wide while any candidate read is under way, so overlapping reads in different threads are
counted — the collector is not turned back on while one of them is still reading, it is on again
once the last one ends (whichever ends last), and it stays off if it was off before the first."""

from __future__ import annotations

import gc
import threading

import pytest

from teamgraph.graph.reads import gc_paused


@pytest.fixture(autouse=True)
def collector_restored():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def overlapping_reads(first_ends_first: bool) -> list[tuple[str, bool]]:
    """Two reads in two threads, A starting first and B starting while A reads; the order they
    end in is chosen. Returns (moment, collector on?) as seen at each step."""
    seen: list[tuple[str, bool]] = []
    a_in, b_in, a_go, b_go, a_out, b_out = (threading.Event() for _ in range(6))

    def read(me_in, go, me_out):
        with gc_paused():
            me_in.set()
            assert go.wait(10)
        me_out.set()

    a = threading.Thread(target=read, args=(a_in, a_go, a_out))
    b = threading.Thread(target=read, args=(b_in, b_go, b_out))
    a.start()
    assert a_in.wait(10)
    seen.append(("A reading", gc.isenabled()))
    b.start()
    assert b_in.wait(10)
    seen.append(("A and B reading", gc.isenabled()))
    (first_go, first_out, second_go, second_out) = (a_go, a_out, b_go, b_out) if first_ends_first else \
        (b_go, b_out, a_go, a_out)
    first_go.set()
    assert first_out.wait(10)
    seen.append(("one still reading", gc.isenabled()))
    second_go.set()
    assert second_out.wait(10)
    a.join(10)
    b.join(10)
    seen.append(("both ended", gc.isenabled()))
    return seen


@pytest.mark.parametrize("first_ends_first", [True, False], ids=["A ends first", "B ends first"])
def test_overlapping_reads_in_two_threads_keep_gc_off_until_the_last_ends(first_ends_first):
    gc.enable()
    assert overlapping_reads(first_ends_first) == [("A reading", False), ("A and B reading", False),
                                                   ("one still reading", False), ("both ended", True)]


def test_a_collector_that_was_off_stays_off_after_overlapping_reads():
    gc.disable()
    assert [on for _, on in overlapping_reads(True)] == [False, False, False, False]


def test_a_read_that_fails_in_one_thread_still_counts_down():
    gc.enable()
    inside, failed = threading.Event(), threading.Event()

    def failing_read():
        try:
            with gc_paused():
                assert inside.wait(10)
                raise RuntimeError("the store went away")
        except RuntimeError:
            failed.set()

    with gc_paused():  # this thread reads too
        t = threading.Thread(target=failing_read)
        t.start()
        inside.set()
        assert failed.wait(10)
        t.join(10)
        assert not gc.isenabled()  # this read is still under way
    assert gc.isenabled()


def test_many_threads_reading_at_once_leave_the_collector_on():
    gc.enable()
    start = threading.Barrier(8)
    off_inside: list[bool] = []

    def read():
        start.wait(10)
        for _ in range(200):
            with gc_paused():
                off_inside.append(not gc.isenabled())

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(off_inside) == 8 * 200 and all(off_inside)  # never on while a read is under way
    assert gc.isenabled()
