"""Rows of tappable chips (follow-up questions, common questions) that wrap onto new lines instead of widening
the window, and a button whose one-line text elides to the width it is given."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget

from kiosk.ui.widgets import IconButton

ELIDE_SLACK = 4  # px: text measured as a whole and elided glyph by glyph differ by a pixel or two


class ElidedButton(IconButton):
    """A one-line button that shows as much of its text as fits and ends with "…"; the full text stays the
    accessible name and tooltip. Its size hint is that of the full text, so it grows back when there is room."""

    def __init__(self, text: str, icon_name: str | None = None, role: str | None = None,
                 on_click: Callable[[], None] | None = None):
        super().__init__(text, icon_name, role, on_click)
        self.full = text
        self.setToolTip(text)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        extra = metrics.horizontalAdvance(self.full) - metrics.horizontalAdvance(self.text())
        return QSize(hint.width() + max(0, extra) + ELIDE_SLACK, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(min(self.sizeHint().width(), 120), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        padding = super().sizeHint().width() - self.fontMetrics().horizontalAdvance(self.text())
        room = max(40, self.width() - padding)
        self.setText(self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideRight, room))


class FlowLayout(QLayout):
    """Left to right, wrapping to a new line when the next item would pass the right edge; an item wider than
    the whole line gets the line's width (an `ElidedButton` then shortens its text)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 12):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _place(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_height, gap = area.x(), area.y(), 0, self.spacing()
        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            width = min(hint.width(), max(1, area.width()))
            if x > area.x() and x + width > area.right() + 1:
                x, y, line_height = area.x(), y + line_height + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + gap
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + m.bottom()


def chip_row(spacing: int = 12) -> tuple[QWidget, FlowLayout]:
    """A widget holding a wrapping row of chips."""
    holder = QWidget()
    flow = FlowLayout(holder, spacing)
    holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    return holder, flow
