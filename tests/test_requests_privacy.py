"""A visitor's ID number, mobile number and name typed into a request are kept, shown and sent only masked.

The contact phone a request needs is the one exception, and only where it is meant to be: ``tickets.phone`` and
the ``phone`` field of the records for the district platform. Every file the kiosk writes is read as raw bytes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from support_requests import REPO, departments

from kiosk.requests.outbox import export_jsonl
from kiosk.requests.repo.db import RequestDB
from kiosk.requests.service import RequestService, SubmitForm

ID_NUMBER = "33010619850612002X"
MOBILE = "13957112468"  # typed into the text; not the contact phone
NAME = "张建华"
CONTACT = "13812345678"
TEXT = f"我叫{NAME}，身份证{ID_NUMBER}，手机{MOBILE}。我们公司门口的路灯坏了，晚上很危险；另外想申请研发补助。"
PLANTED = (ID_NUMBER, MOBILE, NAME)


def files_containing(folder: Path, needle: str) -> list[Path]:
    data = needle.encode("utf-8")
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and data in p.read_bytes()]


def assert_masked(text: str) -> None:
    for planted in PLANTED:
        assert planted not in text, planted


def assert_contact_only_where_meant(db_path: Path) -> None:
    """The contact phone is in tickets.phone and the outbox's "phone" field, nowhere else in the database."""
    conn = sqlite3.connect(db_path)
    try:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608 - names from the schema
                for column, value in zip(columns, row, strict=True):
                    if not isinstance(value, str) or CONTACT not in value:
                        continue
                    if (table, column) == ("tickets", "phone"):
                        continue
                    assert (table, column) == ("outbox", "payload"), (table, column)
                    record = json.loads(value)
                    assert record.pop("phone") == CONTACT
                    assert CONTACT not in json.dumps(record, ensure_ascii=False)
    finally:
        conn.close()


def test_service_keeps_shows_and_sends_only_masked_text(kiosk_env):
    svc = RequestService.open(departments())
    receipt = svc.submit(SubmitForm(TEXT, "杭州测试科技有限公司", CONTACT, f"杭州市西湖区文三路90号 {MOBILE}"))
    assert_masked(json.dumps(receipt.to_dict(), ensure_ascii=False))
    kept = svc.db.ticket(receipt.ticket).text
    assert "我叫张**，身份证330***********002X，手机139****2468。" in kept and "路灯" in kept
    svc.note(receipt.ticket, f"已电话联系{NAME}，核对身份证{ID_NUMBER}")
    view = svc.status(receipt.ticket, CONTACT[-4:])
    shown = " ".join([*(i.text for i in view.items), *(e.note for e in view.events), view.phone_masked])
    assert_masked(shown)
    assert CONTACT not in shown
    assert_masked(" ".join(i.text for i in svc.list_items()))
    export = kiosk_env / "exports" / "platform.jsonl"
    assert export_jsonl(svc, export) > 0
    records = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert_masked(json.dumps(records, ensure_ascii=False))
    assert [r["phone"] for r in records if "phone" in r] == [CONTACT] * len(receipt.items)
    svc.close()
    for planted in PLANTED:
        assert files_containing(kiosk_env, planted) == [], planted
    assert {p.name for p in files_containing(kiosk_env, CONTACT)} <= {"requests.db", "requests.db-wal",
                                                                      "platform.jsonl"}
    assert_contact_only_where_meant(kiosk_env / "requests.db")


def _kiosk(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_command_line_submit_status_list_and_export_are_masked(kiosk_env, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = _kiosk("request", "submit", "--text", TEXT, "--company", "杭州测试科技有限公司", "--phone", CONTACT,
                 "--json", env=env)
    assert out.returncode == 0, out.stderr
    ticket = json.loads(out.stdout)["ticket"]
    outputs = [out.stdout, out.stderr]
    for args in (("request", "status", ticket, "--phone-last4", CONTACT[-4:]),
                 ("request", "status", ticket, "--phone-last4", CONTACT[-4:], "--json"),
                 ("request", "list"), ("request", "list", "--json"),
                 ("request", "export", str(kiosk_env / "export.jsonl"))):
        result = _kiosk(*args, env=env)
        assert result.returncode == 0, result.stderr
        outputs += [result.stdout, result.stderr]
    assert "路灯" in outputs[2]  # the status reply shows the request, masked
    for planted in PLANTED:
        assert all(planted not in text for text in outputs), planted
        assert files_containing(kiosk_env, planted) == [], planted
    assert_contact_only_where_meant(kiosk_env / "requests.db")


def test_the_status_screen_shows_the_request_masked(qtbot, kiosk_env):
    from PySide6.QtWidgets import QLabel
    from support_ui import ScriptedAdapter, make_window, settle

    from kiosk.ui.adapter import KioskAdapter

    class RealRequests(ScriptedAdapter):
        track = KioskAdapter.track

    adapter = RealRequests()
    svc = adapter._requests = RequestService.open(departments())
    ticket = svc.submit(SubmitForm(TEXT, "杭州测试科技有限公司", CONTACT)).ticket
    window = make_window(qtbot, adapter)
    window.navigate("request", track=True)
    screen = window.current()
    screen.ticket_in.setText(ticket)
    screen.last4.setText(CONTACT[-4:])
    screen.track()
    settle(window)
    assert screen.ticket_label.text() == ticket
    shown = " ".join(w.text() for w in screen.findChildren(QLabel) if w.isVisibleTo(screen))
    assert "路灯" in shown
    assert_masked(shown)
    svc.close()
    for planted in PLANTED:
        assert files_containing(kiosk_env, planted) == [], planted


def test_requests_stored_in_full_by_earlier_versions_are_scrubbed(kiosk_env):
    svc = RequestService.open(departments())
    ticket = svc.submit(SubmitForm("门口的路灯坏了", "杭州测试科技有限公司", CONTACT)).ticket
    # What an earlier version wrote: the text in full, everywhere, and the schema before redaction.
    conn = svc.db.conn
    conn.execute("UPDATE tickets SET text = ?", (TEXT,))
    conn.execute("UPDATE items SET text = ?", (TEXT,))
    conn.execute("UPDATE events SET note = ?", (TEXT,))
    conn.execute("UPDATE outbox SET payload = json_set(payload, '$.text', ?)", (TEXT,))
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    svc.close()
    assert files_containing(kiosk_env, ID_NUMBER)
    db = RequestDB()
    assert ID_NUMBER not in db.ticket(ticket).text
    db.close()
    for planted in PLANTED:
        assert files_containing(kiosk_env, planted) == [], planted
