"""What-if benchmark: what the overlay costs next to a plain suggestion, in the same run.

    python bench/bench_scenarios.py [--people 1000 10000] [--repeat 3] [--work /tmp/tg-bench-scenarios]

For the sample organisation (`teamgraph demo`'s Meridian Aerospace, loaded once under --work) and
for each generated org size (`teamgraph generate --seed 1`, ingested once, as bench/bench_team.py
does), it times, each `--repeat` times, in one process and one after the other:
- `suggest`: the engine's suggestion for one request (`examples/requests/telemetry-dashboard.yaml`
  on the sample; a drawn request on generated orgs), no relevance term (no index needed);
- `copy`: building the overlay the first time at a store revision (every kind copied into a private
  embedded store, then the scenario's ChangeSet and the live bookings applied), then closing it;
- `clone`: the same at a revision already copied (the copy is cloned as a file);
- `whatif`: `scenario_run.run` — plan, overlay (cloned), and the two suggestions side by side.
It prints the medians (wall and CPU seconds) and the ratios whatif / suggest and copy / suggest as a
markdown table. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "bench"))
from _timing import timed  # noqa: E402

def _timed(fn) -> tuple[float, float]:
    """(wall, CPU) seconds of one call (bench/_timing.timed without its result)."""
    return timed(fn)[1:]


def sample_store(work: Path):
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.ingest.sample import load_sample
    store = SqliteStore(work / "sample" / "teamgraph.sqlite3")
    load_sample(store, progress=False)  # idempotent
    return store


def scenario_for(tg, request):
    """A hire with the request's first two skills, and the leave of someone holding the first one."""
    from teamgraph.scenarios import parse_scenario
    skills = {r.skill: 4 for r in request.requirements[:2]}
    holder = tg.store.skill_neighbourhood(request.requirements[0].skill, limit=1).holders[0]
    department = tg.departments()[0].id
    start = request.window.start.isoformat()
    return parse_scenario({"name": "Bench: a hire and a leave", "changes": [
        {"hire": {"name": "Planned engineer", "department": department, "skills": skills, "cost_rate": 60}},
        {"remove": {"person": holder.person.id, "from": start}}]})


def measure(label: str, store, request, repeat: int, settings) -> dict:
    from teamgraph import scenario_run
    from teamgraph.scenario_plan import plan
    from teamgraph.scenarios import resolve
    from teamgraph.service import Teamgraph
    tg = Teamgraph(settings, store=store, progress=False, build_index=False)
    viewer = tg.viewer("admin")
    sc = resolve(scenario_for(tg, request), tg)
    runs = {"suggest": [], "copy": [], "clone": [], "whatif": []}

    def fresh_copy():
        scenario_run._BASE._key = None  # as after a write: the next overlay copies every record again
        scenario_run.Overlay(tg, plan(sc, store)).close()
    for _ in range(repeat):
        runs["suggest"].append(_timed(lambda: tg.suggest(request, viewer, alternatives=0, relevance=False)))
        runs["copy"].append(_timed(fresh_copy))
        runs["clone"].append(_timed(lambda: scenario_run.Overlay(tg, plan(sc, store)).close()))
        runs["whatif"].append(_timed(lambda: scenario_run.run(tg, sc, viewer, request=request, relevance=False)))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
    people = store.counts()["person"]
    return {"org": label, "people": people, **{f"{k}_wall": round(v[0], 3) for k, v in med.items()},
            **{f"{k}_cpu": round(v[1], 3) for k, v in med.items()},
            "whatif_over_suggest": round(med["whatif"][1] / med["suggest"][1], 2),
            "copy_over_suggest": round(med["copy"][1] / med["suggest"][1], 2),
            "clone_over_suggest": round(med["clone"][1] / med["suggest"][1], 2)}


def main() -> None:
    from bench_team import draw_requests, org_store
    from teamgraph.matching.request import load_request, resolve_skills
    from teamgraph.settings import Settings
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, nargs="*", default=[1000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/tg-bench-scenarios"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=args.work / "data")
    rows = []
    store = sample_store(args.work)
    def resolved(req):
        return resolve_skills(req, store.find_skills([r.skill for r in req.requirements]).values())
    rows.append(measure("sample", store, resolved(load_request(ROOT / "examples" / "requests" /
                                                               "telemetry-dashboard.yaml")), args.repeat, settings))
    for n in args.people:
        store = org_store(n, args.work)
        rows.append(measure(f"generated {n}", store, resolved(draw_requests(store, 1, 7)[0]), args.repeat, settings))
    print("| org | people | suggest | first copy | clone | what-if | what-if / suggest | copy / suggest | "
          "clone / suggest |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['org']} | {r['people']} | {r['suggest_cpu']} | {r['copy_cpu']} | {r['clone_cpu']} | "
              f"{r['whatif_cpu']} | {r['whatif_over_suggest']} | {r['copy_over_suggest']} | {r['clone_over_suggest']} |")
    print()
    print("CPU seconds, medians. Wall s (suggest, copy, clone, what-if):",
          {r["org"]: (r["suggest_wall"], r["copy_wall"], r["clone_wall"], r["whatif_wall"]) for r in rows})


if __name__ == "__main__":
    main()
