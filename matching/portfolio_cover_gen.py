"""Generated instances in the shape and size of the SDM'23 benchmark (IMDB: 2,176 experts × 7,858
tasks, tasks of 1–6 genres, a few genres in most tasks): `generate(people, tasks, seed)`.

Skill popularity is Zipf-like (weight 1/rank^alpha over `skills` skills), so the first few skills
appear in most requests, as Drama and Comedy do in IMDB. A request draws 1–6 distinct skills by
popularity (sizes 1 … 6 weighted 20/30/25/13/8/4 %). A person's skills are the union of the skills
of 1–3 past requests drawn the same way, each kept with probability 0.6 (as a director's genres
are those of some of their films), so people and requests share the same skew and co-occurrence,
and most people cover only part of a request.
"""

from __future__ import annotations

import numpy as np

SIZE_WEIGHTS = np.array([20, 30, 25, 13, 8, 4], np.float64)


def _draw(rng: np.random.Generator, p: np.ndarray, k: int) -> list[int]:
    return rng.choice(len(p), size=k, replace=False, p=p).tolist()


def generate(people: int, tasks: int, *, skills: int = 27, alpha: float = 1.1, seed: int = 0,
             max_past: int = 3, keep: float = 0.6) -> tuple[list[list[int]], list[list[int]]]:
    """(experts, tasks): one list of skill ids per person and per request (the SDM'23 file format)."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, skills + 1) ** alpha
    p /= p.sum()
    sizes = SIZE_WEIGHTS / SIZE_WEIGHTS.sum()

    def request() -> list[int]:
        k = min(skills, int(rng.choice(6, p=sizes)) + 1)
        return _draw(rng, p, k)

    task_lists = [request() for _ in range(tasks)]
    experts = []
    for _ in range(people):
        held: set[int] = set()
        for _ in range(int(rng.integers(1, max_past + 1))):
            held.update(s for s in request() if rng.random() < keep)
        experts.append(sorted(held) or _draw(rng, p, 1))
    return experts, task_lists
