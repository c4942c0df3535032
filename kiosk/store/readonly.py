"""Opening an SQLite file only to read it, so reading works from a read-only data directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote


def connect_readonly(path: Path, timeout: float, **kwargs) -> sqlite3.Connection:
    """A connection that never writes.

    A write-ahead-log database needs its ``-shm`` file, which cannot be created in a read-only folder. When it is
    missing there, every change has been folded into the main file (the log is removed on a clean close), so
    the file is read as immutable.
    """
    uri = f"file:{quote(str(Path(path).resolve()))}"
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, **kwargs)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_CANTOPEN" or not Path(path).is_file():
            raise
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=timeout, **kwargs)
    conn.execute("PRAGMA query_only=ON")
    return conn
