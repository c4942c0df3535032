"""A running hall kiosk syncs with the district office by itself: a visitor's request reaches the office within
seconds without `kiosk request sync`, an officer's reply comes back to the hall's status check, an office that
cannot be reached is tried less and less often without losing anything, and shutdown does not hang."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest
from support_halls import connect
from test_office_halls import LAMP, office_items, outbox

from kiosk.config import ConfigError, Settings
from kiosk.requests import SubmitForm
from kiosk.requests.office_sync import SYNCED_AT
from kiosk.requests.repo.db import RequestDB
from kiosk.requests.service import RequestService
from kiosk.requests.sync_loop import MAX_BACKOFF_S, SyncLoop
from kiosk.root import Kiosk

UNREACHABLE = "http://127.0.0.1:9"  # nothing listens there: refused at once


def eventually(check: Callable[[], object], within_s: float = 10.0) -> object:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {within_s} s")


@pytest.fixture
def hall(tmp_path, office, run, monkeypatch):
    """A hall's data directory connected to the office; the kiosk built in the test uses it."""
    hall = tmp_path / "hall_a"
    connect(run, office, hall, "hall_a")
    monkeypatch.setenv("KIOSK_DATA_DIR", str(hall))
    return hall


def synced_at(hall) -> str | None:
    db = RequestDB(hall / "requests.db")
    try:
        row = db.conn.execute("SELECT value FROM meta WHERE key = ?", (SYNCED_AT,)).fetchone()
    finally:
        db.close()
    return row[0] if row else None


def submit(service: RequestService) -> str:
    text, address, phone = LAMP
    return service.submit(SubmitForm(text, "杭州测试科技有限公司", phone, address)).ticket


def test_a_running_kiosk_pushes_a_request_and_takes_the_officers_reply_without_the_cli(hall, office, store):
    settings = Settings.load(hall / "config.toml")
    settings.office_sync_interval_s = 1
    kiosk = Kiosk(settings, store_path=store.path)
    loop = kiosk.start_office_sync()
    assert loop is not None and kiosk.start_office_sync() is loop  # started once
    try:
        ticket = submit(kiosk.request_service())
        [item] = eventually(lambda: office_items(office))
        cuiyuan = office.client("cuiyuan")
        assert cuiyuan.post(f"/api/items/{item['ref']}/accept", json={}).status_code == 200
        reply = "路灯已由翠苑街道修复。"
        assert cuiyuan.post(f"/api/items/{item['ref']}/resolve", json={"reply": reply}).status_code == 200
        status = eventually(lambda: (s := kiosk.request_service().status(ticket, "5678")).items[0].state
                            == "resolved" and s, within_s=5)
        assert any(reply in e.note for e in status.events)
    finally:
        started = time.monotonic()
        kiosk.stop_office_sync()
        assert time.monotonic() - started < 1.5
    assert not any(t.name == "kiosk-office-sync" for t in threading.enumerate())
    assert all(r["pushed_at"] for r in outbox(hall))


def test_a_running_kiosk_sends_its_visitors_questions_and_their_thumbs_down(hall, office, store):
    from kiosk.dialogue.protocols import TurnSummary

    settings = Settings.load(hall / "config.toml")
    settings.office_sync_interval_s = 1
    kiosk = Kiosk(settings, store_path=store.path)
    questions = office.app.state.office.questions
    try:
        kiosk.start_office_sync()
        turn = kiosk.turn_log.record(TurnSummary("开公司要什么材料？", "policy_question", "开办企业", True,
                                                 "extractive", "doc.md", 12.5))
        [row] = eventually(lambda: questions.turns())
        assert row.id == f"hall_a:{turn}" and row.helpful is None
        kiosk.turn_log.feedback(turn, False, "outdated")
        eventually(lambda: questions.turns()[0].helpful is False, within_s=5)
    finally:
        kiosk.stop_office_sync()


def test_the_touch_screens_service_process_syncs_by_itself_and_stops_with_the_window(hall, office):
    from kiosk.ui.remote import RemoteAdapter

    with (hall / "config.toml").open("a", encoding="utf-8") as f:
        f.write("office_sync_interval_s = 3600\n")  # only the sync at start and the one a submission brings
    remote = RemoteAdapter()
    try:
        text, address, phone = LAMP
        assert remote.submit(text, "杭州测试科技有限公司", phone, address).ticket
        [item] = eventually(lambda: office_items(office), within_s=20)
        assert item["text"].startswith("公司门口的路灯坏了")
    finally:
        started = time.monotonic()
        remote.close()
        assert time.monotonic() - started < 3.5


