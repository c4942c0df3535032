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
    from kiosk.ui.services import Services
    from kiosk.ui.window import MainWindow

    return MainWindow(services or Services(), settings)


def run(fullscreen: bool = False, size: tuple[int, int] = (1920, 1080)) -> int:
    t0 = time.monotonic()
    app = application()
    window = build_window()
    if fullscreen:
        window.showFullScreen()
    else:
        window.resize(*size)
        window.show()
    app.processEvents()
    window.services.start()  # engines load behind the interactive screen
    print(f"西小服已启动（{(time.monotonic() - t0) * 1000:.0f} ms）", flush=True)
    return app.exec()


def screenshot(screen: str, out: Path, size: tuple[int, int] = (1920, 1080), elderly: bool = False,
               high_contrast: bool = False) -> Path:
    """Render `screen` offscreen with demo content and save it as PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.ui.demo import stage

    app = application()
    window = build_window()
    window.resize(*size)
    window.show()
    window.apply_theme()
    if elderly:
        window.toggle_elderly()
    if high_contrast:
        window.toggle_contrast()
    window.services.start()  # the status line shows what really loaded on this machine
    window.services.wait(30000)
    app.processEvents()
    window.navigate(screen)
    window.services.wait(5000)  # let the screen's own loading finish, so the demo state is what stays
    app.processEvents()
    window._toast.hide()
    stage(window, screen)
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        raise OSError(f"cannot write {out}")
    window.services.wait(3000)
    return out
