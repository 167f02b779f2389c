"""`teamgraph capacity`: HR's capacity heatmap in the terminal — departments × weeks, or one
department's people × weeks. Thin over the engine's grids (teamgraph/heatmap.py), the same figures
and role rule as the /capacity page and GET /api/v1/capacity.

Each cell is the week's utilisation (load ÷ capacity): a department's mean, or a person's; a
shade from light to dark as it rises, "!" where someone is over capacity, "~" where someone has
time off that week. `--json` prints the API's data.
"""

from __future__ import annotations

from datetime import date, timedelta

import click

from teamgraph import limits
from teamgraph.edge import as_options, echo_json, engine, viewer_of, waiting

SHADES = " ░▒▓█"  # no load, < 50 %, < 75 %, ≤ 100 %, over


def shade(util: float | None, over: bool) -> str:
    """The shade of a utilisation (None: capacity 0 with load, over by any amount)."""
    if over or util is None:
        return SHADES[4]
    return SHADES[0] if util <= 0 else SHADES[1] if util < 0.5 else SHADES[2] if util < 0.75 else SHADES[3]


def cell_text(util: float | None, over: bool, away: bool) -> str:
    """A 7-character cell under a week's " DD Mon": a space, the shade, utilisation in % (4), a mark
    ("!" over capacity, "~" time off)."""
    figure = "   ∞" if util is None else f"{min(util, 9.99):>4.0%}"[-4:]
    return f" {shade(util, over)}{figure}{'!' if over else '~' if away else ' '}"


def grid_text(title: str, weeks: list[str], rows: list[tuple[str, list[str]]]) -> str:
    """Rows of cells under a header of week starts (day and month)."""
    width = max([len(name) for name, _ in rows] + [len(title)])
    head = title.ljust(width) + "".join(f" {date.fromisoformat(w):%d %b}" for w in weeks)
    lines = [head] + [name.ljust(width) + "".join(cells) for name, cells in rows]
    lines.append("shade: utilisation (none: no load, light < 50 %, dark ≥ 75 %, full: over capacity); "
                 "! someone over capacity, ~ someone on leave that week")
    return "\n".join(lines)


def departments_text(data: dict) -> str:
    rows = [(f"{d['name']} ({d['people']})",
             [cell_text(c["mean_util"], c["over"] > 0, c["away"] > 0) for c in d["cells"]])
            for d in data["departments"]]
    text = grid_text("department (people): mean utilisation", data["weeks"], rows)
    over = [f"{d['name']}: {_count(max(c['over'] for c in d['cells']), 'person', 'people')} in "
            f"{_count(sum(c['over'] > 0 for c in d['cells']), 'week', 'weeks')}"
            for d in data["departments"] if any(c["over"] for c in d["cells"])]
    return text + "\n" + ("over capacity — " + "; ".join(over) if over else "nobody is over capacity in any week")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def people_text(data: dict) -> str:
    rows = [(p["name"], [cell_text(c["util_before"], c["over_before"], c["away_days"] > 0) for c in p["cells"]])
            for p in data["people"]]
    return grid_text(f"{data['department']['name']}: utilisation", data["weeks"], rows)


@click.command()
@click.option("--department", metavar="ID|NAME", help="One department's people × weeks (default: every department).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]),
              help="First week (default: this week's Monday).")
@click.option("--weeks", type=click.IntRange(1, limits.MAX_CAPACITY_DAYS // 7), default=limits.CAPACITY_DAYS // 7 + 1,
              show_default=True, help="How many weeks.")
@as_options
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
def capacity(department: str | None, start, weeks: int, as_role, as_person, as_json: bool) -> None:
    """Capacity heatmap (HR and admins): utilisation by department and week, or one department's
    people by week, with over-capacity and leave marked."""
    from teamgraph.graph.model import Window
    first = start.date() if start else date.today()
    first -= timedelta(days=first.weekday())
    window = Window(first, first + timedelta(days=7 * weeks - 1))
    viewer = viewer_of(as_role, as_person)
    tg = engine()
    with waiting("reading load"):
        if department:
            from teamgraph.scenarios import department_named
            dep = department_named(tg, department, "--department")
            data = tg.department_people(dep.id, window, viewer)
        else:
            data = tg.department_capacity(window, viewer)
    if as_json:
        echo_json(data)
    else:
        click.echo(people_text(data) if department else departments_text(data))
