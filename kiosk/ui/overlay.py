"""A dimmed layer over the whole window with one centred card: source passages, the privacy notice, the idle
warning. Esc or the close button dismisses it; focus moves into the card and back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.widgets import Card, IconButton, label


class Overlay(QWidget):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.card = Card(margins=40, spacing=20)
        self.card.setMaximumWidth(1100)
        self.title = label("", "h2")
        self.body = label("", selectable=True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.extra = QVBoxLayout()
        self.kind = ""  # what the card shows now ("idle" for the countdown), so an update can find it
        self._on_confirm: Callable[[], None] | None = None
        self.confirm_button = IconButton("", "check", None, self._confirm)
        self.close_button = IconButton("我知道了", "check", "primary", self.hide)
        self.card.box.addWidget(self.title)
        self.card.box.addWidget(self.body)
        self.card.box.addLayout(self.extra)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.close_button)
        self.card.box.addLayout(row)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 60, 60, 60)
        outer.addStretch(1)
        center = QHBoxLayout()
        center.addStretch(1)
        center.addWidget(self.card, 8)
        center.addStretch(1)
        outer.addLayout(center)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def show_message(self, title: str, html: str, button: str = "我知道了", kind: str = "") -> None:
        self.kind = kind
        self._on_confirm = None
        self.confirm_button.hide()
        self.title.setText(title)
        self.body.setText(html)
        self.close_button.setText(button)
        self.close_button.setAccessibleName(button)
        self._open()

    def ask(self, title: str, html: str, confirm: str, on_confirm: Callable[[], None], cancel: str) -> None:
        """A question with two answers: `confirm` runs `on_confirm`, `cancel` (the default) just closes."""
        self.show_message(title, html, cancel, kind="ask")
        self._on_confirm = on_confirm
        self.confirm_button.setText(confirm)
        self.confirm_button.setAccessibleName(confirm)
        self.confirm_button.show()

    def _confirm(self) -> None:
        action, self._on_confirm = self._on_confirm, None
        self.hide()
        if action is not None:
            action()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.kind = ""
        super().hideEvent(event)

    def _open(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.close_button.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.card.geometry().contains(event.position().toPoint()):
            self.hide()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(20, 40, 38, 120))
        p.end()
