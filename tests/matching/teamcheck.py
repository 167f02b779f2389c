"""An independent checker: re-verifies every hard constraint of a returned team straight from the
store and the request, without the engine's Problem, model or solver."""

from __future__ import annotations

from datetime import timedelta

from teamgraph.graph.load import peak_load

HOURS_PER_DAY = 8


def weekdays(window) -> int:
    d, n = window.start, 0
    while d <= window.end:
        n += d.weekday() < 5
        d += timedelta(days=1)
    return n


def violations(store, request, team) -> list[str]:
    """Every broken constraint of `team` (a TeamResult) for the resolved `request`; [] when valid."""
    out = []
    ids = [m.id for m in team.members]
    people = {p: store.get("person", p) for p in ids}
    if len(set(ids)) != len(ids):
        out.append("duplicate members")
    if not request.size_min <= len(ids) <= request.size_max:
        out.append(f"size {len(ids)} outside {request.size_min}..{request.size_max}")
    for p, person in people.items():
        if person is None or person.status != "active":
            out.append(f"{p} is not an active person")
        if p in request.exclude:
            out.append(f"{p} is excluded")
    for p in request.include:
        if p not in ids:
            out.append(f"included {p} missing")
    for k, rq in enumerate(request.requirements):
        holders = []
        for m in team.members:
            ps = store.get("person_skill", (m.id, rq.skill))
            if ps is not None and ps.level >= rq.level:
                holders.append(m.id)
        if len(holders) < rq.count:
            out.append(f"requirement {k} ({rq.skill} ≥ {rq.level} × {rq.count}) has {len(holders)}")
        claimed = [m.id for m in team.members if any(c["skill"] == rq.skill for c in m.covers)]
        if any(c not in holders for c in claimed):
            out.append(f"a member claims {rq.skill} without the level")
    depts = [people[p].department for p in ids if people[p]]
    for d in request.required_departments:
        if d not in depts:
            out.append(f"department {d} not represented")
    for d in set(depts):
        cap = request.cap_of(d)
        if cap is not None and depts.count(d) > cap:
            out.append(f"{depts.count(d)} from {d} over cap {cap}")
    cost = 0.0
    for m in team.members:
        person = people[m.id]
        load = peak_load(store.memberships_of([m.id]), request.window)
        alloc = max([request.allocation] + [request.alloc_of(rq) for rq in request.requirements
                                            if any(c["skill"] == rq.skill for c in m.covers)])
        if abs(alloc - m.allocation) > 1e-9:
            out.append(f"{m.id} allocation {m.allocation} != {alloc}")
        if load + alloc > person.capacity + 1e-9:
            out.append(f"{m.id} over capacity: {load} + {alloc} > {person.capacity}")
        if abs(m.load_before - load) > 1e-6 or abs(m.load_after - (load + alloc)) > 1e-6:
            out.append(f"{m.id} load before/after misreported")
        cost += person.cost_rate * alloc * HOURS_PER_DAY * weekdays(request.window)
    if request.budget is not None and cost > request.budget + 1e-6:
        out.append(f"cost {cost} over budget {request.budget}")
    return out
