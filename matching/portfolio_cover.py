"""Portfolio staffing at organisation scale, in the shape of the task-coverage benchmark (Vombatkere,
Gionis & Terzi, SDM'23): people hold skills, requests (tasks) need skills, a person assigned to a
request covers every one of its skills they hold, and nobody is assigned to more than L requests.

The pool is lean and scales with the data, not with requests × people:

* `CoverPool` — people × skills and requests × skills as CSR arrays (numpy int32), skill names
  mapped to dense ids once;
* `Pairs` — the person–request pairs that share a skill, one row each in three numpy arrays
  (person int32, request int32, a bit mask of the request's skills the person holds), 9–16 bytes
  a pair; built block by block from the skill → holders index, never as records.

The two objectives a user may choose (`OBJECTIVES`): "fraction" — Σ over requests of the covered
fraction of its skills (the paper's coverage) — and "slots" — covered (request, skill) pairs.
Assignments are arrays of pair rows; `evaluate` recomputes both objectives and the loads from the
pool alone, as an independent check.

Modules: portfolio_cover_greedy (the bucketed lazy greedy: the published ThresholdGreedy order
and ours), portfolio_cover_lns (CP-SAT large-neighbourhood search), portfolio_cover_solve (the
whole call under one CPU budget, with bounds and gap).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from teamgraph.errors import FieldProblem, ValidationError
from teamgraph.matching.request_fields import OBJECTIVES

MAX_TASK_SKILLS = 64  # a request's skills are one bit each in a 64-bit mask


def popcount(a: np.ndarray) -> np.ndarray:
    """Set bits per element of an unsigned integer array."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(a)
    a = a.astype(np.uint64)
    out = np.zeros(a.shape, np.uint8)
    for shift in range(0, 64, 8):
        out += _BYTE_BITS[(a >> np.uint64(shift)) & np.uint64(255)]
    return out


_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], np.uint8)


@dataclass
class CoverPool:
    """People × skills and requests × skills (CSR: row r's skills are `skills[ptr[r]:ptr[r+1]]`)."""

    person_ptr: np.ndarray
    person_skills: np.ndarray
    task_ptr: np.ndarray
    task_skills: np.ndarray  # distinct per request, in the order given (bit b = the b-th skill)
    skill_names: list
    person_names: list | None = None
    task_names: list | None = None

    @property
    def n_people(self) -> int:
        return len(self.person_ptr) - 1

    @property
    def n_tasks(self) -> int:
        return len(self.task_ptr) - 1

    @property
    def n_skills(self) -> int:
        return len(self.skill_names)

    def task_sizes(self) -> np.ndarray:
        return np.diff(self.task_ptr).astype(np.int64)

    @classmethod
    def from_lists(cls, people: Sequence[Sequence[Hashable]], tasks: Sequence[Sequence[Hashable]], *,
                   people_source: str = "experts", tasks_source: str = "tasks",
                   person_names: list | None = None, task_names: list | None = None) -> CoverPool:
        """From one skill list per person and per request (any hashable skill ids). Bad rows are a
        ValidationError naming the source and the row (0-based list index)."""
        ids: dict = {}
        problems = []

        def csr(rows, source: str, distinct: bool):
            ptr = [0]
            flat: list[int] = []
            for n, row in enumerate(rows):
                if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
                    problems.append(FieldProblem("expected a list of skill ids", source, None, f"[{n}]"))
                    ptr.append(len(flat))
                    continue
                seen: list[int] = []
                have: set[int] = set()
                for s in row:
                    if not isinstance(s, Hashable) or isinstance(s, (list, dict, float)):
                        problems.append(FieldProblem(f"a skill id must be a string or an integer, not {s!r}",
                                                     source, None, f"[{n}]"))
                        continue
                    k = ids.setdefault(s, len(ids))
                    if k not in have:
                        have.add(k)
                        seen.append(k)
                if distinct and not seen:
                    problems.append(FieldProblem("a task needs at least one skill", source, None, f"[{n}]"))
                if distinct and len(seen) > MAX_TASK_SKILLS:
                    problems.append(FieldProblem(f"{len(seen)} skills; at most {MAX_TASK_SKILLS} per task",
                                                 source, None, f"[{n}]"))
                flat += seen if distinct else sorted(seen)
                ptr.append(len(flat))
            return np.asarray(ptr, np.int64), np.asarray(flat, np.int32)

        pp, ps = csr(people, people_source, distinct=False)
        tp, ts = csr(tasks, tasks_source, distinct=True)
        if problems:
            raise ValidationError(problems[:50], f"invalid skill lists ({len(problems)} problems)")
        return cls(pp, ps, tp, ts, list(ids), person_names, task_names)


@dataclass
class Pairs:
    """Every person–request pair sharing a skill, sorted by (person, request): `mask` has bit b set
    when the person holds the request's b-th skill."""

    person: np.ndarray  # int32
    task: np.ndarray  # int32
    mask: np.ndarray  # uint8 … uint64, by the largest request
    by_task: np.ndarray  # row numbers ordered by (request, person)
    task_ptr: np.ndarray  # request t's rows are by_task[task_ptr[t]:task_ptr[t+1]]

    def __len__(self) -> int:
        return len(self.person)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.person, self.task, self.mask, self.by_task, self.task_ptr))


def mask_dtype(max_size: int):
    return np.uint8 if max_size <= 8 else np.uint16 if max_size <= 16 else np.uint32 if max_size <= 32 else np.uint64


