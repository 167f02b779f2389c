"""The shared checker of the engine's answers: re-verifies a returned team, suggestion or portfolio
staffing straight from the store and the request with the oracle's rules (tests/matching/oracle.py),
never with the engine's Problem, model or solver.

Each finding is `{rule, message, person?}` with the design's rule names (coverage, level, allocation,
capacity, size, department, cap, budget, include, exclude, inactive, passenger, load), plus
`report` (a number or status the answer misstates), `forced_overload` (an overload of a forced member
that is not acknowledged), `unmet` (a soft-mode shortfall the answer does not list), `oracle`
(a claim the brute-force search refutes: infeasible although a valid answer exists, or an optimal
soft answer short of a full staffing) and `oracle_mismatch` (the checker and the search disagree
about a returned team: a bug on one side).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from tests.matching.oracle import (
    EPS, Team, allocation, day_series, fault, forced_of, request_facts, soft_staffing_exists, staffing_exists, team_faults,
    unacknowledged,
)

from teamgraph.graph.model import Window

ANSWER_STATUSES = ("optimal", "feasible", "overloaded")


def _roles(request, covers_by_member: dict[str, Iterable[str]]) -> dict[str, list[int]]:
    """Requirement indices each member fills, from the skills their answer says they cover
    (requirements are unique per skill once resolved)."""
    return {m: [r for r, rq in enumerate(request.requirements) if rq.skill in set(skills)]
            for m, skills in covers_by_member.items()}


def _texts(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _texts(v)


def team_findings(store, request, team, pins: Iterable[str] = ()) -> tuple[list[dict], set[str]]:
    """(every finding on a TeamResult except acknowledged-able forced overloads, the forced members
    it puts over capacity)."""
    forced = forced_of(request, pins)
    ids = [m.id for m in team.members]
    out = []
    if len(set(ids)) != len(ids):
        out.append(fault("size", f"duplicate members in {ids}"))
    roles = _roles(request, {m.id: [c["skill"] for c in m.covers] for m in team.members})
    facts = request_facts(store, request, ids)
    faults = team_faults(request, facts, roles, forced)
    out += unacknowledged(faults)
    for m in team.members:
        f = facts.get(m.id)
        if f is None:
            continue
        a = allocation(request, roles[m.id])
        if abs(m.allocation - a) > 1e-6:
            out.append(fault("allocation", f"{m.id} is given {m.allocation:g} FTE, the rule says {a:g}", m.id))
        load, cap = f.worst(m.allocation)  # the working day where joining weighs most
        if (abs(m.load_before - load) > 1e-6 or abs(m.load_after - (load + m.allocation)) > 1e-6
                or abs(m.capacity - cap) > 1e-9):
            out.append(fault("report", f"{m.id} load {m.load_before:g} → {m.load_after:g} of {m.capacity:g} "
                                       f"misreported (store: {load:g} of {cap:g} before)", m.id))
        if not roles[m.id] and m.id not in forced:
            out += _unexplained(store, request, len(ids), f, m.to_dict(), out)
    return out, {f["person"] for f in faults if f.get("forced")}


def _unexplained(store, request, n: int, f, member: dict, found: list[dict]) -> list[dict]:
    """A member who covers nothing is there for the size minimum or a department: the answer
    says which (either, when both hold), the department by name."""
    if any(x.get("person") == f.id for x in found if x["rule"] == "passenger"):
        return []  # a passenger already
    dept = store.get("department", f.department)
    words = ["size minimum"] if n == request.size_min else []
    if f.department in request.required_departments:
        words.append(dept.name if dept else f.department)
    if any(w in t for t in _texts(member) for w in words):
        return []
    return [fault("passenger", f"{f.id} covers nothing and the answer does not say why", f.id)]


def violations(store, request, team, pins: Iterable[str] = ()) -> list[dict]:
    """Every broken rule of `team` (a TeamResult) for the resolved `request`; [] when valid.
    A forced member's overload is allowed here (rule 2); `suggestion_findings` checks it is reported."""
    return team_findings(store, request, team, pins)[0]


def _overload_noted(store, over: set[str], notes: list[str]) -> list[dict]:
    """The answer says it in words too: "feasible only with this forced overload: Ann Lee at 140 %"."""
    said = [n for n in notes if "forced overload" in n]
    return [fault("forced_overload", f"no note names {store.get('person', p).name} as a forced overload", p)
            for p in sorted(over) if not any(store.get("person", p).name in n for n in said)]


