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


# The barometer's counts per day of creation, unit and category, kept by triggers so that every writer (the
# kiosk, the office, an older version's code) keeps them exact; the barometer then sums a few thousand rows
# instead of grouping a million items. A row holds the items' count, how many are resolved and resolved on time,
# how many are rated, the stars' sum and how many got each of 1..5 stars. Each unit and category also has a row
# for all days (day ALL_DAYS): a period holding most items reads those less the days before it. The items of
# each day, whatever their unit, are counted apart (item_dates) for the barometer's weeks.
ALL_DAYS = ""  # sorts before any date
DAY_COUNTS = ("n", "resolved", "on_time", "rated", "stars", "r1", "r2", "r3", "r4", "r5")
_DAY_KEY = "day, section, category, department"
_DAY_TRIGGER_COLUMNS = ("created_at", "section", "category", "department", "resolved_at", "due_at", "rating")


def _day_key(row: str, day: str) -> list[str]:
    """The row an item counts in (``row`` is NEW, OLD or the table), for ``day``."""
    return [day, f"COALESCE({row}.section, '')", f"{row}.category", f"{row}.department"]


def _day_counts(row: str) -> list[str]:
    """What one item adds to each of DAY_COUNTS."""
    return ["1", one_if(f"{row}.resolved_at IS NOT NULL"), one_if(f"{row}.resolved_at <= {row}.due_at"),
            one_if(f"{row}.rating IS NOT NULL"), f"COALESCE({row}.rating, 0)", *(one_if(f"{row}.rating = {n}")
                                                                              for n in range(1, 6))]


def one_if(condition: str) -> str:
    """1 where ``condition`` holds, else 0 (also where it is unknown): a count both SQLite and PostgreSQL add up."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _upsert(table: str, key: str, counts: tuple[str, ...]) -> str:
    """The conflict clause that adds a new row's ``counts`` to the row already kept under ``key``."""
    return f" ON CONFLICT ({key}) DO UPDATE SET " + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counts)


def _add(row: str) -> str:
    created = f"substr({row}.created_at, 1, 10)"
    return (f"INSERT INTO item_days ({_DAY_KEY}, {', '.join(DAY_COUNTS)})"
            f" SELECT {', '.join(_day_key(row, 'd') + _day_counts(row))} FROM (SELECT {created} AS d UNION ALL"
            f" SELECT '{ALL_DAYS}') AS days WHERE true{_upsert('item_days', _DAY_KEY, DAY_COUNTS)};"
            f" INSERT INTO item_dates VALUES ({created}, 1){_upsert('item_dates', 'day', ('n',))};")


def _remove(row: str) -> str:
    created = f"substr({row}.created_at, 1, 10)"
    same = zip(_DAY_KEY.split(", ")[1:], _day_key(row, created)[1:], strict=True)
    key = " AND ".join([f"day IN ({created}, '{ALL_DAYS}')", *(f"{column} = {value}" for column, value in same)])
    return ("UPDATE item_days SET " + ", ".join(f"{c} = {c} - ({v})" for c, v in zip(DAY_COUNTS, _day_counts(row),
                                                                                      strict=True))
            + f" WHERE {key}; DELETE FROM item_days WHERE {key} AND n = 0;"
            f" UPDATE item_dates SET n = n - 1 WHERE day = {created};"
            f" DELETE FROM item_dates WHERE day = {created} AND n = 0;")


def _counted(conn: sqlite3.Connection, table: str, period: str, key: str, add: Callable[[str], str],
             remove: Callable[[str], str], *also: str) -> None:
    """A table of DAY_COUNTS per ``period`` (day or month) and unit, made afresh with the triggers that keep it on
    the items (``also``: statements creating tables those triggers write besides): the frame _item_days and
    _item_months share; each fills it its own way."""
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    for trigger in ("insert", "delete", "update"):
        conn.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
    counts = ", ".join(f"{c} {'REAL' if c == 'stars' else 'INTEGER'} NOT NULL" for c in DAY_COUNTS)
    conn.execute(f"CREATE TABLE {table} ({period} TEXT NOT NULL, section TEXT NOT NULL, category TEXT NOT NULL,"
                 f" department TEXT NOT NULL, {counts}, PRIMARY KEY ({key})) WITHOUT ROWID")
    for statement in also:
        conn.execute(statement)
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _DAY_TRIGGER_COLUMNS)
    conn.execute(f"CREATE TRIGGER {table}_insert AFTER INSERT ON items BEGIN {add('NEW')} END")
    conn.execute(f"CREATE TRIGGER {table}_delete AFTER DELETE ON items BEGIN {remove('OLD')} END")
    conn.execute(f"CREATE TRIGGER {table}_update AFTER UPDATE OF {', '.join(_DAY_TRIGGER_COLUMNS)} ON items"
                 f" WHEN {changed} BEGIN {remove('OLD')} {add('NEW')} END")


