"""The cover numbers pruning relies on (matching.prune._covers: F, the fewest people whose holdings
fill every requirement, and the patterns that are part of a cover of at most size_min − 1 people)
come from a table over subsets when every requirement needs one person, and from a small CP-SAT
model otherwise. On random qualification patterns the table gives exactly the model's answers,
including requests nobody can cover and patterns shared by several people."""

from __future__ import annotations

import random
from types import SimpleNamespace

from teamgraph.matching import prune as prune_mod


def _pb(R: int, size_min: int, size_max: int):
    reqs = [SimpleNamespace(count=1) for _ in range(R)]
    return SimpleNamespace(request=SimpleNamespace(requirements=reqs, size_min=size_min, size_max=size_max))


def test_cover_table_equals_the_model(monkeypatch):
    rng = random.Random(5)
    compared = with_cover = without = 0
    for _ in range(150):
        R = rng.randint(1, 9)
        pb = _pb(R, rng.randint(1, 6), 8)
        # A few people, some sharing a pattern; sparse patterns make some requests uncoverable.
        masks = [rng.getrandbits(R) & rng.getrandbits(R) for _ in range(rng.randint(0, 14))]
        table = prune_mod._covers(pb, masks, {})
        monkeypatch.setattr(prune_mod, "_UNIT_BITS", 0)  # force the CP-SAT model
        model = prune_mod._covers(pb, masks, {})
        monkeypatch.setattr(prune_mod, "_UNIT_BITS", 12)
        assert table == model, (R, pb.request.size_min, masks)
        compared += 1
        with_cover += bool(table[1])
        without += table[0] > pb.request.size_max
    assert compared == 150 and with_cover > 20 and without > 5  # both kinds of answer were compared
