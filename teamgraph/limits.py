"""Documented limits on what a request may ask for (README "Limits"), in one place.

They bound the work one request can cause. The team-request limits are enforced where requests
are parsed (`matching.request`, so API bodies and CLI request files get the same rules); the
HTTP limits (body size, nesting, query windows, seeds, id lists) at the API boundary. Every
violation is a 400 (413 for the body size) naming the field and the limit.
"""

from __future__ import annotations

import os
from datetime import date

# --- HTTP bodies (api.app) -------------------------------------------------------------------
MAX_JSON_BODY = 1024 * 1024  # bytes of a JSON body (uploads have MAX_CONTENT_LENGTH, 64 MB)
MAX_JSON_DEPTH = 32  # nesting of objects/arrays in a JSON body or request file

# --- team requests (matching.request) ------------------------------------------------------
MAX_REQUIREMENTS = 50  # requirements per request
MAX_NAMES = 100  # include, exclude, pins, previous, departments, preferences: entries per list
MAX_NAME_CHARS = 200  # a skill name, person/department id, request name, project id
MAX_BRIEF_CHARS = 20_000  # a request's or kickoff's brief, a search query
MAX_PORTFOLIO_REQUESTS = 50  # requests in one portfolio

# --- dates ---------------------------------------------------------------------------------
MIN_YEAR, MAX_YEAR = 1900, 2200  # any date in a request or a query
MAX_WINDOW_DAYS = 5 * 366  # a team request's window, a profile's ?start..?end

# --- solver options (api.teams, the CLI's --seed) ------------------------------------------
CAPACITY_DAYS = 90  # the capacity views' default window (page, API, `teamgraph capacity`): 13 weeks
MAX_CAPACITY_DAYS = 371  # and their longest: 53 weeks (a department's people × weeks stays a page)
MAX_SEED = 2**31 - 1  # seed in [0, MAX_SEED] (CP-SAT's random_seed is a 32-bit integer)
MAX_KICKOFF_SKILLS = 50  # skills of an ad-hoc kickoff
MAX_KICKOFF_K = 20  # k_cases, k_experts of a kickoff
MAX_ALTERNATIVES = 5  # alternative teams per suggestion
MAX_STAFF_LOAD = 10.0  # portfolio staffing's max_load, in (0, MAX_STAFF_LOAD]

# --- solver work per request (api.teams; matching.model.solver_for) ---------------------------
# Every CP-SAT solve runs on one worker thread (deterministic per seed), so a request uses at
# most one core. Its wall time is bounded by `time_limit`: the API's default and maximum are
# these (the app's SUGGEST_TIME_LIMIT / PORTFOLIO_TIME_LIMIT may lower them); alternatives share
# the suggestion's limit, and an infeasible request's diagnosis adds bounded solves of its own.
MAX_SOLVE_SECONDS = 10.0  # suggest, why-not, resolve
MAX_PORTFOLIO_SECONDS = 30.0  # portfolio staffing

# --- slow work (api.workers): solves, kickoff packages and uploads ---------------------------
# At most SLOW_WORKERS slow requests run at once (one core each, so one per two cores leaves
# the rest to cheap requests and the store), SLOW_QUEUE more wait at most SLOW_QUEUE_WAIT
# seconds for a turn; beyond that a slow request answers 503 with Retry-After at once. The
# server adds SLOW_WORKERS + SLOW_QUEUE threads to its CHEAP_THREADS (api.server.threads_for),
# so cheap requests always find a free thread.
SLOW_WORKERS = max(1, (os.cpu_count() or 2) // 2)
SLOW_QUEUE = 2 * SLOW_WORKERS
SLOW_QUEUE_WAIT = 2 * MAX_SOLVE_SECONDS
CHEAP_THREADS = 4


def date_problem(d: date) -> str | None:
    """Why `d` is outside the allowed years, or None."""
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        return f"must be a date in the years {MIN_YEAR}–{MAX_YEAR}, not {d.isoformat()}"
    return None


def window_problem(start: date, end: date) -> str | None:
    """Why the window start..end is too long, or None (order and years are checked elsewhere)."""
    if (end - start).days > MAX_WINDOW_DAYS:
        return f"the window may span at most {MAX_WINDOW_DAYS} days (5 years), not {(end - start).days}"
    return None


def capacity_window_problem(start: date, end: date) -> str | None:
    """Why start..end is too long for a capacity view (people or departments × weeks), or None."""
    if (end - start).days > MAX_CAPACITY_DAYS:
        return f"the capacity view spans at most {MAX_CAPACITY_DAYS // 7} weeks"
    return None


def text_problem(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"must be at most {limit} characters, not {len(value)}"
    return None


def names_problem(names) -> str | None:
    """Why a list of ids/names (include, exclude, pins, …) is too long or has an over-long entry."""
    if len(names) > MAX_NAMES:
        return f"may list at most {MAX_NAMES} names, not {len(names)}"
    if any(len(str(n)) > MAX_NAME_CHARS for n in names):
        return f"each name may be at most {MAX_NAME_CHARS} characters"
    return None


def json_depth(data, limit: int = MAX_JSON_DEPTH) -> int:
    """The nesting depth of parsed data (iterative, so deep data cannot overflow the stack);
    stops counting once past `limit`."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((c, depth + 1) for c in children)
    return deepest


def raw_json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> tuple[int, int | None]:
    """The bracket nesting of JSON text, without parsing it (strings skipped): (deepest level,
    index of the first bracket past `limit`, or None). Linear, so a body nested 100,000 deep is
    measured without recursion and never reaches the parser; the API and ingest both use it."""
    if text.count("[") + text.count("{") <= limit:
        return 0, None  # cannot nest past the limit (the depth is not needed then)
    depth = deepest = 0
    first_over: int | None = None
    quoted = escaped = False
    for i, ch in enumerate(text):
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > limit and first_over is None:
                    first_over = i
        elif ch in "]}":
            depth -= 1
    return deepest, first_over