def _item_days(conn: sqlite3.Connection) -> None:
    """Built afresh from the items, so running it again (a file whose recorded version was set back, or one
    counted before the all-days rows) stays exact."""
    conn.execute("DROP TABLE IF EXISTS item_dates")
    _counted(conn, "item_days", "day", _DAY_KEY, _add, _remove,
             "CREATE TABLE item_dates (day TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
    sums = ", ".join(f"SUM({v})" for v in _day_counts("items"))
    conn.execute(f"INSERT INTO item_days SELECT {', '.join(_day_key('items', 'substr(items.created_at, 1, 10)'))},"
                 f" {sums} FROM items GROUP BY 1, 2, 3, 4")
    conn.execute(f"INSERT INTO item_days SELECT '{ALL_DAYS}', section, category, department,"
                 f" {', '.join(f'SUM({c})' for c in DAY_COUNTS)} FROM item_days GROUP BY 2, 3, 4")
    conn.execute("INSERT INTO item_dates SELECT day, SUM(n) FROM item_days WHERE day != ? GROUP BY day", (ALL_DAYS,))


# 10: how many items each unit has in each state, kept by triggers: the queues' counts read these few hundred rows
# instead of counting along an index that holds a million items. A unit's due items are read by deadline.
_STATE_KEY = "state = {r}.state AND department = {r}.department AND section = COALESCE({r}.section, '')"
_STATE_ADD = ("INSERT INTO item_states VALUES (NEW.state, NEW.department, COALESCE(NEW.section, ''), 1)"
              f"{_upsert('item_states', 'state, department, section', ('n',))};")
_STATE_REMOVE = (f"UPDATE item_states SET n = n - 1 WHERE {_STATE_KEY.format(r='OLD')};"
                 f" DELETE FROM item_states WHERE {_STATE_KEY.format(r='OLD')} AND n = 0;")


def _item_states(conn: sqlite3.Connection) -> None:
    """Built afresh from the items, like _item_days."""
    conn.execute("DROP TABLE IF EXISTS item_states")
    for trigger in ("insert", "delete", "update"):
        conn.execute(f"DROP TRIGGER IF EXISTS item_states_{trigger}")
    conn.execute("CREATE TABLE item_states (state TEXT NOT NULL, department TEXT NOT NULL, section TEXT NOT NULL,"
                 " n INTEGER NOT NULL, PRIMARY KEY (state, department, section)) WITHOUT ROWID")
    conn.execute(f"CREATE TRIGGER item_states_insert AFTER INSERT ON items BEGIN {_STATE_ADD} END")
    conn.execute(f"CREATE TRIGGER item_states_delete AFTER DELETE ON items BEGIN {_STATE_REMOVE} END")
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ("state", "department", "section"))
    conn.execute("CREATE TRIGGER item_states_update AFTER UPDATE OF state, department, section ON items WHEN"
                 f" {changed} BEGIN {_STATE_REMOVE} {_STATE_ADD} END")
    conn.execute("INSERT INTO item_states SELECT state, department, COALESCE(section, ''), COUNT(*) FROM items"
                 " GROUP BY 1, 2, 3")
    conn.execute("CREATE INDEX IF NOT EXISTS items_department_due ON items(department, due_at)")
    conn.execute("DROP INDEX IF EXISTS items_department")  # the index above serves what it served


# 11: the same counts per month of creation (month YYYY-MM), kept by their own triggers: a period of a few months
# sums its whole months from here and only the days at its edges from item_days (kiosk.office.period_rows).
_MONTH_KEY = "month, section, category, department"


def _month_add(row: str) -> str:
    values = _day_key(row, f"substr({row}.created_at, 1, 7)") + _day_counts(row)
    return (f"INSERT INTO item_months ({_MONTH_KEY}, {', '.join(DAY_COUNTS)}) VALUES ({', '.join(values)})"
            f"{_upsert('item_months', _MONTH_KEY, DAY_COUNTS)};")


def _month_remove(row: str) -> str:
    same = zip(_MONTH_KEY.split(", "), _day_key(row, f"substr({row}.created_at, 1, 7)"), strict=True)
    key = " AND ".join(f"{column} = {value}" for column, value in same)
    return ("UPDATE item_months SET " + ", ".join(f"{c} = {c} - ({v})" for c, v in zip(DAY_COUNTS, _day_counts(row),
                                                                                        strict=True))
            + f" WHERE {key}; DELETE FROM item_months WHERE {key} AND n = 0;")


def _item_months(conn: sqlite3.Connection) -> None:
    """Built afresh from item_days (exact: migration 9 built them from the items, and triggers kept them since), so
    an existing file of a million items gets its months from a few hundred thousand day rows, not the items."""
    _counted(conn, "item_months", "month", _MONTH_KEY, _month_add, _month_remove)
    conn.execute(f"INSERT INTO item_months SELECT substr(day, 1, 7), section, category, department,"
                 f" {', '.join(f'SUM({c})' for c in DAY_COUNTS)} FROM item_days WHERE day != ? GROUP BY 1, 2, 3, 4",
                 (ALL_DAYS,))


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
    # 7: the barometer's per-day counts, kept by triggers
    _item_days,
    # 8: a hot spot's addresses are the period's items of one unit and category: read straight from an index
    "CREATE INDEX IF NOT EXISTS items_unit_category ON items(department, category, created_at);",
    # 9: the per-day counts again, with each unit and category's all-days row and the items of each day
    _item_days,
    _item_states,  # 10
    _item_months,  # 11
    # 12: a visitor whose submission joined the enterprise's open item under another phone number, so they can
    # look that item up later with their own number (the ticket's own number still opens the whole ticket)
    """
    CREATE TABLE IF NOT EXISTS item_contacts (
        item_id INTEGER NOT NULL REFERENCES items(id), phone TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (item_id, phone)
    ) WITHOUT ROWID;
    """,
]
SCRUBBED_SCHEMA = 4
