"""Load benchmark of the API served by `teamgraph serve` (waitress) on 127.0.0.1, driven by wrk.

    python bench/bench_api.py [--data-dir DIR] [--duration 10] [--connections 16] [--threads 8]

Uses the organisation already in DIR (default TEAMGRAPH_DATA_DIR; load it with `teamgraph demo
--no-serve`), or `--sample` to load the sample organisation into a temporary folder first. Prints
requests/s and p50/p95/p99 for: a baseline page (no store access, measured in the same run),
cached reads (skill graph, profile, similar cases, kickoff package) and team suggestions
(uncached: every request solves). Targets: ≥ 500 req/s cached reads on 2 cores; suggestion
p95 ≤ 0.5 s on the demo organisation. Results also go to bench/results/api.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

LUA = r"""
local bodies = {}
local i = 0
init = function(args)
  for _, path in ipairs(args) do
    local f = io.open(path, "r"); bodies[#bodies + 1] = f:read("*a"); f:close()
  end
end
request = function()
  if #bodies == 0 then return wrk.format(nil) end
  i = i % #bodies + 1
  return wrk.format("POST", nil, nil, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format('WRK_JSON {"requests": %d, "seconds": %.3f, "errors": %d, "non2xx": %d, ' ..
    '"p50": %.6f, "p95": %.6f, "p99": %.6f, "max": %.6f}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1e6, latency:percentile(95) / 1e6,
    latency:percentile(99) / 1e6, latency.max / 1e6))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, token: str | None, seconds: int, connections: int, bodies: list[Path] = (),
        threads: int = 2, timeout: str = "10s") -> dict:
    script = Path(tempfile.mkdtemp()) / "bench.lua"
    script.write_text(LUA)
    cmd = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds}s",
           "--timeout", timeout, "-s", str(script)]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if bodies:
        cmd += ["-H", "Content-Type: application/json"]
    cmd += [url, "--", *map(str, bodies)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("WRK_JSON "))
    r = json.loads(line[len("WRK_JSON "):])
    r["rps"] = r["requests"] / r["seconds"] if r["seconds"] else 0.0
    return r