def build_pairs(pool: CoverPool, block: int = 256) -> Pairs:
    """The pairs, block of requests by block: for each (request, skill) the skill's holders, merged
    per (person, request) by OR-ing the bits. Peak memory is one block's expansion beyond the result."""
    n, m = pool.n_people, pool.n_tasks
    sizes = pool.task_sizes()
    dt = mask_dtype(int(sizes.max()) if m else 1)
    # skill → holders (CSR, holders ascending)
    owner = np.repeat(np.arange(n, dtype=np.int32), np.diff(pool.person_ptr))
    order = np.argsort(pool.person_skills, kind="stable")
    holders = owner[order]
    hcount = np.bincount(pool.person_skills, minlength=pool.n_skills).astype(np.int64)
    hptr = np.concatenate([[0], np.cumsum(hcount)])
    keys, masks = [], []
    for a in range(0, m, block):
        b = min(m, a + block)
        lo, hi = pool.task_ptr[a], pool.task_ptr[b]
        ts = pool.task_skills[lo:hi].astype(np.int64)
        if not len(ts):
            continue
        t_of = np.repeat(np.arange(a, b, dtype=np.int64), np.diff(pool.task_ptr[a:b + 1]))
        bit = np.arange(lo, hi) - pool.task_ptr[t_of]
        cnt = hcount[ts]
        total = int(cnt.sum())
        if not total:
            continue
        first = np.repeat(hptr[ts] - np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt)
        who = holders[first + np.arange(total)].astype(np.int64)
        key = who * m + np.repeat(t_of, cnt)
        bits = (np.ones(total, np.uint64) << np.repeat(bit, cnt).astype(np.uint64)).astype(dt)
        o = np.argsort(key, kind="stable")
        key, bits = key[o], bits[o]
        start = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        keys.append(key[start])
        masks.append(np.bitwise_or.reduceat(bits, start))
    key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    mask = np.concatenate(masks) if masks else np.zeros(0, dt)
    o = np.argsort(key, kind="stable")
    key, mask = key[o], mask[o]
    person, task = (key // max(m, 1)).astype(np.int32), (key % max(m, 1)).astype(np.int32)
    del key, o
    by_task = np.argsort(task, kind="stable").astype(np.int64)
    tptr = np.concatenate([[0], np.cumsum(np.bincount(task, minlength=m))]).astype(np.int64)
    return Pairs(person, task, mask, by_task, tptr)


def weights(pool: CoverPool, objective: str) -> np.ndarray:
    """Per request, what one covered skill is worth: 1/|skills| (fraction) or 1 (slots)."""
    if objective not in OBJECTIVES:
        raise ValidationError(FieldProblem(f"unknown objective {objective!r}; one of {', '.join(OBJECTIVES)}",
                                           field="objective"))
    sizes = pool.task_sizes().astype(np.float64)
    return 1.0 / np.maximum(sizes, 1) if objective == "fraction" else np.ones(len(sizes))


@dataclass
class Evaluation:
    coverage: float  # Σ over requests of the covered fraction
    slots: int  # covered (request, skill) pairs
    max_load: int
    loads: np.ndarray
    useless: int  # assigned pairs that cover nothing another member does not already


def evaluate(pool: CoverPool, pairs: Pairs, rows: np.ndarray) -> Evaluation:
    """Coverage, covered slots and loads of an assignment, recomputed from the pool's skill lists
    (not from the pair masks), so it checks `build_pairs` as well as the algorithms: every assigned
    (person, request) is expanded into the request's skills, each looked up among the person's."""
    rows = np.asarray(rows, np.int64)
    m, k = max(pool.n_tasks, 1), max(pool.n_skills, 1)
    p, t = pairs.person[rows].astype(np.int64), pairs.task[rows].astype(np.int64)
    if len(np.unique(p * m + t)) != len(rows):
        raise ValueError("an assignment lists a person twice on one request")
    size = pool.task_ptr[t + 1] - pool.task_ptr[t]
    row = np.repeat(np.arange(len(rows)), size)  # one entry per (assigned pair, request skill)
    at = pool.task_ptr[t][row] + (np.arange(len(row)) - np.repeat(np.cumsum(size) - size, size))
    skill = pool.task_skills[at].astype(np.int64)
    held = np.sort(np.repeat(np.arange(pool.n_people, dtype=np.int64), np.diff(pool.person_ptr)) * k
                   + pool.person_skills)  # (person, skill) keys
    key = p[row] * k + skill
    found = np.searchsorted(held, key)
    hit = (found < len(held)) & (held[np.minimum(found, max(len(held) - 1, 0))] == key) if len(held) else \
        np.zeros(len(key), bool)
    slot = t[row][hit] * MAX_TASK_SKILLS + (at[hit] - pool.task_ptr[t[row][hit]])  # (request, skill) covered
    got, holders = np.unique(slot, return_counts=True)
    got_t = got // MAX_TASK_SKILLS
    cov = float((1.0 / pool.task_sizes()[got_t]).sum()) if len(got) else 0.0
    alone = holders[np.searchsorted(got, slot)] == 1  # the member is the only one holding that skill
    useful = np.zeros(len(rows), bool)
    useful[row[hit][alone]] = True
    loads = np.bincount(p, minlength=pool.n_people)
    return Evaluation(cov, len(got), int(loads.max()) if len(loads) else 0, loads, int((~useful).sum()))
