"""One error root for the whole project.

Errors carry data (file, line, field; which requirement; which request field) so the two
boundaries, the CLI and the API, can render them: the CLI as a message and an exit code, the
API as JSON with a status code. Nothing below those boundaries formats errors for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class TeamgraphError(Exception):
    """Root of every error teamgraph raises on purpose."""

    code = "error"
    http_status = 500

    def to_dict(self) -> dict:
        return {"code": self.code, "message": str(self)}


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field of one record (a row of a file, or a request body)."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    # What the user may have meant, as (id, name) pairs: the API returns them for "did you mean" buttons.
    suggestions: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        where = f"{where}: " if where else ""
        fld = f"{self.field}: " if self.field else ""
        return f"{where}{fld}{self.message}"

    def to_dict(self) -> dict:
        out = {k: v for k, v in
               {"file": self.file, "line": self.line, "field": self.field, "message": self.message}.items()
               if v is not None}
        if self.suggestions:
            out["suggestions"] = [{"id": i, "name": n} for i, n in self.suggestions]
        return out


class ValidationError(TeamgraphError):
    """Input was rejected; `problems` lists every problem found, not just the first."""

    code = "invalid_input"
    http_status = 400

    def __init__(self, problems: list[FieldProblem] | FieldProblem, summary: str | None = None):
        self.problems = [problems] if isinstance(problems, FieldProblem) else list(problems)
        head = summary or f"{len(self.problems)} problem(s) in the input"
        lines = [head] + [f"  {p}" for p in self.problems[:200]]
        if len(self.problems) > 200:
            lines.append(f"  … and {len(self.problems) - 200} more")
        super().__init__("\n".join(lines))

    def to_dict(self) -> dict:
        return {"code": self.code, "message": str(self).splitlines()[0],
                "fields": [p.to_dict() for p in self.problems]}


class NotFoundError(TeamgraphError):
    code = "not_found"
    http_status = 404

    def __init__(self, kind: str, ident: str):
        self.kind, self.ident = kind, ident
        super().__init__(f"{kind} {ident!r} not found")


class ConflictError(TeamgraphError):
    code = "conflict"
    http_status = 409


class AccessDenied(TeamgraphError):
    code = "forbidden"
    http_status = 403


class StoreUnavailable(TeamgraphError):
    """The graph store cannot be reached (server down, wrong credentials, locked file)."""

    code = "store_unavailable"
    http_status = 503


class IndexMissing(TeamgraphError):
    """A retrieval index is absent or older than the store; rebuild it."""

    code = "index_missing"
    http_status = 503


class InfeasibleRequest(TeamgraphError):
    """A team request cannot be met; `diagnosis` says which requirements and why."""

    code = "infeasible"
    http_status = 409

    def __init__(self, message: str, diagnosis: object = None):
        self.diagnosis = diagnosis
        super().__init__(message)


@dataclass
class ErrorReport:
    """Accumulates FieldProblems during validation, then raises once."""

    problems: list[FieldProblem] = field(default_factory=list)

    def add(self, message: str, *, file: str | None = None, line: int | None = None,
            field: str | None = None, suggestions: tuple[tuple[str, str], ...] = ()) -> None:
        self.problems.append(FieldProblem(message, file, line, field, tuple(suggestions)))

    def raise_if_any(self, summary: str | None = None) -> None:
        if self.problems:
            raise ValidationError(self.problems, summary)

    def __bool__(self) -> bool:
        return bool(self.problems)
