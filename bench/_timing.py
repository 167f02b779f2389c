"""The benchmarks' one timing rule: wall and CPU seconds of a call, and the nearest-rank percentile
their tables report. Wall and CPU are read together because the machine is shared (2 cores, other
work running): CPU is the steadier figure, and comparisons are ratios within one run."""

from __future__ import annotations

import time


def timed(fn):
    """(fn(), wall seconds, CPU seconds of this process) for one call of `fn`."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def pct(xs, q: float) -> float:
    """The nearest-rank `q` quantile (0..1) of `xs`; nan for none."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")
