"""Single-team benchmark: teamgraph's exact search vs. the slot-by-slot greedy, on generated orgs,
and the current tree against a baseline revision in the same run.

    python bench/bench_team.py --people 1000 10000 100000 --requests 20 [--baseline REV | --baseline none]

For each org size (generated with `teamgraph generate --seed 1` and ingested into an embedded
store under --work, re-used when present) it draws random cross-functional requests (5–8 people,
6–8 skills at level ≥ 3, two required departments, half with a cap of 3 per department, 0.3–0.5 FTE, the sample's current 90-day
window), solves each with `matching.engine.suggest` and `matching.baseline.greedy_team`, re-checks
every returned team with the independent checker of tests/matching, and prints a markdown table
and JSON: latency p50/p95 (wall and CPU — the machine is shared, CPU time is the steadier
figure), proven-optimal share, objective and maximum utilisation vs. the greedy.

`--baseline REV` (default: the tree before the issue-11 solver work) also runs that revision's own
bench_team.py on the same stores, requests and seed, from a `git archive` of it under --work, in a
subprocess just before the current tree's run, and prints both side by side: CPU p50/p95, their
ratio, proven-optimal share, and how many requests reached the same objective.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # the independent checker lives in tests.matching (a package)
sys.path.append(str(ROOT / "bench"))
from _timing import pct  # noqa: E402  (the benchmarks' one percentile)
PY = sys.executable
BASELINE = "adf59e2"  # main before the issue-11 solver work (rating read, vectorised pruning, ...)
PACKAGES = {"graph": "graph", "embeddings": "embeddings", "matching": "matching", "api": "api",
            "ingest": "ingest"}  # teamgraph.<key> lives in folder <value> (pyproject's package-dir)


def org_store(n: int, work: Path):
    """An embedded store holding a generated org of n people (generated and ingested once)."""
    from teamgraph.graph.sqlite_store import SqliteStore
    data = work / f"s{n}"
    db = data / "teamgraph.sqlite3"
    if not db.exists():
        folder = work / f"g{n}"
        if not folder.exists():
            subprocess.run([PY, "-m", "teamgraph", "generate", "--people", str(n), "--out", str(folder),
                            "--seed", "1"], check=True)
        subprocess.run([PY, "-m", "teamgraph", "ingest", str(folder)], check=True,
                       env={**os.environ, "TEAMGRAPH_DATA_DIR": str(data)})
    return SqliteStore(db)


def draw_requests(store, k: int, seed: int):
    """k random requests over skills with enough level ≥ 3 holders, as the issue's shape."""
    from teamgraph.ingest.sample import SAMPLE_TODAY, current_window
    from teamgraph.matching.request import parse_request
    rng = random.Random(seed)
    holders: dict[str, int] = {}
    depts_of: dict[str, set[str]] = {}
    active = {p.id for p in store.all("person") if p.status == "active"}
    dept_of = {p.id: p.department for p in store.all("person")}
    for ps in store.all("person_skill"):
        if ps.level >= 3 and ps.person in active:
            holders[ps.skill] = holders.get(ps.skill, 0) + 1
            depts_of.setdefault(ps.skill, set()).add(dept_of[ps.person])
    skills = sorted(s for s, n in holders.items() if n >= 8)
    w = current_window(SAMPLE_TODAY)
    out = []
    for q in range(k):
        chosen = rng.sample(skills, rng.randint(6, min(8, len(skills))))
        reqs = [{"skill": s, "level": 3, "count": 1} for s in chosen]
        # Two departments that hold some of the skills must be represented; half the requests cap
        # every department at three members.
        pool = sorted(set().union(*(depts_of[s] for s in chosen)))
        deps = {"required": rng.sample(pool, min(2, len(pool)))}
        if q % 2:
            deps["max_per_department"] = 3
        out.append(parse_request({
            "name": f"bench-{q}", "brief": "", "window": {"start": w.start.isoformat(), "end": w.end.isoformat()},
            "allocation": rng.choice([0.3, 0.4, 0.5]), "size": {"min": 5, "max": 8},
            "requirements": reqs, "departments": deps}))
    return out


