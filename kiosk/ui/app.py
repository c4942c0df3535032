"""Starting the kiosk window, and rendering any screen to a PNG in a realistic state."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def display_available() -> bool:
    """Whether Qt can open a window here (Qt aborts the process when it cannot, so ask first)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def application():
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.theme import FONT_FAMILIES

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("西小服")
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(24)
    app.setFont(font)
    return app


def build_window(services=None, settings=None):
    """The main window; its services run in their own process unless `services` are given."""
    from kiosk.ui.remote import RemoteBackends
    from kiosk.ui.services import Services
    from kiosk.ui.window import MainWindow

    return MainWindow(services or Services(RemoteBackends()), settings)


def open_window(fullscreen: bool = False, size: tuple[int, int] = (1920, 1080)):
    """The kiosk window on screen with its services starting in their own process, as `kiosk run` opens it."""
    app = application()
    window = build_window()
    if fullscreen:
        from kiosk.ui.kiosk_lock import lock

        lock(window)
        window.showFullScreen()
    else:
        window.resize(*size)
        window.show()
    app.processEvents()
    window.services.start()  # engines load behind the interactive screen
    return window


def run(fullscreen: bool = False, size: tuple[int, int] = (1920, 1080)) -> int:
    t0 = time.monotonic()
    app = application()
    window = open_window(fullscreen, size)
    print(f"西小服已启动（窗口 {(time.monotonic() - t0) * 1000:.0f} ms，{time.time():.3f}）", flush=True)
    try:
        return app.exec()
    finally:
        window.services.close()


def screenshot(screen: str, out: Path, size: tuple[int, int] = (1920, 1080), elderly: bool = False,
               high_contrast: bool = False) -> Path:
    """Render `screen` offscreen with demo content and save it as PNG; the status line shows the real engines."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    window = build_window()
    window.resize(*size)
    window.show()
    window.services.start()
    window.services.wait(30000)
    app.processEvents()
    try:
        render(window, screen, out, elderly=elderly, high_contrast=high_contrast)
    finally:
        window.services.close()
    return out


def render(window, screen: str, out: Path, elderly: bool = False, high_contrast: bool = False) -> None:
    """Show `screen` of an open window in its demo state and save a PNG of the whole window."""
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.demo import stage

    if window.elderly != elderly:
        window.toggle_elderly()
    if window.high_contrast != high_contrast:
        window.toggle_contrast()
    window.navigate(screen)
    window.services.wait(5000)  # let the screen's own loading finish, so the demo state is what stays
    QApplication.processEvents()
    stage(window, screen)
    window._toast.hide()
    window.overlay.hide()
    for _ in range(5):
        QApplication.processEvents()
        time.sleep(0.02)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        raise OSError(f"cannot write {out}")
