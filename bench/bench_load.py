"""What the time-phased load (issue 9) costs a team request's candidate read, in the same run.

    python bench/bench_load.py --people 10000 --requests 20 [--work /tmp/tg-bench]

On a generated org (`teamgraph generate --seed 1`, which now writes phased memberships, leave,
capacity changes and holidays; generated and ingested once under --work, shared with
bench/bench_team.py), for the requests bench_team.py draws, per request and person of its pool:

- old: the peak-load sweep teamgraph used before issue 9 (copied below: one event list over
  membership starts and ends), on the same memberships;
- new: graph.load.calendar_pieces (phases, capacity periods, time off, holidays) + its peak;

and, for scale, the whole `store.candidates` read and its `store.calendars` part. CPU seconds
(time.process_time: the machine is shared), medians over the requests. Not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_team import draw_requests, org_store  # noqa: E402


def old_peak(memberships, window) -> float:
    """The sweep of graph/load.py before issue 9 (flat allocations, no calendar)."""
    events = []
    for m in memberships:
        start = max(m.start or window.start, window.start)
        end = min(m.end or window.end, window.end)
        if start <= end and m.allocation:
            events.append((start, m.allocation))
            events.append((end + timedelta(days=1), -m.allocation))
    events.sort(key=lambda e: (e[0], e[1]))
    peak = cur = 0.0
    for _, delta in events:
        cur += delta
        peak = max(peak, cur)
    return round(peak, 6)


def cpu(fn, *args) -> tuple[float, object]:
    t = time.process_time()
    out = fn(*args)
    return time.process_time() - t, out


def measure(store, req) -> dict:
    """CPU seconds of one request's candidate read, its calendar read, and both load arithmetics."""
    from teamgraph.graph.load import calendar_pieces, peak_of
    needs = sorted({(r.skill, r.level) for r in req.requirements})
    read, cands = cpu(store.candidates, needs, req.window)
    ids = [c.person.id for c in cands]
    cal_read, cals = cpu(store.calendars, ids, req.window)
    by_person: dict[str, list] = {i: [] for i in ids}
    for m in store.load_memberships(ids):
        by_person[m.person].append(m)
    old, _ = cpu(lambda: [old_peak(by_person[i], req.window) for i in ids])  # noqa: B023 (called at once)
    new, _ = cpu(lambda: [peak_of(calendar_pieces(by_person[i], req.window, cals[i])) for i in ids])  # noqa: B023
    return {"pool": len(ids), "candidates_s": read, "calendars_s": cal_read, "old_s": old, "new_s": new}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=10000)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--work", type=Path, default=Path("/tmp/tg-bench"))
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    store = org_store(a.people, a.work)
    rows = [measure(store, req) for req in draw_requests(store, a.requests, seed=1)]
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    out = {"people": a.people, "requests": len(rows), "median": med,
           "arithmetic_ratio": med["new_s"] / med["old_s"] if med["old_s"] else None,
           "time_phased_share_of_candidates": (med["new_s"] - med["old_s"] + med["calendars_s"]) / med["candidates_s"]}
    print("| org | requests | median pool | candidates read (CPU s) | calendars read | old sweep | time-phased | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {a.people:,} | {len(rows)} | {med['pool']:.0f} | {med['candidates_s']:.3f} | {med['calendars_s']:.3f} | "
          f"{med['old_s']:.4f} | {med['new_s']:.4f} | {out['arithmetic_ratio']:.1f}x |")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
