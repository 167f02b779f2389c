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

* `lazy_greedy` over `Ordered(pairs)` (ties by (person, request) index, the order a heap of
  (−gain, person, request) pops them), `spread=False`: the published ThresholdGreedy at threshold
  L (matching.baseline.threshold_greedy). Its ties must be taken one by one.
* Ours, `batch_greedy` over `our_order` (at equal gain, people with less to offer elsewhere first
  — their pairs' total gain, lowest first —, then requests with fewer candidates): the same
  maximal-gain rule, ties taken in whole-array rounds (each request's first pair at the top value,
  as many per person as their room allows), then one by one in the same order once a round gains
  little. The first bucket, when each of its pairs holds all of its request's skills (the paper's
  fraction: gain 1), is swept by request (`whole_top`, built once per pool): each round looks at
  the open requests' heads only, not at the bucket's pairs, so the rounds run to the end there.

The rule-rich soft-mode portfolio (matching.portfolio_greedy.marginal_staffing) follows the same
rule — the largest marginal gain in the chosen objective's weights, scarce people first at equal
gain — with a heap, since every addition there must also keep the hard rules (size maximum,
department caps, budget, the time-phased load) that a coverage pair does not have.
"""

from __future__ import annotations

import time

import numpy as np

from teamgraph.matching.portfolio_cover import CoverPool, Pairs, popcount, weights

CHUNK = 2048
ROUND_YIELD = 64  # a round taking fewer than 1/64 of its bucket's rows hands over to the sweep


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
        self.n_tasks = len(pairs.task_ptr) - 1
        self.can: np.ndarray | None = None
        # Gain buckets before anything is assigned, per objective: the same for every L, so built
        # once (as the paper's code builds its max-heap once and copies it for each threshold).
        self.initial: dict[str, dict[float, list[np.ndarray]]] = {}
        self.tops: dict[str, tuple | None] = {}  # batch_greedy's top bucket by request (whole_top)

    def coverable(self) -> np.ndarray:
        """Per request, the bits of the skills some person holds (built once)."""
        if self.can is None:
            self.can = np.zeros(self.n_tasks, self.M.dtype)
            np.bitwise_or.at(self.can, self.T, self.M)
        return self.can

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
    rank_t = np.empty(len(options), np.int64)
    rank_t[np.argsort(options, kind="stable")] = np.arange(len(options))
    # sorted by (person's rank by potential, rank_t[task]): the pairs are grouped by person
    # already, so each person's block is sorted on its own and the blocks laid out by rank — one
    # small argsort per person instead of one over every pair (0.7 vs 1.0 CPU s at 2k × 8k)
    pptr = np.searchsorted(pairs.person, np.arange(pool.n_people + 1))
    task_rank = rank_t.astype(np.int32)[pairs.task]
    dt = _index_dtype(len(pairs))
    blocks = [np.argsort(task_rank[pptr[p]:pptr[p + 1]]).astype(dt) + dt(pptr[p])
              for p in np.argsort(potential, kind="stable").tolist()]
    return Ordered(pairs, np.concatenate(blocks) if blocks else np.zeros(0, dt))


def _index_dtype(n: int):
    return np.int32 if n < 2 ** 31 else np.int64


class _Run:
    """One greedy run's state: loads, covered bits, the rows taken (as view positions) and the gain
    buckets to start from — `start`'s rows kept, or the view's shared initial buckets."""

    def __init__(self, pool: CoverPool, view: Ordered, L: int, objective: str, start: np.ndarray | None):
        self.table = gain_table(pool, objective)
        self.sizes = pool.task_sizes().astype(np.uint16)
        P, T, M = view.P, view.T, view.M
        self.view, self.L = view, L
        self.load = np.zeros(pool.n_people, np.int64)
        self.cov = np.zeros(pool.n_tasks, M.dtype)
        pos = np.arange(len(P), dtype=_index_dtype(len(P)))
        self.out = [np.zeros(0, pos.dtype)]
        if start is not None and len(start):
            first = view.positions(np.asarray(start, np.int64)).astype(pos.dtype)
            np.add.at(self.load, P[first], 1)
            np.bitwise_or.at(self.cov, T[first], M[first])
            self.out.append(first)
            pos = pos[~np.isin(pos, first)]
        if len(self.out) == 1:  # nothing assigned yet: the shared initial buckets (never modified in place)
            if objective not in view.initial:
                view.initial[objective] = {}
                _file(view.initial[objective], pos, gain_codes(T, M, self.cov, self.sizes), self.table)
            self.buckets = {v: list(parts) for v, parts in view.initial[objective].items()} if L > 0 else {}
        else:
            pos = pos[self.load[P[pos]] < L]
            self.buckets = {}
            _file(self.buckets, pos, gain_codes(T[pos], M[pos], self.cov, self.sizes), self.table)

    def top(self) -> tuple[float, np.ndarray]:
        """The highest bucket's value and rows (ascending: each part is), without the rows that
        can gain nothing any more: their request has every skill somebody holds covered, or their
        person is at the cap (two look-ups a row, instead of re-computing each gain)."""
        v = max(self.buckets)
        parts = self.buckets.pop(v)
        arr = parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))
        if len(self.out) > 1:
            open_ = (self.view.coverable() & ~self.cov) != 0
            arr = arr[open_[self.view.T[arr]] & (self.load[self.view.P[arr]] < self.L)]
        return v, arr

    def sift(self, pending: np.ndarray, v: float) -> np.ndarray:
        """Re-evaluate `pending`: those now below v go to their buckets (gain 0 and people at the
        cap are dropped); returns the mask of the rows still at v."""
        view = self.view
        ld = self.load[view.P[pending]]
        code = gain_codes(view.T[pending], view.M[pending], self.cov, self.sizes)
        gc = self.table[code]
        live = (ld < self.L) & (gc > 0)
        at_v = live & (gc == v)
        _file(self.buckets, pending[live & ~at_v], code[live & ~at_v], self.table)
        return at_v

    def take(self, rows: np.ndarray) -> None:
        view = self.view
        np.add.at(self.load, view.P[rows], 1)
        np.bitwise_or.at(self.cov, view.T[rows], view.M[rows])
        self.out.append(rows)

    def rows(self) -> np.ndarray:
        return self.view.rows(np.concatenate(self.out)).astype(np.int64)


def lazy_greedy(pool: CoverPool, view: Ordered, L: int, *, objective: str = "fraction",
                start: np.ndarray | None = None, deadline: float | None = None) -> np.ndarray:
    """Pair rows chosen: `start`'s (kept), then the greedy's in the order taken, ties in `view`'s
    order one by one (the published ThresholdGreedy's rule). `deadline` is a time.process_time() at
    which to stop with what is chosen so far (always a valid assignment)."""
    run = _Run(pool, view, L, objective, start)
    while run.buckets:
        v, arr = run.top()
        if not _one_by_one(run, arr, v, deadline):
            break  # the deadline
    return run.rows()


def _one_by_one(run: _Run, arr: np.ndarray, v: float, deadline: float | None) -> bool:
    """Sweep bucket rows `arr` (ascending) at value v in chunks, taking the pairs still at v one by
    one in order (an independent prefix at a time). False at the deadline."""
    P, T, L = run.view.P, run.view.T, run.L
    for a in range(0, len(arr), CHUNK):
        if deadline is not None and time.process_time() > deadline:
            return False
        pending = arr[a:a + CHUNK]
        while len(pending):
            cand = pending[run.sift(pending, v)]
            if not len(cand):
                break
            k = _independent_prefix(P[cand], T[cand], L - run.load[P[cand]])
            run.take(cand[:k])
            pending = cand[k:]
    return True


def batch_greedy(pool: CoverPool, view: Ordered, L: int, *, objective: str = "fraction",
                 start: np.ndarray | None = None, deadline: float | None = None) -> np.ndarray:
    """Our constructive greedy: the same maximal-gain rule as `lazy_greedy`, with ties taken in
    rounds instead of one by one. A round at the top gain value v takes, at once, every request's
    first pair at v in `view`'s priority order, as many per person as their room under L allows
    (their first ones in that order). No two pairs of a round share a request, so each adds exactly
    v = the largest gain left, as when taken one by one; only the order among equal gains differs
    (request by request in parallel, not pair by pair), which the published rule fixes and ours need
    not. A bucket is thus swept in a few whole-array rounds rather than in chunks of conflicting
    pairs, so it is cheaper than the one-by-one order on the same pool. Same `start` and `deadline`
    as `lazy_greedy`."""
    run = _Run(pool, view, L, objective, start)
    P, T = view.P, view.T
    if (start is None or not len(start)) and run.buckets:
        top = whole_top(view, objective, run.sizes)
        if top is not None and max(run.buckets) == top[0]:
            run.buckets.pop(top[0])
            if not _rounds_by_request(run, *top[1:], deadline):
                return run.rows()
    big = np.iinfo(np.int64).max
    first = np.full(pool.n_tasks, big, np.int64)  # scratch: a request's first candidate, reset after use
    touched = np.zeros(pool.n_tasks, bool)  # scratch: requests that gained a member this round
    while run.buckets:
        v, arr = run.top()
        arr = arr[run.sift(arr, v)]
        while len(arr):
            if deadline is not None and time.process_time() > deadline:
                return run.rows()
            t, p = T[arr], P[arr]
            n = np.arange(len(arr))
            np.minimum.at(first, t, n)
            heads = np.flatnonzero(first[t] == n)  # each request's first candidate (arr is in priority order)
            first[t] = big
            ph = p[heads]
            heads = heads[_rank_within(ph) < L - run.load[ph]]  # a person's first `room` heads
            run.take(arr[heads])
            # Only pairs of the requests just gained need their gain recomputed; the others are
            # still at v while their person has room.
            touched[t[heads]] = True
            again = touched[t]
            again[heads] = False
            keep = ~touched[t] & (run.load[p] < L)
            keep[np.flatnonzero(again)[run.sift(arr[again], v)]] = True
            touched[t[heads]] = False
            arr = arr[keep]
            if len(heads) * ROUND_YIELD < len(arr):
                # few requests gained this round (their first candidates' people are full): the
                # rest of the bucket one by one in the same priority order is cheaper
                if not _one_by_one(run, arr, v, deadline):
                    return run.rows()
                break
    return run.rows()


def whole_top(view: Ordered, objective: str, sizes: np.ndarray):
    """The initial top bucket, when each of its pairs holds every skill of its request (so taking
    one ends its request and the others gain nothing), arranged by request in priority order:
    (value, positions, their people, per-request start and end). The same for every L: built once
    per view and objective. None otherwise."""
    if objective not in view.tops:
        view.tops[objective] = None
        buckets = view.initial.get(objective) or {}
        if buckets:
            v = max(buckets)
            parts = buckets[v]
            arr = parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))
            if (popcount(view.M[arr]).astype(np.int64) == sizes[view.T[arr]]).all():
                by = arr[np.argsort(view.T[arr], kind="stable")]  # by request, priority order within
                t = view.T[by]
                first = np.flatnonzero(np.concatenate([[True], t[1:] != t[:-1]]))
                view.tops[objective] = (v, by, view.P[by], first, np.append(first[1:], len(by)))
    return view.tops[objective]


def _rounds_by_request(run: _Run, by: np.ndarray, people: np.ndarray, start: np.ndarray, end: np.ndarray,
                       deadline: float | None) -> bool:
    """`batch_greedy`'s rounds over a top bucket of whole-request pairs (`whole_top`), request by
    request instead of over every pair: each open request's head is its first pair whose person
    has room; each person takes their first `room` heads in priority order; a request taken is
    done. The same rounds as over the whole bucket, at the cost of the heads. False at the
    deadline."""
    L, load = run.L, run.load
    at = start.copy()  # per open request: its head
    open_ = np.arange(len(start))
    while len(open_):
        if deadline is not None and time.process_time() > deadline:
            return False
        while True:  # move heads past people at the cap (they only fill up)
            full = load[people[at[open_]]] >= L
            if not full.any():
                break
            at[open_[full]] += 1
            open_ = open_[at[open_] < end[open_]]
        if not len(open_):
            break
        h = at[open_]
        p = people[h]
        o = np.argsort(by[h], kind="stable")  # `h` ascends with the request: rank each person's heads by priority
        rank = np.empty(len(h), np.int64)
        rank[o] = _rank_within(p[o])
        took = rank < L - load[p]
        run.take(by[h[took]])
        open_ = open_[~took]
    return True


def _rank_within(a: np.ndarray) -> np.ndarray:
    """Per element, how many equal elements come before it."""
    o = np.argsort(a, kind="stable")
    s = a[o]
    first = np.concatenate([[True], s[1:] != s[:-1]])
    start = np.maximum.accumulate(np.where(first, np.arange(len(a)), 0))
    rank = np.empty(len(a), np.int64)
    rank[o] = np.arange(len(a)) - start
    return rank


def _independent_prefix(p: np.ndarray, t: np.ndarray, room: np.ndarray) -> int:
    """Length of the longest prefix of candidates (all at the bucket's gain, in priority order)
    that can be taken at once with the same result as one by one: no request twice (a second
    member's gain would change) and no person beyond their room. At least 1."""
    if len(p) == 1:
        return 1
    bad = (_rank_within(t) >= 1) | (_rank_within(p) >= room)
    hit = np.flatnonzero(bad)
    return int(hit[0]) if len(hit) else len(p)


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
