"""Privacy at a public terminal: masked numbers, and the idle reset that forgets the visitor."""

from __future__ import annotations

from support_ui import make_window, settle

from kiosk.config import Settings
from kiosk.ui.chat import KioskBubble, rich
from kiosk.ui.session import mask_id, mask_phone, mask_text


def test_masking():
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_id("330106199001011234") == "330***********1234"
    text = mask_text("我的电话13812345678，身份证33010619900101123X。")
    assert "13812345678" not in text and "138****5678" in text
    assert "33010619900101123X" not in text and "123X" in text
    assert "13812345678" not in rich("回电 13812345678 [1]", "#000")


def test_idle_reset_wipes_conversation_profile_scans_and_temp_files(qtbot, tmp_path):
    window = make_window(qtbot, settings=Settings(idle_reset_seconds=5, staff_pin="1"))
    window.navigate("conversation")
    conv = window.current()
    conv.ask("研发补贴")
    settle(window)
    temp = tmp_path / "scan.png"
    temp.write_bytes(b"x")
    window.session.temp_files.append(temp)
    window.session.scan_image = b"image"
    window.session.scan_fields = {"name": "杭州某公司"}
    window.session.answers["rd"] = True
    window.screens["request"].phone.setText("13812345678")
    assert not window.session.is_empty()
    for _ in range(5):
        window.idle._tick()  # five silent seconds
    assert window.session.is_empty()
    assert not temp.exists()
    assert window.current().name == "attract"
    assert window.screens["request"].phone.text() == ""
    assert conv.chat.count() == 2  # only the greeting (and the layout's stretch) is left
    assert isinstance(conv.chat.itemAt(0).widget(), KioskBubble)


def test_activity_postpones_the_reset_and_warns_first(qtbot):
    window = make_window(qtbot, settings=Settings(idle_reset_seconds=12, staff_pin="1"))
    window.navigate("conversation")
    window.session.scan_fields = {"name": "杭州某公司"}
    for _ in range(2):
        window.idle._tick()
    assert window.overlay.isVisible()  # "还在吗？" ten seconds before the wipe
    window.idle.poke()  # the visitor touched the screen
    for _ in range(11):
        window.idle._tick()
    assert window.session.scan_fields
    window.idle._tick()
    assert not window.session.scan_fields


def test_idle_wipe_empties_the_scanner_inbox_for_the_next_visitor(qtbot):
    from kiosk.ui import viewmodels as vm
    from kiosk.ui.screens.scan import scanner_inbox
    from kiosk.ui.screenshot_stage import licence_image

    window = make_window(qtbot, settings=Settings(idle_reset_seconds=5, staff_pin="1"))
    inbox = scanner_inbox()
    inbox.mkdir(parents=True, exist_ok=True)
    licence_image(vm.demo_scan()).save(str(inbox / "scan-0001.png"))
    licence_image(vm.demo_scan()).save(str(inbox / "scan-0002.png"))  # scanned, never imported
    window.navigate("scan")
    window.current().import_latest()
    settle(window)
    assert window.session.scan_image
    for _ in range(5):
        window.idle._tick()
    assert window.session.is_empty()
    assert not [p for p in inbox.iterdir() if p.is_file()]
    window.navigate("scan")
    window.current().import_latest()  # the next visitor
    settle(window)
    assert window.session.scan_image is None and not window.session.scan_fields
    assert "还没有新的图片" in window._toast.text()


def test_end_of_service_gives_the_next_visitor_the_standard_screen(qtbot):
    from PySide6.QtCore import Qt

    window = make_window(qtbot)
    normal = window.theme.px(26)
    window.toggle_elderly()
    window.toggle_contrast()
    assert window.theme.px(26) > normal
    qtbot.mouseClick(window.end_button, Qt.MouseButton.LeftButton)  # nothing said yet: no question asked
    settle(window)
    assert not window.elderly and not window.high_contrast
    assert not window.elderly_button.isChecked() and not window.contrast_button.isChecked()
    assert window.theme.px(26) == normal and window.theme.palette.text != "#000000"


def test_idle_warning_counts_down_each_second(qtbot):
    import re

    window = make_window(qtbot, settings=Settings(idle_reset_seconds=15, staff_pin="1"))
    window.navigate("conversation")
    window.session.scan_fields = {"name": "杭州某公司"}
    shown = []
    for _ in range(14):
        window.idle._tick()
        if window.overlay.isVisible():
            shown.append(int(re.search(r"(\d+)\D*秒", window.overlay.body.text()).group(1)))
    assert shown == list(range(10, 0, -1))


def test_end_of_service_asks_to_confirm_when_the_visitor_has_a_conversation(qtbot):
    from PySide6.QtCore import Qt

    window = make_window(qtbot)
    window.navigate("conversation")
    window.current().ask("研发补贴")
    settle(window)
    qtbot.mouseClick(window.end_button, Qt.MouseButton.LeftButton)
    assert window.overlay.isVisible() and window.overlay.confirm_button.isVisible()
    qtbot.mouseClick(window.overlay.close_button, Qt.MouseButton.LeftButton)  # 继续使用
    assert window.session.conversation and window.current().name == "conversation"
    qtbot.mouseClick(window.end_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.overlay.confirm_button, Qt.MouseButton.LeftButton)  # 结束并清除
    assert window.session.is_empty() and window.current().name == "attract"


def test_a_scan_finishing_after_the_wipe_never_reaches_the_next_visitor(qtbot, tmp_path):
    import time as clock

    from support_ui import ScriptedAdapter

    from kiosk.ui import viewmodels as vm
    from kiosk.ui.screenshot_stage import licence_image

    class SlowScan(ScriptedAdapter):
        def scan(self, path):
            clock.sleep(0.4)
            return super().scan(path)

    window = make_window(qtbot, SlowScan())
    window.navigate("scan")
    scan = window.current()
    image = tmp_path / "licence.png"
    licence_image(vm.demo_scan()).save(str(image))
    scan._have_image(image)
    window.end_session()  # the visitor walked away while the licence was being read
    settle(window)
    assert scan.fields["credit_code"].text() == "" and not window.session.scan_fields