def bench(n: int, k: int, work: Path, seed: int, time_limit: float | None) -> dict:
    from teamgraph.matching.baseline import greedy_members
    from teamgraph.matching.engine import suggest
    from teamgraph.matching.problem import SCALE, build_problem
    from teamgraph.matching.request import resolve_skills
    from tests.matching.teamcheck import violations
    store = org_store(n, work)
    rows = []
    try:
        skills = list(store.all("skill"))
        for req in draw_requests(store, k, seed):
            req = resolve_skills(req, skills)
            t0, c0 = time.perf_counter(), time.process_time()
            sug = suggest(store, req, time_limit=time_limit)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            pb = build_problem(store, req)
            t1 = time.perf_counter()
            gt = greedy_members(pb)
            g_wall = time.perf_counter() - t1
            bad = violations(store, req, sug.team) if sug.team else []
            rows.append({"status": sug.status, "wall": wall, "cpu": cpu, "gap": sug.gap,
                         "total": sug.team.total if sug.team else None,
                         "max_util": sug.team.max_util if sug.team else None,
                         "pool": sug.pool, "violations": bad,
                         "greedy_feasible": gt.feasible, "greedy_wall": g_wall,
                         "greedy_total": gt.total(pb) / SCALE if gt.feasible else None,
                         "greedy_max_util": gt.max_util(pb) if gt.feasible else None})
            print(f"  n={n} {req.name}: {sug.status} {wall:.2f}s (cpu {cpu:.2f}s) pool {sug.pool} "
                  f"total {rows[-1]['total']} greedy {rows[-1]['greedy_total']}", file=sys.stderr)
    finally:
        store.close()
    solved = [r for r in rows if r["total"] is not None]
    both = [r for r in solved if r["greedy_feasible"]]
    return {
        "people": n, "requests": k,
        "p50_wall": pct([r["wall"] for r in rows], 0.5), "p95_wall": pct([r["wall"] for r in rows], 0.95),
        "p50_cpu": pct([r["cpu"] for r in rows], 0.5), "p95_cpu": pct([r["cpu"] for r in rows], 0.95),
        "proven_optimal": sum(r["status"] == "optimal" for r in rows), "infeasible": sum(r["status"] == "infeasible"
                                                                                        for r in rows),
        "max_gap": max((r["gap"] for r in solved if r["gap"] is not None), default=0.0),
        "shortlisted": sum(r["gap"] is None for r in solved),
        "violations": sum(len(r["violations"]) for r in rows),
        "greedy_failed_where_feasible": sum(not r["greedy_feasible"] for r in solved),
        "mean_total": statistics.fmean([r["total"] for r in both]) if both else None,
        "mean_greedy_total": statistics.fmean([r["greedy_total"] for r in both]) if both else None,
        "mean_max_util": statistics.fmean([r["max_util"] for r in both]) if both else None,
        "mean_greedy_max_util": statistics.fmean([r["greedy_max_util"] for r in both]) if both else None,
        "greedy_p50_wall": pct([r["greedy_wall"] for r in rows], 0.5),
        "mean_pool": statistics.fmean([r["pool"]["candidates"] for r in rows]),
        "mean_kept": statistics.fmean([r["pool"]["kept_after_pruning"] for r in rows]),
        "rows": rows,
    }


def baseline_tree(rev: str, work: Path) -> tuple[Path, Path]:
    """A `git archive` of `rev` under `work` and a folder that imports it as `teamgraph` (the editable
    install maps the capability folders into the namespace; this does the same with symlinks).
    Returns (tree, import path)."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev], check=True,
                         capture_output=True, text=True).stdout.strip()
    base = work / f"baseline-{sha}"
    tree, path = base / "tree", base / "path"
    if not (path / "teamgraph").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", sha], check=True, capture_output=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
        pkg = path / "teamgraph"
        pkg.mkdir(parents=True)
        for entry in (tree / "teamgraph").iterdir():
            (pkg / entry.name).symlink_to(entry)
        for name, folder in PACKAGES.items():
            (pkg / name).symlink_to(tree / folder)
    return tree, path


def run_baseline(rev: str, n: int, a) -> dict:
    """The baseline revision's own bench_team.py on org size n (same work dir, requests, seed)."""
    tree, path = baseline_tree(rev, a.work)
    out = a.work / f"baseline-{n}.json"
    cmd = [PY, str(tree / "bench" / "bench_team.py"), "--people", str(n), "--requests", str(a.requests),
           "--work", str(a.work), "--seed", str(a.seed), "--json", str(out)]
    if a.time_limit is not None:
        cmd += ["--time-limit", str(a.time_limit)]
    if "--baseline" in (tree / "bench" / "bench_team.py").read_text():
        cmd += ["--baseline", "none"]  # a revision that has its own baseline must not run it too
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(path), str(tree)])}
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    data = json.loads(out.read_text())
    return (data["results"] if isinstance(data, dict) else data)[0]  # older revisions wrote a list


