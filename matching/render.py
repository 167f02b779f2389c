"""Plain-text rendering of suggestions, why-nots and portfolio results for the CLI."""

from __future__ import annotations

from datetime import date

from teamgraph.edge import text_table

WIDTH = 20


def load_bar(before: float, after: float, capacity: float) -> str:
    """`████▒▒▒·····  40%→70%`: existing load solid, the new allocation shaded, on a capacity scale."""
    cap = capacity or 1.0
    b = min(WIDTH, round(WIDTH * before / cap))
    a = min(WIDTH, round(WIDTH * after / cap))
    return "█" * b + "▒" * (a - b) + "·" * (WIDTH - a) + f" {before / cap:4.0%}→{after / cap:4.0%}"


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    return text_table(header, [[str(c) for c in r] for r in rows])


def display_names(people) -> dict[str, str]:
    """Person id → the name people read: the name, with the id only beside a name that two
    different people share (ids belong in JSON); the id when there is no name."""
    people = dict(people)
    taken: dict[str, int] = {}
    for name in people.values():
        if name:
            taken[name] = taken.get(name, 0) + 1
    return {pid: (f"{name} ({pid})" if taken[name] > 1 else name) if name else pid for pid, name in people.items()}


def load_text(m: dict) -> str:
    """A member's load as the viewer may see it (teamgraph/present.py decides what is there): bars
    for load figures, else the rounded utilisation before and whether the allocation fits, else
    the availability band."""
    if m.get("capacity") is not None and m.get("load_before") is not None and m.get("load_after") is not None:
        return load_bar(m["load_before"], m["load_after"], m["capacity"])
    if m.get("util_before") is not None:
        return f"{m['util_before']:.0%} before" + (f", {m['availability_after']}" if m.get("availability_after") else "")
    return m.get("availability") or "-"


def team_text(team: dict, title: str, names: dict[str, str] | None = None) -> list[str]:
    """One team of a (viewed) Suggestion dict in words."""
    members = team["members"]
    names = names or display_names((m["id"], m.get("name")) for m in members)
    rows = []
    for m in members:
        covers = ", ".join(f"{c['label']} {c['level']}≥{c['required_level']}" for c in m.get("covers", []))
        covers = covers or m.get("needed_for") or ("included or pinned" if m.get("forced") else "-")
        rows.append([names.get(m["id"], m.get("name") or m["id"]), m.get("department_name") or m.get("department"),
                     covers, f"{m['allocation']:g}" if m.get("allocation") is not None else "-", load_text(m)])
    peak = f", max utilisation {team['max_util']:.0%}" if team.get("max_util") is not None else ""
    out = [f"{title}  (score {team['total']:g}{peak})"]
    if team.get("summary"):  # matching.explain.describe: requirements met, fit, cost in words
        out.append("  " + team["summary"]["words"])
    if team.get("versus_best"):
        out.append("  against the best team: " + team["versus_best"]["words"])
    out += ["  " + line for line in _table(rows, ["member", "dept", "covers", "FTE", "load before→after"])]
    for m in members:  # time off and holidays in the window (graph/load.py: no work those days)
        if m.get("away"):
            from teamgraph.matching.problem import away_words
            spans = [(date.fromisoformat(a["start"]), date.fromisoformat(a["end"])) for a in m["away"]]
            if away_words(spans, 2):
                out.append(f"  {names.get(m['id'], m.get('name') or m['id'])}: {away_words(spans, 2)}")
    parts = team.get("score_parts") or [{"label": k, "value": v} for k, v in team["score"].items()]
    out.append("  score: " + (", ".join(f"{p['label']} {p['value']:+.2f}" for p in parts if p["value"]) or "0"))
    return out


def score_meanings(team: dict) -> list[str]:
    """What each part of the score measures (matching.explain.TERM_WORDS), once per answer."""
    return [f"  {p['label']}: {p['meaning']}" for p in team.get("score_parts", []) if p.get("meaning")]


