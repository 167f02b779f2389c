"""Dataclass <-> Neo4j row codec for the Neo4j store.

Rows sent to the write queries in graph/cypher_writes.py: a node is {id, props, <reference fields>}; a
relationship is {<start field>, <end field>, [key property], props}. `props` holds what is stored
on the node/relationship: tuples as lists, dates as Neo4j DATE values, Project.kpis as JSON
text (Neo4j properties cannot be maps), floats and ints normalised so a record reads back equal
(and with the same JSON) as it was written. Nulls are not stored; reading fills them back in.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date

from teamgraph.graph.cypher_graph import CALENDAR, NODES, RELS, stored_props
from teamgraph.graph.model import ENTITY_TYPES, phases_from_json, phases_json

KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "department": ("id",), "skill": ("id",), "person": ("id",), "project": ("id",), "case": ("id",),
    "person_skill": ("person", "skill"), "project_need": ("project", "skill"),
    "membership": ("person", "project", "role"), "expert": ("person", "topic"),
    "rating": ("rater", "ratee", "project"),
} | {c.kind: c.key for c in CALENDAR.values()}


class _Shape:
    """Per kind: which fields are stored where, and how each is converted."""

    def __init__(self, kind: str):
        self.type = ENTITY_TYPES[kind]
        self.fields = [f.name for f in fields(self.type)]
        ann = {f.name: str(f.type) for f in fields(self.type)}
        self.dates = {n for n, a in ann.items() if a.startswith("date")}
        self.phases = {n for n, a in ann.items() if a.startswith("tuple[Phase")}  # JSON text (model.phases_json)
        self.tuples = {n for n, a in ann.items() if a.startswith("tuple")} - self.phases
        self.dicts = {n for n, a in ann.items() if a.startswith("dict")}
        self.floats = {n for n, a in ann.items() if a == "float"}
        self.ints = {n for n, a in ann.items() if a == "int"}
        if kind in CALENDAR:
            self.refs, self.props, self.row_extra = [], stored_props(kind), []
        elif kind in NODES:
            spec = NODES[kind]
            self.refs = [r.field for r in spec.refs]
            self.props = stored_props(kind)  # list refs stay properties too
            self.row_extra = self.refs + [r.field for r in spec.list_refs]
        else:
            spec = RELS[kind]
            self.refs = []
            self.props = stored_props(kind)  # includes the key property
            self.row_extra = [spec.start_field, spec.end_field] + ([spec.key_prop] if spec.key_prop else [])

    def value(self, name: str, v):
        if v is None:
            return None
        if name in self.phases:
            return phases_json(v)
        if name in self.tuples:
            return list(v)
        if name in self.dicts:
            return json.dumps(dict(v), ensure_ascii=False, sort_keys=True)
        if name in self.floats:
            return float(v)
        if name in self.ints:
            return int(v)
        return v  # str, date (the driver sends datetime.date as a Neo4j DATE)

    def read(self, name: str, v):
        if name in self.phases:
            return phases_from_json(v)  # absent on memberships written before phases: none
        if v is None:
            return None
        if name in self.dates:
            return v.to_native() if hasattr(v, "to_native") else v
        if name in self.tuples:
            return tuple(v)
        if name in self.dicts:
            return json.loads(v)
        return v


SHAPES: dict[str, _Shape] = {kind: _Shape(kind) for kind in ENTITY_TYPES}


def key_of(kind: str, record) -> tuple:
    return tuple(getattr(record, f) for f in KEY_FIELDS[kind])


def key_map(kind: str, key: tuple) -> dict:
    return dict(zip(KEY_FIELDS[kind], key))


def encode(kind: str, record) -> dict:
    shape = SHAPES[kind]
    row = {f: shape.value(f, getattr(record, f)) for f in shape.row_extra}
    row["props"] = {f: shape.value(f, getattr(record, f)) for f in shape.props}
    if kind in NODES:
        row["id"] = record.id
    return row


def decode(kind: str, row: dict) -> object:
    """A record from a projection map (graph/cypher_graph.py node_projection / rel_projection)."""
    shape = SHAPES[kind]
    kw = {f: shape.read(f, row.get(f)) for f in shape.fields}
    for f in shape.tuples:  # an empty list is stored as such, but be lenient with older data
        if kw[f] is None:
            kw[f] = ()
    for f in shape.dicts:
        if kw[f] is None:
            kw[f] = {}
    return shape.type(**kw)


def as_date(v) -> date | None:
    """A Neo4j DATE (or None) as a datetime.date."""
    return None if v is None else (v.to_native() if hasattr(v, "to_native") else v)
