"""Generate a larger organisation in the ingest format, for benchmarks (10k–100k+ people).

Deterministic for a seed. Realism comes from the packaged sample: its skill taxonomy (ESCO/
O*NET, with broader links), the skills each function's people hold (their frequency is the
popularity, a Zipf-like tail), and its retrospective texts, recombined sentence by sentence
so cases vary. Rows are written as they are generated (streaming); only compact per-person
arrays stay in memory.

Shape per 1,000 people: ~2.5 departments (10 functions × regions), ~6 skills each,
~250 projects across the seven end-to-end processes (85% closed, 10% active now, 5% proposed
with needs), 3–9 members per project, ~200 cases, ~900 collaboration ratings.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

from teamgraph.graph.model import PROCESSES, Case
from teamgraph.ingest.names import CULTURES, email_local, full_name
from teamgraph.ingest.sample import SAMPLE_TODAY, sample_path
from teamgraph.ingest.writer import FolderWriter

REGIONS = ("EMEA", "Americas", "APAC", "China")
ROLES = ("member", "analyst", "engineer", "specialist", "reviewer")


def _sample_table(name: str) -> list[dict]:
    with (sample_path() / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _split(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?。！？])\s*", text.strip())
    return [p for p in parts if len(p) > 3]


class _Texts:
    """Sentence pools from the sample's cases, per language and field."""

    def __init__(self) -> None:
        self.cases: list[dict] = []
        with (sample_path() / "cases.jsonl").open(encoding="utf-8") as f:
            for line in f:
                self.cases.append(json.loads(line))
        self.pools: dict[tuple[str, str], list[str]] = {}
        for c in self.cases:
            for fld in ("problem", "action", "result", "lesson"):
                self.pools.setdefault((c.get("language", "en"), fld), []).extend(_split(c.get(fld, "")))

    def compose(self, rng: random.Random, base: dict, fld: str) -> str:
        """The base case's first sentence(s), then one or two from other cases of its language."""
        own = _split(base.get(fld, ""))[:2]
        pool = self.pools.get((base.get("language", "en"), fld), [])
        extra = [rng.choice(pool) for _ in range(rng.randint(0, 2))] if pool else []
        sep = "" if base.get("language") == "zh" else " "
        return sep.join(own + extra)