def compare(old: dict, new: dict) -> dict:
    """Same-run comparison of the baseline's rows and the current tree's, request by request."""
    same = sum(o["total"] == nw["total"] for o, nw in zip(old["rows"], new["rows"]))
    better = sum(o["total"] is not None and nw["total"] is not None and nw["total"] > o["total"] + 1e-9
                 for o, nw in zip(old["rows"], new["rows"]))
    return {"people": new["people"], "requests": new["requests"],
            "old_p50_cpu": old["p50_cpu"], "old_p95_cpu": old["p95_cpu"],
            "new_p50_cpu": new["p50_cpu"], "new_p95_cpu": new["p95_cpu"],
            "old_p50_wall": old["p50_wall"], "old_p95_wall": old["p95_wall"],
            "new_p50_wall": new["p50_wall"], "new_p95_wall": new["p95_wall"],
            "old_proven": old["proven_optimal"], "new_proven": new["proven_optimal"],
            "same_objective": same, "better_objective": better}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--work", type=Path, default=Path("/tmp/teamgraph-bench"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--json", type=Path, default=None, help="also write the full results here")
    ap.add_argument("--baseline", default=BASELINE,
                    help=f"revision to compare with in the same run (default {BASELINE}); 'none' to skip")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    results, versus = [], []
    for n in a.people:
        org_store(n, a.work).close()  # generate and ingest once, outside both timings
        old = run_baseline(a.baseline, n, a) if a.baseline != "none" else None
        results.append(bench(n, a.requests, a.work, a.seed, a.time_limit))
        if old is not None:
            versus.append(compare(old, results[-1]))
    print("| people | requests | p50 s (cpu) | p95 s (cpu) | proven optimal | max gap (shortlisted) | pool → kept | "
          "objective vs greedy | max util vs greedy | greedy failed | checker violations |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        obj = (f"{r['mean_total']:.3f} vs {r['mean_greedy_total']:.3f}" if r["mean_total"] is not None else "-")
        util = (f"{r['mean_max_util']:.0%} vs {r['mean_greedy_max_util']:.0%}" if r["mean_max_util"] is not None
                else "-")
        print(f"| {r['people']:,} | {r['requests']} | {r['p50_wall']:.2f} ({r['p50_cpu']:.2f}) | "
              f"{r['p95_wall']:.2f} ({r['p95_cpu']:.2f}) | {r['proven_optimal']}/{r['requests']} | "
              f"{r['max_gap']:.1%} ({r['shortlisted']}) | {r['mean_pool']:.0f} → {r['mean_kept']:.0f} | {obj} | {util} | "
              f"{r['greedy_failed_where_feasible']} | {r['violations']} |")
    if versus:
        print(f"\nSame run, baseline {a.baseline} vs this tree (seconds per request, CPU and wall):\n")
        print("| people | requests | baseline p50 / p95 cpu | now p50 / p95 cpu | cpu p50 / p95 speed-up | "
              "baseline p50 / p95 wall | now p50 / p95 wall | proven optimal (baseline → now) | same objective | "
              "better objective |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for v in versus:
            print(f"| {v['people']:,} | {v['requests']} | {v['old_p50_cpu']:.2f} / {v['old_p95_cpu']:.2f} | "
                  f"{v['new_p50_cpu']:.2f} / {v['new_p95_cpu']:.2f} | {v['old_p50_cpu'] / v['new_p50_cpu']:.1f}× / "
                  f"{v['old_p95_cpu'] / v['new_p95_cpu']:.1f}× | {v['old_p50_wall']:.2f} / {v['old_p95_wall']:.2f} | "
                  f"{v['new_p50_wall']:.2f} / {v['new_p95_wall']:.2f} | {v['old_proven']} → {v['new_proven']} | "
                  f"{v['same_objective']}/{v['requests']} | {v['better_objective']} |")
    summary = [{k: v for k, v in r.items() if k != "rows"} for r in results]
    print(json.dumps({"results": summary, "versus_baseline": versus}))
    if a.json:
        a.json.write_text(json.dumps({"results": results, "versus_baseline": versus}, default=str, indent=1))


if __name__ == "__main__":
    main()
