"""The requests file opened: its own SQLite file, apart from the content store that gets rebuilt (or, for an
office serving a district's halls, its schema in a PostgreSQL database: ``kiosk.sqldb``), brought up to date and
written in transactions.

WAL with ``synchronous=FULL`` makes every commit durable before it returns, so a visitor told "已受理" keeps the
request through a kill -9 or a power cut. Every change runs in ``BEGIN IMMEDIATE`` transactions: two staff
terminals acting on the same item are serialised, and the second sees the first's result.

Reading never writes: the schema is checked with a plain read and migrated only when it is behind, so a
read-only data directory still answers status checks. A locked file is waited for briefly, then reported as busy;
every storage failure reaches people as plain words (``kiosk.errors``), never as SQLite text or a path.
``secure_delete`` zeroes what is overwritten, so text scrubbed by the redaction migration leaves no copy behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk import config, sqldb
from kiosk.errors import BUSY, DISK_FULL, READ_ONLY, STORAGE, storage_message
from kiosk.requests.repo.schema import MIGRATIONS, SCRUBBED_SCHEMA
from kiosk.requests.validate import RequestError
from kiosk.store.readonly import connect_readonly

log = logging.getLogger(__name__)
DAMAGED = "工单数据库无法打开，文件未被改动。请联系工作人员处理。"
BUSY_TIMEOUT_S = 5.0  # how long a visitor waits on another terminal's write before hearing "系统正忙"


def requests_path() -> Path:
    return config.data_dir() / "requests.db"


class RequestFile:
    """The requests file; opened read-only when the data directory cannot be written (status checks still work).
    An office that serves a district's halls may keep it on PostgreSQL instead: ``path`` is then the database's
    address (``postgresql://…``), and the same code runs on it (``kiosk.sqldb``)."""

    def __init__(self, path: Path | str | None = None):
        self.path = sqldb.target_of(path, requests_path())
        self.readonly = not sqldb.is_postgres(self.path) and not _writable(self.path)
        self.exclusive = False
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            if sqldb.is_postgres(self.path):
                raise RequestError(storage_message(exc)) from None
            message = storage_message(exc)
            if self.readonly or message not in (READ_ONLY, DISK_FULL, STORAGE):
                raise RequestError(_open_message(exc)) from None
            if message == READ_ONLY:
                self.readonly = True  # the folder looked writable but is not (e.g. a read-only mount)
            else:
                # No room for the shared-memory index a WAL file needs (disk full): this connection keeps the
                # index in its own memory instead, holding the file for itself while it is open.
                self.exclusive = True
            try:
                self._open()
            except sqlite3.DatabaseError as again:
                raise RequestError(_open_message(again)) from None

    def _open(self) -> None:
        self.conn = self._connect()
        try:
            self._prepare()
        except BaseException:
            self.conn.close()
            raise

    def _connect(self) -> sqldb.Connection:
        if sqldb.is_postgres(self.path):
            return sqldb.PgConnection(self.path, "requests")
        # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE.
        options = {"isolation_level": None, "check_same_thread": False}
        if self.readonly:
            conn = connect_readonly(self.path, BUSY_TIMEOUT_S, **options)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, **options)
            if self.exclusive:
                conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.row_factory = sqlite3.Row
        return conn

    def _prepare(self) -> None:
        if sqldb.postgres(self.conn):
            self._migrate_if_behind()
        elif self.readonly or self.exclusive:
            self.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")  # fail here, not on the first query
        else:
            self._make_durable_and_current()
        self.scrubbed = self._schema_version() >= SCRUBBED_SCHEMA

    def _make_durable_and_current(self) -> None:
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("PRAGMA secure_delete=ON")
        self._switch_to_wal()
        self._migrate_if_behind()

    def _migrate_if_behind(self) -> None:
        if self._schema_version() < len(MIGRATIONS):
            # Disk full or another terminal busy: reading works on the current schema, and the migration runs
            # at the next open.
            with contextlib.suppress(RequestError):
                self._migrate()

    def _switch_to_wal(self) -> None:
        """A new file becomes WAL at its first open. Two processes opening it at once (the window's services and
        the office sync, or the window and a command) race for that switch, and SQLite refuses the loser at once
        instead of waiting on the busy timeout: wait here, as long as the timeout, for the winner to finish."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if storage_message(exc) != BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def close(self) -> None:
        self.conn.close()

    def _schema_version(self) -> int:
        if not sqldb.has_table(self.conn, "meta"):
            return 0
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        with self.transaction():
            version = self._schema_version()  # again, inside the lock: another process may have migrated
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                if callable(step):
                    step(self.conn)
                else:
                    for statement in step.split(";"):
                        if statement.strip():
                            self.conn.execute(statement)
                self.put_meta("schema_version", str(number))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit; inside another transaction it joins the outer one.

        A unit that cannot be stored (disk full, file locked for too long, read-only) leaves nothing behind and
        raises a RequestError that says so in plain words.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        if self.readonly:
            raise RequestError(READ_ONLY)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            log.info("requests file not writable now: %s", exc)
            raise RequestError(storage_message(exc)) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            # Nothing of this unit was stored, and earlier data is intact. The log keeps SQLite's own words for
            # whoever maintains the kiosk; people are told in plain words.
            self._rollback()
            log.info("requests change not stored: %s", exc)
            raise RequestError(storage_message(exc)) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        # SQLite may already have rolled back (e.g. after SQLITE_FULL); then there is nothing left to undo.
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.OperationalError):
                self.conn.execute("ROLLBACK")

    def put_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          (key, value))

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

def _writable(path: Path) -> bool:
    """Whether the requests file (or, before it exists, its folder) can be written."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    return folder is not None and os.access(folder, os.W_OK)


def _open_message(exc: sqlite3.DatabaseError) -> str:
    message = storage_message(exc)
    return message if message in (BUSY, DISK_FULL, READ_ONLY) else DAMAGED