def generate(out: str | Path, people: int, seed: int = 7, progress: bool = True) -> dict[str, int]:
    """Write an organisation of `people` people to `out`; returns records written per kind."""
    from tqdm import tqdm

    rng = random.Random(seed)
    today = SAMPLE_TODAY
    out = Path(out)
    for old in list(out.glob("*.csv")) + list(out.glob("*.jsonl")):
        old.unlink()
    skills = _sample_table("skills.csv")
    sample_depts = _sample_table("departments.csv")
    sample_people = {p["id"]: p["department"] for p in _sample_table("people.csv")}
    # a function's skill pool = the skills its sample people hold, most common first
    freq: dict[str, dict[str, int]] = {}
    for ps in _sample_table("person_skills.csv"):
        d = freq.setdefault(sample_people[ps["person"]], {})
        d[ps["skill"]] = d.get(ps["skill"], 0) + 1
    functions = [(d["id"], d["name"]) for d in sample_depts]
    pools = {f: sorted(freq.get(f, {}), key=lambda s: -freq[f][s]) for f, _ in functions}
    weights = {f: [freq[f][s] for s in pools[f]] for f, _ in functions}
    texts = _Texts()

    n_depts = max(len(functions), round(people / 400))
    depts = []  # (id, function)
    with FolderWriter(out) as w, tqdm(total=people * 3, desc="generating", unit="rec", file=sys.stderr,
                                      disable=not progress, leave=False) as bar:
        for s in skills:
            w.write_row("skill", [s["id"], s["name"], s["aliases"], s["broader"], s["category"]])
        for i in range(n_depts):
            fid, fname = functions[i % len(functions)]
            region = REGIONS[(i // len(functions)) % len(REGIONS)]
            unit = i // (len(functions) * len(REGIONS)) + 1
            did = f"d{i + 1:04d}"
            name = f"{fname} — {region}" + (f" {unit}" if unit > 1 else "")
            w.write_row("department", [did, name, ""])
            depts.append((did, fid))

        # --- people and their skills ---------------------------------------------------------
        dept_of: list[int] = []
        capacity: list[float] = []
        senior: list[int] = []
        active: list[bool] = []
        by_dept: list[list[int]] = [[] for _ in depts]
        cw = [c.weight for c in CULTURES]
        for i in range(people):
            di = rng.randrange(len(depts))
            did, fid = depts[di]
            c = rng.choices(CULTURES, cw)[0]
            given, family = rng.choice(c.given), rng.choice(c.family)
            level = rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0]
            cap = rng.choices((1.0, 0.8, 0.5), (86, 9, 5))[0]
            is_active = rng.random() > 0.04
            city, tz = rng.choice(c.offices)
            pid = f"u{i + 1:07d}"
            w.write_row("person", [pid, full_name(c, given, family), f"{email_local(c, given, family)}.{i + 1}@example.org",
                                   did, f"{('Associate', 'Specialist', 'Senior specialist', 'Lead')[level]}",
                                   city, tz, cap, float(round(50 + 25 * level + rng.uniform(-8, 8))),
                                   c.languages, "active" if is_active else "leaver"])
            dept_of.append(di)
            capacity.append(cap)
            senior.append(level)
            active.append(is_active)
            by_dept[di].append(i)
            held = set(rng.choices(pools[fid], weights[fid], k=rng.randint(3, 8)))
            for sid in sorted(held):
                last = "" if rng.random() < 0.1 else (today - timedelta(days=rng.randint(10, 1500))).isoformat()
                w.write_row("person_skill", [pid, sid, max(1, min(5, level + rng.choice((1, 2, 2, 3)))),
                                             rng.choices(("confirmed", "self-declared", "inferred-from-project"),
                                                         (40, 40, 20))[0], last])
            bar.update(1)

        # --- projects, memberships, needs, cases, ratings -------------------------------------
        now_load = [0.0] * people
        n_projects = max(10, people // 4)
        n_cases = 0
        for j in range(n_projects):
            prj = f"prj{j + 1:07d}"
            di = rng.randrange(len(depts))
            did, fid = depts[di]
            status = rng.choices(("closed", "active", "proposed", "cancelled"), (82, 10, 5, 3))[0]
            if status == "active":
                start = today - timedelta(days=rng.randint(10, 300))
            elif status == "proposed":
                start = today + timedelta(days=rng.randint(15, 200))
            else:
                start = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2400))
            end = start + timedelta(days=rng.randint(60, 420))
            if status in ("closed", "cancelled") and end >= today:
                end = today - timedelta(days=rng.randint(1, 60))
                start = min(start, end - timedelta(days=30))
            process = rng.choice(PROCESSES)
            home = by_dept[di] or [rng.randrange(people)]
            sponsor = max(rng.sample(home, min(3, len(home))), key=lambda q: senior[q])
            outcome = rng.choices(("success", "partial", "failure"), (55, 30, 15))[0] if status == "closed" else ""
            kpis = {"cycle_time_days": round(rng.uniform(5, 90), 1), "on_time_pct": round(rng.uniform(50, 100), 1)} \
                if status == "closed" else {}
            w.write_row("project", [prj, f"{process.replace('-', ' ').title()} initiative {j + 1}",
                                    f"{process} project of department {did}", f"u{sponsor + 1:07d}", did, process,
                                    f"u{sponsor + 1:07d}", start, end, status, outcome, kpis])
            if status == "proposed" or status == "active":
                for sid in dict.fromkeys(rng.choices(pools[fid], weights[fid], k=rng.randint(2, 4))):
                    w.write_row("project_need", [prj, sid, rng.choice((3, 3, 4, 5)), rng.choice((1, 1, 2))])
            if status == "proposed":
                continue
            size = rng.randint(3, 9)
            team = {sponsor}
            while len(team) < size:  # mostly the home department, some cross-functional members
                q = rng.choice(home) if rng.random() < 0.6 else rng.randrange(people)
                if status == "active" and not active[q]:
                    continue
                team.add(q)
            members = []
            for q in sorted(team):
                alloc = 0.1 if q == sponsor else rng.choice((0.2, 0.3, 0.4, 0.5, 0.6, 0.8))
                if status == "active":
                    alloc = min(alloc, round(capacity[q] - now_load[q], 1))
                    if alloc < 0.1:
                        continue
                    now_load[q] = round(now_load[q] + alloc, 1)
                alloc = min(alloc, capacity[q])
                role = "sponsor" if q == sponsor else ("lead" if not members else rng.choice(ROLES))
                phases = ""
                if status == "active" and rng.random() < 0.15 and alloc >= 0.2:  # ramps down: half from mid-way
                    mid = today + timedelta(days=rng.randint(14, 120))
                    if mid < end:
                        phases = (f"{start.isoformat()}..{(mid - timedelta(days=1)).isoformat()}={alloc!r}|"
                                  f"{mid.isoformat()}..{end.isoformat()}={round(alloc / 2, 2)!r}")
                w.write_row("membership", [f"u{q + 1:07d}", prj, role, alloc, start, end, phases])
                members.append(q)
            if status in ("closed", "cancelled") and len(members) >= 2:
                pairs = {tuple(rng.sample(members, 2)) for _ in range(rng.randint(1, 6))}
                for a, b in sorted(pairs):
                    s3 = [max(1, min(5, round(rng.gauss(3.8, 0.9)))) for _ in range(3)]
                    w.write_row("rating", [f"u{a + 1:07d}", f"u{b + 1:07d}", prj,
                                           min(today, end + timedelta(days=rng.randint(1, 30))), *s3, ""])
                if rng.random() < 0.8:
                    base = rng.choice(texts.cases)
                    n_cases += 1
                    authors = tuple(f"u{q + 1:07d}" for q in sorted(rng.sample(members, min(2, len(members)))))
                    w.write(Case(f"gc{n_cases:07d}", base["title"], texts.compose(rng, base, "problem") or base["problem"],
                                 texts.compose(rng, base, "action"), texts.compose(rng, base, "result"),
                                 texts.compose(rng, base, "lesson"), prj, did, tuple(base.get("skills", ())),
                                 tuple(t for t in base.get("tags", ()) if not t.startswith(("llis:", "source:"))),
                                 base.get("language", "en"),
                                 rng.choices(("public", "department", "confidential"), (78, 14, 8))[0],
                                 min(today, end + timedelta(days=rng.randint(5, 60))), authors))
            bar.update(2 * people / n_projects)
        # --- time off, capacity changes, holidays ------------------------------------------------
        for q in range(people):
            if not active[q]:
                continue
            pid = f"u{q + 1:07d}"
            if rng.random() < 0.2:  # a week or two of leave in the next months
                start = today + timedelta(days=rng.randint(7, 150))
                w.write_row("time_off", [pid, start, start + timedelta(days=rng.choice((4, 6, 13))), "leave", ""])
            if rng.random() < 0.02:  # a capacity change from a date (part-time return, reduced hours)
                w.write_row("capacity_period", [pid, today + timedelta(days=rng.randint(20, 120)), "",
                                                rng.choice((0.5, 0.6, 0.8)), ])
        for off in sorted({o for c in CULTURES for o, _ in c.offices}):
            for day, name in ((date(today.year, 12, 25), "Christmas Day"), (date(today.year + 1, 1, 1), "New Year's Day")):
                w.write_row("holiday", [off, day, name])
        designated: set[tuple[int, str]] = set()
        for _ in range(max(5, people // 100)):
            q = rng.randrange(people)
            pool = pools[depts[dept_of[q]][1]]
            topic = rng.choice(pool[:10]) if pool else ""
            if active[q] and topic and (q, topic) not in designated:
                designated.add((q, topic))
                w.write_row("expert", [f"u{q + 1:07d}", topic, "designated"])
    return w.counts