def _listed(entries) -> set[str]:
    return {e["person"] if isinstance(e, dict) else getattr(e, "person", e) for e in entries or ()}


def suggestion_findings(store, request, sug, pins: Iterable[str] = (),
                        oracle: list[Team] | None = None) -> list[dict]:
    """Every promise `sug` (a Suggestion for the resolved `request`) breaks; `oracle` is the
    brute-force list of valid teams (tests/matching/oracle.valid_teams), when known."""
    pins = list(pins)
    out = []
    if sug.status not in (*ANSWER_STATUSES, "infeasible"):
        out.append(fault("report", f"status {sug.status!r} (violations: {getattr(sug, 'violations', None)})"))
    if sug.status in ANSWER_STATUSES and sug.team is None:
        out.append(fault("report", f"status {sug.status} without a team"))
    if sug.status == "infeasible" and sug.team is not None:
        out.append(fault("report", "infeasible with a team"))
    if sug.team is not None:
        bad, over = team_findings(store, request, sug.team, pins)
        out += [dict(f, message=f"{sug.status}: {f['message']}") for f in bad]
        listed = _listed(getattr(sug, "forced_overload", ()))
        for p in sorted(over - listed):
            out.append(fault("forced_overload", f"{sug.status}: forced {p} over capacity, not in forced_overload", p))
        for p in sorted(listed - over):
            out.append(fault("report", f"forced_overload lists {p}, who is within capacity", p))
        if over and sug.status != "overloaded":
            out.append(fault("forced_overload", f"status {sug.status} with forced members over capacity"))
        out += _overload_noted(store, over, sug.notes)
        if not over and sug.status == "overloaded":
            out.append(fault("report", "status overloaded with nobody over capacity"))
        if oracle is not None and not bad:
            roles = _roles(request, {m.id: [c["skill"] for c in m.covers] for m in sug.team.members})
            key = tuple(sorted((m, tuple(rs)) for m, rs in roles.items()))
            if all(t.roles != key for t in oracle):
                out.append(fault("oracle_mismatch", f"the checker accepts {key} but the oracle did not find it"))
        earlier = [set(sug.team.ids)]
        for alt in sug.alternatives:
            out += [dict(f, message=f"alternative: {f['message']}")
                    for f in team_findings(store, request, alt, pins)[0]]
            if set(alt.ids) in earlier:  # alternatives differ from every earlier team (min_diff ≥ 1)
                out.append(fault("report", f"alternative {sorted(alt.ids)} repeats an earlier team"))
            earlier.append(set(alt.ids))
    if oracle is not None:
        if sug.status == "infeasible" and oracle:
            t = oracle[0]
            out.append(fault("oracle", f"infeasible, yet {len(oracle)} valid team(s) exist, e.g. {t.roles}"))
        if sug.status in ANSWER_STATUSES and not oracle:
            out.append(fault("oracle_mismatch", f"{sug.status} although no valid team exists"))
    return out


def _days(window: Window) -> Iterable:
    d = window.start
    while d <= window.end:
        yield d
        d += timedelta(days=1)


def _unmet_listed(team: dict, f: dict) -> bool:
    """Whether soft mode's shortfall `f` is among the team's `unmet` entries."""
    for u in team.get("unmet") or ():
        if u.get("rule") == f["rule"] and all(u.get(k) == f[k] for k in ("skill", "department") if k in f):
            return True
    return False


