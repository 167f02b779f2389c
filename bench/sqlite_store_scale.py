"""Embedded store at scale: one apply of a synthetic org, then the engine's reads.

    python bench/sqlite_store_scale.py [--people 100000] [--seed 7]

Prints elements/s for the load, peak RSS, and the time of each read. Not a test: numbers
depend on the machine; compare rows of one run with each other, not with a fixed target.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from teamgraph.graph.model import (
    Case, ChangeSet, CollaborationRating, Department, Membership, Person, PersonSkill, Project,
    ProjectNeed, Skill, Viewer, Window,
)
from teamgraph.graph.sqlite_store import SqliteStore


def synthetic_org(people: int, seed: int) -> ChangeSet:
    """~12 relationships per person: 8 skills, 3 memberships, 1 rating; 1 project per 5 people."""
    rng = random.Random(seed)
    depts = [Department(f"d{i}", f"Dept {i}") for i in range(12)]
    skills = [Skill(f"s{i}", f"Skill {i}") for i in range(500)]
    weights = [1 / (i + 1) for i in range(len(skills))]  # a few common skills, a long tail
    ps = [Person(f"u{i}", f"User {i}", f"u{i}@example.org", rng.choice(depts).id) for i in range(people)]
    base = date(2024, 1, 1)
    projects = []
    for i in range(people // 5):
        start = base + timedelta(days=rng.randrange(900))
        projects.append(Project(f"p{i}", f"Project {i}", department=rng.choice(depts).id, start=start,
                                end=start + timedelta(days=rng.randrange(60, 300)),
                                status=rng.choice(("closed", "active", "proposed"))))
    cs = ChangeSet().add(*depts, *skills, *ps, *projects)
    for p in ps:
        for s in set(rng.choices(skills, weights, k=8)):
            cs.add(PersonSkill(p.id, s.id, rng.randint(1, 5)))
        for pr in rng.sample(projects, 3):
            cs.add(Membership(p.id, pr.id, "member", rng.choice((0.2, 0.3, 0.5)), pr.start, pr.end))
    members = [(m.person, m.project) for m in cs.upserts["membership"]]
    for rater, project in rng.sample(members, people):
        ratee = rng.choice(ps).id
        if ratee != rater:
            cs.add(CollaborationRating(rater, ratee, project, base, 4, 4, 3))
    for pr in projects[::20]:
        cs.add(ProjectNeed(pr.id, rng.choice(skills[:50]).id, 3, 2))
    for i in range(people // 20):
        pr = rng.choice(projects)
        cs.add(Case(f"c{i}", f"Case {i}", "problem text", project=pr.id, department=pr.department,
                    skills=(rng.choice(skills[:50]).id,), visibility=rng.choice(("public", "department",
                                                                                  "confidential")),
                    date=pr.end, authors=(rng.choice(ps).id,)))
    return cs


def timed(label: str, fn, rows: list) -> object:
    t = time.perf_counter()
    out = fn()
    rows.append((label, time.perf_counter() - t, out))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    cs = synthetic_org(args.people, args.seed)
    n = len(cs)
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "bench.sqlite3")
        rows: list = []
        timed("apply (one transaction)", lambda: store.apply(cs).revision, rows)
        load_s = rows[0][1]
        timed("re-apply, nothing changes", lambda: store.apply(cs).revision, rows)
        q = Window(date(2025, 1, 1), date(2025, 3, 31))
        timed("candidates, common skill >= 4", lambda: len(store.candidates([("s0", 4)], q)), rows)
        timed("candidates, rare skill >= 3", lambda: len(store.candidates([("s400", 3)], q)), rows)
        team = sorted({m.person for m in cs.upserts["membership"] if m.project in ("p1", "p2", "p3")})
        timed(f"collaboration_pairs({len(team)} people)", lambda: len(store.collaboration_pairs(team)), rows)
        timed("skill_neighbourhood(common)", lambda: store.skill_neighbourhood("s0").supply, rows)
        timed("skills_at_risk()", lambda: len(store.skills_at_risk()), rows)
        viewer = Viewer(role="member", person="u1", department="d1", projects=frozenset({"p1", "p2"}))
        timed("visible_case_ids(member)", lambda: len(store.visible_case_ids(viewer)), rows)
        timed("list_cases(member, skill, 20)",
              lambda: len(store.list_cases(viewer, skill="s0", limit=20)), rows)
        timed("all('person_skill') streamed", lambda: sum(1 for _ in store.all("person_skill")), rows)
        timed("forget_person", lambda: store.forget_person("u5").revision, rows)
        store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.people} people, {n} elements; load {n / load_s:,.0f} elements/s; peak RSS {rss:,.0f} MB "
          "(includes the ChangeSet in memory)")
    print("| operation | seconds | result |\n|---|---:|---:|")
    for label, secs, out in rows:
        print(f"| {label} | {secs:.3f} | {out} |")


if __name__ == "__main__":
    main()
