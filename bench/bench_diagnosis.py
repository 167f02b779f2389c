"""What the verified relaxations cost: an infeasible request's diagnosis with and without the
option search (matching.relax), in the same run, on generated orgs.

    python bench/bench_diagnosis.py --people 1000 10000 --requests 12

Requests are bench_team.py's random cross-functional requests made infeasible three ways, in
turn: *busy* (two people per skill at 1.0 FTE, so capacity blocks), *level* (one requirement at
level 5, four people), *budget* (a budget of 1,000). For each, `diagnose` runs twice on the same problem —
options off, then on (the default 10 s search budget) — and the table gives wall and CPU seconds
(p50/p95; the machine is shared, CPU is the steadier figure), their ratio, how many options were
found and how often the search hit its time limit. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))
sys.path.append(str(ROOT / "bench"))
from _timing import pct, timed  # noqa: E402

KINDS = ("busy", "level", "budget")


def infeasible(req, kind: str):
    if kind == "busy":
        reqs = tuple(replace(r, allocation=None, count=2) for r in req.requirements)
        return replace(req, allocation=1.0, requirements=reqs, size_max=max(req.size_max, 2 * len(reqs)),
                       name=f"{req.name}-busy")
    if kind == "level":
        first = replace(req.requirements[0], level=5, count=4)
        return replace(req, requirements=(first, *req.requirements[1:]), name=f"{req.name}-level")
    return replace(req, budget=1000.0, name=f"{req.name}-budget")


def bench(n: int, k: int, work: Path, seed: int) -> list[dict]:
    from bench_team import draw_requests, org_store

    from teamgraph.matching.diagnose import diagnose
    from teamgraph.matching.problem import build_problem
    from teamgraph.matching.request import resolve_skills
    from teamgraph.matching.solve import Search
    store = org_store(n, work)
    rows = []
    try:
        skills = list(store.all("skill"))
        for q, req in enumerate(draw_requests(store, k, seed)):
            kind = KINDS[q % len(KINDS)]
            req = resolve_skills(infeasible(req, kind), skills)
            pb = build_problem(store, req)
            if Search(pb, seed=seed, time_limit=30).run().status != "infeasible":
                rows.append({"kind": kind, "skipped": "feasible after all"})
                continue
            _, w0, c0 = timed(lambda pb=pb: diagnose(store, pb, seed=seed, options=False))
            full, w1, c1 = timed(lambda pb=pb: diagnose(store, pb, seed=seed))
            rows.append({"kind": kind, "wall_off": w0, "cpu_off": c0, "wall_on": w1, "cpu_on": c1,
                         "options": [o.kind for o in full.options], "stopped": bool(full.notes),
                         "pool": len(pb.people)})
    finally:
        store.close()
    return rows


def table(results: dict[int, list[dict]]) -> str:
    out = ["| people | kind | requests | CPU s off p50/p95 | CPU s on p50/p95 | CPU ratio p50 | wall s on p50 | "
           "options found (per request) | search cut by the limit |", "|---|---|---|---|---|---|---|---|---|"]
    for n, rows in results.items():
        for kind in KINDS:
            mine = [r for r in rows if r["kind"] == kind and "skipped" not in r]
            if not mine:
                continue
            ratio = statistics.median(r["cpu_on"] / max(r["cpu_off"], 1e-3) for r in mine)
            found = ", ".join(str(len(r["options"])) for r in mine)
            out.append(f"| {n:,} | {kind} | {len(mine)} | {pct([r['cpu_off'] for r in mine], .5):.2f} / "
                       f"{pct([r['cpu_off'] for r in mine], .95):.2f} | {pct([r['cpu_on'] for r in mine], .5):.2f} / "
                       f"{pct([r['cpu_on'] for r in mine], .95):.2f} | {ratio:.1f}x | "
                       f"{pct([r['wall_on'] for r in mine], .5):.2f} | {found} | "
                       f"{sum(r['stopped'] for r in mine)} of {len(mine)} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--requests", type=int, default=12)
    ap.add_argument("--work", type=Path, default=Path("/tmp/teamgraph-bench-diagnosis"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None, help="also write the full results here")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = {n: bench(n, args.requests, args.work, args.seed) for n in args.people}
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
