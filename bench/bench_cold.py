"""Cold-start benchmark, today's path beside the old one in the same run: `teamgraph demo
--no-serve` in a fresh data dir, cold `teamgraph suggest` (with relevance) and `teamgraph
kickoff` on the demo organisation, and the time from starting `teamgraph serve` to its first
answered retrieval request. Not a test: prints a markdown table, writes bench/results/cold.json.

    nice -n 10 python bench/bench_cold.py [--repeat 3] [--skip-old] [--before REV]

- old: the path before issue 11 — all-MiniLM-L6-v2 on sentence-transformers (TEAMGRAPH_ENCODER=torch:
  bf16 on AVX-512/AMX CPUs, as before), no embedding cache and no shipped vectors
  (TEAMGRAPH_EMBEDDING_CACHE=0).
- new: the defaults — the default model (`multilingual`: USE-multilingual in numpy + MiniLM on the
  automatic backend, ONNX Runtime), the shipped sample vectors and the cache. The
  first new demo exports the model into an empty models dir (what a fresh clone pays once);
  "new, exported" runs the demo again in another fresh data dir with the export in place. The
  start-up copies (USE-multilingual's tables, jieba's split dictionary: embeddings/use_cache.py,
  jieba_cache.py) are written into that models dir by the first process that loads them (the
  first demo); "first suggest" is the first query after the demos.
- --rev REV measures that revision's code as "new" instead of the working tree (the same way).
- before REV (--before): the same defaults in the code of git revision REV (unpacked with `git
  archive` and run from PYTHONPATH, the package layout of pyproject.toml), on the new path's data
  dir and models dir: the cold query path as it was, beside today's in the same run.

Every measured process caches bytecode in the run's own folder, and the code under test is compiled
before anything is timed (as an install does), even where the caller sets PYTHONDONTWRITEBYTECODE.

Targets (issue 11): demo ≤ 90 s after the environment exists; suggest and kickoff ≤ 3 s cold;
the server's first answer ≤ 5 s after start.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REQUEST = ROOT / "examples" / "requests" / "telemetry-dashboard.yaml"
PROJECT = "prj-215"
OLD = {"TEAMGRAPH_MODEL": "all-MiniLM-L6-v2", "TEAMGRAPH_ENCODER": "torch", "TEAMGRAPH_EMBEDDING_CACHE": "0"}
NEW: dict[str, str] = {}


CODE: dict[str, str] = {}  # PYTHONPATH of the code under test (--rev), else the working tree


def env_for(data: Path, models: Path, mode: dict) -> dict:
    """The environment of a measured process. Bytecode is cached (in the run's own folder, not the
    working tree) as for an installed package, whose .pyc files pip writes at install: a session
    that sets PYTHONDONTWRITEBYTECODE would otherwise have every process compile teamgraph's ~100
    modules from source again (0.3-0.6 s of CPU per cold command on a 2-core EPYC)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEAMGRAPH_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(mode, TEAMGRAPH_DATA_DIR=str(data), TEAMGRAPH_MODELS_DIR=str(models), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", TEAMGRAPH_STORE="embedded", PYTHONPYCACHEPREFIX=str(data.parent / "pycache"),
               **CODE)
    return env


