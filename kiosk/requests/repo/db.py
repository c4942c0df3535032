"""The requests database: its own SQLite file, apart from the content store that gets rebuilt.

WAL with ``synchronous=FULL`` makes every commit durable before it returns, so a visitor told "已受理" keeps the
request through a kill -9 or a power cut. Every change runs in ``BEGIN IMMEDIATE`` transactions: two staff
terminals acting on the same item are serialised, and the second sees the first's result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from kiosk import config
from kiosk.requests.lifecycle import State
from kiosk.requests.records import Event, Item, Ticket
from kiosk.requests.validate import RequestError

MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE counters (day TEXT PRIMARY KEY, n INTEGER NOT NULL);
    CREATE TABLE tickets (
        ticket TEXT PRIMARY KEY, created_at TEXT NOT NULL, company TEXT NOT NULL, company_key TEXT NOT NULL,
        phone TEXT NOT NULL, address TEXT NOT NULL DEFAULT '', text TEXT NOT NULL, channel TEXT NOT NULL,
        consent INTEGER NOT NULL
    );
    CREATE INDEX tickets_phone ON tickets(phone, created_at);
    CREATE INDEX tickets_company ON tickets(company_key, created_at);
    CREATE TABLE items (
        id INTEGER PRIMARY KEY, ticket TEXT NOT NULL REFERENCES tickets(ticket), seq INTEGER NOT NULL,
        text TEXT NOT NULL, category TEXT NOT NULL, section TEXT, department TEXT NOT NULL, tier TEXT NOT NULL,
        state TEXT NOT NULL, created_at TEXT NOT NULL, due_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        resolved_at TEXT, reminders INTEGER NOT NULL DEFAULT 0, last_reminded_at TEXT,
        escalation INTEGER NOT NULL DEFAULT 0, reopened INTEGER NOT NULL DEFAULT 0, rating INTEGER,
        rating_comment TEXT NOT NULL DEFAULT '', confident INTEGER NOT NULL DEFAULT 1,
        version INTEGER NOT NULL DEFAULT 0, UNIQUE (ticket, seq)
    );
    CREATE INDEX items_state ON items(state, due_at);
    CREATE INDEX items_department ON items(department);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id), at TEXT NOT NULL,
        actor TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT, to_state TEXT, note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX events_item ON events(item_id, id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, payload TEXT NOT NULL,
        created_at TEXT NOT NULL, exported_at TEXT, pushed_at TEXT, attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE TABLE imported (key TEXT PRIMARY KEY, at TEXT NOT NULL);
    """,
    # 2: failed status checks, so the last four phone digits cannot be guessed by trying all 10,000
    """
    CREATE TABLE failed_checks (id INTEGER PRIMARY KEY, ticket TEXT NOT NULL, at TEXT NOT NULL);
    CREATE INDEX failed_checks_ticket ON failed_checks(ticket, at);
    """,
]

_ITEM_COLUMNS = (
    "id, ticket, seq, text, category, section, department, tier, state, created_at, due_at, updated_at, "
    "resolved_at, reminders, last_reminded_at, escalation, reopened, rating, rating_comment, confident, version"
)


def requests_path() -> Path:
    return config.data_dir() / "requests.db"


