"""Safe pruning never changes the optimum: on randomised requests over a small generated org, the
search over the pruned pool reaches exactly the objective of the search over every eligible
candidate, and the engine's team passes the independent checker. Requests draw per-role
allocations above and below the base, required departments and caps, required departments where
nobody is qualified (their people can only be role-less members), and size minimums from small to
above the slot count (role-less members at the minimum), so every case of the dominance proofs —
filling, at the minimum, representing a required department — is exercised under the allocation
and passenger rules."""

from __future__ import annotations

import hashlib
import random

from tests.matching.teamcheck import violations

from teamgraph.matching.engine import suggest
from teamgraph.matching.problem import SCALE, Weights, build_problem
from teamgraph.matching.request import parse_request, resolve_skills
from teamgraph.matching.solve import Search


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
    required = rng.sample(depts, rng.randint(0, min(1, len(depts))))
    # A required department where nobody holds a requested skill at the level: only role-less
    # members can represent it.
    unskilled = sorted(set(active.values()) - set(depts))
    if unskilled and rng.random() < 0.5:
        required.append(rng.choice(unskilled))
    deps = {"required": required}
    if rng.random() < 0.4:
        deps["max_per_department"] = rng.choice([1, 2, 3])
    w = current_window(SAMPLE_TODAY)
    reqs = [{"skill": s, "level": 2, "count": rng.choice([1, 1, 2]),
             # Per-role allocations above and below the base (a member gives the largest of their roles).
             "allocation": rng.choice([None, None, 0.1, 0.6])} for s in chosen]
    slots = sum(r["count"] for r in reqs)
    # Small minimums, and minimums at or above the slot count (role-less members at the minimum).
    size_min = rng.choice([2, 3, slots, slots + 1])
    return parse_request({
        "name": f"rand-{q}", "brief": f"brief {q}", "window": {"start": w.start.isoformat(), "end": w.end.isoformat()},
        "allocation": rng.choice([0.2, 0.3, 0.5]), "size": {"min": size_min, "max": size_min + rng.randint(1, 3)},
        "requirements": reqs, "departments": deps})


def test_pruning_keeps_the_optimum(generated_org):
    org = generated_org
    skills = list(org.all("skill"))
    pruned_total, compared, at_min, represents = 0, 0, 0, 0
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
        team = full.team
        roleless = [i for i in team.members if not team.roles[i]]
        at_min += bool(roleless) and len(team.members) == req.size_min
        represents += any(sum(pb.people[j].department == pb.people[i].department for j in team.members) == 1
                          and pb.people[i].department in req.required_departments for i in roleless)
        sug = suggest(org, req, weights=weights, relevance=relevance, max_pool=None)
        assert sug.proven_optimal and violations(org, req, sug.team) == []
        assert sug.status == "optimal" and sug.violations == []
        assert round(sug.team.total * SCALE) == full.team.total(pb)
    assert compared >= 25  # most random requests are feasible, so optima were compared
    assert at_min >= 3 and represents >= 3  # optima with role-less members of both kinds were compared
    assert pruned_total > 0  # and pruning had something to remove
