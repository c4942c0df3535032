"""Degrade, never die: a read-only, locked or full data directory still answers and looks tickets up, and
whatever cannot be done is said in plain Chinese, with no path and no database wording.

Read-only and full disks are real: the data directory is mounted read-only, or on a tiny tmpfs, inside a private
mount namespace (`unshare`), so nothing outside the test changes.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support_requests import REPO, departments

from kiosk.errors import BUSY, DISK_FULL, READ_ONLY
from kiosk.requests.repo import file as request_file
from kiosk.requests.service import RequestService, SubmitForm
from kiosk.requests.validate import RequestError

CONTACT = "13812345678"
LEAKS = ("sqlite", "database", "disk I/O", "locked", "readonly", "Errno", "Traceback", "/")


def assert_plain(text: str) -> None:
    for word in LEAKS:
        assert word not in text, f"{word!r} in {text!r}"


def submit_one(data: Path) -> str:
    svc = RequestService.open(departments(), path=data / "requests.db")
    ticket = svc.submit(SubmitForm("我们公司门口的路灯坏了", "杭州测试科技有限公司", CONTACT)).ticket
    svc.close()
    return ticket


RUN_COMMANDS = """
import json, os, pathlib, subprocess, sys
receipt = pathlib.Path(os.environ["KIOSK_DATA_DIR"], "receipt.json")
ticket = json.loads(receipt.read_text())["ticket"] if receipt.exists() else ""
results = []
for args in json.loads(sys.argv[1]):
    args = [a.replace("{ticket}", ticket) for a in args]
    done = subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True)
    results.append([done.returncode, done.stdout, done.stderr])
print(json.dumps(results))
"""

FILL_DISK = """
import sys
try:
    with open(sys.argv[1], "wb") as f:
        while True:
            f.write(bytes(65536))
            f.flush()
except OSError:
    pass
