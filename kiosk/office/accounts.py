"""The office's own file: accounts with roles, sessions, failed logins and the audit log.

Passwords are hashed with argon2id; a session cookie carries a random token whose SHA-256 alone is stored, with
a CSRF token of its own, an idle timeout and an absolute lifetime. Five failed logins for a name or from one
address within 15 minutes lock further tries for that name or address until the window passes. Every action is
written to the audit log with who, when, what and from where.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk import config, sqldb
from kiosk.errors import FriendlyError

ROLES = {
    "centre": "中心管理员",
    "department": "部门/专区工作人员",
    "street": "镇街工作人员",
    "editor": "内容编辑",
    "leader": "中心领导（只读）",
}
UNIT_KINDS = {"department": ("section", "unit"), "street": ("street",)}  # roles that act for one unit
MIN_PASSWORD = 8
IDLE_TIMEOUT = timedelta(minutes=30)
TOUCH_EVERY = timedelta(minutes=1)  # how stale a session's last use may be recorded (well inside the idle timeout)
MAX_SESSION = timedelta(hours=10)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
NAME_RE = re.compile(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, hash TEXT NOT NULL, role TEXT NOT NULL, unit TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, name TEXT NOT NULL REFERENCES users(name), csrf TEXT NOT NULL,
    created_at TEXT NOT NULL, seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (id INTEGER PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS failures_at ON failures(at);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, "user" TEXT NOT NULL, address TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL
);
"""


