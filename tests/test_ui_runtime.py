"""The kiosk runs for days: start-up is quick, the UI thread never waits on services, and Qt leaks nothing."""

from __future__ import annotations

import statistics
import sys
import time

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from support_ui import settle

from kiosk.config import Settings


@pytest.fixture
def live_window(qtbot):
    """The real window on the real services, which run in their own process."""
    from kiosk.ui.app import application, build_window

    application()
    started = time.monotonic()
    window = build_window(settings=Settings(staff_pin="1"))
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.wait(1)
    window.startup_s = time.monotonic() - started
    yield window
    window.bridge.close()


@pytest.mark.slow
def test_startup_interactive_and_ui_thread_free_while_services_load_and_answer(live_window, qtbot):
    window = live_window
    assert window.startup_s < 3.0, window.startup_s
    assert window.current().name == "attract" and window.current().talk.isEnabled()
    for name in window.screens:  # first visits lay each screen out once
        window.navigate(name)
        qtbot.wait(1)
    window.navigate("attract")
    gaps: list[int] = []  # wall time between 10 ms beats
    work: list[float] = []  # CPU time the UI thread itself spent between beats
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed(), time.thread_time()]

    def beat() -> None:
        now, cpu = clock.elapsed(), time.thread_time()
        gaps.append(now - last[0])
        work.append((cpu - last[1]) * 1000)
        last[:] = [now, cpu]

    timer = QTimer(interval=10, timeout=beat)
    timer.start()
    window.bridge.start(voice=False)  # store, dialogue, keyboard index and OCR load meanwhile
    qtbot.waitUntil(lambda: window.bridge.ready("dialogue"), timeout=60_000)
    window.navigate("conversation")
    conv = window.current()
    conv.ask("开公司要准备哪些材料？")
    for ch in "kaiban":
        conv.keyboard.press(ch)  # the visitor types meanwhile
        qtbot.wait(30)
    qtbot.waitUntil(lambda: any(t.who == "kiosk" for t in window.session.conversation), timeout=30_000)
    qtbot.waitUntil(lambda: window.bridge.ready("pinyin"), timeout=60_000)
    conv.keyboard.press("n")  # the keyboard's index is ready: "kaiban" + "n" still starts with 开
    qtbot.waitUntil(lambda: bool(conv.keyboard.shown) and conv.keyboard.shown[0].text != conv.keyboard.letters,
                    timeout=5_000)
    timer.stop()
    settle(window)
    assert conv._bubble.text and conv._bubble.findChildren(type(conv.send_button))  # answered, with sources
    assert conv.keyboard.shown and conv.keyboard.shown[0].text.startswith("开")
    late = sorted(g - 10 for g in gaps)  # how late each beat came
    p99 = late[int(len(late) * 0.99)]
    print(f"UI thread: {len(gaps)} beats; late median {statistics.median(late)} ms, p99 {p99} ms, max {late[-1]} ms;"
          f" longest stretch of own work {max(work):.0f} ms")
    # On a quiet 2-core machine the longest stretch is ~30-40 ms; CI shares its cores with other jobs, hence the
    # margin on the single worst stretch, while nearly every beat must stay within the 50 ms budget.
    assert max(work) < 80, sorted(work)[-5:]
    assert p99 < 50


def test_qt_calls_do_not_leak_references_to_none(qtbot):
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void call, aborting long runs."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(3000):
        painter.setBrush(QColor("#12877F"))
    after = sys.getrefcount(None)
    painter.end()
    assert after >= before - 100
