"""The requests file's schema: its migrations, in order, each run once inside one transaction.

A migration is SQL, or a function for changes SQL cannot express (redacting text written by earlier versions).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from kiosk.privacy import redact


def _scrub_free_text(conn: sqlite3.Connection) -> None:
    """Redact what earlier versions stored in full: request text, notes, comments and the outbox's copies."""
    for table, key, column in (("tickets", "ticket", "text"), ("items", "id", "text"), ("events", "id", "note"),
                               ("items", "id", "rating_comment")):
        rows = conn.execute(f"SELECT {key}, {column} FROM {table}").fetchall()  # noqa: S608 - fixed names
        conn.executemany(f"UPDATE {table} SET {column} = ? WHERE {key} = ?",  # noqa: S608
                         [(redact(text), k) for k, text in rows if text and redact(text) != text])
    for row_id, payload in conn.execute("SELECT id, payload FROM outbox").fetchall():
        record = json.loads(payload)
        clean = {k: redact(v) if k in FREE_TEXT_FIELDS and isinstance(v, str) else v for k, v in record.items()}
        if clean != record:
            conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", (json.dumps(clean, ensure_ascii=False), row_id))


# Outbox fields written by people in their own words; they travel redacted. The contact fields the platform
# receives on purpose are "phone" (the enterprise's contact number), "company" and "address" (for routing).
FREE_TEXT_FIELDS = ("text", "note")

MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
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
    # 3: failed checks are counted per terminal or channel, so guessing at a ticket cannot lock its owner out
    """
    ALTER TABLE failed_checks ADD COLUMN source TEXT NOT NULL DEFAULT '';
    CREATE INDEX failed_checks_source ON failed_checks(source, at);
    """,
    # 4: personal numbers and names in free text are kept only masked
    _scrub_free_text,
    # 5: the office's queues filter by the handling section as well as the department and list by deadline; its
    # barometer groups a period's items from an index that holds every column it counts (not the text)
    "CREATE INDEX IF NOT EXISTS items_section ON items(section, due_at);"
    " CREATE INDEX IF NOT EXISTS items_due ON items(due_at);"
    " CREATE INDEX IF NOT EXISTS items_period ON items(created_at, section, category, department, resolved_at, due_at,"
    " rating);",
    # 6: an office serving several halls keeps which hall each item came from and under what reference there,
    # and every pushed event's key (with the event it became), so a replayed push changes nothing and the hall is
    # never sent its own events back (IF NOT EXISTS, like 5: a file whose recorded version was put back runs it again)
    """
    CREATE TABLE IF NOT EXISTS hall_items (
        item_id INTEGER PRIMARY KEY REFERENCES items(id), hall TEXT NOT NULL, remote_ref TEXT NOT NULL,
        UNIQUE (hall, remote_ref)
    );
    CREATE TABLE IF NOT EXISTS hall_keys (
        hall TEXT NOT NULL, key TEXT NOT NULL, event_id INTEGER, at TEXT NOT NULL, PRIMARY KEY (hall, key)
    );
    CREATE INDEX IF NOT EXISTS hall_keys_event ON hall_keys(event_id);
    """,
]
SCRUBBED_SCHEMA = 4
