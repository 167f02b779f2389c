"""Marginal-gain lazy greedy over person–request pairs with at most L requests per person, exact and
bucketed.

A pair's gain is what it would add now: the request's skills the person holds that no member holds
yet, times the request's weight (1/|skills| for the covered fraction, 1 for slots). Gains only fall
as members join (coverage is submodular), and they take finitely many values (c/s for a request of
s skills), so instead of a heap the pairs sit in one bucket per gain value. The highest bucket is
taken in priority order; each pair's gain is re-computed as it comes up (vectorised for a chunk,
then one by one for the pairs still at the bucket's value): a pair at the value is taken, a pair
below it moves down to its bucket. Every pair whose true gain is the current maximum is in the
current bucket, so this is exactly "take a pair of maximal gain, ties in priority order".

* `order="index"` ties by (person, request) index, the order a heap of (−gain, person, request)
  pops them: with `spread=False` that is the published ThresholdGreedy at threshold L
  (matching.baseline.threshold_greedy).
* Ours (`our_priority`, `spread=True`): at equal gain, people with less to offer elsewhere go
  first (their pairs' total gain, lowest first), then requests with fewer candidates; and load is
  spread over thresholds — within a gain level, a first pass lets each person take one more
  request, then a second, … up to L, so versatile people are not used up by the first requests of
  their kind.
"""

from __future__ import annotations

import time

import numpy as np

from teamgraph.matching.portfolio_cover import CoverPool, Pairs, popcount, weights

CHUNK = 2048


def gain_table(pool: CoverPool, objective: str) -> np.ndarray:
    """Gain per code c·65 + s (c newly covered skills of a request with s skills): the one place
    gains are computed, so equal gains are equal floats everywhere."""
    weights(pool, objective)  # validates the objective's name
    c, s = np.divmod(np.arange(65 * 65), 65)
    if objective == "fraction":
        return np.where(s > 0, c / np.maximum(s, 1), 0.0)
    return np.where(s > 0, c, 0).astype(np.float64)


def gain_codes(T: np.ndarray, M: np.ndarray, cov: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Code c·65 + s of pairs' current gains (request T, bits M) given each request's covered bits."""
    return popcount(M & ~cov[T]).astype(np.uint16) * np.uint16(65) + sizes[T]


class Ordered:
    """The pairs' person, request and mask columns in a priority order (the row order when `order`
    is None), so a bucket's rows sort by position alone; `order[position]` is the pair row."""

    def __init__(self, pairs: Pairs, order: np.ndarray | None = None):
        self.order = order
        take = (lambda a: a) if order is None else (lambda a: a[order])
        self.P, self.T, self.M = take(pairs.person), take(pairs.task), take(pairs.mask)
        self.inv: np.ndarray | None = None
        # Gain buckets before anything is assigned, per objective: the same for every L, so built
        # once (as the paper's code builds its max-heap once and copies it for each threshold).
        self.initial: dict[str, dict[float, list[np.ndarray]]] = {}

    def positions(self, rows: np.ndarray) -> np.ndarray:
        if self.order is None:
            return rows
        if self.inv is None:
            self.inv = np.empty(len(self.order), np.int64)
            self.inv[self.order] = np.arange(len(self.order))
        return self.inv[rows]

    def rows(self, positions: np.ndarray) -> np.ndarray:
        return positions if self.order is None else self.order[positions]


def our_order(pairs: Pairs, pool: CoverPool, objective: str = "fraction") -> Ordered:
    """Our tie order: people with the least total initial gain over all their pairs first (they
    have the least to offer elsewhere), then requests with the fewest candidates, then the row."""
    w = weights(pool, objective)
    g0 = popcount(pairs.mask).astype(np.float64) * w[pairs.task]
    potential = np.bincount(pairs.person, weights=g0, minlength=pool.n_people)
    options = np.diff(pairs.task_ptr)
    rank_p = np.empty(len(potential), np.int64)
    rank_p[np.argsort(potential, kind="stable")] = np.arange(len(potential))
    rank_t = np.empty(len(options), np.int64)
    rank_t[np.argsort(options, kind="stable")] = np.arange(len(options))
    key = rank_p[pairs.person] * max(len(options), 1) + rank_t[pairs.task]  # distinct per pair
    return Ordered(pairs, np.argsort(key).astype(_index_dtype(len(pairs))))


def _index_dtype(n: int):
    return np.int32 if n < 2 ** 31 else np.int64


