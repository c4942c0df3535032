"""A real PostgreSQL server for the office's tests, from Debian's packages (scripts/install.sh installs them).

One server per test session, in a private folder on a private socket (no TCP port), stopped when the session
ends; each test that asks for it gets a database of its own. Where the server's programs are missing the
PostgreSQL cases are skipped, except in CI, where that is a failure: CI installs them.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

_numbers = itertools.count(1)


def _bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as the packages' postgres user."""
    return ["runuser", "-u", owner, "--", *command] if owner else command


@pytest.fixture(scope="session")
def postgres_server():
    """The address of a fresh server's ``postgres`` database, or None when PostgreSQL is not installed."""
    binaries = _bin()
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (scripts/install.sh installs Debian's postgresql)")
        yield None
        return
    owner = "postgres" if os.geteuid() == 0 else None
    # not under pytest's folder: the server's user must be able to reach it, and pytest keeps its folder private
    folder = Path(tempfile.mkdtemp(prefix="kiosk-postgres-"))
    if owner:
        shutil.chown(folder, owner)
    data, port = folder / "data", 5432
    subprocess.run(_as_owner([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                              "-E", "UTF8", "--locale=C.UTF-8"], owner), check=True, capture_output=True)
    subprocess.run(_as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                              f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off", "start"], owner),
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run(_as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server: str | None) -> str:
    """The address of a new, empty database on the session's server."""
    if postgres_server is None:
        pytest.skip("PostgreSQL is not installed here")
    import psycopg

    name = f"test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return postgres_server.replace("/postgres?", f"/{name}?")


@dataclass(frozen=True)
class OfficeDatabase:
    """Where an office keeps its stores: SQLite files in a folder, or one PostgreSQL database."""

    requests: Path | str
    office: Path | str
    questions: Path | str


@pytest.fixture(params=["sqlite", "postgres"])
def office_db(request: pytest.FixtureRequest, kiosk_env: Path) -> OfficeDatabase:
    """The office's stores on each database it runs on: the data directory's SQLite files (where the kiosk on the
    same PC keeps its own), and a PostgreSQL database."""
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        return OfficeDatabase(url, url, url)
    return OfficeDatabase(kiosk_env / "requests.db", kiosk_env / "office.db", kiosk_env / "questions.db")


def sqlite_copy(conn, *tables: str):
    """``conn`` itself on SQLite; on PostgreSQL, the rows of ``tables`` copied into an in-memory SQLite database:
    a test then recounts them with SQL of its own (SQLite's date functions among it) whatever the office runs on."""
    from kiosk import sqldb

    if not sqldb.postgres(conn):
        return conn
    copy = sqlite3.connect(":memory:")
    for table in tables:
        columns = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? ORDER BY ordinal_position", (table,))]
        copy.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
        copy.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})",
                         [tuple(r) for r in conn.execute(f"SELECT * FROM {table}")])
    return copy


def shifted(moment: str, **delta) -> str:
    """A moment as the kiosk writes it (YYYY-MM-DDTHH:MM:SS), moved by ``delta`` (timedelta's days, hours …)."""
    return (datetime.fromisoformat(moment) + timedelta(**delta)).isoformat(timespec="seconds")


def a_month_before(moment: str) -> str:
    """The same day and time a month earlier (the month's last day where it has no such day)."""
    d = datetime.fromisoformat(moment)
    last = d.replace(day=1) - timedelta(days=1)
    return d.replace(year=last.year, month=last.month, day=min(d.day, last.day)).isoformat(timespec="seconds")
