"""What a visitor sees fits: the latest question and the start of its answer in view, every button inside the
window at the hall's screen sizes in normal and elderly mode, long questions wrapping instead of widening."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, Qt
from support_ui import ScriptedAdapter, layout_problems, make_window, settle

from kiosk.events import AnswerDone, AnswerLead, AnswerSentence, Citation
from kiosk.ui.chat import KioskBubble, VisitorBubble

SIZES = [(1920, 1080), (1366, 768)]
LONG_FOLLOW_UPS = ("《西湖区餐饮业品质提升三年行动计划（2024—2026年）实施细则》到哪里办理？",
                   "《杭州市西湖区促进文化创意产业高质量发展的若干扶持政策》需要准备什么材料？",
                   "申请这项补贴以后多久能拿到钱，中间需要到现场核查吗？")


class LongAnswers(ScriptedAdapter):
    """An answer taller than the screen, with several sources and long follow-up questions."""

    def answer(self, text: str, cancelled: threading.Event):
        yield AnswerLead("关于研发补贴，《西湖区关于支持企业研发创新的若干政策》有规定。")
        for n in range(14):
            yield AnswerSentence(f"第{n + 1}点：经认定的区级研发中心，给予一次性奖励20万元，按年度分批拨付到位[1]。", (1,))
        citations = tuple(Citation(n, "s.md", f"西湖区研发政策第{n}号（示例）", "第五条", "正文。")
                          for n in range(1, 6))
        yield AnswerDone("……", False, 0.8, "extractive", citations, LONG_FOLLOW_UPS)


def _in_view(area, widget, y: int = 0) -> bool:
    top = widget.mapTo(area.viewport(), QPoint(0, y)).y()
    return top >= 0 and top + 20 <= area.viewport().height()


@pytest.mark.parametrize("size", SIZES)
def test_latest_question_and_first_line_of_its_answer_stay_in_view(qtbot, size):
    window = make_window(qtbot, LongAnswers(), size=size)
    window.navigate("conversation")
    conv = window.current()
    for question in ("第一个问题", "研发中心有什么奖励？"):
        conv.input.setText(question)
        qtbot.mouseClick(conv.send_button, Qt.MouseButton.LeftButton)
        settle(window)
        qtbot.wait(120)  # the scroll follows the answer's layout
        question_bubble = conv.area.widget().findChildren(VisitorBubble)[-1]
        answer = conv.area.widget().findChildren(KioskBubble)[-1]
        assert question_bubble.label.text() == question
        assert _in_view(conv.area, question_bubble), "the visitor's own question scrolled away"
        assert _in_view(conv.area, answer.label), "the answer's first line is not on screen"


@pytest.mark.parametrize("elderly", [False, True])
@pytest.mark.parametrize("size", SIZES)
def test_every_button_fits_the_window_with_the_keyboard_open(qtbot, size, elderly):
    window = make_window(qtbot, LongAnswers(), size=size)
    if elderly:
        window.toggle_elderly()
    window.navigate("attract")
    settle(window)
    assert not layout_problems(window), layout_problems(window)
    window.navigate("conversation", keyboard=True)
    conv = window.current()
    conv.ask("研发补贴")
    settle(window)
    qtbot.wait(50)
    assert conv.keyboard.isVisible()
    assert window.width() == size[0]  # nothing forced the window wider
    assert not layout_problems(window), layout_problems(window)
    window.navigate("request")
    window.current().toggle_keyboard()
    settle(window)
    assert not layout_problems(window), layout_problems(window)


def test_long_follow_up_questions_wrap_and_stay_inside_the_screen(qtbot):
    window = make_window(qtbot, LongAnswers(), size=(1366, 768))
    window.navigate("conversation")
    conv = window.current()
    conv.ask("研发补贴")
    settle(window)
    chips = [conv.suggestions.itemAt(i).widget() for i in range(conv.suggestions.count())]
    assert [c.accessibleName() for c in chips] == list(LONG_FOLLOW_UPS)  # the full question, for screen readers
    right = conv.suggestions_row.mapTo(window, QPoint(conv.suggestions_row.width(), 0)).x()
    assert all(c.mapTo(window, QPoint(c.width(), 0)).x() <= right for c in chips)
    assert len({c.y() for c in chips}) > 1  # they wrapped onto more than one line
    assert not layout_problems(window), layout_problems(window)
