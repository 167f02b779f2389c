"""The store's candidate reads alone, on the same stores and requests as bench_team.py (12 single-team
asks over 10k people) and bench_portfolio.py (one `candidates_many` of 200 asks over 5k people):

    python bench/bench_reads.py both [--work /tmp/teamgraph-bench] [--dump answers.pkl] [--profile]

CPU seconds of the reads only (no solver), and with `--dump` the answers pickled, so an older tree's
answers can be compared with this one's: run an older tree with `bench_team.baseline_tree`'s import
folder first on PYTHONPATH (as bench_team.py does for its baseline) and compare the two pickles.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_portfolio import draw_portfolio  # noqa: E402
from bench_team import draw_requests, org_store  # noqa: E402


def timed(label: str, read, profile: bool):
    pr = cProfile.Profile() if profile else None
    c0 = time.process_time()
    if pr:
        pr.enable()
    got = read()
    if pr:
        pr.disable()
    cpu = time.process_time() - c0
    if pr:
        pstats.Stats(pr).sort_stats("tottime").print_stats(15)
    return got, cpu


def main() -> None:
    from teamgraph.matching.problem import candidate_ask
    from teamgraph.matching.request import resolve_skills
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("team", "portfolio", "both"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/teamgraph-bench"))
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()
    out = {}
    if a.mode in ("team", "both"):
        store = org_store(10000, a.work)
        skills = list(store.all("skill"))
        asks = [candidate_ask(resolve_skills(r, skills)) for r in draw_requests(store, 12, 0)]
        got, cpu = timed("team", lambda: [store.candidates(x.needs, x.window, x.include, x.departments)
                                          for x in asks], a.profile)
        print(f"single team, 10k people: {len(asks)} reads, mean pool {sum(map(len, got)) / len(got):.0f}, "
              f"{cpu / len(asks) * 1000:.1f} CPU ms per read")
        out["team"] = got
        store.close()
    if a.mode in ("portfolio", "both"):
        store = org_store(5000, a.work)
        skills = list(store.all("skill"))
        asks = [candidate_ask(resolve_skills(r, skills)) for r in draw_portfolio(store, 200, 0).requests]
        got, cpu = timed("portfolio", lambda: store.candidates_many(asks), a.profile)
        print(f"portfolio, 5k people: one candidates_many of {len(asks)} asks, mean pool "
              f"{sum(map(len, got)) / len(got):.0f}, {cpu:.2f} CPU s")
        out["portfolio"] = got
        store.close()
    if a.dump:
        a.dump.write_bytes(pickle.dumps(out))


if __name__ == "__main__":
    main()
