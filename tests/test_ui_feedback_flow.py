"""👍/👎 on an answer, in the window `kiosk run` opens (services in their own process, the real store): a visitor
asks, taps 没帮助 and a reason, asks again and taps 有帮助; each choice lands on its own turn in the question log,
with the question masked and nothing else of the visitor's.

Run under a virtual display to use a real window: `QT_QPA_PLATFORM=xcb xvfb-run -a pytest tests/test_ui_feedback_flow.py`.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from support_flows import Heartbeat, Visitor, shots_folder

from kiosk.office.questionlog import QuestionLog
from kiosk.ui.chat import KioskBubble
from kiosk.ui.feedback import THANKS, FeedbackRow

MIN_TOUCH_PX = 48


@pytest.fixture
def window(qtbot, kiosk_env):
    from kiosk.ui.app import open_window

    window = open_window(size=(1366, 768))
    qtbot.addWidget(window)
    try:  # the service process is stopped even when its engines never finish loading
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        qtbot.waitUntil(lambda: window.bridge.states and not any(
            s.state == "loading" for s in window.bridge.states.values()), timeout=240_000)
        yield window
    finally:
        window.bridge.close()


def last_feedback(window) -> FeedbackRow | None:
    bubbles = window.screens["conversation"].area.widget().findChildren(KioskBubble)
    rows = bubbles[-1].findChildren(FeedbackRow) if bubbles else []
    return rows[0] if rows else None


def ask(you: Visitor, window, question: str) -> FeedbackRow:
    conv = window.current()
    before = len(window.session.conversation)
    you.type(conv.input, question)
    you.tap(conv.send_button)
    you.wait_until(lambda: len(window.session.conversation) >= before + 2, 120, "the answer")
    you.wait_until(lambda: last_feedback(window) is not None, 10, "the 👍/👎 buttons")
    return last_feedback(window)


def logged(kiosk_env):
    return QuestionLog(kiosk_env / "questions.db", retention_days=180).turns()


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
def test_visitor_rates_answers_in_the_real_window(qtbot, window, kiosk_env, tmp_path, elderly):
    heartbeat = Heartbeat(window)
    heartbeat.start()
    you = Visitor(qtbot, window, shots_folder(tmp_path, "feedback"), heartbeat)
    if elderly:  # larger type: the reasons wrap inside the answer instead of leaving the window
        you.tap(window.elderly_button)
    you.tap(window.screens["attract"].type_q)
    row = ask(you, window, "电子居住证审核要几天？我电话13812345678")
    for button in (row.up, row.down):
        assert button.height() >= MIN_TOUCH_PX and button.width() >= MIN_TOUCH_PX
        assert button.text().strip() in ("有帮助", "没帮助")
    you.step("feedback-offered")
    you.tap(row.down)
    assert len(row.reasons) == 5 and all(b.height() >= MIN_TOUCH_PX for b in row.reasons)
    you.step("feedback-reasons")
    you.tap(you.button("看不懂", row))
    you.wait_until(lambda: any(t.helpful is False for t in logged(kiosk_env)), 20, "the 👎 to be saved")
    assert any(THANKS in w.text() for w in row.findChildren(QLabel))
    (first,) = logged(kiosk_env)
    assert (first.helpful, first.reason) == (False, "unclear")
    assert "13812345678" not in first.question and first.question.startswith("电子居住证")

    second = ask(you, window, "开公司要准备哪些材料？")
    you.tap(second.up)
    you.wait_until(lambda: any(t.helpful for t in logged(kiosk_env)), 20, "the 👍 to be saved")
    turns = logged(kiosk_env)
    assert [(t.helpful, t.reason) for t in turns] == [(False, "unclear"), (True, "")]
    you.step("feedback-thanks")
    heartbeat.stop()
