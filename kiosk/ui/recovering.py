"""The calm screen shown while the supervisor restarts a crashed kiosk window: "正在恢复", nothing alarming."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.ui.theme import Palette

TITLE = "正在恢复，请稍候"
BODY = "西小服马上回来。已提交的诉求都已保存，不会丢失。"
STILL_DOWN = "恢复时间比平常长，如需办理请到人工窗口，或请工作人员查看。"
SUPERVISOR_STOP_S = 10.0  # the window ends within this after SIGTERM; the supervisor's thread then returns


class RecoveringScreen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        palette = Palette()
        self.setWindowTitle("西小服")
        self.setStyleSheet(f"background: {palette.brand_soft}; color: {palette.text};")
        col = QVBoxLayout(self)
        col.addStretch(2)
        self.title = QLabel(TITLE)
        self.title.setStyleSheet(f"font-size: 56px; font-weight: 600; color: {palette.brand_dark};")
        self.body = QLabel(BODY)
        self.body.setStyleSheet(f"font-size: 30px; color: {palette.muted};")
        for w in (self.title, self.body):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            w.setWordWrap(True)
            col.addWidget(w)
        col.addStretch(3)

    def show_down(self, crashes: int, fullscreen: bool) -> None:
        # Repeated crashes mean the fault will not clear by itself soon: say where else to get help.
        self.body.setText(BODY if crashes < 3 else f"{BODY}\n{STILL_DOWN}")
        if fullscreen:
            self.showFullScreen()
        else:
            self.resize(1280, 720)
            self.show()
        self.raise_()


class _Bridge(QObject):
    down = Signal(int)
    up = Signal()
    finished = Signal(int)


def run_with_recovery_screen(supervisor, fullscreen: bool) -> int:
    """Run ``supervisor`` on a worker thread while the Qt event loop shows or hides the recovery screen."""
    from kiosk.ui.app import application

    app = application()
    app.setQuitOnLastWindowClosed(False)
    screen = RecoveringScreen()
    bridge = _Bridge()
    bridge.down.connect(lambda crashes: screen.show_down(crashes, fullscreen))
    bridge.up.connect(screen.hide)
    result = {"status": 0}

    def done(status: int) -> None:
        result["status"] = status
        app.quit()

    bridge.finished.connect(done)
    supervisor.on_down, supervisor.on_up = bridge.down.emit, bridge.up.emit
    worker = threading.Thread(target=lambda: bridge.finished.emit(supervisor.run()), name="kiosk-supervisor",
                              daemon=True)
    worker.start()
    tick = QTimer()  # lets Python run its signal handlers (SIGTERM at logout) while Qt waits
    tick.start(250)
    tick.timeout.connect(lambda: None)
    app.exec()
    supervisor.stop()
    worker.join(timeout=SUPERVISOR_STOP_S)
    # Qt objects go before the application does: left to the interpreter's exit, a widget could outlive the
    # application and the supervisor died of a segmentation fault at logout instead of exiting with 0
    tick.stop()
    for qt_object in (tick, screen, bridge):
        shiboken6.delete(qt_object)
    return result["status"]
