"""What a viewer may see of a result: the role redactions, shared by the API and the CLI's --json.

hr/admin see everything. Others never see collaboration ratings nor someone else's detailed
load (per-project allocations, weekly peaks): members get an availability band instead.

**The score (side channel on ratings).** A team's cohesion term is 0.3 · Σ pairs
(0.5·min(projects together, 3)/3 + 0.5·(mean mutual rating − 3)/2), so for a team of two forced
with `include` the exact term gives the pair's rating back. Non-HR viewers therefore see cohesion
as its *worked-together* part only (projects together — which they can count from the members'
projects anyway) and a total that is the sum of the terms shown (total − cohesion + together).
We chose this over a coarse combined figure because every figure shown stays a function of
what the viewer may already see, so no rounding step can be inverted or averaged away; the
busy term (FTE × exact utilisation before) is not shown either, as it would give the load of an
included person. Why-not's "cost" reason (a difference of totals, ratings included) loses its
figures for the same reason. What remains is ordinal: which team is chosen, the order of the
alternatives and whether someone "scores lower" — one comparison per request, not a number.

**One rule for a person's load, seen by a sponsor.** Whatever brings a person into what a
sponsor receives — proposed by the engine, forced with `include`/`pins`, named in `previous`, an
expert hit or a why-not — the sponsor learns the same two things: the peak utilisation *before*
over the window, rounded up to the next 10 % (`util_before`, and its band `availability`), and
whether the requested allocation fits (`availability_after`: "within capacity" / "over capacity";
why-not names the over-capacity weeks). Never the load, the capacity, or any figure *after*
joining: those move with the allocation the sponsor chooses, so stepping the allocation across
two band or rounding boundaries (0.5 and 0.85, or 110 % and 120 %) would give back load and
capacity exactly — and a sponsor can make the engine propose anyone (a skill only they hold, a
required department, `exclude`), so "the people the engine proposed" is no safer than `include`.
One threshold (fits or not) gives back only the headroom capacity − load, which the engine's
choice reveals anyway. So for non-HR viewers the team's `max_util` and the score's `max_util`
term (the busiest member's utilisation after joining) are not shown either, and a forced
overload names the person without a percentage (`utilisation: null`). Experts show their current utilisation rounded
up to 10 % (it does not depend on the request). What remains is ordinal, as for ratings: which
team wins can depend on loads.

**A diagnosis, seen by a sponsor.** An infeasible request's relaxations (matching.diagnose) carry
two wordings: `message` with figures and `plain` without. Sponsors get `plain`: "allow Ana Lima
above capacity" without her utilisation after joining (an after-figure, as above), and "raise the
budget" without the amount — the least budget that works is the cheapest valid team's cost, and
for a team of one that is a person's cost rate, which only HR/admin see (so the budget option's
`amount` and `change` go too, and its team: the cheapest team, named, ranks people by cost
rate). The other options stay whole: a start date and a lower allocation "at F FTE" say only
whether a team fits (F is on a 0.1 FTE grid, one fits-or-not answer per step, which the sponsor
could ask the engine for one allocation at a time), and a lower level names people who hold a
skill, as the skill pages do.
"""

from __future__ import annotations

import math
import re


def availability(load: float, capacity: float = 1.0) -> str:
    """A coarse band that tells a sponsor whom to approach without disclosing the load."""
    used = load / capacity if capacity else 1.0
    return "available" if used < 0.5 else "partly available" if used < 0.85 else "busy"


# Keys that carry collaboration ratings (anywhere in matching/retrieval results): HR/admin only.
HR_ONLY_KEYS = frozenset({"ratings", "rating", "mean_rating", "peer_rating", "peer_ratings", "rating_mean",
                          "weekly_load", "weekly", "comment", "comments"})
# A person's load figures: members see an availability band instead.
LOAD_KEYS = frozenset({"load", "load_before", "load_after", "util_before", "util_after", "utilisation",
                       "capacity", "load_discount", "allocation"})


def rounded_util(u: float | None) -> float | None:
    """Utilisation rounded up to the next 10 %: 0.91 → 1.0, 1.0 → 1.0, 1.04 → 1.1 (over stays over)."""
    if u is None or not math.isfinite(u):
        return u
    return round(math.ceil(u * 10 - 1e-6) / 10, 1)


SCORE_HIDDEN = ("busy", "max_util")  # terms a non-HR viewer does not see (utilisations); see the docstring
EPS = 1e-9  # load within capacity up to rounding (matching.rules.EPS)


def over_capacity(load: float, capacity: float) -> bool:
    """Load above capacity (beyond rounding): the one over-capacity test of what a viewer is shown."""
    return load > capacity + EPS


def fits_words(load_after: float, capacity: float) -> str:
    """Whether a person is within capacity after joining: the one after-figure a sponsor gets."""
    return "over capacity" if over_capacity(load_after, capacity) else "within capacity"


def overload_words(forced_overload: list[dict]) -> str:
    """The forced-overload note without figures (non-HR viewers)."""
    return "feasible only with this forced overload: " + ", ".join(
        f"{o.get('name') or o.get('person')} over capacity" for o in forced_overload)


def _score_view(team: dict) -> dict:
    """A TeamResult dict's score for non-HR viewers: cohesion without ratings, no busy term,
    a total that is the sum of the terms shown."""
    score = dict(team.get("score") or {})
    score["cohesion"] = team.get("cohesion_together", 0.0)
    for k in SCORE_HIDDEN:
        score.pop(k, None)
    out = {k: v for k, v in team.items() if k != "cohesion_together"}
    out["score"] = score
    out["total"] = round(sum(score.values()), 4)
    out.pop("max_util", None)  # the busiest member after joining: an after-figure (see the docstring)
    # the team's cost (Σ rate × allocation × hours): for a team of one it is that person's cost rate,
    # which only HR/admin see
    out.pop("cost", None)
    return out