def _broken(violations) -> list[str]:
    return [f"rule broken ({v['rule']}{', ' + v['request'] if v.get('request') else ''}): {v['message']}"
            for v in violations]


def _diagnosis_text(d: dict) -> str:
    """The diagnosis in Diagnosis.__str__'s words (one wording), from its dict."""
    from teamgraph.matching.diagnose import Diagnosis, Relaxation
    return str(Diagnosis(d.get("summary", ""), d.get("requirements", []), d.get("conflict", []),
                         [Relaxation(**r) for r in d.get("relaxation", [])],
                         [Relaxation(**r) for r in d.get("options", [])], list(d.get("notes", []))))


OVERLOAD_NOTE = "feasible only with this forced overload"


def suggestion_text(sug) -> str:
    """A suggestion in words: a Suggestion (everything) or the dict a viewer may see
    (`Teamgraph.view(sug.to_dict(), viewer)`, which the CLI prints for --as-role)."""
    d = sug if isinstance(sug, dict) else sug.to_dict()
    # the forced-overload note as the viewer's redactions worded it (with or without percentages)
    overload = next((n for n in d.get("notes", []) if isinstance(n, str) and n.startswith(OVERLOAD_NOTE)), None)
    if overload is None and d.get("forced_overload"):
        from teamgraph.matching.explain import overload_note
        overload = overload_note(d["forced_overload"])
    team = d.get("team")
    if d["status"] == "overloaded":  # never called optimal: the forced overload leads
        proof = f" — {overload}"
    elif team is None or d["status"] == "invalid":
        proof = ""
    else:
        proof = (" (proven optimal)" if d.get("proven_optimal") else
                 " (not proven optimal)" if d.get("gap") is None else f" (gap {d['gap']:.1%})")
    pool = d.get("pool") or {}
    out = [f"{d['request'].get('name') or 'request'}: {d['status']}{proof}"
           + f" in {d.get('seconds', 0):.2f}s, {d.get('solves', 0)} solves; pool {pool.get('candidates')} candidates,"
           f" {pool.get('kept_after_pruning')} after safe pruning"]
    out += _broken(d.get("violations", []))
    teams = [team, *d.get("alternatives", [])] if team is not None else []
    diff = d.get("diff") or {}
    known = {m["id"]: m.get("name") for t in teams for m in t["members"]} | (diff.get("names") or {})
    names = display_names(known)
    if team is None:
        out.append(_diagnosis_text(d["diagnosis"]) if d.get("diagnosis") else "no team found")
    else:
        out += team_text(team, "Best team", names)
        for k, alt in enumerate(d.get("alternatives", []), 1):
            out += team_text(alt, f"Alternative {k}", names)
    if diff:
        out.append(f"diff: +{', '.join(names.get(p, p) for p in diff.get('added', [])) or '-'}  "
                   f"−{', '.join(names.get(p, p) for p in diff.get('removed', [])) or '-'}")
    out += [f"note: {n}" for n in d.get("notes", []) if n != overload or d["status"] != "overloaded"]
    if team is not None and team.get("score_parts"):
        out += [team.get("score_words") or "the score is the sum of its parts:", *score_meanings(team)]
    return "\n".join(out)


def unfilled_words(uncovered: list[dict]) -> str:
    """A portfolio team's unfilled skill slots (its `uncovered`) by skill name and level, e.g.
    "unfilled: Kubernetes (level 4), Pricing (level 3, 2 people)"; "" when none. The one wording
    of them: the CLI prints it, and the portfolio JSON carries it as `unfilled` for the sponsor and
    what-if pages (the entries keep the skill ids)."""
    def slot(u: dict) -> str:
        n = u.get("missing", 1)
        return f"{u.get('label') or u['skill']} (level {u['level']}{f', {n} people' if n > 1 else ''})"
    return "unfilled: " + ", ".join(slot(u) for u in uncovered) if uncovered else ""


