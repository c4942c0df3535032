"""The requests database: its own SQLite file, apart from the content store that gets rebuilt.

WAL with ``synchronous=FULL`` makes every commit durable before it returns, so a visitor told "已受理" keeps the
request through a kill -9 or a power cut. Every change runs in ``BEGIN IMMEDIATE`` transactions: two staff
terminals acting on the same item are serialised, and the second sees the first's result.

Reading never writes: the schema is checked with a plain read and migrated only when it is behind, so a
read-only data directory still answers status checks. A locked file is waited for briefly, then reported as busy;
every storage failure reaches people as plain words (``kiosk.errors``), never as SQLite text or a path.

Free text is written only redacted (``kiosk.privacy``): contact phones live in ``tickets.phone`` and, for
a visitor whose submission joined an open item, ``item_contacts`` (never shown, never in the outbox). A file
from before redaction that cannot be migrated yet (read-only, disk full) is redacted as it is read, so it shows
nothing personal either. ``secure_delete`` zeroes what is overwritten, so text scrubbed by the redaction
migration leaves no copy behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from kiosk import config, sqldb
from kiosk.errors import BUSY, DISK_FULL, READ_ONLY, STORAGE, storage_message
from kiosk.privacy import redact
from kiosk.requests.lifecycle import State
from kiosk.requests.records import Event, Item, Ticket
from kiosk.requests.repo.rows import ITEM_COLUMNS, dt, ts
from kiosk.requests.repo.rows import item as item_of
from kiosk.requests.repo.schema import FREE_TEXT_FIELDS, MIGRATIONS, SCRUBBED_SCHEMA
from kiosk.requests.validate import RequestError
from kiosk.store.readonly import connect_readonly

log = logging.getLogger(__name__)
DAMAGED = "工单数据库无法打开，文件未被改动。请联系工作人员处理。"
BUSY_TIMEOUT_S = 5.0  # how long a visitor waits on another terminal's write before hearing "系统正忙"


def requests_path() -> Path:
    return config.data_dir() / "requests.db"


class StaleItem(Exception):
    """The item changed under us (another terminal acted first)."""


class RequestDB:
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

    def _shown(self, text: str) -> str:
        """Free text as it may be shown: a file not yet scrubbed (read-only, disk full) is redacted on reading."""
        return text if self.scrubbed else redact(text)

    def _item(self, row: sqlite3.Row) -> Item:
        item = item_of(row)
        item.text, item.rating_comment = self._shown(item.text), self._shown(item.rating_comment)
        return item

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

    # ── writes (call inside transaction()) ──

    def next_ticket(self, now: datetime) -> str:
        day = now.strftime("%Y%m%d")
        row = self.conn.execute(
            "INSERT INTO counters VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET n = counters.n + 1 RETURNING n", (day,)
        ).fetchone()
        return f"XH{day}-{row[0]:04d}"

    def insert_ticket(self, t: Ticket, company_key: str, consent: bool) -> None:
        self.conn.execute(
            "INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?)",
            (t.ticket, ts(t.created_at), t.company, company_key, t.phone, t.address, redact(t.text), t.channel,
             int(consent)),
        )

    def insert_item(self, item: Item) -> int:
        row = self.conn.execute(
            "INSERT INTO items (ticket, seq, text, category, section, department, tier, state, created_at, due_at,"
            " updated_at, confident) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (
                item.ticket, item.seq, redact(item.text), item.category, item.section, item.department, item.tier,
                str(item.state), ts(item.created_at), ts(item.due_at), ts(item.updated_at), int(item.confident),
            ),
        ).fetchone()
        item.id = row[0]
        return item.id

    def update_item(self, item: Item, **changes) -> None:
        """Write ``changes`` if the item is still at the version we read; bumps the version."""
        cols = ", ".join(f"{k} = ?" for k in changes)
        values = [ts(v) if isinstance(v, datetime) else (str(v) if isinstance(v, State) else v) for v in changes.values()]
        cur = self.conn.execute(
            f"UPDATE items SET {cols}, version = version + 1 WHERE id = ? AND version = ?",
            (*values, item.id, item.version),
        )
        if cur.rowcount != 1:
            raise StaleItem(item.ref)
        for k, v in changes.items():
            setattr(item, k, v)
        item.version += 1

    def add_event(self, item: Item, at: datetime, actor: str, action: str, from_state: State | None,
                  to_state: State | None, note: str = "") -> int:
        return self.conn.execute(
            "INSERT INTO events (item_id, at, actor, action, from_state, to_state, note) VALUES (?,?,?,?,?,?,?)"
            " RETURNING id",
            (item.id, ts(at), actor, action, from_state and str(from_state), to_state and str(to_state), redact(note)),
        ).fetchone()[0]

    def add_outbox(self, key: str, kind: str, payload: dict, at: datetime) -> None:
        record = {k: redact(v) if k in FREE_TEXT_FIELDS and isinstance(v, str) else v for k, v in payload.items()}
        self.conn.execute(
            "INSERT INTO outbox (key, kind, payload, created_at) VALUES (?,?,?,?) ON CONFLICT (key) DO NOTHING",
            (key, kind, json.dumps(record, ensure_ascii=False), ts(at)),
        )

    # ── reads ──

    def put_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          (key, value))

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def last_outbox_id(self) -> int:
        """The newest outbox record's id (0 when empty): one indexed read, for noticing that something is new."""
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM outbox").fetchone()[0])

    def ticket(self, ticket: str) -> Ticket | None:
        row = self.conn.execute("SELECT * FROM tickets WHERE ticket = ?", (ticket,)).fetchone()
        if row is None:
            return None
        t = Ticket(
            ticket=row["ticket"], created_at=dt(row["created_at"]), company=row["company"], phone=row["phone"],
            address=row["address"], text=self._shown(row["text"]), channel=row["channel"],
        )
        t.items = self.items_of(ticket)
        return t

    def items_of(self, ticket: str) -> list[Item]:
        rows = self.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE ticket = ? ORDER BY seq", (ticket,))
        return [self._item(r) for r in rows]

    def item(self, ticket: str, seq: int) -> Item | None:
        row = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE ticket = ? AND seq = ?", (ticket, seq)
        ).fetchone()
        return self._item(row) if row else None

    def items(self, states: list[str] | None = None, section: str | None = None, department: str | None = None,
              due_before: datetime | None = None, unit: str | None = None, due_after: datetime | None = None,
              limit: int | None = None, by_due: bool = False) -> list[Item]:
        """Items matching every filter given; ``unit`` is a department or section handling them (either field).

        The first ``limit`` by deadline are read along the deadline indexes and merged, so a queue never sorts
        every open item: for a unit, its items as department and as section apart (each index is in deadline order
        within one of them); district-wide over several states, state by state."""
        if by_due and limit is not None and unit and not (section or department):
            found = {(i.ticket, i.seq): i for column in ("department", "section") for i in self.items(
                states, due_before=due_before, due_after=due_after, limit=limit, by_due=True, **{column: unit})}
            return sorted(found.values(), key=lambda i: (i.due_at, i.ticket, i.seq))[:limit]
        if by_due and limit is not None and states and len(states) > 1 and not (section or department):
            merged = [i for state in states for i in self.items([state], section, department, due_before, unit,
                                                                  due_after, limit, by_due)]
            return sorted(merged, key=lambda i: (i.due_at, i.ticket, i.seq))[:limit]
        where, args = self._where(states, section, department, due_before, unit, due_after)
        sql = f"SELECT {ITEM_COLUMNS} FROM items{where} ORDER BY "
        sql += "due_at, ticket, seq" if by_due else "created_at, ticket, seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self._item(r) for r in self.conn.execute(sql, args)]

    def count_many(self, unit: str | None, filters: dict[str, dict]) -> dict[str, int]:
        """How many of a unit's items (every item when ``unit`` is None) match each filter."""
        return {name: self._count(unit, f.get("states"), f.get("due_before"), f.get("due_after"))
                for name, f in filters.items()}

    def _count(self, unit: str | None, states: list[str] | None, due_before: datetime | None,
               due_after: datetime | None) -> int:
        """Items by state are counted from item_states (kept by triggers), whose columns the filter shares; those
        due before a moment are that less the ones due from then on, and a window of deadlines is counted along
        the deadline indexes: both read only items not yet due, which are few next to the million done."""
        if due_after:
            where, args = self._where(states, None, None, due_before, unit, due_after)
            return self.conn.execute(f"SELECT COUNT(*) FROM items{where}", args).fetchone()[0]  # noqa: S608
        where, args = self._where(states, None, None, None, unit, None)
        n = int(self.conn.execute(f"SELECT COALESCE(SUM(n), 0) FROM item_states{where}", args).fetchone()[0])  # noqa: S608
        return n - self._count(unit, states, None, due_before) if due_before else n

    @staticmethod
    def _where(states, section, department, due_before, unit, due_after) -> tuple[str, list]:
        where, args = [], []
        if states:
            where.append(f"state IN ({','.join('?' * len(states))})")
            args.extend(states)
        for column, value in (("section", section), ("department", department)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if unit:
            where.append("(department = ? OR section = ?)")
            args.extend([unit, unit])
        for condition, when in (("due_at < ?", due_before), ("due_at >= ?", due_after)):
            if when:
                where.append(condition)
                args.append(ts(when))
        return (" WHERE " + " AND ".join(where)) if where else "", args

    def recent_items_of_enterprise(self, phone: str, company_key: str, since: datetime) -> list[Item]:
        rows = self.conn.execute(
            f"SELECT {', '.join('i.' + c.strip() for c in ITEM_COLUMNS.split(','))} FROM items i"
            " JOIN tickets t ON t.ticket = i.ticket"
            " WHERE (t.phone = ? OR t.company_key = ?) AND t.created_at >= ? ORDER BY i.id",
            (phone, company_key, ts(since)),
        )
        return [self._item(r) for r in rows]

    def events_of(self, ticket: str) -> list[Event]:
        rows = self.conn.execute(
            "SELECT e.*, i.ticket, i.seq FROM events e JOIN items i ON i.id = e.item_id"
            " WHERE i.ticket = ? ORDER BY e.id",
            (ticket,),
        )
        return [
            Event(dt(r["at"]), f"{r['ticket']}-{r['seq']}", r["actor"], r["action"], r["from_state"], r["to_state"],
                  self._shown(r["note"]))
            for r in rows
        ]

    def add_contact(self, item: Item, phone: str, at: datetime) -> None:
        self.conn.execute("INSERT INTO item_contacts (item_id, phone, at) VALUES (?, ?, ?)"
                          " ON CONFLICT (item_id, phone) DO NOTHING",
                          (item.id, phone, ts(at)))

    def joined_items(self, ticket: str, phone_last4: str) -> frozenset[str]:
        """The refs of the ticket's items that a submission from a phone ending in ``phone_last4`` joined."""
        try:
            rows = self.conn.execute(
                "SELECT i.seq FROM item_contacts c JOIN items i ON i.id = c.item_id"
                " WHERE i.ticket = ? AND substr(c.phone, length(c.phone) - 3) = ?", (ticket, phone_last4))
            return frozenset(f"{ticket}-{r[0]}" for r in rows)
        except sqlite3.OperationalError:
            return frozenset()  # a read-only file from before contacts were kept: none were

    def failed_checks_since(self, source: str, since: datetime) -> int:
        """Wrong phone digits entered at ``source`` (a terminal or channel) since ``since``."""
        try:
            return self.conn.execute(
                "SELECT COUNT(*) FROM failed_checks WHERE source = ? AND at >= ?", (source, ts(since))
            ).fetchone()[0]
        except sqlite3.OperationalError:
            return 0  # a read-only file from before per-source counting: nothing was counted by source

    def add_failed_check(self, source: str, ticket: str, at: datetime) -> None:
        self.conn.execute("INSERT INTO failed_checks (source, ticket, at) VALUES (?, ?, ?)", (source, ticket, ts(at)))

    def count_tickets(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]


def _writable(path: Path) -> bool:
    """Whether the requests file (or, before it exists, its folder) can be written."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    return folder is not None and os.access(folder, os.W_OK)


def _open_message(exc: sqlite3.DatabaseError) -> str:
    message = storage_message(exc)
    return message if message in (BUSY, DISK_FULL, READ_ONLY) else DAMAGED
