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
