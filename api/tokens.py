"""API tokens, stored hashed in `<data_dir>/tokens.sqlite3`.

A token is 32 random bytes (urlsafe base64) prefixed `tg_`; only its SHA-256 is stored. A fast
hash is right here: tokens are high-entropy secrets, not passwords, so there is nothing to
brute-force, and every API request checks one. Each token has a role and, for every role but
admin usually, the person it acts as (so visibility rules know their department and projects).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from teamgraph.graph.model import ROLES
from teamgraph.errors import FieldProblem, NotFoundError, ValidationError

SCHEMA = """CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    person TEXT,
    label TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL
)"""


@dataclass(frozen=True)
class TokenRecord:
    id: int
    role: str
    person: str | None
    label: str
    created: str

    def to_dict(self) -> dict:
        return {"id": self.id, "role": self.role, "person": self.person, "label": self.label,
                "created": self.created}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Hashed tokens in a small SQLite file, cached in memory (reloaded on a miss, at most 1/s)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._by_hash: dict[str, TokenRecord] = {}
        self._loaded_at = 0.0

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute(SCHEMA)
        return conn

    def _reload(self) -> None:
        with self._connect() as conn:
            rows = conn.execute("SELECT id, hash, role, person, label, created FROM tokens").fetchall()
        self._by_hash = {h: TokenRecord(i, r, p, lab, c) for i, h, r, p, lab, c in rows}
        self._loaded_at = time.monotonic()

    def create(self, role: str, person: str | None = None, label: str = "") -> tuple[str, TokenRecord]:
        """A new token for `role` (acting as `person`); returns the secret once and its record."""
        if role not in ROLES:
            raise ValidationError(FieldProblem(f"must be one of {', '.join(ROLES)}, not {role!r}", field="role"))
        if role != "admin" and not person:
            raise ValidationError(FieldProblem(f"a {role} token must act as a person", field="person"))
        token = "tg_" + secrets.token_urlsafe(32)
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._lock, self._connect() as conn:
            cur = conn.execute("INSERT INTO tokens (hash, role, person, label, created) VALUES (?, ?, ?, ?, ?)",
                               (token_hash(token), role, person, label, created))
            record = TokenRecord(cur.lastrowid, role, person, label, created)
            self._by_hash[token_hash(token)] = record
        return token, record

    def _fresh(self) -> None:
        # Revocations made by another process take effect within 30 s.
        if time.monotonic() - self._loaded_at > 30.0:
            with self._lock:
                self._reload()

    def lookup(self, token: str) -> TokenRecord | None:
        """The record of a presented token, or None."""
        self._fresh()
        h = token_hash(token)
        record = self._by_hash.get(h)
        if record is None and time.monotonic() - self._loaded_at > 1.0:
            # A token created by another process (`teamgraph token create`) since we loaded.
            with self._lock:
                self._reload()
            record = self._by_hash.get(h)
        return record

    def by_id(self, token_id: int) -> TokenRecord | None:
        """For session logins, which remember the token id, never the secret."""
        self._fresh()
        for record in self._by_hash.values():
            if record.id == token_id:
                return record
        return None

    def list(self) -> list[TokenRecord]:
        with self._lock:
            self._reload()
        return sorted(self._by_hash.values(), key=lambda r: r.id)

    def revoke(self, token_id: int) -> None:
        with self._lock, self._connect() as conn:
            if conn.execute("DELETE FROM tokens WHERE id = ?", (token_id,)).rowcount == 0:
                raise NotFoundError("token", str(token_id))
            self._reload()

    def revoke_label(self, label: str) -> int:
        with self._lock, self._connect() as conn:
            n = conn.execute("DELETE FROM tokens WHERE label = ?", (label,)).rowcount
            self._reload()
        return n


def token_store_for(data_dir: Path) -> TokenStore:
    return TokenStore(Path(data_dir) / "tokens.sqlite3")