"""


def in_namespace(mount: str, data: Path, commands: list[list[str]], before: str = "") -> list[tuple[int, str, str]]:
    """Run kiosk commands after ``mount`` (shell) in a private mount namespace; their (status, stdout, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "KIOSK_DATA_DIR": str(data)}
    py = shlex.quote(sys.executable)
    script = "\n".join([mount, before, f"exec {py} -c {shlex.quote(RUN_COMMANDS)} {shlex.quote(json.dumps(commands))}"])
    done = subprocess.run(["unshare", "-rm", "sh", "-ec", script], capture_output=True, text=True, env=env,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return [tuple(r) for r in json.loads(done.stdout)]


SUBMIT = ["request", "submit", "--text", "想申请研发补助", "--company", "杭州测试科技有限公司", "--phone", CONTACT]


def test_a_read_only_data_directory_still_answers_and_looks_up_tickets(tmp_path, default_store_path, monkeypatch):
    data = tmp_path / "ro"
    data.mkdir()
    ticket = submit_one(data)
    # The content store as an earlier version left it: switched to write-ahead logging.
    shutil.copy(default_store_path, data / "kiosk.db")
    sqlite3.connect(data / "kiosk.db").execute("PRAGMA journal_mode=WAL").fetchall()
    monkeypatch.delenv("KIOSK_DB")  # the store in the data directory
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    q = shlex.quote(str(data))
    ask, status, wrong, submit = in_namespace(f"mount --bind {q} {q}\nmount -o remount,bind,ro {q}", data, [
        ["ask", "开公司需要什么材料？", "--engine", "extractive"],
        ["request", "status", ticket, "--phone-last4", CONTACT[-4:]],
        ["request", "status", ticket, "--phone-last4", "0000"],
        SUBMIT,
    ])
    assert ask[0] == 0 and "[1]" in ask[1], ask  # a cited answer
    assert status[0] == 0 and ticket in status[1], status
    assert wrong[0] == 1 and "没有找到这个工单" in wrong[2], wrong
    assert submit[0] == 1 and READ_ONLY in submit[2], submit
    assert_plain(submit[2])
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_a_full_disk_still_looks_up_tickets(tmp_path):
    data = tmp_path / "full"
    data.mkdir()
    q, py = shlex.quote(str(data)), shlex.quote(sys.executable)
    # On a 1 MB disk: submit a ticket, then fill the disk to the last byte.
    setup = "\n".join([
        f"{py} -m kiosk {shlex.join(SUBMIT)} --json > {q}/receipt.json",
        f"{py} -c {shlex.quote(FILL_DISK)} {q}/filler",
    ])
    status, wrong, submit, receipt = in_namespace(f"mount -t tmpfs -o size=1m tmpfs {q}", data, [
        ["request", "status", "{ticket}", "--phone-last4", CONTACT[-4:]],
        ["request", "status", "{ticket}", "--phone-last4", "0000"],
        SUBMIT,
        ["request", "list", "--json"],
    ], before=setup)
    tickets = {item["ref"].rsplit("-", 1)[0] for item in json.loads(receipt[1])}
    assert len(tickets) == 1, receipt
    assert status[0] == 0 and tickets.pop() in status[1], status
    assert wrong[0] == 1 and "没有找到这个工单" in wrong[2], wrong
    assert submit[0] == 1 and DISK_FULL in submit[2], submit
    assert_plain(submit[2])


@pytest.fixture
def quick_busy(monkeypatch):
    """A short busy timeout, so waiting on a held lock takes a moment rather than seconds."""
    monkeypatch.setattr(request_file, "BUSY_TIMEOUT_S", 0.3)


def test_a_locked_requests_file_waits_then_says_busy(kiosk_env, quick_busy):
    ticket = submit_one(kiosk_env)
    holder = sqlite3.connect(kiosk_env / "requests.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another terminal in the middle of a write
    try:
        svc = RequestService.open(departments())
        assert svc.status(ticket, CONTACT[-4:]).ticket == ticket  # reading is not blocked by a writer
        with pytest.raises(RequestError) as caught:
            svc.submit(SubmitForm("想申请研发补助", "杭州测试科技有限公司", CONTACT))
        assert caught.value.friendly == BUSY
        with pytest.raises(RequestError) as caught:
            svc.act(ticket, "accept")
        assert caught.value.friendly == BUSY
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert svc.act(ticket, "accept")  # and works again once the other terminal is done
    svc.close()


def test_a_locked_file_at_opening_still_opens_for_reading(kiosk_env, quick_busy):
    ticket = submit_one(kiosk_env)
    conn = sqlite3.connect(kiosk_env / "requests.db")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")  # a migration is due
    conn.commit()
    conn.isolation_level = None
    conn.execute("BEGIN IMMEDIATE")
    try:
        svc = RequestService.open(departments())
        assert svc.status(ticket, CONTACT[-4:]).ticket == ticket
        svc.close()
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_the_command_line_says_busy_in_plain_words(kiosk_env):
    submit_one(kiosk_env)
    holder = sqlite3.connect(kiosk_env / "requests.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kiosk", "request", "submit", "--text", "想申请研发补助", "--company",
             "杭州测试科技有限公司", "--phone", CONTACT],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120, check=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert BUSY in result.stderr
    assert_plain(result.stderr)


@pytest.mark.parametrize("error", [
    sqlite3.OperationalError("database is locked"),
    sqlite3.OperationalError("disk I/O error"),
    sqlite3.OperationalError("unable to open database file"),
    sqlite3.DatabaseError("file is not a database"),
    PermissionError(13, "Permission denied", "/srv/kiosk/requests.db"),
    MemoryError(),
    ValueError(""),
])
def test_no_failure_reaches_people_as_raw_text(capsys, error):
    from kiosk.cli.terminal import fail

    assert fail(error) == 1
    err = capsys.readouterr().err.strip()
    assert err and err != "出错了："
    assert_plain(err)


def test_the_kiosk_screen_gets_plain_words_for_a_storage_failure():
    from kiosk.ui.adapter import KioskAdapter, Unavailable

    class LockedRequests:
        def status(self, *args, **kwargs):
            raise sqlite3.OperationalError("database is locked")

    adapter = KioskAdapter()
    adapter._requests = LockedRequests()
    with pytest.raises(Unavailable) as caught:
        adapter.track("XH20261123-0001", "5678")
    assert caught.value.friendly == BUSY