def slot_shortfall(u: dict) -> bool:
    """A soft-mode `unmet` entry that is a skill slot short (said by `unfilled_words` instead)."""
    return u.get("rule") == "coverage" and "missing" in u


def unmet_words(u: dict) -> str:
    """One soft-mode `unmet` entry of a portfolio team other than a slot short, in words."""
    if u.get("rule") == "department" and "department" in u:
        return f"no member from required department {u.get('department_name') or u['department']}"
    if u.get("rule") == "size" and "minimum" in u:
        return f"{u['size']} {'member' if u['size'] == 1 else 'members'}, below the size minimum of {u['minimum']}"
    return u["message"]


def portfolio_text(res) -> str:
    """`staff` in words: people by name, requirements by label, what each team leaves unmet, the
    forced overload and any broken rule; ids stay in the JSON. `res` is a PortfolioResult or the
    dict a viewer may see (`Teamgraph.view(res.to_dict(), viewer)`)."""
    from teamgraph.matching.explain import overload_note
    d = res if isinstance(res, dict) else res.to_dict()
    pct = lambda v: f"{v:.0%}" if v is not None else "–"  # noqa: E731
    if d["mode"] == "hard" and d.get("lower_bound") is not None and d.get("gap") is not None:
        head = (f"max utilisation {pct(d.get('max_util'))} (lower bound {pct(d['lower_bound'])}, gap "
                f"{d['gap']:.1%}; greedy baseline {pct(d.get('baseline_max_util'))})")
    elif d["mode"] == "hard":
        head = f"max utilisation {pct(d.get('max_util'))} (greedy baseline {pct(d.get('baseline_max_util'))})"
    else:
        head = f"max utilisation {pct(d.get('max_util'))} (greedy baseline covers {d.get('baseline_covered')})"
    met = ""
    if d["mode"] == "soft" and d.get("coverage") is not None:  # soft mode's objective and the paper's metric
        met = f"; coverage {d['coverage']:.2f} of {len(d.get('teams') or [])} requests (objective {d.get('objective')})"
    out = [f"{d['mode']} mode: {d['status']}; {head}; covered {d['covered']}/{d['required']} requirement slots"
           f"{met} in {d.get('seconds', 0):.1f}s"]
    forced = d.get("forced_overload") or []
    overload = next((n for n in d.get("notes", []) if isinstance(n, str) and n.startswith(OVERLOAD_NOTE)), None)
    if overload is None and forced:
        overload = overload_note(forced)
    if overload:
        out.append(overload)
    out += _broken(d.get("violations", []))
    people = d.get("people") or []
    names = display_names([(m["id"], m.get("name")) for t in d["teams"] for m in t["members"]]
                          + [(p["id"], p.get("name")) for p in people]
                          + [(f["person"], f.get("name")) for f in forced])
    for t in d["teams"]:
        members = []
        for m in t["members"]:
            forced_in = "included or pinned" if m.get("forced") else ""
            what = ", ".join(m.get("covers_labels", m["covers"])) or m.get("needed_for") or ("" if forced_in else "-")
            members.append(f"{names[m['id']]} ({'; '.join(w for w in (what, forced_in) if w)})")
        out.append(f"  {t['request']}: {', '.join(members) or '(not staffed)'}")
        # Slots short are said once, by name (soft mode's unmet lists the same slots again).
        unfilled = unfilled_words(t.get("uncovered", []))
        out += [f"    {unfilled}"] if unfilled else []
        out += [f"    unmet: {unmet_words(u)}" for u in t.get("unmet", []) if not slot_shortfall(u)]
    if people:
        rows = [[names[p["id"]], load_text(p)] for p in people[:30]]
        out += ["  " + line for line in _table(rows, ["busiest assigned people", "load before→after"])]
    out += [f"note: {n}" for n in d.get("notes", []) if n != overload]
    return "\n".join(out)
