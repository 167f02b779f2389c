"""The rule check every portfolio answer passes before it leaves `staff`: each team through the
single-team checker (matching.rules.check_team), plus the cross-request load rule
(matching.portfolio_load.check_load).

What a violation may be acknowledged as instead:
* forced overload — a forced member above capacity (rules.check_team already exempts them per
  team; across requests, only moments with forced memberships alone may go over);
* soft mode's `unmet` — a requirement slot, a required department or the size minimum that a team
  under a load cap leaves open, listed on that team.
Anything else is a violation and turns the answer's status into "invalid".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from teamgraph.matching.portfolio_load import check_load
from teamgraph.matching.rules import check_team


@dataclass
class Check:
    violations: list[dict] = field(default_factory=list)
    unmet: dict[int, list[dict]] = field(default_factory=dict)  # request → unmet rule instances
    forced_overload: list[dict] = field(default_factory=list)


def check_staffing(pool, placed: dict[tuple[int, int], float], roles: dict[tuple[int, int], list[int]], *,
                   limit: float, soft: bool) -> Check:
    """Check a staffing: `placed` (person, request) → allocation, `roles` (person, request) → the
    requirements they fill; `limit` is the utilisation limit of the load rule."""
    out = Check()
    for k, pb in enumerate(pool.pbs):
        name = pb.request.name
        members = [pool.local[k][g] for g, k2 in placed if k2 == k]
        local_roles = {pool.local[k][g]: rs for (g, k2), rs in roles.items() if k2 == k}
        allocations = {pool.local[k][g]: a for (g, k2), a in placed.items() if k2 == k}
        found = check_team(pb, members, local_roles, allocations=allocations, request=name)
        unmet, broken = _unmet(pb, members, local_roles, found) if soft else ([], found)
        if unmet:
            out.unmet[k] = unmet
        out.violations += [v.to_dict() for v in broken]
    mine: dict[int, dict[int, float]] = {}
    for (g, k), a in placed.items():
        mine.setdefault(g, {})[k] = a
    for g, m in sorted(mine.items()):
        forced = pool.forced.get(g, set())
        worst, forced_only = check_load(pool.spans[g], m, forced, limit, pool.cap[g])
        if worst is not None and not forced_only:
            out.violations.append({"rule": "load", "person": pool.ids[g], "request": None,
                                   "message": f"{pool.names[g]} reaches {worst:.0%} of capacity across "
                                              f"{', '.join(pool.pbs[k].request.name for k in sorted(m))}, "
                                              f"above the limit {limit:.0%}"})
        over, _ = check_load(pool.spans[g], {k: a for k, a in m.items() if k in forced}, forced, 1.0, pool.cap[g])
        if over is not None:
            out.forced_overload.append({"person": pool.ids[g], "name": pool.names[g], "utilisation": round(over, 4),
                                        "requests": [pool.pbs[k].request.name for k in sorted(m) if k in forced]})
    return out


def _unmet(pb, members, roles, found) -> tuple[list[dict], list]:
    """(soft mode's unmet entries, the violations that stay violations). Unmet are the slots a
    requirement misses (never one too many), the required departments without a member and the
    size minimum (never the maximum), each with what it concerns (the violation's key)."""
    unmet, broken = [], []
    for v in found:
        entry = {"rule": v.rule, "message": v.message}
        if v.rule == "coverage" and v.person is None:
            rq = pb.request.requirements[v.key]
            missing = rq.count - sum(v.key in roles.get(i, ()) for i in members)
            if missing > 0:
                unmet.append(entry | {"skill": rq.skill, "label": rq.label or rq.skill, "level": rq.level,
                                      "missing": missing})
                continue
        elif v.rule == "department":
            unmet.append(entry | {"department": v.key, "department_name": pb.dept_name(v.key)})
            continue
        elif v.rule == "size" and v.key == "min":
            unmet.append(entry | {"size": len(members), "minimum": pb.request.size_min})
            continue
        broken.append(v)
    return unmet, broken
