"""Visitors read plain Chinese: tag names instead of ids, a timeline without codes or repeats, a status line that
says what to do, no desktop file dialog, and no button for a voice that is not there."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from support_ui import IDENTIFIER, LATIN_WORD, make_window, settle

from kiosk.documents.scan import ScanResult
from kiosk.events import EngineStatus
from kiosk.policy.taxonomy import load_taxonomy
from kiosk.root import Kiosk
from kiosk.ui import viewmodels as vm
from kiosk.ui.adapter import KioskAdapter


def _licence_with_tags() -> ScanResult:
    fields = dict(vm.demo_scan().fields)
    tax = load_taxonomy()
    street = next(t for t in tax.streets() if "_" in t)
    industries = [t for t in tax.tags if t.startswith("ind_")][:2]
    fields.update(street=street, industry_tags=industries, registered_capital_yuan=5000000.0)
    return ScanResult("business_licence", fields, True, ["营业执照"])


def test_scanned_street_and_industries_show_by_name_and_match_by_tag(monkeypatch, tmp_path):
    import kiosk.documents.scan as scan_mod
    import kiosk.policy.profile as profile_mod

    result = _licence_with_tags()
    monkeypatch.setattr(scan_mod, "scan_image", lambda path, ocr: result)
    monkeypatch.setattr(Kiosk, "ocr", property(lambda self: None))
    view = KioskAdapter().scan(tmp_path / "licence.png")
    tax = load_taxonomy()
    assert view.fields["street"] == tax.tags[result.fields["street"]].name
    assert view.fields["industry_tags"] == "；".join(tax.tags[t].name for t in result.fields["industry_tags"])
    assert not any(IDENTIFIER.search(v) for v in view.fields.values())

    seen = {}
    real = profile_mod.profile_from_fields

    def spy(fields, taxonomy=None):
        seen.update(fields)
        return real(fields, taxonomy)

    monkeypatch.setattr(profile_mod, "profile_from_fields", spy)
    KioskAdapter().match(view.fields, {})  # the visitor confirmed the form as shown
    assert seen["street"] == result.fields["street"]
    assert seen["industry_tags"] == result.fields["industry_tags"]


def test_ticket_timeline_has_one_line_per_step_in_plain_words():
    ticket = KioskAdapter().submit("一是门口的路灯坏了；二是想申请人才公寓。", "杭州测试科技有限公司", "13812345678")
    assert len(ticket.items) == 2
    labels = [state for _, state, _ in ticket.timeline]
    assert labels.count("已提交") == 1
    for _when, _state, note in ticket.timeline:
        assert not LATIN_WORD.search(note), note
    assert "自助一体机" in ticket.timeline[0][2]


def test_choosing_a_scan_offers_only_the_scanners_images(qtbot, monkeypatch):
    from kiosk.ui.screens.scan import scanner_inbox
    from kiosk.ui.screenshot_stage import licence_image

    def no_dialog(*_args, **_kwargs):
        pytest.fail("a desktop file dialog lets the public browse the PC")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", no_dialog)
    window = make_window(qtbot)
    inbox = scanner_inbox()
    inbox.mkdir(parents=True, exist_ok=True)
    licence_image(vm.demo_scan()).save(str(inbox / "a.png"))
    window.navigate("scan")
    scan = window.current()
    qtbot.mouseClick(scan.file_button, Qt.MouseButton.LeftButton)
    offered = [scan.choices.itemAt(i).widget() for i in range(1, scan.choices.count())]
    assert len(offered) == 1 and "扫描件 1" in offered[0].text()
    qtbot.mouseClick(offered[0], Qt.MouseButton.LeftButton)
    settle(window)
    assert scan.fields["credit_code"].text() == "91330106MA2KXY7F3A"


def test_without_a_voice_typing_is_the_way_in_and_the_avatar_keeps_its_mouth_shut(qtbot):
    window = make_window(qtbot)
    window.bridge.status.emit(EngineStatus("voice", "missing", "没有找到麦克风，语音暂不可用，请用键盘输入。"))
    text = window.status_label.text()
    assert "部分功能" not in text and "键盘" in text
    attract = window.screens["attract"]
    assert not attract.talk.isVisibleTo(window) and attract.type_q.property("role") == "tile-primary"
    window.navigate("conversation")
    conv = window.current()
    assert not conv.mic.isVisibleTo(window)
    conv.ask("研发补贴")
    opened = []
    for _ in range(20):
        settle(window, 0.05)
        qtbot.wait(30)
        opened.append(conv.avatar.openness)
    assert conv.avatar.state != "speaking" and max(opened) == 0.0  # no sound, no mouth movement
