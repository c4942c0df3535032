"""The content store's schema and its migrations.

Each migration is applied once, in order, inside a transaction; ``meta.schema_version`` records how far a file
has got, so an older store is upgraded in place rather than rebuilt from scratch.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: the initial layout
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sources (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, kind TEXT NOT NULL);
    CREATE TABLE documents (
        id TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
        issuer TEXT, level TEXT, doc_number TEXT, published TEXT, effective TEXT, expires TEXT,
        region TEXT, department TEXT, topics TEXT, sample INTEGER NOT NULL DEFAULT 0, full_text TEXT NOT NULL
    );
    CREATE TABLE passages (
        id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        source TEXT NOT NULL, kind TEXT NOT NULL, ord INTEGER NOT NULL,
        article TEXT NOT NULL DEFAULT '', heading TEXT NOT NULL DEFAULT '', text TEXT NOT NULL
    );
    CREATE INDEX passages_doc ON passages(doc_id, ord);
    CREATE INDEX passages_source ON passages(source);
    CREATE VIRTUAL TABLE passage_fts USING fts5(title, heading, body, tokenize = 'unicode61');
    CREATE VIRTUAL TABLE passage_vocab USING fts5vocab(passage_fts, 'row');
    CREATE TABLE faqs (
        id INTEGER PRIMARY KEY, passage_id INTEGER NOT NULL, source TEXT NOT NULL, question TEXT NOT NULL,
        answer TEXT NOT NULL, department TEXT, refs TEXT, sample INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE service_items (
        id TEXT PRIMARY KEY, passage_id INTEGER NOT NULL, source TEXT NOT NULL, name TEXT NOT NULL,
        department TEXT NOT NULL, window TEXT, materials TEXT, legal_limit_days INTEGER,
        promised_limit_days INTEGER, fee TEXT, online TEXT, keywords TEXT, sample INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE departments (
        id TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, phone TEXT,
        window TEXT, hours TEXT, address TEXT, duties TEXT, keywords TEXT
    );
    CREATE TABLE guides (id TEXT PRIMARY KEY, source TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
    CREATE TABLE policy_conditions (
        id INTEGER PRIMARY KEY, source TEXT NOT NULL, policy_id TEXT NOT NULL, data TEXT NOT NULL
    );
    CREATE INDEX policy_conditions_policy ON policy_conditions(policy_id);
    """,
    # 2: application windows of a document; contact data that belongs to the demo pack
    """
    ALTER TABLE documents ADD COLUMN windows TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE departments ADD COLUMN sample INTEGER NOT NULL DEFAULT 0;
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring ``conn`` up to the latest schema; returns the resulting version."""
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    version = 0
    if has_meta:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row else 0
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        with conn:
            _apply(conn, script, number)
    return len(MIGRATIONS)


def _apply(conn: sqlite3.Connection, script: str, number: int) -> None:
    for statement in filter(str.strip, script.split(";")):
        conn.execute(statement)
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(number),))
