"""Pruning decides people in blocks (matching.prune._group: a block's comparisons at once, then the
block in order, counting only dominators already kept). The blocks are only a way to compute it:
on random requests over a generated org (required departments nobody in is qualified for, caps,
per-role allocations, size minimums at and above the slot count, budgets), pruning one person at a
time (blocks of 1, the definition) and in blocks of 7 or 64 keeps exactly the same people, with the
same ones padding-only, in every round."""

from __future__ import annotations

import random
from dataclasses import replace

from tests.matching.test_match_prune import draw, relevance

from teamgraph.matching import prune as prune_mod
from teamgraph.matching.problem import Weights, build_problem
from teamgraph.matching.request import resolve_skills


def test_blocks_decide_like_one_at_a_time(generated_org, monkeypatch):
    org = generated_org
    skills = list(org.all("skill"))
    compared = groups_over_a_block = 0
    for q in range(24):
        rng = random.Random(7000 + q)
        req = resolve_skills(draw(org, rng, f"blocks-{q}"), skills)
        if rng.random() < 0.3:  # a budget brings cost rates into the comparisons
            req = replace(req, budget=rng.choice([20000.0, 60000.0]))
        weights = Weights(cohesion=rng.choice([0.3, 1.0]), busy=rng.choice([0.0, 1.0]))
        pb = build_problem(org, req, weights=weights, relevance=relevance, max_pool=None)
        answers = {}
        for chunk in (1, 7, 64):
            monkeypatch.setattr(prune_mod, "_CHUNK", chunk)
            prune_mod.prune(pb)
            answers[chunk] = (list(pb.kept), sorted(pb.roleless), pb.pruned)
        assert answers[7] == answers[1], req.name
        assert answers[64] == answers[1], req.name
        compared += 1
        groups_over_a_block += len(pb.people) > 64
    assert compared == 24 and groups_over_a_block > 10  # pools larger than one block were compared
