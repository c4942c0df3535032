"""What every screen shares: the context it works in, and the hooks the window calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.config import Settings
from kiosk.ui.bridge import ServiceBridge
from kiosk.ui.helpdesk import HelpDesk
from kiosk.ui.session import Session
from kiosk.ui.theme import Theme


@dataclass
class Context:
    bridge: ServiceBridge
    session: Session
    settings: Settings
    navigate: Callable[..., None]  # navigate(name, **kwargs)
    toast: Callable[[str], None]
    show_source: Callable[[str, str], None]  # (title, html) in the overlay
    theme: Callable[[], Theme]
    elderly: Callable[[], bool]
    helpdesk: HelpDesk
    call_staff: Callable[[], None]


class Screen(QWidget):
    name = ""
    title = ""

    def __init__(self, ctx: Context):
        super().__init__()
        self.ctx = ctx
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # holds focus on arrival, so no button shows a ring
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(56, 36, 56, 28)
        self.column.setSpacing(24)

    def for_this_visitor(self, callback: Callable[..., None]) -> Callable[..., None]:
        """`callback`, unless the visitor who started the work has gone (idle wipe, 结束服务) by the time its
        result arrives: a late scan or ticket must never appear for the next visitor."""
        visit = self.ctx.session.visit

        def guarded(*args) -> None:
            if self.ctx.session.visit == visit:
                callback(*args)

        return guarded

    def retint(self, theme: Theme) -> None:
        """Margins and gaps follow the window's scale, so a 1366×768 screen keeps its room for content."""
        self.column.setContentsMargins(theme.dim(56), theme.dim(36), theme.dim(56), theme.dim(28))
        self.column.setSpacing(theme.dim(24))

    def entered(self, **kwargs) -> None:
        """Called each time the screen is shown; kwargs carry what the previous screen handed over."""

    def reset(self) -> None:
        """Forget everything about the visitor (idle reset or 结束服务)."""

    def engines_changed(self) -> None:
        """An engine finished loading or turned out missing; `ctx.bridge` knows which."""
