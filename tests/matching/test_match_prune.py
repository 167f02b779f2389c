"""Safe pruning never changes the optimum: on randomised requests over a small generated org, the
search over the pruned pool reaches exactly the objective of the search over every eligible
candidate, and the engine's team passes the independent checker. Requests draw per-role
allocations above and below the base, required departments and caps, so the dominance proofs are
exercised under the allocation and passenger rules."""

from __future__ import annotations

import hashlib
import random

import pytest
from tests.matching.teamcheck import violations

from teamgraph.matching.engine import suggest
from teamgraph.matching.problem import SCALE, Weights, build_problem
from teamgraph.matching.request import parse_request, resolve_skills
from teamgraph.matching.solve import Search


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.ingest.generator import generate
    from teamgraph.ingest.loader import ingest_folder
    root = tmp_path_factory.mktemp("org")
    generate(root / "g", 500, seed=3, progress=False)
    store = SqliteStore(root / "teamgraph.sqlite3")
    ingest_folder(store, root / "g", progress=False)
    yield store
    store.close()


def relevance(brief, ids):
    """A deterministic stand-in for retrieval: spreads people's base values apart."""
    return {p: int(hashlib.sha256(f"{brief}/{p}".encode()).hexdigest()[:4], 16) / 65535 * 0.4 for p in ids}


def draw(store, rng, q):
    from teamgraph.ingest.sample import SAMPLE_TODAY, current_window
    active = {p.id: p.department for p in store.all("person") if p.status == "active"}
    holders: dict[str, set[str]] = {}
    for ps in store.all("person_skill"):
        if ps.level >= 2 and ps.person in active:
            holders.setdefault(ps.skill, set()).add(ps.person)
    skills = sorted(s for s, h in holders.items() if len(h) >= 6)
    chosen = rng.sample(skills, rng.randint(2, 4))
    depts = sorted({active[p] for s in chosen for p in holders[s]})
    deps = {"required": rng.sample(depts, rng.randint(0, min(1, len(depts))))}
    if rng.random() < 0.4:
        deps["max_per_department"] = rng.choice([1, 2, 3])
    w = current_window(SAMPLE_TODAY)
    size_min = rng.randint(2, 3)
    return parse_request({
        "name": f"rand-{q}", "brief": f"brief {q}", "window": {"start": w.start.isoformat(), "end": w.end.isoformat()},
        "allocation": rng.choice([0.2, 0.3, 0.5]), "size": {"min": size_min, "max": size_min + rng.randint(1, 3)},
        # Per-role allocations above and below the base (a member gives the largest of their roles).
        "requirements": [{"skill": s, "level": 2, "count": rng.choice([1, 1, 2]),
                          "allocation": rng.choice([None, None, 0.1, 0.6])} for s in chosen],
        "departments": deps})


def test_pruning_keeps_the_optimum(org):
    skills = list(org.all("skill"))
    pruned_total, compared = 0, 0
    for seed, q in ((seed, q) for seed in (1, 2, 11) for q in range(14)):
        rng = random.Random(seed * 1000 + q)
        req = resolve_skills(draw(org, rng, f"{seed}-{q}"), skills)
        weights = Weights(cohesion=rng.choice([0.3, 1.0]), novelty=rng.choice([0.1, 0.5]),
                          busy=rng.choice([0.0, 1.0]))
        pb = build_problem(org, req, weights=weights, relevance=relevance, max_pool=None)
        everyone = [i for i in range(len(pb.people)) if pb.eligible(i) or i in pb.forced]
        pruned_total += len(everyone) - len(pb.kept)
        full = Search(pb, pool=everyone).run()
        small = Search(pb).run()
        assert small.status == full.status, req.name
        if full.status != "optimal":
            continue
        compared += 1
        assert small.team.total(pb) == full.team.total(pb), req.name
        sug = suggest(org, req, weights=weights, relevance=relevance, max_pool=None)
        assert sug.proven_optimal and violations(org, req, sug.team) == []
        assert sug.status == "optimal" and sug.violations == []
        assert round(sug.team.total * SCALE) == full.team.total(pb)
    assert compared >= 25  # most random requests are feasible, so optima were compared
    assert pruned_total > 0  # and pruning had something to remove
