"""Once the kiosk says "已受理", the request survives a kill -9; rebuilding the content store never touches it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support_requests import REPO, departments

from kiosk.requests.repo.db import RequestDB
from kiosk.requests.repo.file import requests_path
from kiosk.requests.validate import RequestError

SUBMITTER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from support_requests import departments
    from kiosk.requests.service import RequestService, SubmitForm

    svc = RequestService.open(departments())
    n = 0
    while True:
        n += 1
        receipt = svc.submit(SubmitForm(f"第{{n}}次反映：门口路灯坏了，另外想申请研发补助", "杭州测试{{n}}有限公司",
                                        "13812345678", "杭州市西湖区文三路90号"))
        # Only after the commit returned may the visitor be told: this line is that moment.
        print("已受理", receipt.ticket, len(receipt.items), flush=True)
    """
)


def test_acknowledged_requests_survive_kill_9(tmp_path):
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SUBMITTER.format(tests=str(REPO / "tests"))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(tmp_path),
    )
    acknowledged = []
    try:
        for line in proc.stdout:
            if line.startswith("已受理"):
                acknowledged.append(line.split()[1])
            if len(acknowledged) >= 15:
                break
    finally:
        proc.send_signal(signal.SIGKILL)  # mid-flight: the next submission may be half written
        proc.wait(timeout=10)
    assert len(acknowledged) >= 15, proc.stderr.read()

    # The crashed process left its WAL behind; a fresh open recovers from it.
    db = RequestDB(tmp_path / "requests.db")
    try:
        assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for ticket in acknowledged:
            t = db.ticket(ticket)
            assert t is not None, f"{ticket} was acknowledged but lost"
            assert len(t.items) == 2
            assert all(i.state == "dispatched" for i in t.items)
        # Nothing half-written either: every stored ticket has its items and its outbox records.
        orphans = db.conn.execute(
            "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.ticket = t.ticket)"
        ).fetchone()[0]
        assert orphans == 0
        items = db.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        created = db.conn.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'item.created'").fetchone()[0]
        assert items == created
    finally:
        db.close()


def test_settings_make_commits_durable(tmp_path):
    db = RequestDB(tmp_path / "requests.db")
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    db.close()


def test_rebuilding_the_store_leaves_requests_alone(tmp_path, monkeypatch):
    from kiosk import config
    from kiosk.knowledge.segment import TOKENIZER
    from kiosk.store.importer import build

    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KIOSK_DB", raising=False)
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(REPO / "policies_db" / "demo" / "departments.yaml", sources / "departments.yaml")
    assert requests_path() != config.store_path()

    from kiosk.requests.service import RequestService, SubmitForm

    svc = RequestService.open(departments())
    ticket = svc.submit(SubmitForm("想申请高新技术企业", "杭州测试有限公司", "13812345678")).ticket
    svc.close()
    before = Path(requests_path()).stat().st_mtime_ns

    build(config.store_path(), [sources], tokenizer=TOKENIZER)
    config.store_path().unlink()  # even deleting the store outright
    build(config.store_path(), [sources], tokenizer=TOKENIZER)

    assert Path(requests_path()).stat().st_mtime_ns == before
    db = RequestDB()
    assert db.ticket(ticket) is not None
    db.close()


def test_a_damaged_file_is_reported_not_overwritten(tmp_path):
    path = tmp_path / "requests.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(RequestError, match="无法打开"):
        RequestDB(path)
    assert path.read_bytes() == b"this is not a database" * 100


def test_full_disk_refuses_cleanly_and_keeps_earlier_requests() -> None:
    from kiosk.requests.service import RequestService, SubmitForm

    svc = RequestService.open(departments())
    kept = svc.submit(SubmitForm("想申请高新技术企业", "杭州测试有限公司", "13812345678")).ticket
    # SQLite's own "database or disk is full" path: cap the file at its current size
    pages = svc.db.conn.execute("PRAGMA page_count").fetchone()[0]
    svc.db.conn.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(RequestError, match="存储空间已满"):
        for n in range(200):  # fill whatever free pages remain
            svc.submit(SubmitForm(f"第{n}次：门口路灯坏了，" + "情况说明" * 100, f"杭州满盘{n}有限公司", "13812345679"))
    svc.close()
    db = RequestDB()
    assert db.ticket(kept) is not None
    assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_commands_explain_a_full_disk_in_plain_words(capsys) -> None:
    import errno
    import sqlite3

    from kiosk.cli.terminal import fail

    assert fail(OSError(errno.ENOSPC, "No space left on device")) == 1
    assert fail(sqlite3.OperationalError("database or disk is full")) == 1
    err = capsys.readouterr().err
    assert err.count("存储空间已满") == 2 and "No space" not in err


def test_a_new_file_opened_by_two_processes_at_once_waits_for_the_first(tmp_path):
    """The first open of a new requests file switches it to WAL. A second opener meeting the first mid-way was
    refused at once ("系统正忙") instead of waiting: the window's services and the office sync start together."""
    import sqlite3
    import threading

    path = tmp_path / "requests.db"
    first = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    first.execute("BEGIN IMMEDIATE")  # the first opener, still busy with the new file
    first.execute("CREATE TABLE early (x)")
    release = threading.Timer(0.3, lambda: first.execute("COMMIT"))
    release.start()
    try:
        db = RequestDB(path)
    finally:
        release.join()
        first.close()
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.count_tickets() == 0
    db.close()
