"""`teamgraph eval portfolio`: coverage vs. load cap L on the task-coverage benchmark (SDM'23).

Three inputs, one engine (matching.portfolio_cover_solve) and one baseline (the published
ThresholdGreedy, matching.baseline.threshold_greedy):

* `--experts FILE --tasks FILE` — the SDM'23 dataset format: a JSON list of skill-id lists, one per
  expert / task;
* `--generate 2000x8000` — a generated instance of that shape (matching.portfolio_cover_gen);
* a team2box-format FOLDER, mapped as below; its answers are also re-checked by the one rule set
  (matching.portfolio_check over every rule of matching.rules, through the product's pool).

Output: `{"max_load": [...], "teamgraph": {"coverage", "slot_coverage", "slots", "seconds",
"cpu_seconds", "constructive", "constructive_cpu_seconds", "upper_bound", "gap", "status"},
"baseline": {...}}` with `coverage` the paper's metric (Σ over tasks of the covered fraction of
its skills) and `slot_coverage` the covered (task, skill) pairs as a fraction of all of them
(`slots`: how many).

CPU per L (`cpu_seconds`): each side's answer at that L, on the pool prepared once for both
(`instance.prepare_cpu_seconds`: the shared pairs, ThresholdGreedy's order and buckets, ours);
ours counts the constructive answer, the bound and the search. By default our answer gets
exactly ThresholdGreedy's CPU at that L (see eval_cover); `--time-limit S` gives it S.

Mapping (see /work/shared/data/README.md): each answerer in `user_tags.txt` is a person holding
each of their tags (level from their number of answers: 1 + log2, capped at 5); each test
question is a request needing one person per tag (team size ≤ number of tags). Questions are
numbered train first, then test, in `Q_ID_Map.txt` order, so the test questions are new ids
[len(train.txt), len(train.txt) + len(test.txt)). Every question takes 0.1 FTE of whoever answers
it in one shared window, so a utilisation cap of L/10 means "at most L questions per person".

A person on at most L questions is the load rule at a utilisation cap of L/10.
"""

from __future__ import annotations

import json
import math
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import click

from teamgraph.graph.model import ChangeSet, Department, Person, PersonSkill, Skill, Window
from teamgraph.matching.request_fields import OBJECTIVES
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


def read_team2box(folder: str | Path, split: str = "test") -> tuple[dict[str, dict[str, int]], list[tuple[str, list[str]]]]:
    """(person → {tag: answers}, [(question id, tags)] for the test split, or every question of
    the site with `split="all"`)."""
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
    for q in (range(n_train, n_train + n_test) if split == "test" else sorted(new_to_orig)):
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


