"""API tokens, stored hashed in `<data_dir>/tokens.sqlite3`.

A token is 32 random bytes (urlsafe base64) prefixed `tg_`; only its SHA-256 is stored. A fast
hash is right here: tokens are high-entropy secrets, not passwords, so there is nothing to
brute-force, and every API request checks one. Each token has a role and, for every role but
admin usually, the person it acts as (so visibility rules know their department and projects).

Every token expires: `days` at creation, by default TEAMGRAPH_TOKEN_DAYS (90). There is no
in-memory cache: each request reads its one row by hash (indexed), so a revocation, an expiry or
a forgotten person's tokens stop working at once, in every process. A database from before
expiries is migrated in place on first use: its tokens get the default lifetime from then.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from teamgraph.graph.bookings import FORGOTTEN, mention_pattern
from teamgraph.graph.model import ROLES
from teamgraph.errors import FieldProblem, NotFoundError, ValidationError

SCHEMA = """CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    person TEXT,
    label TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    expires TEXT
)"""
COLUMNS = "id, role, person, label, created, expires"
DEFAULT_DAYS = 90
MAX_DAYS = 3650


def default_days(env=None) -> int:
    """TEAMGRAPH_TOKEN_DAYS (1…3650), else 90."""
    raw = (os.environ if env is None else env).get("TEAMGRAPH_TOKEN_DAYS", "").strip()
    if not raw:
        return DEFAULT_DAYS
    try:
        days = int(raw)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(FieldProblem(f"must be a whole number of days from 1 to {MAX_DAYS}, not {raw!r}",
                                           field="TEAMGRAPH_TOKEN_DAYS"))
    return days


def _stamp(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class TokenRecord:
    id: int
    role: str
    person: str | None
    label: str
    created: str
    expires: str | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires is None or datetime.fromisoformat(self.expires) <= now

    def to_dict(self) -> dict:
        return {"id": self.id, "role": self.role, "person": self.person, "label": self.label,
                "created": self.created, "expires": self.expires}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Hashed tokens in a small SQLite file, read on every lookup (no cache to go stale)."""

    def __init__(self, path: Path, *, now: Callable[[], datetime] | None = None):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._migrated = False
        self._now = now or (lambda: datetime.now(timezone.utc))

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed, not left in free pages
        if not self._migrated:
            with self._lock:
                self._migrate(conn)
        return conn

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection for one transaction (committed on success), closed afterwards."""
        conn = self._connect()
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Create the table, or add `expires` to a database from before expiries (in place).
        Tokens that had no expiry get the default lifetime from now, so they keep working."""
        conn.execute("BEGIN IMMEDIATE")  # one process migrates; the others then see the column
        try:
            conn.execute(SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(tokens)")}
            if "expires" not in columns:
                conn.execute("ALTER TABLE tokens ADD COLUMN expires TEXT")
            conn.execute("UPDATE tokens SET expires = ? WHERE expires IS NULL",
                         (_stamp(self._now() + timedelta(days=default_days())),))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._migrated = True

    def _one(self, where: str, arg) -> TokenRecord | None:
        with self._db() as conn:
            row = conn.execute(f"SELECT {COLUMNS} FROM tokens WHERE {where} = ?", (arg,)).fetchone()
        record = TokenRecord(*row) if row else None
        return None if record is None or record.expired(self._now()) else record

    def create(self, role: str, person: str | None = None, label: str = "",
               days: int | None = None) -> tuple[str, TokenRecord]:
        """A new token for `role` (acting as `person`), valid for `days` (default
        TEAMGRAPH_TOKEN_DAYS or 90); returns the secret once and its record."""
        if role not in ROLES:
            raise ValidationError(FieldProblem(f"must be one of {', '.join(ROLES)}, not {role!r}", field="role"))
        if role != "admin" and not person:
            raise ValidationError(FieldProblem(f"a {role} token must act as a person", field="person"))
        days = default_days() if days is None else days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise ValidationError(FieldProblem(f"must be a whole number of days from 1 to {MAX_DAYS}", field="days"))
        token = "tg_" + secrets.token_urlsafe(32)
        now = self._now()
        created, expires = _stamp(now), _stamp(now + timedelta(days=days))
        with self._db() as conn:
            cur = conn.execute("INSERT INTO tokens (hash, role, person, label, created, expires) "
                               "VALUES (?, ?, ?, ?, ?, ?)", (token_hash(token), role, person, label, created, expires))
            record = TokenRecord(cur.lastrowid, role, person, label, created, expires)
        return token, record

    def lookup(self, token: str) -> TokenRecord | None:
        """The record of a presented token, or None if it is unknown, revoked or expired."""
        return self._one("hash", token_hash(token))

    def by_id(self, token_id: int) -> TokenRecord | None:
        """For session logins, which remember the token id, never the secret."""
        return self._one("id", token_id)

    def list(self) -> list[TokenRecord]:
        """Every token, expired ones included (`token list` shows the expiry)."""
        with self._db() as conn:
            rows = conn.execute(f"SELECT {COLUMNS} FROM tokens ORDER BY id").fetchall()
        return [TokenRecord(*row) for row in rows]

    def revoke(self, token_id: int) -> None:
        with self._db() as conn:
            if conn.execute("DELETE FROM tokens WHERE id = ?", (token_id,)).rowcount == 0:
                raise NotFoundError("token", str(token_id))

    def revoke_label(self, label: str) -> int:
        with self._db() as conn:
            return conn.execute("DELETE FROM tokens WHERE label = ?", (label,)).rowcount

    def scrub_mentions(self, mentions) -> int:
        """Replace every mention of `mentions` (a forgotten person's id, name, e-mail; any case) in
        the labels of the remaining tokens with FORGOTTEN; returns how many labels changed. The
        old text leaves the file with secure_delete and forget_person's VACUUM."""
        pattern = mention_pattern(mentions)  # the one rule for stored text that named them
        if pattern is None or not self.path.exists():
            return 0
        with self._db() as conn:
            rows = conn.execute("SELECT id, label FROM tokens").fetchall()
            changed = [(pattern.sub(FORGOTTEN, label), i) for i, label in rows if pattern.search(label)]
            conn.executemany("UPDATE tokens SET label = ? WHERE id = ?", changed)
        return len(changed)

    def forget_person(self, person_id: str) -> int:
        """Revoke every token acting as `person_id` and leave no trace of the id in the file
        (rows deleted with secure_delete, then VACUUM); returns how many were revoked."""
        if not self.path.exists():
            return 0
        with self._db() as conn:
            n = conn.execute("DELETE FROM tokens WHERE person = ?", (person_id,)).rowcount
        with closing(self._connect()) as conn:
            conn.execute("VACUUM")
        return n



def token_store_for(data_dir: Path) -> TokenStore:
    return TokenStore(Path(data_dir) / "tokens.sqlite3")
