"""Portfolio benchmarks.

1. Coverage at organisation scale against ThresholdGreedy (SDM'23), on generated instances of the
   paper's shape and on the team2box sites (issue 13):

    python bench/bench_portfolio.py --cover 2000x8000 500x2000 team2box:history team2box:android \
        --loads 1-10 --search-seconds 5

   Each instance runs in its own process (so its peak RSS is its own): ThresholdGreedy, our
   constructive algorithm alone, our default answer (what `teamgraph eval portfolio` prints without
   --time-limit: the search gets what is left of ThresholdGreedy's CPU at that L) and the improved
   answer (constructive + CP-SAT LNS within --search-seconds CPU per L) side by side — coverage
   (the paper's metric), CPU seconds per L, upper bound, peak memory. Every answer is re-evaluated
   from the skill lists.

2. Hard mode over a generated org: staff 50 and 200 requests at once over 5,000 people.

    python bench/bench_portfolio.py --people 5000 --sizes 50 200 --time-limit 30 [--baseline REV]

   With `--baseline REV` that revision's own bench_portfolio.py and then this tree's run one after
   the other, each in its own process, on the same store, requests and seed (the old one from a
   `git archive` under --work, as bench_team.py does): old and new measured in the same run, wall
   seconds of the whole `staff` call (reading included) and CPU seconds of each process.

Requests are drawn at random (3–5 skills at level ≥ 3, 2 to skills + 1 people, 0.2–0.5 FTE, windows of
60–120 days starting within half a year of the sample's "today", so many overlap). Reports the
organisation-wide maximum post-assignment utilisation of teamgraph's hard mode against the
request-by-request greedy and against the lower bound, the time, and re-checks independently that
nobody's day-by-day load (existing memberships + new allocations) exceeds capacity.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def draw_portfolio(store, k: int, seed: int):
    from teamgraph.ingest.sample import SAMPLE_TODAY
    from teamgraph.matching.request import Portfolio, parse_request
    rng = random.Random(seed)
    active = {p.id for p in store.all("person") if p.status == "active"}
    holders: dict[str, int] = {}
    for ps in store.all("person_skill"):
        if ps.level >= 3 and ps.person in active:
            holders[ps.skill] = holders.get(ps.skill, 0) + 1
    skills = sorted(s for s, n in holders.items() if n >= 15)
    reqs = []
    for q in range(k):
        start = SAMPLE_TODAY + timedelta(days=rng.randint(0, 180))
        end = start + timedelta(days=rng.randint(60, 120))
        n = rng.randint(3, 5)
        reqs.append({"name": f"r{q}", "window": {"start": start.isoformat(), "end": end.isoformat()},
                     "allocation": rng.choice([0.2, 0.3, 0.4, 0.5]), "size": {"min": 2, "max": n + rng.randint(0, 1)},
                     "requirements": [{"skill": s, "level": 3} for s in rng.sample(skills, n)]})
    # Request by request: a portfolio file or API body is limited to 50 requests
    # (teamgraph.limits); the engine itself is not.
    return Portfolio(tuple(parse_request(r, f"requests[{q}]") for q, r in enumerate(reqs)), f"bench {k}")


def check(store, pf, res) -> list[str]:
    """Independent: every assigned person's day-by-day peak, over the windows of their new
    memberships, within capacity and not above the reported maximum."""

    from teamgraph.graph.load import peak_load
    from teamgraph.graph.model import Membership, Window
    windows = {r.name: r.window for r in pf.requests}
    new: dict[str, list] = {}
    for t in res.teams:
        w = windows[t["request"]]
        for m in t["members"]:
            new.setdefault(m["id"], []).append(Membership(m["id"], t["request"], "new", m["allocation"], w.start,
                                                          w.end))
    bad, top = [], 0.0
    for pid, ms in new.items():
        person = store.get("person", pid)
        every = list(store.memberships_of([pid])) + ms
        u = max(peak_load(every, Window(m.start, m.end)) for m in ms) / person.capacity
        top = max(top, u)
        if u > 1.0 + 1e-9:
            bad.append(f"{pid} at {u:.3f}")
    if abs(top - res.max_util) > 1e-6 and top > res.max_util:
        bad.append(f"reported max {res.max_util:.4f} below the checked {top:.4f}")
    return bad


def cover_one(spec: str, loads: list[int], search_seconds: float, seed: int, repeat: int = 3) -> dict:
    """One instance (run in a fresh process): per L, what `teamgraph eval portfolio` prints by
    default (matching.evaluate.eval_cover: ThresholdGreedy and our constructive answer `repeat`
    times each, alternately, the least CPU of each; our answer given ThresholdGreedy's CPU), then
    the improved answer with `search_seconds` CPU s."""
    import resource
    import time

    from teamgraph.matching.evaluate import eval_cover
    from teamgraph.matching.portfolio_cover import CoverPool
    from teamgraph.matching.portfolio_cover_solve import prepare, solve
    c0 = time.process_time()
    if spec.startswith("team2box:"):
        from teamgraph.matching.evaluate import read_team2box
        _, site, *split = spec.split(":")
        people, questions = read_team2box(ROOT.parent / "shared" / "data" / "team2box" / site, (split or ["test"])[0])
        pool = CoverPool.from_lists([sorted(people[p]) for p in sorted(people)], [ts for _, ts in questions])
    else:
        from teamgraph.matching.portfolio_cover_gen import generate
        n, m = (int(x) for x in spec.split("x"))
        pool = CoverPool.from_lists(*generate(n, m, seed=seed))
    prep = prepare(pool)
    row = {"instance": spec, "experts": pool.n_people, "tasks": pool.n_tasks, "pairs": len(prep.pairs),
           "pairs_mb": round(prep.pairs.nbytes / 2 ** 20, 1), "read_cpu": round(time.process_time() - c0, 2),
           "prepare_cpu": {k: round(v, 3) for k, v in prep.cpu_parts.items()}, "per_load": []}
    for L in loads:
        out = eval_cover(prep, [L], repeat=repeat, seed=seed)
        ours, base = out["teamgraph"], out["baseline"]
        imp = solve(prep, L, time_limit=search_seconds, seed=seed)
        row["per_load"].append({"L": L, "upper_bound": ours["upper_bound"][0],
                                "tg": base["coverage"][0], "tg_cpu": base["cpu_seconds"][0],
                                "constructive": ours["constructive"][0],
                                "constructive_cpu": ours["constructive_cpu_seconds"][0],
                                "default": ours["coverage"][0], "default_cpu": ours["cpu_seconds"][0],
                                "improved": round(imp.coverage, 3), "improved_cpu": round(imp.cpu_seconds, 3),
                                "improved_status": imp.status, "windows": imp.lns.windows})
        print(json.dumps(row["per_load"][-1]), file=sys.stderr, flush=True)
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def cover_main(a) -> None:
    import subprocess
    rows = []
    for spec in a.cover:
        out = subprocess.run([sys.executable, __file__, "--cover-one", spec, "--loads", a.loads,
                              "--search-seconds", str(a.search_seconds), "--seed", str(a.seed),
                              "--repeat", str(a.repeat)],
                             check=True, stdout=subprocess.PIPE, text=True)
        rows.append(json.loads(out.stdout))
    print("| instance (experts × tasks, pairs) | L | ThresholdGreedy | ours, constructive | ours, default | "
          f"ours, {a.search_seconds:g} s | upper bound | CPU s TG / constructive / default / {a.search_seconds:g} s | "
          "default / TG CPU | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        for n, p in enumerate(r["per_load"]):
            name = f"{r['instance']} ({r['experts']:,} × {r['tasks']:,}, {r['pairs']:,})" if n == 0 else ""
            ratio = p["default_cpu"] / p["tg_cpu"] if p["tg_cpu"] > 0 else float("nan")
            print(f"| {name} | {p['L']} | {p['tg']:.2f} | {p['constructive']:.2f} | {p['default']:.2f} | "
                  f"{p['improved']:.2f} | {p['upper_bound']:.2f} | {p['tg_cpu']:.3f} / {p['constructive_cpu']:.3f} / "
                  f"{p['default_cpu']:.3f} / {p['improved_cpu']:.3f} | {ratio:.2f} | "
                  f"{r['peak_rss_mb'] if n == 0 else ''} |")
    print(json.dumps(rows))


def main() -> None:
    from bench_team import org_store
    from teamgraph.matching.portfolio import staff
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200])
    ap.add_argument("--time-limit", type=float, default=30)
    ap.add_argument("--work", type=Path, default=Path("/tmp/teamgraph-bench"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lns-workers", type=int, default=2, help="parallel workers for hard mode's minimisation")
    ap.add_argument("--baseline", metavar="REV", help="also run this revision's bench in the same run (old vs new)")
    ap.add_argument("--cover", nargs="+", metavar="INSTANCE",
                    help="coverage benchmark instances: PEOPLExTASKS (generated) or team2box:SITE[:all]")
    ap.add_argument("--cover-one", metavar="INSTANCE", help=argparse.SUPPRESS)
    ap.add_argument("--loads", default="1-10")
    ap.add_argument("--search-seconds", type=float, default=5.0, help="CPU seconds per L for the improved answer")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the two greedies per L (the least CPU counts)")
    a = ap.parse_args()
    if a.cover_one:
        from teamgraph.matching.evaluate import parse_loads
        print(json.dumps(cover_one(a.cover_one, parse_loads(a.loads), a.search_seconds, a.seed, a.repeat)))
        return
    if a.cover:
        cover_main(a)
        return
    a.work.mkdir(parents=True, exist_ok=True)
    store = org_store(a.people, a.work)
    if a.baseline:
        store.close()
        return versus(a)
    out = []
    try:
        for k in a.sizes:
            pf = draw_portfolio(store, k, a.seed)
            c0 = time.process_time()
            res = staff(store, pf, time_limit=a.time_limit, seed=a.seed, progress=True, lns_workers=a.lns_workers)
            cpu = time.process_time() - c0
            bad = check(store, pf, res) if res.teams else []
            row = {"people": a.people, "requests": k, "status": res.status, "max_util": res.max_util,
                   "lower_bound": res.lower_bound, "gap": res.gap, "baseline_max_util": res.baseline_max_util,
                   "covered": res.covered, "required": res.required, "baseline_covered": res.baseline_covered,
                   "spread": res.spread, "seconds": res.seconds, "cpu_seconds": round(cpu, 2), "violations": bad,
                   "rule_violations": res.violations, "notes": res.notes}
            out.append(row)
            print(json.dumps(row), file=sys.stderr)
    finally:
        store.close()
    print("| people | requests | status | max util | lower bound | gap | greedy max util | greedy slots | "
          "seconds | capacity violations | rule violations |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in out:
        print(f"| {r['people']:,} | {r['requests']} | {r['status']} | {r['max_util']:.1%} | {r['lower_bound']:.1%} | "
              f"{r['gap']:.1%} | {r['baseline_max_util']:.1%} | {r['baseline_covered']}/{r['required']} | "
              f"{r['seconds']:.1f} | {len(r['violations'])} | {len(r['rule_violations'])} |")
    print(json.dumps({"results": out}))


def run_tree(a, rev: str | None) -> tuple[list[dict], float]:
    """bench_portfolio.py of revision `rev` (None: this tree) in its own process over the same store,
    sizes and seed: its rows and the CPU seconds of the whole process (imports, opening the store
    and drawing included, alike for both)."""
    import os
    import resource
    import subprocess

    from bench_team import PY, baseline_tree
    env = dict(os.environ)
    script = Path(__file__)
    if rev is not None:
        tree, path = baseline_tree(rev, a.work)
        script = tree / "bench" / "bench_portfolio.py"
        env["PYTHONPATH"] = os.pathsep.join([str(path), str(tree)])
    cmd = [PY, str(script), "--people", str(a.people), "--sizes", *map(str, a.sizes), "--time-limit",
           str(a.time_limit), "--work", str(a.work), "--seed", str(a.seed), "--lns-workers", str(a.lns_workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, check=True, env=env, stdout=subprocess.PIPE, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    data = json.loads(out.strip().splitlines()[-1])
    return (data["results"] if isinstance(data, dict) else data), cpu


def versus(a) -> None:
    """Old and new in the same run, each in its own process, one after the other."""
    old, old_cpu = run_tree(a, a.baseline)
    new, new_cpu = run_tree(a, None)
    print(f"Same run, baseline {a.baseline} vs this tree (wall: the whole staff call, reading included; "
          "CPU: each bench process, imports, opening the store and drawing the requests included):\n")
    print("| requests | baseline status, max util | now status, max util | baseline wall s | now wall s | now "
          "staff CPU s |")
    print("|---|---|---|---|---|---|")
    for b, r in zip(old, new):
        print(f"| {r['requests']} | {b['status']}, {b['max_util']:.1%} | {r['status']}, {r['max_util']:.1%} | "
              f"{b['seconds']:.1f} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} |")
    print(f"\nprocess CPU s: baseline {old_cpu:.1f}, now {new_cpu:.1f}")
    print(json.dumps({"baseline": old, "now": new, "baseline_process_cpu": old_cpu, "now_process_cpu": new_cpu}))


if __name__ == "__main__":
    main()