class AccountError(FriendlyError):
    """A login, account or session problem, in words for the person at the screen."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    unit: str  # the department, section or street the user acts for; "" for district-wide roles

    @property
    def sees_items(self) -> bool:
        return self.role in ("centre", "department", "street")

    @property
    def sees_barometer(self) -> bool:
        return self.role in ("centre", "leader", "editor")

    @property
    def edits_content(self) -> bool:
        return self.role in ("centre", "editor")


@dataclass(frozen=True)
class Session:
    token: str
    user: User
    csrf: str


def office_path() -> Path:
    return config.data_dir() / "office.db"


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def token_digest(token: str) -> str:
    """What is stored of a bearer secret (a session cookie, a hall's token): its SHA-256, never the secret."""
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The office's own file, or its schema in the office's PostgreSQL database (``path`` its address)."""

    def __init__(self, path: Path | str | None = None, clock: Callable[[], datetime] = now):
        self.path = sqldb.target_of(path, office_path())
        self.clock = clock
        self.hasher = PasswordHasher()
        self.conn = sqldb.connect_file_or_server(self.path, "office", 5.0)
        self._lock = threading.Lock()
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        self.conn.close()

    # -- accounts --------------------------------------------------------------------------------------------
    def has_users(self) -> bool:
        with self._lock:
            return self.conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def add_user(self, name: str, password: str, role: str, unit: str = "", by: str = "命令行") -> User:
        if not NAME_RE.fullmatch(name or ""):
            raise AccountError("用户名应为 2 到 32 个字母、数字、汉字或 _ . -。")
        if role not in ROLES:
            raise AccountError(f"没有“{role}”这个角色，可选：{'、'.join(ROLES)}。")
        if len(password or "") < MIN_PASSWORD:
            raise AccountError(f"密码至少 {MIN_PASSWORD} 位。")
        if role in UNIT_KINDS and not unit:
            raise AccountError("部门和镇街工作人员需要用 --unit 指定所属单位，例如 --unit street_cuiyuan。")
        with self._lock:
            try:
                self.conn.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                                  (name, self.hasher.hash(password), role, unit, self.clock().isoformat()))
            except sqlite3.IntegrityError:
                raise AccountError(f"用户 {name} 已存在。") from None
        self.audit(by, "", "user.add", name, f"{role} {unit}".strip())
        return User(name, role, unit)

    def user(self, name: str) -> User | None:
        with self._lock:
            row = self.conn.execute("SELECT name, role, unit FROM users WHERE name = ?", (name,)).fetchone()
        return User(row["name"], row["role"], row["unit"]) if row else None

    # -- logging in ------------------------------------------------------------------------------------------
    def login(self, name: str, password: str, address: str) -> Session:
        """Safe to call from a worker thread: the slow hash check runs outside the connection's lock."""
        now = self.clock()
        since = (now - FAILURE_WINDOW).isoformat()
        with self._lock:
            failures = self.conn.execute("SELECT SUM(CASE WHEN name = ? THEN 1 ELSE 0 END), SUM(CASE WHEN address = ? THEN 1 ELSE 0 END)"
                                         " FROM failures WHERE at >= ?",
                                         (name, address, since)).fetchone()
            row = self.conn.execute("SELECT hash FROM users WHERE name = ?", (name,)).fetchone()
        if max(failures[0] or 0, failures[1] or 0) >= MAX_FAILURES:
            self.audit(name, address, "login.locked", name, "")
            raise AccountError("登录失败次数过多，请 15 分钟后再试。")
        if not self._verify(row["hash"] if row else None, password):
            with self._lock:
                self.conn.execute("INSERT INTO failures (name, address, at) VALUES (?, ?, ?)",
                                  (name, address, now.isoformat()))
            self.audit(name, address, "login.failed", name, "")
            raise AccountError("用户名或密码不正确。")
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with self._lock:
            self.conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                              (token_digest(token), name, csrf, now.isoformat(), now.isoformat()))
            # sessions and failures past any window they count in are kept no longer
            self.conn.execute("DELETE FROM sessions WHERE seen_at < ? OR created_at < ?",
                              ((now - IDLE_TIMEOUT).isoformat(), (now - MAX_SESSION).isoformat()))
            self.conn.execute("DELETE FROM failures WHERE at < ?", (since,))
        self.audit(name, address, "login", name, "")
        return Session(token, self.user(name), csrf)

    def _verify(self, stored: str | None, password: str) -> bool:
        if stored is None:
            self.hasher.hash(password or "x")  # the same time for an unknown name as for a wrong password
            return False
        try:
            return self.hasher.verify(stored, password or "")
        except (VerificationError, InvalidHashError):
            return False

    def session(self, token: str | None) -> Session | None:
        """The live session for a cookie's token, kept alive by use; None when absent or expired."""
        if not token:
            return None
        now = self.clock()
        with self._lock:
            row = self.conn.execute("SELECT * FROM sessions WHERE token_hash = ?", (token_digest(token),)).fetchone()
        if row is None:
            return None
        if (now - datetime.fromisoformat(row["seen_at"]) > IDLE_TIMEOUT
                or now - datetime.fromisoformat(row["created_at"]) > MAX_SESSION):
            self.logout(token)
            return None
        user = self.user(row["name"])
        if user is None:
            return None
        if now - datetime.fromisoformat(row["seen_at"]) >= TOUCH_EVERY:
            # kept alive at most once a minute, not on every page: each touch is a durable write
            with self._lock:
                self.conn.execute("UPDATE sessions SET seen_at = ? WHERE token_hash = ?",
                                  (now.isoformat(), token_digest(token)))
        return Session(token, user, row["csrf"])

    def logout(self, token: str) -> None:
        with self._lock:
            self.conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_digest(token),))

    # -- the audit log ---------------------------------------------------------------------------------------
    def audit(self, user: str, address: str, action: str, target: str, detail: str = "") -> None:
        with self._lock:
            self.conn.execute('INSERT INTO audit (at, "user", address, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)',
                              (self.clock().isoformat(), user, address, action, target, detail[:500]))

    def audit_log(self, limit: int = 200) -> list[dict]:
        with self._lock:
            rows = self.conn.execute('SELECT at, "user", address, action, target, detail FROM audit ORDER BY id DESC'
                                     " LIMIT ?", (limit,)).fetchall()
        return [dict(r) for r in rows]
