"""Staff mode: the PIN with its lockout, the queue with overdue items, analytics and status pages."""

from __future__ import annotations

from support_ui import make_window, settle

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
    for d in "135790":
        staff.pin_key(d)
    staff.pin_key("确定")
    assert not staff.unlocked  # still locked out
    staff.lock._locked_until = 0.0
    for d in "135790":
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
