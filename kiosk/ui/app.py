"""Starting the kiosk window, and rendering any screen to a PNG in a realistic state."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# the line `kiosk run` prints once the home screen takes touches: the supervisor, the packaging test and the
# screen benchmark wait for it
READY = "西小服已就绪"


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


def build_window(bridge=None, settings=None):
    """The main window with the kiosk's settings; its services run in their own process unless `bridge` is
    given."""
    from kiosk.root import Kiosk
    from kiosk.ui.bridge import ServiceBridge
    from kiosk.ui.remote import RemoteAdapter
    from kiosk.ui.window import MainWindow

    return MainWindow(bridge or ServiceBridge(RemoteAdapter()), settings or Kiosk().settings)


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
    window.bridge.start()  # engines load behind the interactive screen
    return window


def run(fullscreen: bool = False, size: tuple[int, int] = (1920, 1080)) -> int:
    from PySide6.QtCore import QTimer

    app = application()
    window = open_window(fullscreen, size)
    # printed from inside the event loop, i.e. once the home screen takes touches: the start-up figure
    QTimer.singleShot(0, lambda: print(f"{READY}（进程启动后 {process_age_s() * 1000:.0f} ms，"
                                       f"CPU {time.process_time() * 1000:.0f} ms）", flush=True))
    try:
        return app.exec()
    finally:
        window.bridge.close()


def process_age_s() -> float:
    """Seconds since this process was started (Linux); on other systems since the kiosk module was loaded."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _LOADED


_LOADED = time.monotonic()


def screenshot(screen: str, out: Path, size: tuple[int, int] = (1920, 1080), elderly: bool = False,
               high_contrast: bool = False) -> Path:
    """Render `screen` offscreen from the kiosk's own content and save it as PNG.

    The records the screen shows are read in a process of their own while this one builds the window; no
    engine is loaded (the screen is drawn, not used), so the status line reports the store alone."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from kiosk.events import EngineStatus
    from kiosk.ui.screenshot_stage import collect

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        records = pool.submit(collect, screen)
        app = application()
        window = build_window(_store_only(), None)
        window.resize(*size)
        window.show()
        window.bridge.status.emit(EngineStatus("knowledge", "ready", "就绪"))
        app.processEvents()
        render(window, screen, out, elderly=elderly, high_contrast=high_contrast, records=records.result())
    return out


def _store_only():
    """The window's services with the store open and no engine loaded: the screen is staged from collected
    records, and the status line and the demo badge say what the store holds."""
    from kiosk.store import Store
    from kiosk.ui.adapter import KioskAdapter
    from kiosk.ui.bridge import ServiceBridge

    adapter = KioskAdapter()
    # the store as it is, without the segmenter a build would load: the records' process builds it if needed
    adapter.store = Store(adapter.kiosk.store_path)
    return ServiceBridge(adapter)


def render(window, screen: str, out: Path, elderly: bool = False, high_contrast: bool = False,
           records: dict | None = None) -> None:
    """Show `screen` of an open window with `records` (by default collected here, from the store) and save a
    PNG of the whole window."""
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.screenshot_stage import collect, stage

    if window.elderly != elderly:
        window.toggle_elderly()
    if window.high_contrast != high_contrast:
        window.toggle_contrast()
    window.navigate(screen)
    window.bridge.wait(5000)  # let the screen's own loading finish, so the staged state is what stays
    QApplication.processEvents()
    stage(window, screen, records if records is not None else collect(screen))
    window._toast.hide()
    window.overlay.hide()
    for _ in range(3):
        QApplication.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        raise OSError(f"cannot write {out}")
