"""The halls' kiosks the office takes pushes from, each with a token of its own.

A token is shown once, when the centre's administrator adds the kiosk; only its SHA-256 is kept (in the office's
own file, beside the accounts), so neither this file nor the audit log can give it away. Revoking a kiosk refuses
its token at once; adding the same name again issues a fresh token for that hall, whose items stay its own.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk import sqldb
from kiosk.office.accounts import NAME_RE, AccountError, now, office_path, token_digest

TOKEN_PREFIX = "xk_"  # tells a kiosk token apart from other secrets in a config file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kiosks (
    name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT
);
"""


@dataclass(frozen=True)
class KioskRecord:
    name: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class KioskTokens:
    def __init__(self, path: Path | str | None = None, clock: Callable[[], datetime] = now):
        self.path = sqldb.target_of(path, office_path())
        self.clock = clock
        self.conn = sqldb.connect_file_or_server(self.path, "office", 5.0)
        self._lock = threading.Lock()
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def add(self, name: str) -> str:
        """A new token for the kiosk ``name``; the caller shows it once, nothing keeps it."""
        if not NAME_RE.fullmatch(name or ""):
            raise AccountError("一体机名称应为 2 到 32 个字母、数字、汉字或 _ . -，例如 hall_xixi。")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self.clock().isoformat()
        with self._lock:
            row = self.conn.execute("SELECT revoked_at FROM kiosks WHERE name = ?", (name,)).fetchone()
            if row is not None and row["revoked_at"] is None:
                raise AccountError(f"一体机 {name} 已有有效凭证；要换新凭证，请先 kiosk office kiosk revoke {name}。")
            self.conn.execute("INSERT INTO kiosks VALUES (?, ?, ?, NULL) ON CONFLICT(name) DO UPDATE SET"
                              " token_hash = excluded.token_hash, created_at = excluded.created_at, revoked_at = NULL",
                              (name, token_digest(token), now))
        return token

    def revoke(self, name: str) -> None:
        with self._lock:
            cur = self.conn.execute("UPDATE kiosks SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                                    (self.clock().isoformat(), name))
        if cur.rowcount != 1:
            raise AccountError(f"没有有效的一体机 {name}。用 kiosk office kiosk list 查看。")

    def records(self) -> list[KioskRecord]:
        with self._lock:
            rows = self.conn.execute("SELECT name, created_at, revoked_at FROM kiosks ORDER BY name").fetchall()
        return [KioskRecord(r["name"], r["created_at"], r["revoked_at"]) for r in rows]

    def hall(self, token: str) -> str | None:
        """The kiosk a token belongs to, or None for an unknown or revoked one."""
        if not token:
            return None
        with self._lock:
            row = self.conn.execute("SELECT name FROM kiosks WHERE token_hash = ? AND revoked_at IS NULL",
                                    (token_digest(token),)).fetchone()
        return row["name"] if row else None
