"""Moving an office's SQLite files into a PostgreSQL database, for a district that has outgrown one machine
(`kiosk office copy-to postgresql://…`).

Each file is first brought up to date by its own store (the migrations it has not had yet), and the database's
schemas are made by the same stores. Then every table is copied row for row with COPY, the kept counts included:
the count triggers are paused meanwhile, so a million items are copied, not counted again. The database's
statistics are gathered at the end, so its first pages are read along the right indexes. Each store is one
transaction, so an interrupted copy leaves nothing half done and can simply be run again; a database that already
holds an office's requests, accounts or questions is refused. The files themselves are only read.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk import sqldb
from kiosk.errors import FriendlyError

# schema → the file that holds it, and a table that is never empty once an office has been used
STORES = {"requests": ("requests.db", "tickets"), "office": ("office.db", "users"), "questions": ("questions.db", "turns")}


class CopyRefused(FriendlyError):
    """The database cannot take the office's data; nothing was copied."""


def copy_office(folder: Path, url: str, retention_days: int) -> dict[str, int]:
    """Copy the office's files in ``folder`` into the database at ``url``; returns the rows copied per store."""
    _make_current(folder, url, retention_days)
    targets = {schema: sqldb.PgConnection(url, schema) for schema in STORES}
    try:
        for schema, (_, kept) in STORES.items():
            if targets[schema].execute(f"SELECT 1 FROM {kept} LIMIT 1").fetchone():  # noqa: S608 - fixed names
                raise CopyRefused("目标数据库里已经有办公台的数据（工单、账号或问答记录），没有复制任何内容。")
        copied = {schema: _copy(folder / name, targets[schema]) for schema, (name, _) in STORES.items()}
        # the planner's statistics for the copied rows now, not when autovacuum comes round to it: until then a
        # unit's queue over a million items was read along the wrong index (0.4 s a page instead of 0.04)
        targets["requests"].execute("ANALYZE")
        return copied
    finally:
        for conn in targets.values():
            conn.close()


def _make_current(folder: Path, url: str, retention_days: int) -> None:
    """Every store opened once on its file and once on the database: each runs the migrations it lacks."""
    from kiosk.office.accounts import Accounts
    from kiosk.office.kiosk_tokens import KioskTokens
    from kiosk.office.questionlog import QuestionLog
    from kiosk.requests.repo.db import RequestDB

    for target in (folder, url):
        def where(name: str, target: Path | str = target) -> Path | str:
            return target / name if isinstance(target, Path) else target

        for store in (RequestDB(where("requests.db")), Accounts(where("office.db")),
                      KioskTokens(where("office.db")), QuestionLog(where("questions.db"), retention_days)):
            store.close()


def _copy(path: Path, target: sqldb.PgConnection) -> int:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = _parents_first(source)
        target.execute("BEGIN")
        try:
            for table in tables:
                target.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")  # the counts are copied as they are
            target.execute(f"TRUNCATE {', '.join(tables)}")  # what the migrations wrote into the new tables
            copied = 0
            for table in tables:
                columns = [f'"{r[1]}"' for r in source.execute(f"PRAGMA table_info({table})")]
                copied += target.copy_in(table, columns, source.execute(
                    f"SELECT {', '.join(columns)} FROM {table}"))  # noqa: S608 - the file's own names
            for table, column in target.execute(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema ="
                    " current_schema() AND is_identity = 'YES'").fetchall():
                # new rows are numbered after the copied ones
                target.execute(f"SELECT setval(pg_get_serial_sequence(?, ?), MAX({column})) FROM {table}"
                               f" HAVING MAX({column}) IS NOT NULL", (table, column))
            for table in tables:
                target.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            target.execute("COMMIT")
        except BaseException:
            target.execute("ROLLBACK")
            raise
        return copied
    finally:
        source.close()


def _parents_first(source: sqlite3.Connection) -> list[str]:
    """The file's tables, each after the tables its rows refer to."""
    names = [r[0] for r in source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    parents = {t: {r[2] for r in source.execute(f"PRAGMA foreign_key_list({t})")} - {t} for t in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [t for t in names if t not in ordered and parents[t] <= set(ordered)]
        ordered += ready or [t for t in names if t not in ordered]  # a cycle: the rest as they come
    return ordered