def _ts(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat(timespec="seconds")


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _item(row: sqlite3.Row) -> Item:
    return Item(
        id=row["id"],
        ticket=row["ticket"],
        seq=row["seq"],
        text=row["text"],
        category=row["category"],
        section=row["section"],
        department=row["department"],
        tier=row["tier"],
        state=State(row["state"]),
        created_at=_dt(row["created_at"]),
        due_at=_dt(row["due_at"]),
        updated_at=_dt(row["updated_at"]),
        resolved_at=_dt(row["resolved_at"]),
        reminders=row["reminders"],
        last_reminded_at=_dt(row["last_reminded_at"]),
        escalation=row["escalation"],
        reopened=row["reopened"],
        rating=row["rating"],
        rating_comment=row["rating_comment"],
        confident=bool(row["confident"]),
        version=row["version"],
    )


DISK_FULL = "存储空间已满，这次没能保存，之前登记的诉求都还在。请到人工窗口登记，或稍后再试。"


class StaleItem(Exception):
    """The item changed under us (another terminal acted first)."""


class RequestDB:
    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else requests_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE.
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=10.0, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise RequestError(f"工单数据库 {self.path} 无法打开（{exc}）。文件未被改动，请联系管理员处理。") from None

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        with self.transaction():
            has_meta = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone()
            version = 0
            if has_meta:
                row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                version = int(row[0]) if row else 0
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(number),))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit; inside another transaction it joins the outer one."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            if "full" in str(exc):  # SQLITE_FULL: nothing of this unit was stored, and earlier data is intact
                raise RequestError(DISK_FULL) from None
            raise
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    # ── writes (call inside transaction()) ──

    def next_ticket(self, now: datetime) -> str:
        day = now.strftime("%Y%m%d")
        row = self.conn.execute(
            "INSERT INTO counters VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET n = n + 1 RETURNING n", (day,)
        ).fetchone()
        return f"XH{day}-{row[0]:04d}"

    def insert_ticket(self, t: Ticket, company_key: str, consent: bool) -> None:
        self.conn.execute(
            "INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?)",
            (t.ticket, _ts(t.created_at), t.company, company_key, t.phone, t.address, t.text, t.channel, int(consent)),
        )

    def insert_item(self, item: Item) -> int:
        cur = self.conn.execute(
            "INSERT INTO items (ticket, seq, text, category, section, department, tier, state, created_at, due_at,"
            " updated_at, confident) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                item.ticket, item.seq, item.text, item.category, item.section, item.department, item.tier,
                str(item.state), _ts(item.created_at), _ts(item.due_at), _ts(item.updated_at), int(item.confident),
            ),
        )
        item.id = cur.lastrowid
        return item.id

    def update_item(self, item: Item, **changes) -> None:
        """Write ``changes`` if the item is still at the version we read; bumps the version."""
        cols = ", ".join(f"{k} = ?" for k in changes)
        values = [_ts(v) if isinstance(v, datetime) else (str(v) if isinstance(v, State) else v) for v in changes.values()]
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
        cur = self.conn.execute(
            "INSERT INTO events (item_id, at, actor, action, from_state, to_state, note) VALUES (?,?,?,?,?,?,?)",
            (item.id, _ts(at), actor, action, from_state and str(from_state), to_state and str(to_state), note),
        )
        return cur.lastrowid

    def add_outbox(self, key: str, kind: str, payload: str, at: datetime) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO outbox (key, kind, payload, created_at) VALUES (?,?,?,?)", (key, kind, payload, _ts(at))
        )

    # ── reads ──

    def ticket(self, ticket: str) -> Ticket | None:
        row = self.conn.execute("SELECT * FROM tickets WHERE ticket = ?", (ticket,)).fetchone()
        if row is None:
            return None
        t = Ticket(
            ticket=row["ticket"], created_at=_dt(row["created_at"]), company=row["company"], phone=row["phone"],
            address=row["address"], text=row["text"], channel=row["channel"],
        )
        t.items = self.items_of(ticket)
        return t

    def items_of(self, ticket: str) -> list[Item]:
        rows = self.conn.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE ticket = ? ORDER BY seq", (ticket,))
        return [_item(r) for r in rows]

    def item(self, ticket: str, seq: int) -> Item | None:
        row = self.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE ticket = ? AND seq = ?", (ticket, seq)
        ).fetchone()
        return _item(row) if row else None

    def items(self, states: list[str] | None = None, section: str | None = None, department: str | None = None,
              due_before: datetime | None = None) -> list[Item]:
        where, args = [], []
        if states:
            where.append(f"state IN ({','.join('?' * len(states))})")
            args.extend(states)
        if section:
            where.append("section = ?")
            args.append(section)
        if department:
            where.append("department = ?")
            args.append(department)
        if due_before:
            where.append("due_at < ?")
            args.append(_ts(due_before))
        sql = f"SELECT {_ITEM_COLUMNS} FROM items"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [_item(r) for r in self.conn.execute(sql + " ORDER BY created_at, ticket, seq", args)]

    def recent_items_of_enterprise(self, phone: str, company_key: str, since: datetime) -> list[Item]:
        rows = self.conn.execute(
            f"SELECT {', '.join('i.' + c.strip() for c in _ITEM_COLUMNS.split(','))} FROM items i"
            " JOIN tickets t ON t.ticket = i.ticket"
            " WHERE (t.phone = ? OR t.company_key = ?) AND t.created_at >= ? ORDER BY i.id",
            (phone, company_key, _ts(since)),
        )
        return [_item(r) for r in rows]

    def events_of(self, ticket: str) -> list[Event]:
        rows = self.conn.execute(
            "SELECT e.*, i.ticket, i.seq FROM events e JOIN items i ON i.id = e.item_id"
            " WHERE i.ticket = ? ORDER BY e.id",
            (ticket,),
        )
        return [
            Event(_dt(r["at"]), f"{r['ticket']}-{r['seq']}", r["actor"], r["action"], r["from_state"], r["to_state"],
                  r["note"])
            for r in rows
        ]

    def failed_checks_since(self, ticket: str, since: datetime) -> int:
        return self.conn.execute(
            "SELECT COUNT(*) FROM failed_checks WHERE ticket = ? AND at >= ?", (ticket, _ts(since))
        ).fetchone()[0]

    def add_failed_check(self, ticket: str, at: datetime) -> None:
        self.conn.execute("INSERT INTO failed_checks (ticket, at) VALUES (?, ?)", (ticket, _ts(at)))

    def count_tickets(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