def _person_load_view(m: dict) -> dict:
    """A team member (proposed, included or pinned) or an expert row for a sponsor: the one rule
    of the module docstring."""
    out = {k: v for k, v in m.items() if k not in LOAD_KEYS or k == "allocation"}
    cap = m.get("capacity") or 1.0
    if "load_before" in m:
        out["util_before"] = rounded_util((m.get("load_before") or 0.0) / cap)
        out["availability"] = availability(m.get("load_before") or 0.0, cap)
        out["availability_after"] = fits_words(m.get("load_after") or 0.0, cap)
    elif m.get("utilisation") is not None:  # an expert: the current peak, not moved by any request
        out["utilisation"] = rounded_util(m["utilisation"])
    return out


def person_week(cell: dict, role: str) -> dict:
    """One person-week of a heatmap (teamgraph.heatmap) as `role` may see it.

    hr/admin: the figures (load, capacity, utilisation before and with the plan, away days).
    sponsor: the rule above, week by week — the utilisation before rounded up to 10 % and whether
    the plan fits that week ("within/over capacity"); each is what a sponsor already gets by asking
    for a team over that one week, so the grid adds no figure. Never the load, the capacity, a
    figure with the plan, or time off (away days are HR's). member: the week's band only."""
    if role in ("hr", "admin"):
        return cell
    out = {"week": cell["week"], "end": cell["end"],
           "availability": availability(cell["load_before"], cell["capacity"])}
    if role == "sponsor":
        util = cell["util_before"]  # None: capacity 0 with load (over, by any amount)
        out.update(util_before=rounded_util(util), over_before=cell["over_before"], over_after=cell["over_after"],
                   availability_after=fits_words(cell["load_after"], cell["capacity_after"]))
    return out


def redact(data, role: str):
    """Apply the role redactions to a JSON-ready matching/retrieval result.

    hr/admin: everything. sponsor: no collaboration ratings; no per-week load figures (which
    weeks, not how loaded); for experts no relevance/load-discount parts (with the score they
    would reveal the rating factor). member: in addition, others' loads become availability bands.
    """
    if role in ("hr", "admin"):
        return data
    if isinstance(data, list):
        return [redact(v, role) for v in data]
    if not isinstance(data, dict):
        return data
    out = {k: redact(v, role) for k, v in data.items() if k not in HR_ONLY_KEYS}
    if "score" in data and "total" in data and "members" in data:  # a TeamResult
        out = _score_view(out)
    if "unmet" in data and "request" in data and "members" in data:  # a portfolio team: its cost as a team's
        out.pop("cost", None)
    if isinstance(data.get("forced_overload"), list):  # a Suggestion: who, not by how much
        out["forced_overload"] = [dict(o, utilisation=None) for o in data["forced_overload"]]
        if data["forced_overload"] and isinstance(out.get("notes"), list):
            out["notes"] = [overload_words(out["forced_overload"]) if isinstance(n, str) and
                            n.startswith("feasible only with this forced overload") else n for n in out["notes"]]
    if isinstance(data.get("relaxation"), list) and "requirements" in data:  # a Diagnosis
        for key in ("relaxation", "options"):
            if isinstance(out.get(key), list):
                out[key] = [_relaxation_view(r) for r in out[key]]
    if "load_discount" in data:  # an expert hit
        out.pop("relevance", None)
        out.pop("load_discount", None)
    weeks = out.get("weeks")
    if isinstance(weeks, list) and weeks and isinstance(weeks[0], dict):
        out["weeks"] = [w.get("week") for w in weeks]
    if role == "sponsor" and "capacity" in data and ("load" in data or "load_before" in data):
        out = _person_load_view(out)
    if role == "member" and "capacity" in data and ("load" in data or "load_before" in data):
        out["availability"] = availability(data.get("load", data.get("load_before")) or 0.0, data["capacity"] or 1.0)
        for k in LOAD_KEYS:
            out.pop(k, None)
    return out


def _relaxation_view(r: dict) -> dict:
    """A relaxation for non-HR viewers: its plain wording; no amount or change for the budget
    (see the module docstring)."""
    if not isinstance(r, dict) or not r.get("plain"):
        return r
    out = {**r, "message": r["plain"], "plain": None}
    if r.get("kind") == "budget":  # the amount, and the cheapest team (it ranks people by cost rate)
        out.update(amount=None, change=None, team=[])
    return out


def why_not(d: dict, role: str, name: str) -> dict:
    """A WhyNot for `role`: over-capacity reasons list the weeks without the load figures."""
    if role not in ("hr", "admin") and d.get("kind") == "over_capacity":
        weeks = [w["week"] for w in d.get("details", {}).get("weeks", [])]
        shown = ", ".join(weeks[:8]) + (" …" if len(weeks) > 8 else "")
        details = {k: v for k, v in d.get("details", {}).items() if k != "capacity"}
        d = {**d, "details": details,
             "reason": f"{name} would be over capacity with this allocation in {len(weeks)} week(s): {shown}"}
    if role not in ("hr", "admin") and d.get("kind") == "cost":
        # the cost is a difference of totals that include the rating part of cohesion and the busy term
        m = re.search(r", replacing (.*)$", d.get("reason", ""))
        details = {k: v for k, v in d.get("details", {}).items() if k not in ("cost", "score", "scale")}
        d = {**d, "details": details,
             "reason": f"{name} could join; the best team with them scores lower" + (f", replacing {m.group(1)}"
                                                                                    if m else "")}
    return redact(d, role)
