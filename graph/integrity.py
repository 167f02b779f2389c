"""Change-set integrity rules shared by every store: which kinds exist, and which references an
upserted record makes. Each store looks up the missing ids its own way; the rule and the
messages are the same everywhere (tests/contract pins them)."""

from __future__ import annotations

from teamgraph.graph.model import ENTITY_TYPES, ChangeSet, record_key
from teamgraph.errors import FieldProblem, ValidationError

# (kind, field, target): every reference an upserted record makes. "person*" also accepts
# tombstone ids (memberships and ratings kept by forget_person).
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("department", "parent", "department"), ("skill", "broader", "skill"),
    ("person", "department", "department"), ("project", "sponsor", "person"),
    ("project", "department", "department"), ("project", "process_owner", "person"),
    ("person_skill", "person", "person"), ("person_skill", "skill", "skill"),
    ("project_need", "project", "project"), ("project_need", "skill", "skill"),
    ("membership", "person", "person*"), ("membership", "project", "project"),
    ("case", "project", "project"), ("case", "department", "department"),
    ("case", "authors", "person"), ("case", "skills", "skill"), ("expert", "person", "person"),
    ("rating", "rater", "person*"), ("rating", "ratee", "person"), ("rating", "project", "project"),
    ("capacity_period", "person", "person"), ("time_off", "person", "person"),
)


def _refs(value) -> tuple:
    return value if isinstance(value, tuple) else () if value is None else (value,)


def check_kinds(changes: ChangeSet) -> None:
    """Every upsert is filed under its own kind, and every kind exists."""
    problems = []
    for kind, records in changes.upserts.items():
        if kind not in ENTITY_TYPES:
            problems.append(FieldProblem(f"unknown entity kind {kind!r}", field="kind"))
            continue
        for r in records:
            if not isinstance(r, ENTITY_TYPES[kind]):
                problems.append(FieldProblem(f"{type(r).__name__} filed under {kind!r}", field="kind"))
    for kind in changes.deletes:
        if kind not in ENTITY_TYPES:
            problems.append(FieldProblem(f"unknown entity kind {kind!r}", field="kind"))
    if problems:
        raise ValidationError(problems, "malformed change set; nothing was written")


def wanted_references(changes: ChangeSet) -> dict[str, set[str]]:
    """Ids each target kind must hold once `changes` is applied."""
    wanted: dict[str, set[str]] = {}
    for kind, fld, target in REFERENCES:
        for r in changes.upserts.get(kind, ()):
            wanted.setdefault(target, set()).update(_refs(getattr(r, fld)))
    return wanted


def raise_unresolved(changes: ChangeSet, missing: dict[str, set[str]]) -> None:
    """Raise a ValidationError naming every record and field whose reference is in `missing`."""
    if not any(missing.values()):
        return
    problems = []
    for kind, fld, target in REFERENCES:
        bad = missing.get(target)
        for r in changes.upserts.get(kind, ()) if bad else ():
            for ref in _refs(getattr(r, fld)):
                if ref in bad:
                    problems.append(FieldProblem(
                        f"{kind} {show_key(record_key(r))}: unknown {target.rstrip('*')} {ref!r}", field=fld))
    raise ValidationError(problems, f"{len(problems)} unresolved reference(s); nothing was written")


def show_key(key: tuple) -> str:
    return repr(key[0]) if len(key) == 1 else repr(key)
