"""`teamgraph eval portfolio DIR`: staff every test question of a team2box-format folder at once.

Mapping (see /work/shared/data/README.md): each answerer in `user_tags.txt` is a person holding
each of their tags (level from their number of answers: 1 + log2, capped at 5); each test
question is a request needing one person per tag (team size ≤ number of tags). Questions are
numbered train first, then test, in `Q_ID_Map.txt` order, so the test questions are new ids
[len(train.txt), len(train.txt) + len(test.txt)). Every question takes 0.1 FTE of whoever answers
it in one shared window, so a utilisation cap of L/10 means "at most L questions per person".

Coverage = covered (question, tag) pairs / all (question, tag) pairs, for teamgraph's soft
portfolio mode and the slot-by-slot greedy baseline, for L = 1 … 10.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from datetime import date
from pathlib import Path

import click

from teamgraph.graph.model import ChangeSet, Department, Person, PersonSkill, Skill, Window
from teamgraph.matching.request import Portfolio, Requirement, TeamRequest
from teamgraph.errors import FieldProblem, ValidationError

WINDOW = Window(date(2026, 1, 1), date(2026, 3, 31))
PER_QUESTION = 0.1


def _lines(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return [ln.split() for ln in f]
    except OSError as e:
        raise ValidationError(FieldProblem(f"cannot read: {e.strerror}", str(path))) from e


def read_team2box(folder: str | Path) -> tuple[dict[str, dict[str, int]], list[tuple[str, list[str]]]]:
    """(person → {tag: answers}, [(question id, tags)] for the test split)."""
    folder = Path(folder)
    need = ["user_tags.txt", "Q_tags.txt", "Q_ID_Map.txt", "train.txt", "test.txt"]
    missing = [n for n in need if not (folder / n).exists()]
    if missing:
        raise ValidationError([FieldProblem("missing file (team2box format)", str(folder / n)) for n in missing])
    people: dict[str, dict[str, int]] = {}
    for lineno, row in enumerate(_lines(folder / "user_tags.txt")[1:], 2):
        if len(row) < 1 or (len(row) - 1) % 3:
            raise ValidationError(FieldProblem("expected `userId tag answers score …`",
                                               str(folder / "user_tags.txt"), lineno))
        people[f"u{row[0]}"] = {row[k]: int(row[k + 1]) for k in range(1, len(row), 3)}
    new_to_orig = {int(r[0]): r[1] for r in _lines(folder / "Q_ID_Map.txt")[1:] if len(r) == 2}
    tags = {r[0]: list(dict.fromkeys(r[1:])) for r in _lines(folder / "Q_tags.txt") if r}
    n_train = len(_lines(folder / "train.txt"))
    n_test = len(_lines(folder / "test.txt"))
    questions = []
    for q in range(n_train, n_train + n_test):
        orig = new_to_orig.get(q)
        if orig is not None and tags.get(orig):
            questions.append((orig, tags[orig]))
    return people, questions


def build(store, people: dict[str, dict[str, int]], questions) -> Portfolio:
    """Load the people into `store` and return the test questions as a portfolio."""
    all_tags = sorted({t for prof in people.values() for t in prof} | {t for _, ts in questions for t in ts})
    cs = ChangeSet().add(Department("community", "Community"))
    cs.add(*(Skill(t, t) for t in all_tags))
    for pid in sorted(people):
        cs.add(Person(pid, pid, f"{pid}@example.org", "community"))
        for tag, n in people[pid].items():
            cs.add(PersonSkill(pid, tag, min(5, 1 + int(math.log2(max(1, n)))), "inferred-from-project"))
    store.apply(cs)
    reqs = tuple(TeamRequest(window=WINDOW, requirements=tuple(Requirement(t, 1, 1, None, t) for t in ts),
                             name=f"q{qid}", allocation=PER_QUESTION, size_min=1, size_max=len(ts), resolved=True)
                 for qid, ts in questions)
    return Portfolio(reqs, "team2box test questions")


def eval_portfolio(folder: str | Path, *, loads=range(1, 11), time_limit: float = 20.0, seed: int = 0) -> dict:
    """Coverage vs. load cap for teamgraph and the greedy baseline (the issue's JSON shape)."""
    from tqdm import tqdm

    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.matching.portfolio import PortfolioPool, staff_pool
    people, questions = read_team2box(folder)
    out = {"max_load": list(loads), "teamgraph": {"coverage": [], "seconds": []}, "baseline": {"coverage": []}}
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "team2box.sqlite3")
        try:
            pool = PortfolioPool(store, build(store, people, questions), progress=False)
            for L in tqdm(list(loads), desc=f"eval portfolio {Path(folder).name}", file=None):
                t0 = time.perf_counter()
                res = staff_pool(pool, max_load=L * PER_QUESTION + 1e-9, time_limit=time_limit, seed=seed,
                            candidates_per_slot=25, tie_break=False)
                seconds = time.perf_counter() - t0
                out["teamgraph"]["coverage"].append(round(res.covered / res.required, 4) if res.required else 0.0)
                out["teamgraph"]["seconds"].append(round(seconds, 3))
                out["baseline"]["coverage"].append(
                    round(res.baseline_covered / res.required, 4) if res.required else 0.0)
        finally:
            store.close()
    return out


@click.command("portfolio")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--time-limit", type=float, default=20.0, show_default=True, help="Seconds per load cap.")
@click.option("--seed", default=0, show_default=True)
def eval_portfolio_cmd(folder, time_limit, seed):
    """Coverage vs. per-person load cap L = 1…10 on a team2box-format FOLDER, as JSON."""
    click.echo(json.dumps(eval_portfolio(folder, time_limit=time_limit, seed=seed)))
