"""Plain-text rendering of suggestions, why-nots and portfolio results for the CLI."""

from __future__ import annotations

WIDTH = 20


def load_bar(before: float, after: float, capacity: float) -> str:
    """`████▒▒▒·····  40%→70%`: existing load solid, the new allocation shaded, on a capacity scale."""
    cap = capacity or 1.0
    b = min(WIDTH, round(WIDTH * before / cap))
    a = min(WIDTH, round(WIDTH * after / cap))
    return "█" * b + "▒" * (a - b) + "·" * (WIDTH - a) + f" {before / cap:4.0%}→{after / cap:4.0%}"


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    widths = [max(_width(str(r[k])) for r in rows + [header]) for k in range(len(header))]
    fmt = lambda r: "  ".join(str(c) + " " * (w - _width(str(c))) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return [fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]


def display_names(people) -> dict[str, str]:
    """Person id → the name people read: the name, with the id only beside a name that two
    different people share (ids belong in JSON); the id when there is no name."""
    people = dict(people)
    taken: dict[str, int] = {}
    for name in people.values():
        if name:
            taken[name] = taken.get(name, 0) + 1
    return {pid: (f"{name} ({pid})" if taken[name] > 1 else name) if name else pid for pid, name in people.items()}


def team_text(team, title: str, names: dict[str, str] | None = None) -> list[str]:
    names = names or display_names((m.id, m.name) for m in team.members)
    rows = []
    for m in team.members:
        covers = ", ".join(f"{c['label']} {c['level']}≥{c['required_level']}" for c in m.covers)
        covers = covers or m.needed_for or ("included or pinned" if m.forced else "-")
        rows.append([names.get(m.id, m.name), m.department_name or m.department, covers, f"{m.allocation:g}",
                     load_bar(m.load_before, m.load_after, m.capacity)])
    out = [f"{title}  (score {team.total:g}, max utilisation {team.max_util:.0%})"]
    out += ["  " + line for line in _table(rows, ["member", "dept", "covers", "FTE", "load before→after"])]
    out.append("  score: " + ", ".join(f"{k} {v:+g}" for k, v in team.score.items()))
    return out


def _broken(violations) -> list[str]:
    return [f"rule broken ({v['rule']}{', ' + v['request'] if v.get('request') else ''}): {v['message']}"
            for v in violations]


def suggestion_text(sug) -> str:
    from teamgraph.matching.explain import overload_note
    overload = overload_note(sug.forced_overload) if sug.forced_overload else None
    if sug.status == "overloaded":  # never called optimal: the forced overload leads
        proof = f" — {overload}"
    elif sug.team is None or sug.status == "invalid":
        proof = ""
    else:
        proof = (" (proven optimal)" if sug.proven_optimal else
                 " (not proven optimal)" if sug.gap is None else f" (gap {sug.gap:.1%})")
    out = [f"{sug.request.get('name') or 'request'}: {sug.status}{proof}"
           + f" in {sug.seconds:.2f}s, {sug.solves} solves; pool {sug.pool.get('candidates')} candidates,"
           f" {sug.pool.get('kept_after_pruning')} after safe pruning"]
    out += _broken(sug.violations)
    teams = [sug.team, *sug.alternatives] if sug.team is not None else []
    known = {m.id: m.name for t in teams for m in t.members} | (sug.diff.names if sug.diff else {})
    names = display_names(known)
    if sug.team is None:
        out.append(str(sug.diagnosis) if sug.diagnosis is not None else "no team found")
    else:
        out += team_text(sug.team, "Best team", names)
        for k, alt in enumerate(sug.alternatives, 1):
            out += team_text(alt, f"Alternative {k}", names)
    if sug.diff:
        out.append(f"diff: +{', '.join(names.get(p, p) for p in sug.diff.added) or '-'}  "
                   f"−{', '.join(names.get(p, p) for p in sug.diff.removed) or '-'}")
    out += [f"note: {n}" for n in sug.notes if n != overload or sug.status != "overloaded"]
    return "\n".join(out)


def unmet_words(u: dict) -> str:
    """One soft-mode `unmet` entry of a portfolio team, in words."""
    if u.get("rule") == "coverage" and "missing" in u:
        n = u["missing"]
        return f"{u.get('label') or u['skill']} ≥ {u['level']}: {n} more {'person' if n == 1 else 'people'} needed"
    if u.get("rule") == "department" and "department" in u:
        return f"no member from required department {u.get('department_name') or u['department']}"
    if u.get("rule") == "size" and "minimum" in u:
        return f"{u['size']} {'member' if u['size'] == 1 else 'members'}, below the size minimum of {u['minimum']}"
    return u["message"]


def portfolio_text(res) -> str:
    """`staff` in words: people by name, requirements by label, what each team leaves unmet, the
    forced overload and any broken rule; ids stay in the JSON."""
    from teamgraph.matching.explain import overload_note
    if res.mode == "hard" and res.lower_bound is not None and res.gap is not None:
        head = (f"max utilisation {res.max_util:.0%} (lower bound {res.lower_bound:.0%}, gap {res.gap:.1%}; "
                f"greedy baseline {res.baseline_max_util:.0%})")
    elif res.mode == "hard":
        head = f"max utilisation {res.max_util:.0%} (greedy baseline {res.baseline_max_util:.0%})"
    else:
        head = f"max utilisation {res.max_util:.0%} (greedy baseline covers {res.baseline_covered})"
    out = [f"{res.mode} mode: {res.status}; {head}; covered {res.covered}/{res.required} requirement slots"
           f" in {res.seconds:.1f}s"]
    overload = overload_note(res.forced_overload) if res.forced_overload else None
    if overload:
        out.append(overload)
    out += _broken(res.violations)
    names = display_names([(m["id"], m.get("name")) for t in res.teams for m in t["members"]]
                          + [(p["id"], p.get("name")) for p in res.people]
                          + [(f["person"], f.get("name")) for f in res.forced_overload])
    for t in res.teams:
        members = []
        for m in t["members"]:
            forced = "included or pinned" if m.get("forced") else ""
            what = ", ".join(m.get("covers_labels", m["covers"])) or m.get("needed_for") or ("" if forced else "-")
            members.append(f"{names[m['id']]} ({'; '.join(w for w in (what, forced) if w)})")
        out.append(f"  {t['request']}: {', '.join(members) or '(not staffed)'}")
        # A shortfall is either listed in soft mode's unmet or a broken rule printed above, so
        # `uncovered` (the same slots by skill id, for programs) is not repeated here.
        out += [f"    unmet: {unmet_words(u)}" for u in t.get("unmet", [])]
    if res.people:
        rows = [[names[p["id"]], load_bar(p["load_before"], p["load_after"], p["capacity"])]
                for p in res.people[:30]]
        out += ["  " + line for line in _table(rows, ["busiest assigned people", "load before→after"])]
    out += [f"note: {n}" for n in res.notes if n != overload]
    return "\n".join(out)
