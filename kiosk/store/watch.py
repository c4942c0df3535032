"""Noticing that the store file was replaced (a publish, `kiosk db build`), so a running kiosk re-opens it.

The importer swaps a new file in with a rename; readers that keep a connection go on reading the old file until
they re-open. A watcher compares the file's identity every few seconds and calls back once per change.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
INTERVAL_S = 2.0


def identity(path: Path) -> tuple[int, int, int] | None:
    """What changes when the file is replaced or rewritten: inode, modification time, size."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


class StoreWatcher:
    def __init__(self, path: Path, on_change: Callable[[], object], interval_s: float = INTERVAL_S):
        self.path = Path(path)
        self.on_change = on_change
        self.interval_s = interval_s
        self._seen = identity(self.path)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        """Call back if the file changed since the last look; True when it did."""
        now = identity(self.path)
        if now is None or now == self._seen:
            return False
        self._seen = now
        try:
            self.on_change()
        except Exception:  # noqa: BLE001 - a failed reload keeps the old store; the next change tries again
            log.warning("reloading the store failed", exc_info=True)
        return True

    def start(self) -> StoreWatcher:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="store-watch", daemon=True)
            self._thread.start()
        return self

    def stop(self, wait_s: float = 60.0) -> None:
        """No further checks; returns once a reload already under way has finished, so nothing of the old
        watcher (a model loading for the re-opened store) outlives it."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(wait_s)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.check()
