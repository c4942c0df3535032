"""Sync with the district platform: JSON lines export, HTTP push with retries and idempotency keys, import."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import support_requests

from kiosk.requests.outbox import export_jsonl, import_updates, pending, push
from kiosk.requests.validate import RequestError


def submit(svc, text="门口路灯坏了。另外想申请高新技术企业"):
    return support_requests.submit(svc, text, company="杭州测试有限公司")


class Platform:
    """A stand-in district platform on 127.0.0.1 that fails the first ``flaky`` requests with 503."""

    def __init__(self, flaky: int = 0, status: int = 200):
        self.received: list[tuple[str, dict]] = []
        self.flaky, self.status = flaky, status
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server hook name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if platform.flaky > 0:
                    platform.flaky -= 1
                    self.send_response(503)
                else:
                    key = self.headers["Idempotency-Key"]
                    seen = any(k == key for k, _ in platform.received)
                    platform.received.append((key, json.loads(body)))
                    self.send_response(409 if seen else platform.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/requests"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_export_appends_only_new_records(svc, tmp_path):
    out = tmp_path / "export" / "outbox.jsonl"
    receipt = submit(svc)
    n = export_jsonl(svc, out)
    assert n == 4  # two items: submitted + dispatched each
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    created = [r for r in lines if r["kind"] == "item.created"]
    assert {r["item"] for r in created} == {i.ref for i in receipt.items}
    assert created[0]["company"] == "杭州测试有限公司" and created[0]["key"]
    assert export_jsonl(svc, out) == 0
    svc.act(receipt.ticket, "accept")
    assert export_jsonl(svc, out) == 2
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6


def test_push_retries_server_errors_and_sends_keys(svc):
    submit(svc)
    platform = Platform(flaky=2)
    try:
        report = push(svc, platform.url, backoff_s=0.01)
    finally:
        platform.close()
    assert (report.sent, report.failed) == (4, 0)
    keys = [k for k, _ in platform.received]
    assert len(set(keys)) == 4 and all(k == body["key"] for k, body in platform.received)
    assert pending(svc)["unpushed"] == 0


def test_push_that_got_through_but_lost_its_answer_is_not_duplicated(svc):
    submit(svc, "想申请高新技术企业")
    platform = Platform()
    try:
        assert push(svc, platform.url).sent == 2
        # Pretend our records were never marked (the answer was lost): the platform answers 409 and we move on.
        svc.db.conn.execute("UPDATE outbox SET pushed_at = NULL")
        report = push(svc, platform.url)
    finally:
        platform.close()
    assert report.sent == 2 and report.failed == 0


def test_unreachable_platform_keeps_records_queued(svc):
    submit(svc, "想申请高新技术企业")
    platform = Platform()
    url = platform.url
    platform.close()
    report = push(svc, url, retries=2, backoff_s=0.01)
    assert (report.sent, report.failed) == (0, 2)
    assert pending(svc)["unpushed"] == 2
    row = svc.db.conn.execute("SELECT attempts, last_error FROM outbox LIMIT 1").fetchone()
    assert row["attempts"] == 2 and row["last_error"]


def test_push_without_endpoint_is_a_friendly_error(svc):
    with pytest.raises(RequestError, match="push_endpoint"):
        push(svc, "")


def test_import_applies_updates_once_and_reports_bad_lines(svc, tmp_path):
    receipt = submit(svc)
    lamp, hitech = (i.ref for i in receipt.items)
    updates = tmp_path / "updates.jsonl"
    lines = [
        {"key": "p-1", "item": lamp, "action": "accept", "actor": "翠苑街道"},
        {"key": "p-2", "item": lamp, "action": "resolve", "actor": "翠苑街道", "note": "已更换灯泡"},
        {"key": "p-1", "item": lamp, "action": "accept"},
        {"key": "p-3", "item": hitech, "action": "resolve"},
        {"key": "p-4", "item": hitech, "action": "transfer", "department": "unit_jxj", "note": "转经信"},
    ]
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{broken\n"
    updates.write_text(text, encoding="utf-8")
    report = import_updates(svc, updates)
    assert (report.applied, report.duplicates) == (3, 1)
    assert len(report.errors) == 2
    assert report.errors[0].startswith("updates.jsonl:4:") and "不能办结" in report.errors[0]
    assert report.errors[1].startswith("updates.jsonl:6:")
    states = {i.ref: (str(i.state), i.department) for i in svc.list_items()}
    assert states[lamp] == ("resolved", "street_cuiyuan")
    assert states[hitech] == ("dispatched", "unit_jxj")
    again = import_updates(svc, updates)
    assert again.applied == 0 and again.duplicates == 4
    events = svc.status(receipt.ticket, "5678").events
    assert any(e.actor == "翠苑街道" and e.note == "已更换灯泡" for e in events)
