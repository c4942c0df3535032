"""The requests database's records: tickets, their items, events, the outbox, contacts and failed look-ups,
written and read on the opened file (``kiosk.requests.repo.file``).

Free text is written only redacted (``kiosk.privacy``): contact phones live in ``tickets.phone`` and, for
a visitor whose submission joined an open item, ``item_contacts`` (never shown, never in the outbox). A file
from before redaction that cannot be migrated yet (read-only, disk full) is redacted as it is read, so it shows
nothing personal either.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from kiosk.privacy import redact
from kiosk.requests.lifecycle import State
from kiosk.requests.records import Event, Item, Ticket
from kiosk.requests.repo.file import RequestFile
from kiosk.requests.repo.rows import ITEM_COLUMNS, dt, ts
from kiosk.requests.repo.rows import item as item_of
from kiosk.requests.repo.schema import FREE_TEXT_FIELDS


class StaleItem(Exception):
    """The item changed under us (another terminal acted first)."""


class RequestDB(RequestFile):
    """The requests file's records (the file is opened, migrated and written in transactions by RequestFile)."""

    def _shown(self, text: str) -> str:
        """Free text as it may be shown: a file not yet scrubbed (read-only, disk full) is redacted on reading."""
        return text if self.scrubbed else redact(text)

    def _item(self, row: sqlite3.Row) -> Item:
        item = item_of(row)
        item.text, item.rating_comment = self._shown(item.text), self._shown(item.rating_comment)
        return item

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
