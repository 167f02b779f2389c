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


def team_text(team, title: str) -> list[str]:
    rows = []
    for m in team.members:
        covers = ", ".join(f"{c['label']} {c['level']}≥{c['required_level']}" for c in m.covers)
        covers = covers or m.needed_for or ("included or pinned" if m.forced else "-")
        rows.append([m.name, m.department, covers, f"{m.allocation:g}", load_bar(m.load_before, m.load_after,
                                                                                m.capacity)])
    out = [f"{title}  (score {team.total:g}, max utilisation {team.max_util:.0%})"]
    out += ["  " + line for line in _table(rows, ["member", "dept", "covers", "FTE", "load before→after"])]
    out.append("  score: " + ", ".join(f"{k} {v:+g}" for k, v in team.score.items()))
    return out


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
    for v in sug.violations:
        out.append(f"rule broken ({v['rule']}): {v['message']}")
    if sug.team is None:
        out.append(str(sug.diagnosis) if sug.diagnosis is not None else "no team found")
    else:
        out += team_text(sug.team, "Best team")
        for k, alt in enumerate(sug.alternatives, 1):
            out += team_text(alt, f"Alternative {k}")
    if sug.diff:
        name = sug.diff.names.get
        out.append(f"diff: +{', '.join(name(p, p) for p in sug.diff.added) or '-'}  "
                   f"−{', '.join(name(p, p) for p in sug.diff.removed) or '-'}")
    out += [f"note: {n}" for n in sug.notes if n != overload or sug.status != "overloaded"]
    return "\n".join(out)


def portfolio_text(res) -> str:
    if res.mode == "hard" and res.lower_bound is not None and res.gap is not None:
        head = (f"max utilisation {res.max_util:.0%} (lower bound {res.lower_bound:.0%}, gap {res.gap:.1%}; "
                f"greedy baseline {res.baseline_max_util:.0%})")
    elif res.mode == "hard":
        head = f"max utilisation {res.max_util:.0%} (greedy baseline {res.baseline_max_util:.0%})"
    else:
        head = f"max utilisation {res.max_util:.0%} (greedy baseline covers {res.baseline_covered})"
    out = [f"{res.mode} mode: {res.status}; {head}; covered {res.covered}/{res.required} requirement slots"
           f" in {res.seconds:.1f}s"]
    for v in getattr(res, "violations", []):
        out.append(f"rule broken ({v['rule']}): {v['message']}")
    for t in res.teams:
        members = ", ".join(f"{m.get('name') or m['id']}({'/'.join(m['covers']) or '-'})" for m in t["members"])
        out.append(f"  {t['request']}: {members or '(not staffed)'}")
        for u in t.get("uncovered", []):
            out.append(f"    uncovered: {u['skill']} ≥ {u['level']} × {u['missing']}")
        for u in t.get("unmet", []):
            if u.get("rule") != "coverage":  # coverage shortfalls are the uncovered lines above
                out.append(f"    unmet: {u['message']}")
    if res.people:
        rows = [[p.get("name") or p["id"], load_bar(p["load_before"], p["load_after"], p["capacity"])]
                for p in res.people[:30]]
        out += ["  " + line for line in _table(rows, ["busiest assigned people", "load before→after"])]
    out += [f"note: {n}" for n in res.notes]
    return "\n".join(out)
