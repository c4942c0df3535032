"""Every visitor flow, end to end, in the window `kiosk run` opens (services in their own process, the real
store, OCR, matching, requests and guides), driven by taps and key presses, at the hall's two screen sizes in
normal and elderly + high-contrast mode. Each step is screenshotted and checked through the widget tree: the
latest question and answer in view, every button inside the window, no raw identifiers or Latin-only labels,
and the UI thread never busy for more than 100 ms.

Run under a virtual display to use a real window: `QT_QPA_PLATFORM=xcb xvfb-run -a pytest tests/test_ui_visitor_flows.py`.
Set KIOSK_FLOW_SCREENSHOTS=docs/screenshots/flows to keep the screenshots."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel
from support_flows import STALL_MS, Heartbeat, Visitor, answer_in_view, shots_folder

from kiosk.config import Settings
from kiosk.policy.taxonomy import load_taxonomy
from kiosk.ui.chat import KioskBubble

IDLE_SECONDS = 12


@pytest.fixture
def kiosk(qtbot, kiosk_env):
    """The window as `kiosk run` opens it, once its services have finished loading."""
    from kiosk.ui.app import open_window

    windows = []

    def start(size):
        window = open_window(size=size)
        qtbot.addWidget(window)
        windows.append(window)
        window.activateWindow()  # the kiosk's only window has the focus (Xvfb has no window manager to give it)
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        qtbot.waitUntil(lambda: window.bridge.states and not any(
            s.state == "loading" for s in window.bridge.states.values()), timeout=240_000)
        return window

    yield start
    for window in windows:
        window.bridge.close()


def licence_in_scanner(data_dir):
    from support_licences import render_licence, sample_licences

    licence = next(s for s in sample_licences(200) if "餐饮" in s.business_scope)
    inbox = data_dir / "scanner_inbox"
    inbox.mkdir(exist_ok=True)
    render_licence(licence).save(inbox / "scan-0001.png")
    return licence


def takeaway_readable(window) -> list[str]:
    """The opened code is wholly inside the conversation's viewport and a phone reads the answer from it."""
    from test_ui_takeaway import decode

    area = window.current().area
    takeaway = area.widget().findChildren(KioskBubble)[-1].takeaway
    code = takeaway.code
    top = code.mapTo(area.viewport(), QPoint(0, 0)).y()
    problems = [] if top >= 0 and top + code.height() <= area.viewport().height() else [f"code at y={top}"]
    return problems + ([] if decode(code) == takeaway.text else ["the code does not read back as the answer"])