def compile_code(env: dict, root: str) -> None:
    """Write the bytecode of the code under test (the working tree or an unpacked revision) before
    anything is timed, as an install would."""
    subprocess.run([sys.executable, "-c", "import os, py_compile, sys\n"
                    "for d, dirs, files in os.walk(sys.argv[1], followlinks=True):\n"
                    "    dirs[:] = [x for x in dirs if not x.startswith('.') and x != 'node_modules']\n"
                    "    for f in files:\n"
                    "        if f.endswith('.py'):\n"
                    "            py_compile.compile(os.path.join(d, f), quiet=1)\n", root],
                   env=env, cwd=ROOT, check=True)


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children). On a shared, loaded machine
    the CPU seconds are the better guide to the wall time on an idle one."""
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    dt = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return dt, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_first_answer(env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds from spawning `teamgraph serve` to the first 200 of a similar-cases request."""
    token = subprocess.run(["teamgraph", "token", "create", "--role", "admin"], env=env, cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()[0]
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/cases/similar?q=battery%20overheated%20during%20a%20test"
    t = time.perf_counter()
    proc = subprocess.Popen(["teamgraph", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - t < 300:
            try:
                req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(req, timeout=30) as r:
                    if r.status == 200:
                        return time.perf_counter() - t, cpu_of(proc.pid)
            except OSError:
                time.sleep(0.05)
        raise SystemExit("the server did not answer within 300 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def median_pair(pairs) -> str:
    pairs = list(pairs)
    return f"{statistics.median(w for w, _ in pairs):.1f} ({statistics.median(c for _, c in pairs):.1f})"


SUGGEST = ["teamgraph", "suggest", str(REQUEST)]
KICKOFF = ["teamgraph", "kickoff", "--project", PROJECT]


def measure(name: str, mode: dict, models: Path, repeat: int, tmp: Path) -> dict:
    data = tmp / f"data-{name}"
    compile_code(env_for(data, models, mode), CODE.get("PYTHONPATH", str(ROOT)))
    row = {"demo_s": median_pair([timed(["teamgraph", "demo", "--no-serve"], env_for(data, models, mode))])}
    env = env_for(data, models, mode)
    if name == "new":
        row["demo_exported_s"] = median_pair([timed(["teamgraph", "demo", "--no-serve"],
                                                    env_for(tmp / "data-new-2", models, mode))])
        row["suggest_first_s"] = median_pair([timed(SUGGEST, env)])
    row.update(queries(env, repeat))
    print(f"  {name}: {row}", file=sys.stderr, flush=True)
    return row


def queries(env: dict, repeat: int) -> dict:
    row = {label: median_pair(timed(cmd, env) for _ in range(repeat))
           for label, cmd in (("suggest_s", SUGGEST), ("kickoff_s", KICKOFF))}
    row["serve_first_answer_s"] = median_pair(server_first_answer(env) for _ in range(repeat))
    return row


def unpack(rev: str, tmp: Path) -> Path:
    """Revision `rev` of this repository as an importable tree (the pyproject's package-dir
    mapping as folders and links), for PYTHONPATH."""
    import tarfile
    import tomllib
    src, pkg = tmp / f"src-{rev}", tmp / f"pkg-{rev}"
    src.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(src, filter="data")
    dirs = tomllib.loads((src / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    for name, folder in sorted(dirs.items()):
        target = pkg.joinpath(*name.split("."))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(src / folder, target_is_directory=True)
    return pkg


def code_of(rev: str, tmp: Path) -> dict[str, str]:
    """The environment that runs revision `rev`'s code (checked: teamgraph imports from there)."""
    code = {"PYTHONPATH": str(unpack(rev, tmp))}
    probe = subprocess.run([sys.executable, "-c", "import teamgraph.cli; print(teamgraph.cli.__file__)"],
                           env={**os.environ, **code}, cwd=tmp, capture_output=True, text=True,
                           check=True).stdout.strip()
    if not probe.startswith(str(tmp)):
        raise SystemExit(f"revision {rev}: teamgraph was imported from {probe}, not the unpacked tree")
    return code


def measure_before(rev: str, models: Path, repeat: int, tmp: Path) -> dict:
    code = code_of(rev, tmp)
    env = {**env_for(tmp / "data-new", models, NEW), **code}
    compile_code(env, code["PYTHONPATH"])
    row = queries(env, repeat)
    print(f"  before {rev}: {row}", file=sys.stderr, flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-old", action="store_true")
    ap.add_argument("--before", metavar="REV", help="also run the cold queries in the code of git revision REV")
    ap.add_argument("--rev", metavar="REV", help="measure revision REV's code as new (default: the working tree)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_encoder import cpu_line
    cpu = cpu_line()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if args.rev:
            CODE.update(code_of(args.rev, tmp))
        rows = {"new": measure("new", NEW, tmp / "models", args.repeat, tmp)}
        if args.before:
            rows[f"before {args.before}"] = measure_before(args.before, tmp / "models", args.repeat, tmp)
        if not args.skip_old:
            rows["old"] = measure("old", OLD, tmp / "models", args.repeat, tmp)
    print(f"CPU: {cpu}; load average at the end: {os.getloadavg()[0]:.1f}\n")
    cols = ["demo_s", "demo_exported_s", "suggest_first_s", "suggest_s", "kickoff_s", "serve_first_answer_s"]
    print("wall seconds (CPU seconds, process and children)\n")
    print("| path | demo --no-serve | demo, model exported | first suggest after the demo | "
          "suggest cold | kickoff cold | serve → first answer |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | " + " | ".join(str(r.get(c, "–")) for c in cols) + " |")

    def ratio(base: str, c: str) -> str:
        if c not in rows[base] or c not in rows["new"]:
            return "–"
        (ow, oc), (nw, nc) = ([float(x.strip("()")) for x in rows[r][c].split()] for r in (base, "new"))
        return f"{ow / nw:.1f}× ({oc / nc:.1f}×)"
    for base in rows:
        if base != "new":
            print(f"| {base} ÷ new | " + " | ".join(ratio(base, c) for c in cols) + " |")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "cold.json").write_text(json.dumps({"cpu": cpu, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
