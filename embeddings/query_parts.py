"""Small pure pieces of the Retriever's queries: brief checks, metadata filters, the graph
signal's score, and per-person load and project membership tables."""

from __future__ import annotations

from teamgraph.errors import FieldProblem, ValidationError
from teamgraph.graph.load import calendar_pieces, peak_piece
from teamgraph.graph.model import Window


def query_vectors(encoder, texts: list[str]):
    """Vectors of briefs/queries: the encoder's `encode_queries` when it has one (asymmetric
    models such as e5 encode queries and documents differently), else `encode`."""
    fn = getattr(encoder, "encode_queries", None)
    return fn(list(texts)) if fn is not None else encoder.encode(list(texts))


def foreign_vectors(encoder, texts: list[str]):
    """Brief vectors for the passages an English-only part of `encoder` cannot read (see
    embeddings.ensemble), or None when the encoder has no such part."""
    fn = getattr(encoder, "encode_queries_foreign", None)
    if fn is None or not getattr(encoder, "has_english_only", False):
        return None
    return fn(list(texts))


def check_brief(brief: str, skills) -> None:
    if not isinstance(brief, str) or (not brief.strip() and not skills):
        raise ValidationError(FieldProblem("give a brief text or at least one skill", field="brief"))


def passes(m: dict, department, process, since, until, language) -> bool:
    d = m.get("date")
    return ((department is None or m.get("department") == department)
            and (process is None or m.get("process") == process)
            and (language is None or m.get("language") == language)
            and (since is None or (d is not None and d >= since))
            and (until is None or (d is not None and d <= until)))


def graph_score(m: dict, wanted: set[str], department, process) -> float:
    """Shared-skill share first, then same process, then same department, then a known outcome."""
    shared = len(wanted & set(m.get("skills", ()))) / len(wanted) if wanted else 0.0
    base = (shared + 0.5 * bool(process and m.get("process") == process)
            + 0.25 * bool(department and m.get("department") == department))
    return base + 0.05 * bool(m.get("outcome")) if base else 0.0


def members_by_project(pmeta: dict) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for pid, m in pmeta.items():
        for project, role in m["projects"]:
            out.setdefault(project, []).append((pid, role))
    return out


def peak_loads(store, person_ids, window: Window) -> dict:
    """{person id: graph.load.Piece} for each existing person among `person_ids`: the most
    utilised working piece of their time-phased load in `window` (graph.load.peak_piece), from
    the same memberships (bookings included) and calendar (capacity changes, time off, holidays)
    the solver's candidates and why-not read, so a card's load / capacity is their utilisation."""
    ids = list(person_ids)
    by: dict[str, list] = {}
    for mm in store.load_memberships(ids):
        by.setdefault(mm.person, []).append(mm)
    calendars = store.calendars(ids, window)
    return {p: peak_piece(calendar_pieces(by.get(p, ()), window, cal), cal.capacity)
            for p, cal in calendars.items()}