def answered(window) -> bool:
    conv = window.screens["conversation"]
    bubbles = conv.area.widget().findChildren(KioskBubble)
    return bool(window.session.conversation) and window.session.conversation[-1].who == "kiosk" and bool(bubbles)


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)], ids=["1080p", "768p"])
def test_visitor_flows_in_the_real_window(qtbot, kiosk, kiosk_env, tmp_path, size, elderly):
    window = kiosk(size)
    heartbeat = Heartbeat(window)
    heartbeat.start()
    mode = "elderly" if elderly else "normal"
    you = Visitor(qtbot, window, shots_folder(tmp_path, f"{size[0]}x{size[1]}-{mode}"), heartbeat)
    you.step("home")
    if elderly:
        you.tap(window.elderly_button)
        you.tap(window.contrast_button)
        you.step("home-elderly-contrast")

    # ask by typing, then follow up with a suggested question
    you.tap(window.screens["attract"].type_q)
    conv = window.current()
    assert conv.name == "conversation" and conv.keyboard.isVisible()
    you.type(conv.input, "开餐馆要办哪些证？")
    you.key(conv.input, Qt.Key.Key_Return)
    you.wait_until(lambda: answered(window), 120, "the answer")
    you.step("answer", [answer_in_view])
    # take the answer away on a phone: its code opens under it, whole on screen, and reads back as the answer
    takeaway = conv.area.widget().findChildren(KioskBubble)[-1].takeaway
    you.tap(takeaway.button)
    you.wait_until(lambda: takeaway.code.matrix, 10, "the code")
    you.step("takeaway-code", [takeaway_readable])
    you.tap(takeaway.button)
    chips = [conv.suggestions.itemAt(i).widget() for i in range(conv.suggestions.count())]
    if chips:
        turns = len(window.session.conversation)
        you.tap(chips[0])
        you.wait_until(lambda: len(window.session.conversation) >= turns + 2, 120, "the follow-up answer")
    else:  # an answer without suggestions: the visitor types the follow-up
        you.type(conv.input, "需要什么材料？")
        you.tap(conv.send_button)
        you.wait_until(lambda: len(window.session.conversation) >= 4, 120, "the follow-up answer")
    you.step("follow-up", [answer_in_view])

    # scan a licence from the scanner → matched policies → answer one of their questions
    you.tap(window.home_button)
    you.tap(window.screens["attract"].scan)
    scan = window.current()
    heartbeat.pause()  # drawing the licence is the scanner's work, not the kiosk's
    licence = licence_in_scanner(kiosk_env)
    heartbeat.resume()
    heartbeat.step = "import-scan"
    you.tap(scan.import_button)
    you.wait_until(lambda: scan.fields["credit_code"].text(), 120, "the licence to be read")
    assert scan.fields["name"].text() == licence.name
    you.step("scan")
    you.tap(scan.confirm)
    policies = window.current()
    you.wait_until(lambda: policies.results and not policies.rendering, 60, "the matched policies")
    you.step("policies")
    yes = [b for b in policies.area.widget().findChildren(type(scan.confirm)) if b.accessibleName() == "是"]
    if yes:
        you.tap(yes[0])
        you.wait_until(lambda: "正在" not in policies.summary.text() and not policies.rendering, 60, "the new match")
        you.step("policies-answered")
    policies.area.ensureWidgetVisible(you.button("请工作人员核对", policies.area.widget()))  # the visitor scrolls down
    you.step("policies-next-step")
    you.tap(you.button("预约申报咨询", policies.area.widget()))

    # the request after the scan → ticket → track it
    req = window.current()
    assert req.name == "request" and req.company.text() == licence.name
    req.text.clear()
    you.type(req.text, "公司门口的路灯坏了好几天，晚上员工下班不安全。")
    you.tap(req.phone)
    you.tap(you.button("键盘", req.pages.currentWidget()))
    you.tap_keys(req.keyboard, "13812345678")  # digits on the on-screen keyboard
    you.tap(req.consent)
    you.tap(req.submit_button)
    you.wait_until(lambda: req.pages.currentIndex() == 2, 60, "the ticket")
    ticket = req.ticket_label.text()
    assert ticket.startswith("XH")
    items = " ".join(w.text() for w in req.details.parentWidget().findChildren(QLabel))
    street = load_taxonomy().tags[licence.street].name
    assert street in items  # the street of the licence's address handles the street light
    you.step("ticket")
    you.tap(req.tab_track)
    you.tap(req.ticket_in)
    you.tap(you.button("键盘", req.pages.currentWidget()))
    you.tap_keys(req.keyboard, ticket.lower())
    you.tap(req.last4)
    you.tap_keys(req.keyboard, "5678")
    you.step("track")
    you.tap(you.button("查询", req.pages.currentWidget()))
    you.wait_until(lambda: req.pages.currentIndex() == 2, 60, "the ticket's progress")
    you.step("tracked")

    # a one-thing guide, tailored and printed
    you.tap(window.home_button)
    you.tap(you.button("一件事指南", window.current()))
    guide = window.current()
    you.wait_until(lambda: guide._menu_buttons, 30, "the guides")
    you.tap(next(iter(guide._menu_buttons.values())))
    you.wait_until(lambda: guide.current is not None, 30, "the guide")
    you.step("guide")
    you.tap(you.button("打印办事清单", guide.area.widget()))
    you.wait_until(lambda: window._toast.isVisible(), 30, "the print message")
    you.step("guide-printed")

    # call staff, then end the service; the next visitor starts clean
    you.tap(window.help_button)
    assert window.overlay.isVisible()
    you.step("staff-called")
    you.tap(window.overlay.close_button)
    you.tap(window.end_button)
    you.step("end-confirm")
    you.tap(window.overlay.confirm_button)
    assert window.session.is_empty() and window.current().name == "attract"
    assert not window.elderly and not window.high_contrast
    you.step("next-visitor")

    # the idle wipe: a visitor scans, then walks away (a short idle time, so the test need not wait a minute)
    you.tap(window.screens["attract"].scan)
    heartbeat.pause()
    licence_in_scanner(kiosk_env)
    heartbeat.resume()
    you.tap(window.current().import_button)
    you.wait_until(lambda: window.current().fields["credit_code"].text(), 120, "the licence to be read")
    window.idle.seconds = IDLE_SECONDS
    window.idle.poke()
    you.wait_until(lambda: window.overlay.isVisible(), IDLE_SECONDS, "the idle warning")
    you.step("idle-warning")
    you.wait_until(lambda: window.current().name == "attract", IDLE_SECONDS, "the idle wipe")
    assert window.session.is_empty() and not list((kiosk_env / "scanner_inbox").iterdir())
    you.tap(window.screens["attract"].scan)
    you.tap(window.current().import_button)
    assert not window.current().fields["credit_code"].text()  # nothing of the previous visitor
    you.step("after-idle-wipe")

    # staff mode: PIN pad, the queue with the request made above
    you.tap(window.staff_button)
    staff = window.current()
    for digit in Settings().staff_pin:
        you.tap(you.button(digit, staff.stack.currentWidget()))
    you.tap(you.button("确定", staff.stack.currentWidget()))
    you.wait_until(lambda: staff.table.rowCount() > 0, 30, "the request queue")
    you.step("staff-queue")
    heartbeat.stop()
    print(f"UI thread: longest own work {heartbeat.worst_ms:.0f} ms ({heartbeat.where}); "
          f"longest gap between 10 ms beats {heartbeat.worst_wall_ms:.0f} ms")
    assert heartbeat.worst_ms < STALL_MS, (heartbeat.worst_ms, heartbeat.where)
