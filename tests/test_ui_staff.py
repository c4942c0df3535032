"""Staff mode: the PIN with its lockout, the queue with overdue items, analytics and status pages."""

from __future__ import annotations

from support_ui import TEST_PIN, make_window, settle

from kiosk.ui.staff_auth import PinLock


def test_pin_lock_locks_after_three_failures_and_grows():
    now = {"t": 0.0}
    lock = PinLock("2468", max_tries=3, lockout_s=60, now=lambda: now["t"])
    assert "还可以再试 2 次" in lock.attempt("0000").message
    lock.attempt("1111")
    third = lock.attempt("2222")
    assert not third.ok and third.locked_for_s == 60
    assert not lock.attempt("2468").ok  # the right PIN is refused while locked
    now["t"] += 61
    assert lock.attempt("2468").ok
    for pin in ("1", "2", "3"):
        result = lock.attempt(pin)
    assert result.locked_for_s == 120  # a second lockout lasts longer


def test_staff_screen_pin_pad_and_pages(qtbot):
    window = make_window(qtbot)
    window.navigate("staff")
    staff = window.current()
    for _ in range(3):
        for d in "1111":
            staff.pin_key(d)
        staff.pin_key("确定")
    assert "锁定" in staff.pin_message.text()
    for d in TEST_PIN:
        staff.pin_key(d)
    staff.pin_key("确定")
    assert not staff.unlocked  # still locked out
    staff.lock._locked_until = 0.0
    for d in TEST_PIN:
        staff.pin_key(d)
    staff.pin_key("确定")
    assert staff.unlocked
    settle(window)
    assert staff.table.rowCount() == 5
    overdue_cells = [staff.table.item(r, 4).text() for r in range(staff.table.rowCount())]
    assert overdue_cells[0].endswith("超时")  # overdue first
    staff.overdue_only.setChecked(True)
    settle(window)
    assert staff.table.rowCount() == 2
    staff.show_page(3)
    settle(window)
    assert staff.analytics_grid.count() == 4
    staff.show_page(2)
    assert "知识库" in " ".join(w.text() for w in staff.engines.findChildren(type(staff.pin_message)))
    window.end_session()
    assert not staff.unlocked  # leaving or an idle reset locks staff mode again


def test_every_screen_can_call_staff_who_see_the_call_and_the_wait(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QPushButton

    window = make_window(qtbot)
    for name in ("attract", "conversation", "scan", "policies", "request", "guide"):
        window.navigate(name)
        settle(window)
        assert window.help_button.isVisible() and window.help_button.text() == "找工作人员", name
    qtbot.mouseClick(window.help_button, Qt.MouseButton.LeftButton)  # on the guide screen
    assert window.overlay.isVisible() and "分钟" in window.overlay.body.text()
    window.overlay.hide()
    qtbot.mouseClick(window.help_button, Qt.MouseButton.LeftButton)  # a second tap keeps the place
    assert len(window.helpdesk.calls) == 1
    window.helpdesk.mine = None  # another visitor calls while the first is still waiting
    window.helpdesk.call("问答")
    window.overlay.hide()
    qtbot.mouseClick(window.help_button, Qt.MouseButton.LeftButton)
    assert "前面还有 1 位" in window.overlay.body.text()
    window.navigate("staff")
    staff = window.current()
    for d in TEST_PIN:
        staff.pin_key(d)
    staff.pin_key("确定")
    staff.show_page(1)
    texts = [w.text() for w in staff.calls_card.findChildren(QLabel)]
    assert "等待协助的访客（2 位）" in texts and any("一件事指南" in t for t in texts)
    arrived = [b for b in staff.calls_card.findChildren(QPushButton) if b.text() == "已到场"]
    qtbot.mouseClick(arrived[0], Qt.MouseButton.LeftButton)
    assert len(window.helpdesk.calls) == 1


def test_staff_accept_and_resolve_from_the_queue(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton
    from support_ui import ScriptedAdapter

    from kiosk.ui.adapter import KioskAdapter

    real = KioskAdapter()
    ticket = real.submit("园区门口路砖坏了", "杭州测试科技有限公司", "13812345678")
    row = next(r for r in real.queue() if r.ticket.startswith(ticket.ticket))
    assert [a for a, _ in row.actions] == ["accept"]

    class RealQueue(ScriptedAdapter):
        def queue(self, overdue_only=False):
            return real.queue(overdue_only)

        def act(self, ref, action):
            real.act(ref, action)

    window = make_window(qtbot, RealQueue())
    window.navigate("staff")
    staff = window.current()
    for d in TEST_PIN:
        staff.pin_key(d)
    staff.pin_key("确定")
    settle(window)
    for word, state in (("接单", "已接单"), ("办结", "已办结")):
        r = next(i for i in range(staff.table.rowCount()) if staff.table.item(i, 0).text() == row.ticket)
        button = next(b for b in staff.table.cellWidget(r, 6).findChildren(QPushButton) if b.text() == word)
        assert button.height() >= 48 or staff.table.rowHeight(r) >= 48
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        settle(window)
        settle(window)
        r = next(i for i in range(staff.table.rowCount()) if staff.table.item(i, 0).text() == row.ticket)
        assert staff.table.item(r, 4).text().startswith(state)