def read_skill_lists(path: str | Path, what: str) -> list[list]:
    """A JSON list of skill-id lists (the SDM'23 format); errors name the file, line and entry."""
    path = Path(path)
    problem = None
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        problem = FieldProblem(f"cannot read: {e.strerror}", str(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        problem = FieldProblem(f"not JSON: {getattr(e, 'msg', e)}", str(path), getattr(e, "lineno", None))
    if problem:
        raise ValidationError(problem)
    if not isinstance(data, list):
        raise ValidationError(FieldProblem(f"expected a JSON list of {what}, each a list of skill ids", str(path)))
    return data


def parse_loads(text: str) -> list[int]:
    """"1-10" or "1,2,5" → load caps."""
    out: list[int] = []
    try:
        for part in text.split(","):
            a, _, b = part.strip().partition("-")
            out += list(range(int(a), int(b or a) + 1))
    except ValueError:
        out = []
    if not out or min(out) < 1 or max(out) > 1000:
        raise ValidationError(FieldProblem("expected load caps like 1-10 or 1,2,5 (each 1..1000)", field="loads"))
    return sorted(set(out))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def eval_cover(prep, loads, *, time_limit: float | None = None, repeat: int = 3, seed: int = 0,
               progress: bool = False) -> dict:
    """Ours and ThresholdGreedy at each L on a prepared pool.

    CPU per L: ThresholdGreedy and our constructive algorithm (both deterministic) run `repeat`
    times each, alternately, and each side's least CPU counts (a busy machine only adds to it).
    Our improvement search then starts from the constructive answer; its CPU is added to ours.
    `time_limit`: CPU seconds per L for our whole answer (constructive + search; the best answer
    so far at the limit); None (the default) gives ours exactly ThresholdGreedy's CPU at that L:
    the search only spends what is left of it after our constructive algorithm."""
    from tqdm import tqdm

    from teamgraph.matching.baseline import threshold_greedy
    from teamgraph.matching.portfolio_cover_solve import answer, construct, solve, upper_bounds
    ours = {k: [] for k in ("coverage", "slot_coverage", "slots", "seconds", "cpu_seconds", "constructive",
                            "constructive_cpu_seconds", "upper_bound", "gap", "status")}
    base = {k: [] for k in ("coverage", "slot_coverage", "slots", "seconds", "cpu_seconds")}
    answers = []
    total = int(prep.pool.task_sizes().sum()) or 1
    for L in tqdm(list(loads), desc="eval portfolio", disable=not progress, file=None):
        tg_runs, con_runs = [], []
        for _ in range(max(1, repeat)):
            w0, c0 = time.perf_counter(), time.process_time()
            rows = threshold_greedy(prep, L)
            tg_runs.append((time.process_time() - c0, time.perf_counter() - w0))
            w0, c0 = time.perf_counter(), time.process_time()
            start = construct(prep, L)
            con_runs.append((time.process_time() - c0, time.perf_counter() - w0))
        (tg_cpu, tg_wall), (con_cpu, con_wall) = min(tg_runs), min(con_runs)
        tg = answer(prep, rows, L, constructive=0.0, ub=min(upper_bounds(prep, L).values()), cpu=tg_cpu)
        for k, v in (("coverage", round(tg.coverage, 4)), ("slot_coverage", round(tg.slots / total, 4)),
                     ("slots", tg.slots), ("seconds", round(tg_wall, 3)), ("cpu_seconds", round(tg_cpu, 3))):
            base[k].append(v)
        w0 = time.perf_counter()
        res = solve(prep, L, time_limit=tg_cpu if time_limit is None else time_limit, seed=seed, start=start,
                    spent=con_cpu)
        for k, v in (("coverage", round(res.coverage, 4)), ("slot_coverage", round(res.slots / total, 4)),
                     ("slots", res.slots), ("seconds", round(time.perf_counter() - w0 + con_wall, 3)),
                     ("cpu_seconds", round(res.cpu_seconds, 3)), ("constructive", round(res.constructive, 4)),
                     ("constructive_cpu_seconds", round(con_cpu, 3)),
                     ("upper_bound", round(res.upper_bound, 4)), ("gap", round(res.gap, 4)),
                     ("status", res.status)):
            ours[k].append(v)
        answers.append((L, res.rows, rows))
    return {"max_load": list(loads), "teamgraph": ours, "baseline": base, "_answers": answers}


def check_with_rules(people, questions, prep, answers) -> list[int]:
    """Rule violations per L (ours and the baseline's together) when each answer is read as the
    product's soft-mode staffing of the team2box portfolio and checked by matching.portfolio_check:
    every rule of matching.rules per team, plus the cross-request load at L/10."""
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.matching.portfolio import PortfolioPool
    from teamgraph.matching.portfolio_check import check_staffing
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "team2box.sqlite3")
        try:
            pool = PortfolioPool(store, build(store, people, questions), progress=False)
            for L, *sets in answers:
                bad = 0
                for rows in sets:
                    placed, roles = _as_staffing(pool, prep, rows)
                    check = check_staffing(pool, placed, roles, limit=L * PER_QUESTION + 1e-9, soft=True)
                    bad += len(check.violations)
                out.append(bad)
        finally:
            store.close()
    return out


def _as_staffing(pool, prep, rows):
    """(person, request) → allocation and → the requirements filled: each covered tag by the first
    member (in id order) holding it."""
    cp, pairs = prep.pool, prep.pairs
    members: dict[int, list[int]] = {}
    for e in sorted(rows.tolist(), key=lambda e: cp.person_names[int(pairs.person[e])]):
        members.setdefault(int(pairs.task[e]), []).append(int(pairs.person[e]))
    placed, roles = {}, {}
    for k, ps in members.items():
        taken: set[int] = set()
        for p in ps:
            g = pool.gidx[cp.person_names[p]]
            held = set(cp.person_skills[cp.person_ptr[p]:cp.person_ptr[p + 1]].tolist())
            rs = [r for r, s in enumerate(cp.task_skills[cp.task_ptr[k]:cp.task_ptr[k + 1]].tolist())
                  if s in held and r not in taken]
            taken.update(rs)
            placed[g, k] = PER_QUESTION
            roles[g, k] = rs
    return placed, roles


def eval_portfolio(folder: str | Path | None = None, *, experts: str | Path | None = None,
                   tasks: str | Path | None = None, generate: str | None = None, loads=range(1, 11),
                   time_limit: float | None = None, repeat: int = 3, seed: int = 0, objective: str = "fraction",
                   check: bool = True, progress: bool = False) -> dict:
    """Coverage vs. load cap for teamgraph and ThresholdGreedy on one of the three inputs
    (`time_limit`, `repeat`: see eval_cover)."""
    from teamgraph.matching.portfolio_cover import CoverPool
    from teamgraph.matching.portfolio_cover_solve import prepare
    given = [x is not None for x in (folder, experts or tasks, generate)]
    if sum(given) != 1 or (experts is None) != (tasks is None):
        raise ValidationError(FieldProblem("give a team2box FOLDER, or --experts and --tasks, or --generate",
                                           field="input"))
    t0 = time.process_time()
    people = questions = None
    if folder is not None:
        people, questions = read_team2box(folder)
        names = sorted(people)
        pool = CoverPool.from_lists([sorted(people[p]) for p in names], [ts for _, ts in questions],
                                    person_names=names, task_names=[f"q{q}" for q, _ in questions])
        source = str(folder)
    elif experts is not None:
        pool = CoverPool.from_lists(read_skill_lists(experts, "experts"), read_skill_lists(tasks, "tasks"),
                                    people_source=str(experts), tasks_source=str(tasks))
        source = f"{experts} × {tasks}"
    else:
        from teamgraph.matching.portfolio_cover_gen import generate as gen
        try:
            n, m = (int(x) for x in generate.lower().split("x"))
        except ValueError as e:
            raise ValidationError(FieldProblem("expected PEOPLExTASKS, e.g. 2000x8000", field="generate")) from e
        pool = CoverPool.from_lists(*gen(n, m, seed=seed))
        source = f"generated {n}x{m} seed {seed}"
    prep = prepare(pool, objective)
    read_cpu = time.process_time() - t0
    out = eval_cover(prep, loads, time_limit=time_limit, repeat=repeat, seed=seed, progress=progress)
    answers = out.pop("_answers")
    out["instance"] = {"source": source, "experts": pool.n_people, "tasks": pool.n_tasks, "skills": pool.n_skills,
                       "task_skills": int(pool.task_sizes().sum()), "pairs": len(prep.pairs),
                       "pairs_mb": round(prep.pairs.nbytes / 2 ** 20, 1), "objective": objective,
                       "read_cpu_seconds": round(read_cpu, 3),
                       "prepare_cpu_seconds": {k: round(v, 3) for k, v in prep.cpu_parts.items()},
                       "cpu_runs": max(1, repeat),
                       "time_limit": "baseline's CPU per L" if time_limit is None else time_limit}
    if check and people is not None:
        out["rule_violations"] = check_with_rules(people, questions, prep, answers)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


@click.command("portfolio")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--experts", type=click.Path(exists=True, dir_okay=False), help="JSON list of skill-id lists.")
@click.option("--tasks", type=click.Path(exists=True, dir_okay=False), help="JSON list of skill-id lists.")
@click.option("--generate", metavar="PEOPLExTASKS", help="A generated instance, e.g. 2000x8000.")
@click.option("--loads", default="1-10", show_default=True, help="Load caps L: 1-10 or 1,2,5.")
@click.option("--time-limit", type=float, default=None,
              help="CPU seconds per L for teamgraph's whole answer, search included (the best answer so far "
                   "at the limit). Default: ThresholdGreedy's CPU at that L, so ours never costs more.")
@click.option("--repeat", type=click.IntRange(1, 100), default=3, show_default=True,
              help="Runs of each greedy per L, alternately; each side's least CPU is reported.")
@click.option("--objective", type=click.Choice(OBJECTIVES), default="fraction", show_default=True,
              help="What teamgraph maximises: Σ covered fraction per task, or covered (task, skill) slots.")
@click.option("--seed", default=0, show_default=True)
def eval_portfolio_cmd(folder, experts, tasks, generate, loads, time_limit, repeat, objective, seed):
    """Coverage vs. per-person load cap L for teamgraph and ThresholdGreedy (SDM'23), as JSON."""
    click.echo(json.dumps(eval_portfolio(folder, experts=experts, tasks=tasks, generate=generate,
                                         loads=parse_loads(loads), time_limit=time_limit, repeat=repeat, seed=seed,
                                         objective=objective, progress=True)))
