"""Small building blocks every screen uses: labelled buttons with tinted icons, cards, badges, the helper."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.store.demo import SAMPLE_MARK
from kiosk.ui import icons
from kiosk.ui.avatar import Avatar
from kiosk.ui.theme import Theme

SAMPLE_WORD = SAMPLE_MARK  # the one word for demonstration content, on every screen (the answers say it too)


def without_sample_word(title: str) -> str:
    """A title whose sample mark is shown as a badge beside it, so the word is not said twice."""
    return title.replace(f"（{SAMPLE_WORD}）", "").replace(f"({SAMPLE_WORD})", "").strip()
BADGE = {"met": ("badge-ok", "完全符合"), "one_step": ("badge-warn", "差一步"), "unknown": ("badge-muted", "待确认"),
         "not_met": ("badge-bad", "暂不符合")}


def label(text: str = "", role: str | None = None, wrap: bool = True, selectable: bool = False) -> QLabel:
    w = QLabel(text)
    w.setWordWrap(wrap)
    if role:
        w.setProperty("role", role)
    if selectable:
        w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return w


class ElidedLabel(QLabel):
    """One line that ends in "…" when the room is short, instead of being cut at an edge mid-character."""

    def __init__(self, text: str = "", role: str | None = None):
        super().__init__()
        if role:
            self.setProperty("role", role)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.full = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self.full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self.full

    def _elide(self) -> None:
        super().setText(self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideRight, max(10, self.width())))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override (a new style sheet changes the font)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()


class IconButton(QPushButton):
    """A button with one of the kiosk's icons, re-tinted whenever the theme changes."""

    def __init__(self, text: str, icon_name: str | None = None, role: str | None = None,
                 on_click: Callable[[], None] | None = None, icon_px: int = 36):
        super().__init__(text)
        self.icon_name, self.icon_px = icon_name, icon_px
        if role:
            self.setProperty("role", role)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # Tab reaches every button, a tap does not leave a focus ring behind (the ring is for keyboard users)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAccessibleName(text.replace("\n", " "))
        if on_click:
            self.clicked.connect(lambda _=False: on_click())
        self.retint(Theme())

    def retint(self, theme: Theme) -> None:
        if not self.icon_name:
            return
        role = self.property("role") or ""
        colour = "#FFFFFF" if role in ("primary", "tile-primary") else theme.palette.brand_dark
        if role in ("ghost", "key", "menu"):
            colour = theme.palette.text
        size = theme.px(self.icon_px)
        self.setIcon(icons.icon(self.icon_name, colour, size * 2))
        self.setIconSize(QSize(size, size))


class Card(QFrame):
    def __init__(self, role: str = "card", spacing: int = 14, margins: int = 28, horizontal: bool = False):
        super().__init__()
        self.setProperty("role", role)
        self.box: QBoxLayout = QHBoxLayout(self) if horizontal else QVBoxLayout(self)
        self.box.setContentsMargins(margins, margins, margins, margins)
        self.box.setSpacing(spacing)


class IconLabel(QLabel):
    """A bare icon, re-tinted with the theme like `IconButton`; `tone` picks the palette colour."""

    def __init__(self, icon_name: str, px: int = 36, tone: str = "brand_dark"):
        super().__init__()
        self.icon_name, self.px, self.tone = icon_name, px, tone
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.retint(Theme())

    def set_icon(self, icon_name: str, tone: str | None = None) -> None:
        self.icon_name, self.tone = icon_name, tone or self.tone
        self.retint(self._theme)

    def retint(self, theme: Theme) -> None:
        self._theme = theme
        size = theme.px(self.px)
        self.setFixedSize(size, size)
        pix = icons.pixmap(self.icon_name, getattr(theme.palette, self.tone), size * 2, 2.4)
        pix.setDevicePixelRatio(2.0)
        self.setPixmap(pix)


def badge(status: str) -> QLabel:
    role, text = BADGE.get(status, ("badge-muted", status))
    w = label(text, role, wrap=False)
    w.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return w


def show_page(pages: QStackedWidget, index: int) -> None:
    """Show one page of a stack; only that page claims room, so a tall or wide hidden page cannot push the
    screen past the window."""
    for i in range(pages.count()):
        policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
        pages.widget(i).setSizePolicy(policy, policy)
    pages.setCurrentIndex(index)


def clear(layout: QLayout) -> None:
    """Remove and delete every item of a layout (used when a list is re-rendered)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()  # gone from the screen now, not at the next idle moment
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout():
            clear(item.layout())


class SpeechBubble(QFrame):
    """A rounded speech bubble with a tail pointing down at 西小服."""

    def __init__(self, margins: int = 26, tail: int = 22):
        super().__init__()
        self.tail = tail
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(margins, margins, margins, margins + tail)
        self.box.setSpacing(8)
        self.retint(Theme())

    def retint(self, theme: Theme) -> None:
        self._fill, self._edge = QColor(theme.palette.card), QColor(theme.palette.line)
        self._edge_width = 3.0 if theme.high_contrast else 1.5
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h, t = self.width() - 2, self.height() - self.tail - 2, self.tail
        path = QPainterPath()
        path.addRoundedRect(QRectF(1, 1, w, h), 28, 28)
        tail = QPainterPath()
        tail.moveTo(w * 0.30, h - 2)
        tail.lineTo(w * 0.36, h + t)
        tail.lineTo(w * 0.44, h - 2)
        tail.closeSubpath()
        p.setPen(QPen(self._edge, self._edge_width))
        p.setBrush(self._fill)
        p.drawPath(path.united(tail))
        p.end()


class Helper(QFrame):
    """西小服 in small, with a speech bubble that says what to do on this screen."""

    def __init__(self, text: str, avatar_height: int = 420):
        super().__init__()
        self.avatar = Avatar()
        self.avatar.setMinimumHeight(avatar_height // 2)
        self.avatar.setMaximumHeight(avatar_height)
        self.bubble = SpeechBubble(margins=22)
        self.text = label(text)
        self.bubble.box.addWidget(self.text)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(12)
        box.addWidget(self.bubble)
        box.addWidget(self.avatar, 1)
        box.addStretch(0)

    def say(self, text: str) -> None:
        self.text.setText(text)


def hbox(*items: QWidget | int | None, spacing: int = 16) -> QHBoxLayout:
    """A row; an int adds stretch with that factor, None adds a stretch of 1."""
    row = QHBoxLayout()
    row.setSpacing(spacing)
    for item in items:
        if item is None:
            row.addStretch(1)
        elif isinstance(item, int):
            row.addStretch(item)
        else:
            row.addWidget(item)
    return row


def scroll_column(spacing: int = 20) -> tuple[QScrollArea, QVBoxLayout]:
    """A scroll area holding a top-aligned vertical layout; items go in before the final stretch."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    inner = QWidget()
    column = QVBoxLayout(inner)
    column.setContentsMargins(0, 0, 12, 0)
    column.setSpacing(spacing)
    column.addStretch(1)
    area.setWidget(inner)
    return area, column
