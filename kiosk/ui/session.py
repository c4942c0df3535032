"""One visitor's session at the public terminal, and the idle timer that wipes it.

Everything personal the kiosk holds for a visitor lives here: the conversation, the enterprise profile, scanned
images (bytes in memory) and any temporary files. `wipe()` forgets all of it; the idle watcher calls it after
`Settings.idle_reset_seconds` without a touch, key or spoken word. ID and phone numbers are masked before display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from kiosk.privacy import mask_id as mask_id  # the screens' import point for masking
from kiosk.privacy import mask_numbers
from kiosk.privacy import mask_phone as mask_phone


def mask_text(text: str) -> str:
    """Mask every ID-card, mobile and bank card number inside free text, whoever wrote it."""
    return mask_numbers(text)


@dataclass
class Turn:
    who: str  # "visitor" | "kiosk"
    text: str


@dataclass
class Session:
    conversation: list[Turn] = field(default_factory=list)
    profile: dict[str, object] = field(default_factory=dict)
    scan_image: bytes | None = None
    scan_fields: dict[str, object] = field(default_factory=dict)
    answers: dict[str, bool] = field(default_factory=dict)  # follow-up questions the visitor answered
    ticket: str = ""
    temp_files: list[Path] = field(default_factory=list)
    visit: int = 0  # counts wipes: a result that arrives for an earlier visit is dropped

    def is_empty(self) -> bool:
        return not (self.conversation or self.profile or self.scan_image or self.scan_fields or self.answers
                    or self.ticket or self.temp_files)

    def wipe(self) -> None:
        for path in self.temp_files:
            path.unlink(missing_ok=True)
        self.conversation.clear()
        self.profile.clear()
        self.scan_image = None
        self.scan_fields.clear()
        self.answers.clear()
        self.ticket = ""
        self.temp_files.clear()
        self.visit += 1


ACTIVITY = {QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin, QEvent.Type.Wheel,
            QEvent.Type.TouchUpdate}


WARN_SECONDS = 10


class IdleWatcher(QObject):
    """Counts down from the last activity; `warning` fires with the seconds left on each of the last ten
    seconds (so the visitor sees the count go down) and `expired` at zero."""

    warning = Signal(int)
    expired = Signal()

    def __init__(self, seconds: int, parent: QObject | None = None):
        super().__init__(parent)
        self.seconds = max(5, int(seconds))
        self._left = self.seconds
        self.paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def watch(self, on: bool) -> None:
        """Watch the whole application's input and count down (the window is open), or stop both (it closed:
        a closed window's watcher would otherwise cost every event a call, and end sessions nobody sees)."""
        app = QCoreApplication.instance()
        if on:
            app.installEventFilter(self)  # installing again is a no-op
            self._timer.start()
        else:
            app.removeEventFilter(self)
            self._timer.stop()

    def poke(self) -> None:
        self._left = self.seconds

    @property
    def left(self) -> int:
        return self._left

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in ACTIVITY:
            self.poke()
        return False

    def _tick(self) -> None:
        if self.paused:
            return
        self._left -= 1
        if 0 < self._left <= min(WARN_SECONDS, self.seconds - 1):
            self.warning.emit(self._left)
        if self._left <= 0:
            self._left = self.seconds
            self.expired.emit()
