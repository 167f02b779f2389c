"""Proven optimal means optimal: on random small organisations, whenever the engine answers
"optimal", its team scores exactly the best objective over every valid team and role assignment
the brute-force oracle enumerates (scored by the model's own objective, matching.model.score_team).

This checks every reduction the search makes at once — dominance pruning and its padding-only
people, the redundant passenger cuts (matching.model._pad_cuts), the cover table
(matching.prune._unit_covers) and the utilisation-interval search that solves only for teams above
an interval's lower end that could still beat the best team (matching.solve) — against an answer
computed without any of them.
"""

from __future__ import annotations

from hypothesis import given
from tests.matching.oracle import valid_teams
from tests.matching.oracle_org import org_store, single_cases
from tests.matching.test_oracle_single import SETTINGS

from teamgraph.matching.engine import suggest
from teamgraph.matching.model import score_team
from teamgraph.matching.problem import SCALE, build_problem
from teamgraph.matching.request import parse_request, resolve_skills
from teamgraph.errors import ValidationError


def _best_total(store, req, pins, org) -> int | None:
    """The largest objective (in model units) over every valid team the oracle finds."""
    pb = build_problem(store, req, pins=pins, max_pool=None)
    index = pb.index()
    best = None
    for team in valid_teams(store, req, org.ids, pins):
        members = [index[m] for m in team.members]
        roles = {index[m]: list(rs) for m, rs in team.roles}
        total = sum(score_team(pb, members, roles).values())
        best = total if best is None else max(best, total)
    return best


@SETTINGS.__class__(SETTINGS, max_examples=200)
@given(case=single_cases())
def test_optimal_answers_score_the_oracles_best(case):
    with org_store(case.org) as store:
        req = resolve_skills(parse_request(case.body), store.all("skill"))
        try:
            sug = suggest(store, req, pins=case.pins, time_limit=None, max_pool=None)
        except ValidationError:
            return  # a leaver forced in: test_oracle_single checks the error
        if sug.status != "optimal":
            return
        best = _best_total(store, req, case.pins, case.org)
        assert best is not None, "optimal without any valid team"
        assert round(sug.team.total * SCALE) == best, f"{sug.team.total * SCALE:g} vs the oracle's best {best}"
