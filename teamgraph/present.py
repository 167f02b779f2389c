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
sponsor receives — proposed by the engine, forced with `include`/`pins`, an expert hit or a
why-not — the sponsor learns the same: peak utilisation (load / capacity over the window),
rounded *up* to the next 10 % (so within / over capacity stays exact), never the load, the
capacity, per-week figures or other projects' allocations — with one exception: the members the
engine itself proposes for the sponsor's request (the README's "sponsors see the peak
utilisation of the people proposed to them") keep the load arithmetic the sponsor page draws
as bars (load before + allocation = load after, against capacity), since the sponsor decides on
booking them and the engine chose them, not the sponsor. Members the sponsor forced in with
`include`/`pins` get what why-not gives (it names the over-capacity weeks, not the figures):
the availability band before and after, no figures — so `include` cannot read anyone's load
more precisely than why-not tells it. `forced_overload` keeps the utilisation rounded up to
10 % (the sponsor page's "Ana Lima at 140 %"), the team's `max_util` (over forced members too)
is rounded up to 10 %, experts show rounded utilisation without load or capacity, and the
over-capacity why-not drops the capacity.
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


SCORE_HIDDEN = ("busy",)  # terms a non-HR viewer does not see (exact utilisations); see the docstring


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
    if isinstance(out.get("max_util"), (int, float)):
        out["max_util"] = rounded_util(out["max_util"])
    return out


def _person_load_view(m: dict) -> dict:
    """A team member or expert row for a sponsor: the one rule of the module docstring."""
    cap = m.get("capacity") or 1.0
    if "load_before" in m and not m.get("forced"):  # proposed by the engine: the load arithmetic
        return m
    out = dict(m)
    if "load_before" in m:  # forced in with include/pins: what why-not would tell
        for k in LOAD_KEYS - {"allocation"}:
            out.pop(k, None)
        out["availability"] = availability(m.get("load_before") or 0.0, cap)
        out["availability_after"] = availability(m.get("load_after") or 0.0, cap)
        return out
    # an expert hit: peak utilisation rounded up to 10 %, not the load nor the capacity
    out.pop("load", None)
    out.pop("capacity", None)
    if "utilisation" in m:
        out["utilisation"] = rounded_util(m["utilisation"])
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
    if isinstance(data.get("forced_overload"), list):  # a Suggestion
        out["forced_overload"] = [dict(o, utilisation=rounded_util(o.get("utilisation")))
                                  for o in data["forced_overload"]]
        if data["forced_overload"] and isinstance(out.get("notes"), list):
            from teamgraph.matching.explain import overload_note
            out["notes"] = [overload_note(out["forced_overload"]) if isinstance(n, str) and
                            n.startswith("feasible only with this forced overload") else n for n in out["notes"]]
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
