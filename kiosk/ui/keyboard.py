"""The on-screen keyboard: pinyin to Chinese with a candidate bar, letters, digits, and keys big enough to tap."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPlainTextEdit, QSizePolicy, QWidget

from kiosk.ui.pinyin import Candidate
from kiosk.ui.widgets import Card, IconButton, clear, label

ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
DIGITS = "1234567890"
PUNCT = "，。？！、-"


Lookup = Callable[[str, Callable[[list[Candidate]], None]], None]  # (letters, deliver) — answers asynchronously


class Keyboard(Card):
    """Types into `target` (a QLineEdit or QPlainTextEdit); `submit` fires on 发送.

    Candidates come from the services asynchronously (the index lives with the other services, off the UI
    thread); a reply for letters the visitor has since changed is dropped.
    """

    submit = Signal()

    def __init__(self, lookup: Lookup):
        super().__init__(margins=14, spacing=8)
        self._lookup = lookup
        self.target: QWidget | None = None
        self.chinese = True
        self.letters = ""
        self.shown: list[Candidate] = []
        top = QHBoxLayout()
        self.composing = label("", "h3", wrap=False)
        self.composing.setMinimumWidth(160)
        top.addWidget(self.composing)
        self.candidate_row = CandidateRow()
        self.candidates = self.candidate_row.row
        top.addWidget(self.candidate_row, 1)
        self.box.addLayout(top)
        self.box.addLayout(self._row(DIGITS))
        self.box.addLayout(self._row(ROWS[0], extra_right=[self._key("", self.backspace, "backspace", 2)]))
        self.box.addLayout(self._row(ROWS[1], extra_right=[self._key("发送", self.submit.emit, "send", 2)]))
        self.mode_key = self._key("中/英", self.toggle_mode, None, 2)
        self.box.addLayout(self._row(ROWS[2], extra_left=[self.mode_key]))
        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        for ch in PUNCT:
            bottom.addWidget(self._key(ch, lambda c=ch: self.type_text(c)), 1)
        bottom.addWidget(self._key("空格", self.space), 5)
        bottom.addWidget(self._key("收起", self.hide), 2)
        self.box.addLayout(bottom)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)  # keys keep their height
        self._refresh()

    def _key(self, text: str, action: Callable[[], None], icon_name: str | None = None, stretch: int = 1):
        key = IconButton(text, icon_name, "key", action, icon_px=30)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys must not steal focus from the text field
        key.setAutoRepeat(text == "")
        key.setProperty("stretch", stretch)
        return key

    def _row(self, keys: str, extra_left: list | None = None, extra_right: list | None = None) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        for key in extra_left or []:
            row.addWidget(key, key.property("stretch"))
        for ch in keys:
            row.addWidget(self._key(ch, lambda c=ch: self.press(c)), 1)
        for key in extra_right or []:
            row.addWidget(key, key.property("stretch"))
        return row

    def attach(self, target: QWidget | None, chinese: bool | None = None) -> None:
        """Type into `target`; `chinese` sets pinyin (True) or plain letters (False), None keeps the mode."""
        self.target = target
        if chinese is not None and chinese != self.chinese:
            self.toggle_mode()

    # -- typing --------------------------------------------------------------------------------------------
    def press(self, ch: str) -> None:
        if self.chinese and ch.isalpha():
            self.letters += ch
            self._refresh()
        else:
            self.type_text(ch)

    def type_text(self, text: str) -> None:
        if self.letters and not self.chinese:
            self.letters = ""
        if self.letters:  # punctuation or a digit ends the composition with the first candidate
            self.commit_first()
        if isinstance(self.target, QLineEdit):
            self.target.insert(text)
        elif isinstance(self.target, QPlainTextEdit):
            self.target.insertPlainText(text)

    def choose(self, cand: Candidate) -> None:
        self.letters = self.letters[cand.consumed:]
        self._refresh()
        self.type_text(cand.text)

    def commit_first(self) -> None:
        letters, self.letters = self.letters, ""
        first = self.shown[0].text if self.shown else letters
        self._refresh()
        self.type_text(first)

    def backspace(self) -> None:
        if self.letters:
            self.letters = self.letters[:-1]
            self._refresh()
        elif isinstance(self.target, QLineEdit):
            self.target.backspace()
        elif isinstance(self.target, QPlainTextEdit):
            self.target.textCursor().deletePreviousChar()

    def space(self) -> None:
        if self.letters:
            self.commit_first()
        else:
            self.type_text(" ")

    def toggle_mode(self) -> None:
        if self.letters:
            self.commit_first()
        self.chinese = not self.chinese
        self.mode_key.setText("中/英" if self.chinese else "英/中")
        self._refresh()

    def _refresh(self) -> None:
        self.composing.setText(self.letters or ("拼音" if self.chinese else "字母"))
        self.show_candidates(self.letters, [])
        if self.letters:
            self._lookup(self.letters, lambda cands, letters=self.letters: self.show_candidates(letters, cands))

    def show_candidates(self, letters: str, cands: list[Candidate]) -> None:
        if letters != self.letters:
            return
        self.shown = list(cands)
        clear(self.candidates)
        for i, cand in enumerate(self.shown[:9]):
            b = IconButton(f"{i + 1} {cand.text}", None, "candidate", lambda c=cand: self.choose(c))
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.candidates.addWidget(b)
        self.candidates.addStretch(1)
        self.candidate_row.fit()


class CandidateRow(QWidget):
    """The candidate bar: as many candidates as fit its width are shown, the rest hidden, so a long list
    never widens the keyboard past the screen."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(6)

    def fit(self) -> None:
        used = 0
        for i in range(self.row.count()):
            button = self.row.itemAt(i).widget()
            if button is None:
                continue
            used += button.sizeHint().width() + self.row.spacing()
            button.setVisible(used <= self.width())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit()
