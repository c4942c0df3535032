"""Kiosk mode: the full-screen window stays on top and cannot be closed (Alt+F4, the window manager's close)
except from staff mode, behind the staff PIN."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget


class KioskLock(QObject):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.allowed = False
        window.installEventFilter(self)
        window.setProperty("kiosk_locked", True)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Close and not self.allowed:
            event.ignore()
            return True
        return False


def lock(window: QWidget) -> KioskLock:
    window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
    return KioskLock(window)


def shut_down(window: QWidget) -> None:
    """Close the kiosk on purpose (exit status 0, so a supervisor or systemd does not restart it)."""
    for child in window.findChildren(KioskLock):
        child.allowed = True
    window.close()
    QApplication.instance().exit(0)