def demo_requests(store, limit: int = 6) -> list[dict]:
    """Team requests built from the open projects' skill needs (works on any organisation)."""
    projects = {p.id: p for p in store.all("project") if p.status in ("proposed", "active")}
    needs: dict[str, list] = {}
    for n in store.all("project_need"):
        if n.project in projects:
            needs.setdefault(n.project, []).append(n)
    start = date.today() + timedelta(days=30)
    out = []
    for pid in sorted(needs)[:limit]:
        reqs = [{"skill": n.skill, "level": n.level, "count": n.count} for n in needs[pid]]
        out.append({"request": {"name": projects[pid].name, "brief": projects[pid].description,
                                "window": {"start": start.isoformat(), "end": (start + timedelta(days=90)).isoformat()},
                                "allocation": 0.2, "requirements": reqs,
                                "size": {"min": 1, "max": max(2, sum(r["count"] for r in reqs) + 1)}},
                    "alternatives": 0})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=os.environ.get("TEAMGRAPH_DATA_DIR"))
    ap.add_argument("--sample", action="store_true", help="load the sample organisation into a temporary folder")
    ap.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=8, help="server threads")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    from teamgraph.api.tokens import token_store_for
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.settings import Settings

    data = Path(args.data_dir) if args.data_dir and not args.sample else Path(tempfile.mkdtemp(prefix="tg-bench-"))
    env = {**os.environ, "TEAMGRAPH_DATA_DIR": str(data), "TEAMGRAPH_STORE": "embedded", "HF_HUB_OFFLINE": "1"}
    if args.sample:
        from teamgraph.ingest.loader import ingest_folder
        store = SqliteStore(data / "teamgraph.sqlite3")
        ingest_folder(store, Path(__file__).parents[1] / "ingest" / "sample", progress=False)
        store.close()
    settings = Settings.from_env(env)
    store = SqliteStore(settings.data_dir / "teamgraph.sqlite3")
    people = sorted(store.all("person"), key=lambda p: p.id)
    if not people:
        sys.exit(f"no organisation in {data}: run `teamgraph demo --no-serve` or pass --sample")
    open_projects = sorted(p.id for p in store.all("project") if p.status in ("proposed", "active"))
    skill = next(iter(sorted({n.skill for n in store.all("project_need")})), sorted(s.id for s in store.all("skill"))[0])
    requests = demo_requests(store)
    store.close()
    ts = token_store_for(data)
    hr, _ = ts.create("hr", people[0].id, label="bench")
    sponsor, _ = ts.create("sponsor", people[0].id, label="bench")

    port = free_port()
    # The server's output goes to a file: an unread pipe fills up and blocks the server.
    log = open(Path(tempfile.mkdtemp()) / "serve.log", "w+")
    server = subprocess.Popen([sys.executable, "-m", "teamgraph", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--threads", str(args.threads)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 900
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    log.seek(0)
                    sys.exit("server did not start: " + log.read()[-2000:])
                time.sleep(1)
        reads = {
            "baseline: login page (no store)": (base + "/login", None),
            "skill graph": (f"{base}/api/v1/skills/{skill}/graph", hr),
            "person profile": (f"{base}/api/v1/people/{people[len(people) // 2].id}", hr),
            "similar cases": (f"{base}/api/v1/cases/similar?q=supplier+delay+integration+testing&k=5", sponsor),
            "kickoff package": (f"{base}/api/v1/projects/{open_projects[0]}/kickoff", sponsor) if open_projects else None,
        }
        rows = {}
        for name, target in reads.items():
            if target is None:
                continue
            url, token = target
            try:  # warm the cache (and skip a scenario the server cannot answer, saying why)
                urllib.request.urlopen(urllib.request.Request(
                    url, headers={"Authorization": f"Bearer {token}"} if token else {}), timeout=120).read()
            except OSError as e:
                print(f"skipping {name}: {e}", file=sys.stderr)
                continue
            rows[name] = wrk(url, token, args.duration, args.connections)
        folder = Path(tempfile.mkdtemp())
        bodies = []
        for i, body in enumerate(requests):
            (folder / f"r{i}.json").write_text(json.dumps(body))
            bodies.append(folder / f"r{i}.json")
        if bodies:
            rows["team suggestion (uncached)"] = wrk(f"{base}/api/v1/teams/suggest", sponsor, max(args.duration, 15), 2,
                                                     bodies, timeout="30s")
            alt_bodies = []
            for i, body in enumerate(requests):
                (folder / f"a{i}.json").write_text(json.dumps({**body, "alternatives": 2}))
                alt_bodies.append(folder / f"a{i}.json")
            rows["suggestion + 2 alternatives"] = wrk(f"{base}/api/v1/teams/suggest", sponsor, max(args.duration, 15), 2,
                                                      alt_bodies, timeout="30s")
    finally:
        server.terminate()
        server.wait(timeout=30)
        ts.revoke_label("bench")

    base_rps = rows["baseline: login page (no store)"]["rps"]
    print(f"\n{os.cpu_count()} CPUs, {args.threads} server threads, {args.connections} connections, "
          f"{args.duration} s per read scenario\n")
    print("| scenario | req/s | vs baseline | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        print(f"| {name} | {r['rps']:.0f} | {r['rps'] / base_rps:.2f} | {1000 * r['p50']:.1f} | {1000 * r['p95']:.1f} "
              f"| {1000 * r['p99']:.1f} | {r['errors'] + r['non2xx']} |")
    reads_rps = [r["rps"] for n, r in rows.items() if n != "baseline: login page (no store)" and "suggestion" not in n]
    sug = rows.get("team suggestion (uncached)")
    print(f"\ncached reads: min {min(reads_rps):.0f} req/s (target ≥ 500)")
    if sug:
        print(f"suggestion p95: {sug['p95']:.3f} s (target ≤ 0.5 s) over {len(bodies)} requests from open projects' needs")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "api.json").write_text(json.dumps({"cpus": os.cpu_count(), "threads": args.threads,
                                              "connections": args.connections, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
