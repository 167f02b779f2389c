"""The knowledge graph: a pure domain model and the stores that persist it."""

from teamgraph.graph.model import (  # noqa: F401
    Case, ChangeSet, CollaborationRating, Department, Expert, Membership, Person,
    PersonSkill, Project, ProjectNeed, Skill, Viewer, Window,
)