def lazy_greedy(pool: CoverPool, view: Ordered, L: int, *, objective: str = "fraction", spread: bool = False,
                start: np.ndarray | None = None, deadline: float | None = None) -> np.ndarray:
    """Pair rows chosen: `start`'s (kept), then the greedy's in the order taken, ties in `view`'s
    order. `deadline` is a time.process_time() at which to stop with what is chosen so far (always
    a valid assignment)."""
    table = gain_table(pool, objective)
    sizes = pool.task_sizes().astype(np.uint16)
    P, T, M = view.P, view.T, view.M
    load = np.zeros(pool.n_people, np.int64)
    cov = np.zeros(pool.n_tasks, M.dtype)
    pos = np.arange(len(P), dtype=_index_dtype(len(P)))
    out = [np.zeros(0, pos.dtype)]
    if start is not None and len(start):
        first = view.positions(np.asarray(start, np.int64)).astype(pos.dtype)
        np.add.at(load, P[first], 1)
        np.bitwise_or.at(cov, T[first], M[first])
        out.append(first)
        pos = pos[~np.isin(pos, first)]
    if len(out) == 1:  # nothing assigned yet: the shared initial buckets (never modified in place)
        if objective not in view.initial:
            view.initial[objective] = {}
            _file(view.initial[objective], pos, gain_codes(T, M, cov, sizes), table)
        if L <= 0:
            return np.zeros(0, np.int64)
        buckets = {v: list(parts) for v, parts in view.initial[objective].items()}
    else:
        pos = pos[load[P[pos]] < L]
        buckets = {}
        _file(buckets, pos, gain_codes(T[pos], M[pos], cov, sizes), table)
    del pos
    while buckets:
        v = max(buckets)
        parts = buckets.pop(v)
        arr = parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))  # each part is ascending
        for cap in (range(1, L + 1) if spread else (L,)):
            later: list[np.ndarray] = []
            for a in range(0, len(arr), CHUNK):
                if deadline is not None and time.process_time() > deadline:
                    return view.rows(np.concatenate(out)).astype(np.int64)
                pending = arr[a:a + CHUNK]
                while len(pending):
                    ld = load[P[pending]]
                    code = gain_codes(T[pending], M[pending], cov, sizes)
                    gc = table[code]
                    live = (ld < L) & (gc > 0)
                    at_v = live & (gc == v)
                    _file(buckets, pending[live & ~at_v], code[live & ~at_v], table)
                    if spread:
                        later.append(pending[at_v & (ld >= cap)])
                    cand = pending[at_v & (ld < cap)]
                    if not len(cand):
                        break
                    k = _independent_prefix(P[cand], T[cand], cap - load[P[cand]])
                    take = cand[:k]
                    np.add.at(load, P[take], 1)
                    np.bitwise_or.at(cov, T[take], M[take])
                    out.append(take)
                    pending = cand[k:]
            if not later:
                break
            arr = np.sort(np.concatenate(later))
    return view.rows(np.concatenate(out)).astype(np.int64)


def _independent_prefix(p: np.ndarray, t: np.ndarray, room: np.ndarray) -> int:
    """Length of the longest prefix of candidates (all at the bucket's gain, in priority order)
    that can be taken at once with the same result as one by one: no request twice (a second
    member's gain would change) and no person beyond their room. At least 1."""
    n = len(p)
    if n == 1:
        return 1
    bad = np.zeros(n, bool)
    for a in (t, p):
        o = np.argsort(a, kind="stable")
        s = a[o]
        first = np.concatenate([[True], s[1:] != s[:-1]])
        start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
        rank = np.empty(n, np.int64)
        rank[o] = np.arange(n) - start
        bad |= rank >= (1 if a is t else room)
    hit = np.flatnonzero(bad)
    return int(hit[0]) if len(hit) else n


def _file(buckets: dict[float, list[np.ndarray]], rows: np.ndarray, code: np.ndarray, table: np.ndarray) -> None:
    """Put `rows` into the buckets of their gains (codes; gain 0 is dropped). A counting sort by
    code: O(rows)."""
    if not len(rows):
        return
    counts = np.bincount(code, minlength=len(table))
    present = np.flatnonzero(counts)
    if len(present) == 1:
        val = float(table[present[0]])
        if val > 0:
            buckets.setdefault(val, []).append(rows)
        return
    o = np.argsort(code, kind="stable")  # uint16: a radix sort
    ends = np.cumsum(counts[present])
    for c, a, b in zip(present.tolist(), (ends - counts[present]).tolist(), ends.tolist()):
        val = float(table[c])
        if val > 0:
            buckets.setdefault(val, []).append(rows[o[a:b]])


def drop_useless(pairs: Pairs, rows: np.ndarray) -> np.ndarray:
    """The assignment without members who cover nothing the request's other members do not (each
    request's members are checked in the order given, so two that cover each other keep one).
    Only requests with two or more members are looked at."""
    rows = np.asarray(rows, np.int64)
    t = pairs.task[rows]
    shared = np.bincount(t, minlength=int(t.max(initial=-1)) + 1)[t] > 1
    keep = rows[~shared].tolist()
    by_task: dict[int, list[int]] = {}
    for e, tt in zip(rows[shared].tolist(), t[shared].tolist()):
        by_task.setdefault(tt, []).append(e)
    for es in by_task.values():
        masks = [int(pairs.mask[e]) for e in es]
        alive = list(range(len(es)))
        for n in range(len(es)):
            others = 0
            for k in alive:
                if k != n:
                    others |= masks[k]
            if masks[n] & ~others:
                continue
            alive.remove(n)
        keep += [es[k] for k in alive]
    return np.asarray(sorted(keep), np.int64)