def test_a_submission_goes_at_once_not_at_the_next_interval(hall, office, store):
    services = Kiosk(store_path=store.path)
    token = Settings.load(hall / "config.toml").office_token
    loop = SyncLoop(lambda: RequestService.open(services.departments()), office.url, token, interval_s=3600,
                    watch_s=0.05).start()
    try:
        eventually(lambda: synced_at(hall))  # the sync at start went through
        submit(services.request_service())
        assert eventually(lambda: office_items(office), within_s=3)
    finally:
        loop.stop()


def test_an_unreachable_office_is_tried_less_often_and_nothing_is_lost(hall, office, store, caplog):
    services = Kiosk(store_path=store.path)
    token = Settings.load(hall / "config.toml").office_token
    submit(services.request_service())
    loop = SyncLoop(lambda: RequestService.open(services.departments()), UNREACHABLE, token, interval_s=0.05,
                    watch_s=0.01)
    with caplog.at_level(logging.INFO, logger="kiosk"):
        delays = []
        for _ in range(4):
            assert loop.sync_once() is None  # no exception reaches the kiosk
            delays.append(loop.delay_s)
        assert delays == [0.1, 0.2, 0.4, 0.8]
        assert all(r["pushed_at"] is None for r in outbox(hall))

        loop.start()  # still down, now on its own thread; then the office is back
        try:
            eventually(lambda: loop.failures >= 5)  # the sync at start failed too
            loop.office_url = office.url
            assert eventually(lambda: office_items(office), within_s=5)
            eventually(lambda: loop.failures == 0)
            assert loop.delay_s == 0.05
        finally:
            loop.stop()
    assert all(r["pushed_at"] for r in outbox(hall))
    assert "office sync failed" in caplog.text
    assert token not in caplog.text and LAMP[2] not in caplog.text


def test_the_back_off_is_capped():
    loop = SyncLoop(lambda: None, UNREACHABLE, "xk_" + "a" * 40, interval_s=60)
    loop.failures = 20
    assert loop.delay_s == MAX_BACKOFF_S
    loop.interval_s = 3600  # a deployer's long interval is never shortened by failing
    assert loop.delay_s == 3600


def test_a_kiosk_without_an_office_or_with_interval_0_starts_nothing(hall, store):
    settings = Settings.load(hall / "config.toml")
    settings.office_sync_interval_s = 0
    assert Kiosk(settings, store_path=store.path).start_office_sync() is None
    assert Kiosk(Settings(), store_path=store.path).start_office_sync() is None
    assert Kiosk(Settings(office_url="http://127.0.0.1:9"), store_path=store.path).start_office_sync() is None
    assert not any(t.name == "kiosk-office-sync" for t in threading.enumerate())
    Kiosk(Settings(), store_path=store.path).stop_office_sync()  # nothing to stop is fine


@pytest.mark.parametrize("value", ["-1", "3601", '"60"', "true", "1.5"])
def test_a_bad_sync_interval_is_refused_naming_the_key(tmp_path, value):
    path = tmp_path / "config.toml"
    path.write_text(f"office_sync_interval_s = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Settings.load(path)
    assert "config.toml" in caught.value.friendly and "office_sync_interval_s" in caught.value.friendly
    assert "0 表示不自动同步" in caught.value.friendly


def test_a_department_added_by_a_rebuild_is_routed_without_a_restart(hall, store, monkeypatch):
    """After `kiosk db build` adds a street, the running kiosk (staff 内容更新) routes to it, and so does its sync
    with the office, whose officers may transfer an item there."""
    from kiosk.store.records import Department

    settings = Settings.load(hall / "config.toml")
    settings.office_sync_interval_s = 3600
    kiosk = Kiosk(settings, store_path=store.path)
    loop = kiosk.start_office_sync()
    try:
        eventually(lambda: loop._service is not None)
        new = Department("street_new", "street", "新建街道")
        before = kiosk.departments()
        assert "street_new" not in kiosk.request_service().router.departments
        monkeypatch.setattr(Kiosk, "departments", lambda self: [*before, new])  # what the rebuilt store holds
        kiosk.reopen()
        assert kiosk.request_service().router.departments["street_new"] == new
        loop.sync_once()
        assert loop._service.router.departments["street_new"] == new
    finally:
        kiosk.stop_office_sync()
