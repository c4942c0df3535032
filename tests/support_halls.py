"""Two halls and one district office: the office app served over real HTTP on 127.0.0.1, each hall a data
directory of its own that the `kiosk` command runs in."""

from __future__ import annotations

import io
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from starlette.testclient import TestClient
from support_office import PASSWORD, logged_in

from kiosk.cli import main
from kiosk.office.accounts import Accounts
from kiosk.office.app import create_app
from kiosk.office.questionlog import QuestionLog
from kiosk.requests.service import RequestService

OFFICERS = {"cuiyuan": ("street", "street_cuiyuan"), "xixi": ("street", "street_xixi")}


class Command:
    """`kiosk …` run in one data directory, with its output."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
        self.monkeypatch, self.capsys = monkeypatch, capsys

    def __call__(self, data: Path, *argv: str, stdin: str = "") -> tuple[int, str]:
        self.monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
        self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        code = main(list(argv))
        out = self.capsys.readouterr()
        return code, out.out + out.err


@dataclass
class District:
    data: Path
    url: str
    app: object
    service: RequestService
    accounts: Accounts
    server: uvicorn.Server
    thread: threading.Thread

    database: str = ""  # its PostgreSQL database's address; "" for files in ``data``

    def client(self, user: str | None = None) -> TestClient:
        return logged_in(self.app, user)

    def stored(self, store: str = "requests") -> bytes:
        """Everything the office has stored of requests (or of ``store``: "questions" for its question log): the
        files' bytes, or every row of every table."""
        if not self.database:
            return b"".join(p.read_bytes() for p in self.data.glob(f"{store}.db*"))
        import psycopg

        with psycopg.connect(self.database) as conn:
            tables = conn.execute("SELECT table_schema, table_name FROM information_schema.tables"
                                  " WHERE table_schema = %s", (store,)).fetchall()
            return b"".join(str(conn.execute(f'SELECT t::text FROM "{a}"."{b}" t').fetchall()).encode()
                            for a, b in tables)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join()
        self.service.close()


def district(data: Path, departments, run: Command, database: str = "") -> District:
    """The office in ``data`` (its stores in the PostgreSQL ``database`` its config.toml names, when given): its
    administrator made by `kiosk office init`, street officers, and its app listening on a socket bound before
    the server starts, so a client can connect at once."""
    if database:
        (data / "config.toml").write_text(f'office_database = "{database}"\n', encoding="utf-8")
    assert run(data, "office", "init", "--admin", "admin", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    accounts = Accounts(database or data / "office.db")
    for name, (role, unit) in OFFICERS.items():
        accounts.add_user(name, PASSWORD, role, unit)
    service = RequestService.open(departments, path=database or data / "requests.db")
    app = create_app(service, accounts, QuestionLog(database or data / "questions.db", 180), data / "drafts")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    return District(data, f"http://127.0.0.1:{sock.getsockname()[1]}", app, service, accounts, server, thread,
                    database)


def connect(run: Command, office: District, hall: Path, name: str) -> str:
    """What the centre and the hall do: `kiosk office kiosk add NAME`, the token into the hall's config.toml."""
    code, out = run(office.data, "office", "kiosk", "add", name)
    assert code == 0, out
    token = out.split('office_token = "')[1].split('"')[0]
    hall.mkdir(exist_ok=True)
    (hall / "config.toml").write_text(f'office_url = "{office.url}"\noffice_token = "{token}"\n', encoding="utf-8")
    return token
