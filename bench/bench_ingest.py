"""Ingest benchmark: generated organisations into both stores (graph elements per second, memory).

    python bench/bench_ingest.py                          # 10k and 100k people, both stores
    python bench/bench_ingest.py --people 10000 --stores neo4j --batch-size 50000

Each org is generated once with `ingest.generator` (`teamgraph generate --people N --seed S`) into
--work (re-used when present). Every (size, store) run is a fresh subprocess, so peak RSS
(`ru_maxrss`) is that run's own: it reads and validates the folder (`ingest.loader.load_folder`),
applies it to an empty store in ONE transaction (`store.apply`), then re-ingests the same folder
(`ingest.loader.ingest_folder`: compares with the store, writes nothing). An element is one
record: a node (department, skill, person, project, case) or a relationship (skill holding,
need, membership, expert designation, rating) — the same count for both stores.

The Neo4j runs use NEO4J_URI/USERNAME/PASSWORD/DATABASE (e.g. `eval "$(.ci/neo4j/start)"`) and
CLEAR THAT DATABASE first. When the server was started by .ci/neo4j/start on this machine its CPU
seconds are read from /proc too: the machine is shared, and CPU time is the steadier figure.
Prints a markdown table and JSON (also written to --json). Not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _timing import timed  # noqa: E402

NODE_KINDS = ("department", "skill", "person", "project", "case")


def neo4j_pid() -> int | None:
    """The pid of a local server started by .ci/neo4j/start at NEO4J_URI's port, if any."""
    cache = Path(os.environ.get("TEAMGRAPH_CI_CACHE", Path.home() / ".cache" / "teamgraph-ci"))
    port = os.environ.get("NEO4J_URI", "").rsplit(":", 1)[-1]
    for pidfile in cache.glob("neo4j*/neo4j.pid"):
        conf = pidfile.parent / "home" / "conf" / "neo4j.conf"
        if conf.exists() and f"listen_address=127.0.0.1:{port}\n" in conf.read_text():
            try:
                pid = int(pidfile.read_text())
                os.kill(pid, 0)
                return pid
            except (ValueError, OSError):
                return None
    return None


def cpu_seconds(pid: int | None) -> float | None:
    if pid is None:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker(store_kind: str, folder: Path, batch_size: int, reingest: bool) -> dict:
    """One run in this process: load + validate, apply to an empty store, re-ingest."""
    from teamgraph.ingest.loader import ingest_folder, load_folder

    loaded, load_s, _ = timed(lambda: load_folder(folder, progress=False))
    changes = loaded.changeset
    counts = {k: len(v) for k, v in changes.upserts.items()}
    nodes = sum(n for k, n in counts.items() if k in NODE_KINDS)
    tmp = tempfile.TemporaryDirectory()
    if store_kind == "neo4j":
        from teamgraph.graph.neo4j_store import Neo4jStore
        from teamgraph.settings import Settings
        store = Neo4jStore.from_settings(Settings.from_env(), batch_size=batch_size)
        store.clear_all()
    else:
        from teamgraph.graph.sqlite_store import SqliteStore
        store = SqliteStore(Path(tmp.name) / "teamgraph.sqlite3")
    pid = neo4j_pid() if store_kind == "neo4j" else None
    server0 = cpu_seconds(pid)
    report, apply_s, client_cpu = timed(lambda: store.apply(changes))
    server_cpu = None if server0 is None else cpu_seconds(pid) - server0
    assert sum(report.written.values()) == len(changes), "the store did not write every record"
    out = {"store": store_kind, "people": counts.get("person", 0), "elements": len(changes),
           "nodes": nodes, "relationships": len(changes) - nodes, "load_s": round(load_s, 2),
           "apply_s": round(apply_s, 2), "elements_per_s": round(len(changes) / apply_s),
           "end_to_end_per_s": round(len(changes) / (load_s + apply_s)),
           "client_cpu_s": round(client_cpu, 2),
           "server_cpu_s": None if server_cpu is None else round(server_cpu, 2),
           "batch_size": batch_size if store_kind == "neo4j" else None}
    if reingest:
        again, reingest_s, _ = timed(lambda: ingest_folder(store, folder, progress=False))
        out["reingest_s"] = round(reingest_s, 2)
        assert again.written == 0, "re-ingesting the same folder wrote something"
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if pid is not None:
        status = Path(f"/proc/{pid}/status").read_text()
        out["server_rss_mb"] = next(int(line.split()[1]) // 1024 for line in status.splitlines()
                                    if line.startswith("VmRSS:"))
    store.close()
    tmp.cleanup()
    return out


def ensure_org(people: int, seed: int, work: Path) -> Path:
    folder = work / f"org-{people}-seed{seed}"
    if not (folder / "people.csv").exists():
        from teamgraph.ingest.generator import generate
        _, wall, _ = timed(lambda: generate(folder, people=people, seed=seed, progress=True))
        print(f"generated {people} people in {wall:.0f}s -> {folder}", file=sys.stderr)
    return folder


def table(rows: list[dict]) -> str:
    head = ("| people | store | elements (nodes + rels) | load+validate s | apply s | elements/s | "
            "end-to-end el/s | re-ingest s | client CPU s | server CPU s | peak RSS MB (client / server) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        server_rss = f" / {r['server_rss_mb']}" if r.get("server_rss_mb") else ""
        lines.append(
            f"| {r['people']:,} | {r['store']} | {r['elements']:,} ({r['nodes']:,} + {r['relationships']:,}) | "
            f"{r['load_s']} | {r['apply_s']} | {r['elements_per_s']:,} | {r['end_to_end_per_s']:,} | "
            f"{r.get('reingest_s', '–')} | {r['client_cpu_s']} | {r['server_cpu_s'] if r['server_cpu_s'] is not None else '–'} | "
            f"{r['peak_rss_mb']:,}{server_rss} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--stores", nargs="+", choices=["embedded", "neo4j"], default=["embedded", "neo4j"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch-size", type=int, default=20_000, help="Neo4j rows per UNWIND statement")
    ap.add_argument("--no-reingest", action="store_true", help="skip the re-ingest (no-change) pass")
    ap.add_argument("--work", type=Path, default=Path.home() / ".cache" / "teamgraph-bench",
                    help="where generated orgs are kept")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--worker", nargs=2, metavar=("STORE", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]), args.batch_size, not args.no_reingest)))
        return
    if "neo4j" in args.stores and not os.environ.get("NEO4J_URI"):
        sys.exit("set NEO4J_URI/NEO4J_USERNAME/NEO4J_PASSWORD (e.g. eval \"$(.ci/neo4j/start)\") or use --stores embedded")
    rows = []
    for people in args.people:
        folder = ensure_org(people, args.seed, args.work)
        for store in args.stores:
            cmd = [sys.executable, __file__, "--worker", store, str(folder), "--batch-size", str(args.batch_size)]
            if args.no_reingest:
                cmd.append("--no-reingest")
            print(f"running {people} people into {store}...", file=sys.stderr)
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"{store} run failed:\n{done.stderr[-3000:]}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), file=sys.stderr)
    print(table(rows))
    print()
    print(json.dumps({"host_cpus": os.cpu_count(), "load_avg": os.getloadavg(), "runs": rows}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
