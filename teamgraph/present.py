"""What a viewer may see of a result: the role redactions, shared by the API and the CLI's --json.

hr/admin see everything. Others never see collaboration ratings nor someone else's detailed
load (per-project allocations, weekly peaks): members get an availability band instead.
"""

from __future__ import annotations


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
    if "load_discount" in data:  # an expert hit
        out.pop("relevance", None)
        out.pop("load_discount", None)
    weeks = out.get("weeks")
    if isinstance(weeks, list) and weeks and isinstance(weeks[0], dict):
        out["weeks"] = [w.get("week") for w in weeks]
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
        d = {**d, "reason": f"{name} would be over capacity with this allocation in {len(weeks)} week(s): {shown}"}
    return redact(d, role)
