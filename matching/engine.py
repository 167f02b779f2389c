"""The team formation engine: suggest, alternatives, pin and re-solve, why-not.

    suggestion = suggest(store, load_request("request.yaml"), alternatives=2)
    why = why_not(store, request, "bo", suggestion=suggestion)
    again = resolve(store, request, pins=["fay"], previous=suggestion)

Infeasible requests return a Suggestion with status "infeasible" and a Diagnosis instead of
raising, so callers can show it.

Every team leaves only after matching.rules.check_team has re-checked it. Statuses: "optimal"
(every rule holds, proven best over the safely pruned pool), "feasible" (every rule holds, not
proven best), "overloaded" (every rule holds except the capacity of included or pinned people,
listed in `forced_overload` with a note "feasible only with this forced overload: Ann Lee at
140 %": a forced person is honoured, never silently, and their load is never anyone else's
limit), "infeasible" (with a diagnosis), "unknown" (nothing found in the time limit) and
"invalid" (a bug guard: the checker found a broken rule, listed in `violations`; never expected).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from teamgraph.graph.load import ratio, weeks_of
from teamgraph.graph.model import SYSTEM, Viewer
from teamgraph.graph.store import GraphStore
from teamgraph.matching.diagnose import diagnose
from teamgraph.matching.explain import Diff, Suggestion, WhyNot, overload_note, team_result
from teamgraph.matching.problem import SCALE, Problem, Relevance, Weights, away_words, build_problem, too_much_away
from teamgraph.matching.prune import prune
from teamgraph.matching.request import TeamRequest
from teamgraph.matching.rules import EPS, answer_status, check_team, fits, forced_overload, lowest_allocation
from teamgraph.matching.solve import Search, Team
from teamgraph.errors import NotFoundError


MAX_POOL = 3000  # above this many eligible candidates, solve over a shortlist (heuristic, said so)


def _solve(store: GraphStore, pb: Problem, *, viewer: Viewer, alternatives: int, min_diff: int,
           seed: int, time_limit: float | None, t0: float, diagnosis: bool = True) -> Suggestion:
    safe_kept = len(pb.kept)
    cut = pb.base_pool is not None
    eligible = sum(pb.eligible(i) for i in range(len(pb.people)))
    if time_limit is not None:  # the limit covers reading the pool too
        time_limit = max(0.1, time_limit - (time.perf_counter() - t0))
    res = Search(pb, seed=seed, time_limit=time_limit).run()
    sug = Suggestion(request=pb.request.to_dict(), status=res.status, team=None,
                     weights=pb.weights.to_dict(), solves=res.solves,
                     pool={"candidates": len(pb.people), "eligible": eligible,
                           "kept_after_pruning": safe_kept, "pruned": pb.pruned,
                           "padding_only": len(pb.roleless),
                           "shortlist": len(pb.base_pool) if pb.base_pool is not None else None},
                     notes=[pb.relevance_note], pins=[pb.people[i].id for i in sorted(pb.forced)])
    if res.team is None:
        if res.status == "infeasible" and diagnosis:
            # the diagnosis's own solves and its relaxation search: within the caller's limit
            # when there is one (the kickoff's team gets 5 s), else diagnose's default
            sug.diagnosis = diagnose(store, pb, seed=seed, **({} if time_limit is None else
                                                               {"time_limit": max(1.0, time_limit)}))
        else:
            sug.notes.append("no team found within the time limit")
        sug.seconds = time.perf_counter() - t0
        return sug
    sug.team = team_result(store, pb, res.team.members, res.team.roles, viewer)
    sug.forced_overload = forced_overload(pb, res.team.members, res.team.roles)
    if cut:
        res.status = "feasible"
        sug.status = "feasible"
        sug.notes.append(f"large pool: solved over a shortlist of {len(pb.base_pool)} of {eligible} eligible "
                         "candidates (best per requirement by fit and spare capacity), so optimality is not proven")
    sug.proven_optimal = res.status == "optimal"
    sug.gap = res.gap(pb) if not cut else None
    if sug.proven_optimal:
        sug.notes.append(("proven the best team with the forced overload" if sug.forced_overload else
                          "proven the best team: no other team for this request scores higher") +
                         (f" ({pb.pruned} candidates were left out because others are at least as good on "
                          "everything the score and the rules count, which never loses the best team)"
                          if pb.pruned else ""))
    teams = [res.team]
    cuts = [(frozenset(res.team.members), min_diff)]
    for _ in range(alternatives):
        # Pruning again with earlier members excluded as dominators keeps the no-good cuts safe.
        prune(pb, avoid={i for t in teams for i in t.members})
        left = None if time_limit is None else max(0.05, time_limit - (time.perf_counter() - t0))
        alt = Search(pb, seed=seed, time_limit=left, cuts=cuts).run()
        sug.solves += alt.solves
        if alt.team is None:
            sug.notes.append(f"only {len(teams) - 1} alternative(s) differ by ≥ {min_diff} members from every "
                             "earlier team" if alt.status == "infeasible" else "alternatives stopped at the time limit")
            break
        teams.append(alt.team)
        cuts.append((frozenset(alt.team.members), min_diff))
        sug.alternatives.append(team_result(store, pb, alt.team.members, alt.team.roles, viewer))
    if alternatives:  # restore the pool the alternatives' pruning narrowed
        prune(pb)
    _guard(pb, sug, teams)
    sug.seconds = time.perf_counter() - t0
    return sug


def _guard(pb: Problem, sug: Suggestion, teams: list[Team]) -> None:
    """Re-check every team with the rule checker before it leaves: a broken rule makes the answer
    "invalid" (a bug guard); a forced member over capacity makes it "overloaded", said in a note."""
    results = [sug.team, *sug.alternatives]
    for k, (team, shown) in enumerate(zip(teams, results)):
        allocations = {i: m.allocation for i, m in zip(team.members, shown.members)}
        for v in check_team(pb, team.members, team.roles, allocations=allocations):
            sug.violations.append({**v.to_dict(), "team": k})
    sug.status = answer_status(sug.status, violated=bool(sug.violations), overloaded=bool(sug.forced_overload))
    if sug.violations:
        sug.proven_optimal = False
        sug.notes.append("the answer breaks a rule (a bug): " + "; ".join(v["message"] for v in sug.violations))
    elif sug.forced_overload:
        sug.notes.append(overload_note(sug.forced_overload))


def suggest(store: GraphStore, request: TeamRequest, *, viewer: Viewer = SYSTEM, alternatives: int = 0,
            min_diff: int = 1, relevance: Relevance | None = None, weights: Weights | None = None,
            seed: int = 0, time_limit: float | None = None, pins: Iterable[str] = (),
            max_pool: int | None = MAX_POOL) -> Suggestion:
    """The best team for `request` (and up to `alternatives` others, each differing from every
    earlier one in ≥ `min_diff` members), explained for `viewer`. Deterministic for a given seed.

    `relevance(brief, person_ids) -> {person_id: score in [0, 1]}` plugs in retrieval; without it
    the relevance term is 0 (and the result's notes say so). `pins` must be in the team: like
    `request.include` they are honoured even over capacity (status "overloaded", see the module
    docstring); a leaver, an unknown or an excluded person there is a ValidationError naming `pins`.
    Above `max_pool` eligible candidates the search runs over a shortlist and the
    result says it is not proven optimal (gap None); `max_pool=None` always solves exactly.
    """
    t0 = time.perf_counter()
    pb = build_problem(store, request, weights=weights, relevance=relevance, pins=pins, max_pool=max_pool)
    return _solve(store, pb, viewer=viewer, alternatives=alternatives, min_diff=min_diff, seed=seed,
                  time_limit=time_limit, t0=t0)


def resolve(store: GraphStore, request: TeamRequest, *, pins: Iterable[str] = (),
            previous: Suggestion | None = None, **kw) -> Suggestion:
    """Re-solve with `pins` locked in (and the request possibly changed); `.diff` against `previous`."""
    sug = suggest(store, request, pins=pins, **kw)
    if previous is not None and previous.team is not None:
        before = previous.team.ids
        after = sug.team.ids if sug.team else []
        names = {m.id: m.name for t in (previous.team, sug.team) if t is not None for m in t.members}
        sug.diff = Diff(added=[p for p in after if p not in before], removed=[p for p in before if p not in after],
                        kept=[p for p in after if p in before], names=names)
    return sug


def why_not(store: GraphStore, request: TeamRequest, person_id: str, *, suggestion: Suggestion | None = None,
            viewer: Viewer = SYSTEM, **kw) -> WhyNot:
    """Why `person_id` is not in the suggested team: the binding reason, or if they could be, the
    objective cost of swapping them in and whom they would replace. `kw` go to `suggest`.
    The answer carries the person's name, and the names of whom they would replace."""
    person = store.get("person", person_id)
    if person is None:
        raise NotFoundError("person", person_id)
    out = _why_not(store, request, person, suggestion=suggestion, viewer=viewer, **kw)
    out.name = person.name
    if "replaces" in out.details:
        out.details["replaces_people"] = [{"id": p, "name": n} for p, n in out.details.pop("replaces_named")]
    return out


def _why_not(store: GraphStore, request: TeamRequest, person, *, suggestion: Suggestion | None,
             viewer: Viewer, **kw) -> WhyNot:
    person_id = person.id
    if suggestion is None:
        suggestion = suggest(store, request, viewer=viewer, **kw)
    if suggestion.team is not None and person_id in suggestion.team.ids:
        return WhyNot(person_id, True, True, f"{person.name} is in the suggested team", "in_team")
    if person.status != "active":
        return WhyNot(person_id, False, False, f"{person.name} is a {person.status}", "leaver")
    if person_id in request.exclude:
        return WhyNot(person_id, False, False, f"{person.name} is excluded by the request", "excluded")
    t0 = time.perf_counter()
    pb = build_problem(store, request, weights=kw.get("weights"), relevance=kw.get("relevance"),
                       pins=suggestion.pins, fixed=(person_id,), max_pool=kw.get("max_pool", MAX_POOL))
    i = pb.index()[person_id]
    c = pb.people[i]
    req = pb.request
    levels = {rq.skill: (c.skills[rq.skill].level if rq.skill in c.skills else 0) for rq in req.requirements}
    lowest = lowest_allocation(pb, i)
    if too_much_away(c, req):
        spans = c.away()
        return WhyNot(person_id, False, False,
                      f"{person.name} is {away_words(spans)}: {c.away_fraction():.0%} of the request's window, "
                      f"more than the {req.max_away:.0%} it allows (max_away)", "away",
                      {"away": [{"start": a.isoformat(), "end": b.isoformat()} for a, b in spans],
                       "fraction": round(c.away_fraction(), 4), "max_away": req.max_away})
    if not fits(c, lowest):
        # the time-phased load (graph/load.py): each week at its most utilised working piece
        weeks = [w for w in weeks_of(list(c.pieces), req.window, c.person.capacity, lowest)
                 if ratio(w.load + lowest, w.capacity) > 1 + EPS] if c.pieces else []
        shown = ", ".join(f"{w.start.isoformat()} ({ratio(w.load, w.capacity):.0%} of {w.capacity:g} FTE)"
                          for w in weeks[:8]) + (" …" if len(weeks) > 8 else "")
        return WhyNot(person_id, False, False,
                      f"{person.name} would be over capacity with {lowest:g} FTE more in {len(weeks)} week(s) "
                      f"(in use before): {shown}", "over_capacity",
                      {"weeks": [{"week": w.start.isoformat(), "load": w.load, "capacity": w.capacity,
                                  "away_days": w.away_days} for w in weeks],
                       "capacity": c.person.capacity, "allocation": lowest})
    qualified = any(i in q for q in pb.qualified)
    # Someone who meets no requirement can still be needed (size minimum, a required department).
    sug = _solve(store, pb, viewer=viewer, alternatives=0, min_diff=1, seed=kw.get("seed", 0),
                 time_limit=kw.get("time_limit"), t0=t0, diagnosis=qualified)
    if sug.status == "invalid":
        return WhyNot(person_id, False, False, f"no trustworthy answer for {person.name}: " + "; ".join(
            v["message"] for v in sug.violations), "invalid", {"violations": sug.violations})
    if sug.team is None and not qualified:
        need = "; ".join(f"{rq.label or rq.skill} ≥ {rq.level} (has {levels[rq.skill] or 'none'})"
                         for rq in req.requirements)
        return WhyNot(person_id, False, False, f"{person.name} meets no requirement at its level: {need}",
                      "missing_level", {"levels": levels})
    if sug.team is None:
        diag = sug.diagnosis
        conflict = diag.conflict if diag else []
        kind = "conflict"
        if any(n.startswith("at most") for n in conflict):
            kind = "department_cap"
        elif any(n.startswith("budget") for n in conflict):
            kind = "budget"
        return WhyNot(person_id, False, False,
                      f"no valid team includes {person.name}: " + ("; ".join(conflict) or str(diag)), kind,
                      {"diagnosis": diag.to_dict() if diag else None})
    base = suggestion.team.total if suggestion.team else 0.0
    cost = round(base - sug.team.total, 4)
    gone = [m for m in (suggestion.team.members if suggestion.team else []) if m.id not in sug.team.ids]
    replaced = [m.id for m in gone]
    return WhyNot(person_id, False, True,
                  f"{person.name} could join; the best team with them scores {cost:g} lower "
                  f"({sug.team.total:g} vs {base:g})" + (f", replacing {', '.join(m.name for m in gone)}"
                                                        if gone else ""),
                  "cost", {"cost": cost, "replaces": replaced, "replaces_named": [(m.id, m.name) for m in gone],
                           "team": sug.team.ids,
                           "score": sug.team.score, "scale": SCALE})