def portfolio_findings(store, portfolio, res, people: Iterable[str], *, oracle: bool = True) -> list[dict]:
    """Every promise `res` (a PortfolioResult) breaks for the resolved `portfolio`: per-request
    rules, loads adding up day by day across overlapping requests, forced overload reported,
    soft-mode shortfalls listed as unmet; with `oracle`, "infeasible" and soft-mode shortfalls
    against the brute-force search over `people` (the organisation's person ids)."""
    people = list(people)
    soft = portfolio.max_load is not None
    cap = portfolio.max_load if soft else 1.0
    reqs = list(portfolio.requests)
    out = []
    if res.status not in (*ANSWER_STATUSES, "infeasible"):
        out.append(fault("report", f"status {res.status!r} (violations: {getattr(res, 'violations', None)})"))
    if soft and (res.lower_bound is not None or res.gap is not None):
        out.append(fault("report", f"soft mode reports lower_bound {res.lower_bound} and gap {res.gap}"))
    staffed = res.status in ANSWER_STATUSES
    if staffed and len(res.teams) != len(reqs):
        out.append(fault("report", f"{len(res.teams)} teams for {len(reqs)} requests"))
        return out
    over: set[str] = set()
    gaps = False
    alloc_by: list[dict[str, float]] = []
    for k, (rq, team) in enumerate(zip(reqs, res.teams if staffed else ())):
        where = f"requests[{k}] {rq.name}"
        roles = _roles(rq, {m["id"]: m.get("covers", ()) for m in team["members"]})
        facts = request_facts(store, rq, roles)
        for f in team_faults(rq, facts, roles, forced_of(rq), load_cap=cap):
            if f.get("forced"):  # above the load cap is allowed for them; above capacity is reported
                fp = facts[f["person"]]
                if not fp.fits(allocation(rq, roles[fp.id])):
                    over.add(fp.id)
            elif soft and f.get("gap"):
                gaps = True
                if not _unmet_listed(team, f):
                    out.append(fault("unmet", f"{where}: {f['message']}, not listed in unmet"))
            else:
                out.append(dict(f, message=f"{res.status} {where}: {f['message']}"))
        for m in team["members"]:
            if not roles[m["id"]] and m["id"] not in rq.include and facts.get(m["id"]) is not None:
                out += [dict(x, message=f"{where}: {x['message']}")
                        for x in _unexplained(store, rq, len(roles), facts[m["id"]], m, out)]
        alloc_by.append({})
        for m in team["members"]:
            a = allocation(rq, roles[m["id"]])
            alloc_by[k][m["id"]] = a
            if abs(m["allocation"] - a) > 1e-6:
                out.append(fault("allocation", f"{where}: {m['id']} given {m['allocation']:g}, rule says {a:g}",
                                 m["id"]))
    # Day by day: the existing load that very day plus the allocation of every running request of
    # theirs. Exempt only where every one of those memberships is forced (an include).
    for p in sorted({p for a in alloc_by for p in a}):
        ks = [k for k, a in enumerate(alloc_by) if p in a]
        if len(ks) < 2:
            continue
        span = Window(min(reqs[k].window.start for k in ks), max(reqs[k].window.end for k in ks))
        days = {x.day: x for x in day_series(store, p, span)}  # the oracle's own day-by-day load
        for d in sorted({d for k in ks for d in _days(reqs[k].window)}):
            running = [k for k in ks if reqs[k].window.start <= d <= reqs[k].window.end]
            if days[d].away:
                continue  # no work that day
            total = days[d].load + sum(alloc_by[k][p] for k in running)
            if len(running) < 2 or total <= cap * days[d].capacity + EPS:
                continue
            if all(p in reqs[k].include for k in running):
                if total > days[d].capacity + EPS:
                    over.add(p)
                continue
            out.append(fault("load", f"{res.status}: {p} at {total:g} on {d} in requests {running}, "
                                     f"capacity {days[d].capacity:g} × {cap:g}", p))
            break
    listed = _listed(getattr(res, "forced_overload", ()))
    for p in sorted(over - listed):
        out.append(fault("forced_overload", f"{res.status}: forced {p} is over capacity, not reported", p))
    if over and res.status != "overloaded":
        out.append(fault("forced_overload", f"status {res.status} with forced members over capacity"))
    out += _overload_noted(store, over, res.notes)
    if staffed and not over and res.status == "overloaded":
        out.append(fault("report", "status overloaded with nobody over capacity"))
    if oracle and not soft and res.status == "infeasible":
        found = staffing_exists(store, portfolio, people)
        if found is not None:
            out.append(fault("oracle", f"infeasible, yet this staffing is valid: {[t.roles for t in found]}"))
    if oracle and soft and res.status == "infeasible" and soft_staffing_exists(store, portfolio):
        out.append(fault("oracle", "soft mode infeasible, yet every request's forced members alone keep every "
                                   "hard rule"))
    if oracle and soft and res.status == "optimal" and gaps:
        found = staffing_exists(store, portfolio, people, load_cap=cap)
        if found is not None:
            out.append(fault("oracle", f"optimal leaves {[t.get('unmet') for t in res.teams]} unmet, yet every "
                                       f"request can be met at load {cap:g}: {[t.roles for t in found]}"))
    return out
