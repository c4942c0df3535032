"""👍/👎 under an answer: two large buttons, then for 👎 a few fixed reasons to tap (never a text box, so nothing
personal can be entered). The choice is written against the answered turn in the question log."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.ui.chips import chip_row
from kiosk.ui.widgets import IconButton, clear, label

# The reasons the question log accepts (kiosk.office.questionlog.FEEDBACK_REASONS), in the order shown.
REASONS = (("off_topic", "没答到点子上"), ("unclear", "看不懂"), ("outdated", "信息过时了"), ("incomplete", "不够详细"))
THANKS = "谢谢您的反馈！"


class FeedbackRow(QWidget):
    """Calls ``send(helpful, reason)`` once for 👍, and for 👎 once a reason is tapped or skipped."""

    def __init__(self, send: Callable[[bool, str], None]):
        super().__init__()
        self._send = send
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 0)
        holder, self.row = chip_row(14)  # wraps in elderly mode instead of widening the answer
        box.addWidget(holder)
        self.row.addWidget(label("这个回答有帮助吗？", "muted"))
        self.up = IconButton(" 有帮助", "thumb-up", "chip", lambda: self._done(True, ""), icon_px=30)
        self.down = IconButton(" 没帮助", "thumb-down", "chip", self._ask_reason, icon_px=30)
        self.row.addWidget(self.up)
        self.row.addWidget(self.down)
        self.reasons: list[IconButton] = []

    def _ask_reason(self) -> None:
        clear(self.row)
        self.row.addWidget(label("哪里不满意？点一项即可：", "muted"))
        for key, words in (*REASONS, ("", "不说了")):
            button = IconButton(words, None, "chip", lambda k=key: self._done(False, k))
            self.reasons.append(button)
            self.row.addWidget(button)

    def _done(self, helpful: bool, reason: str) -> None:
        clear(self.row)
        self.reasons = []
        self.row.addWidget(label(THANKS, "muted"))
        self._send(helpful, reason)
