"""One store build at a time: the kiosk's loaders, a staff reload and `kiosk db build` can all start one.

Builds of the same store share its ``.building`` file, so two at once would write into each other. A lock file
beside the store serialises processes (``flock``), a lock in the process serialises threads, and the lock is
re-entrant so code that holds it (``Store.open`` checking whether a build is needed) can call ``build``.
"""

from __future__ import annotations

import contextlib
import fcntl
import threading
from collections.abc import Iterator
from pathlib import Path

_threads = threading.RLock()
_held = threading.local()


@contextlib.contextmanager
def build_lock(store: Path) -> Iterator[None]:
    with _threads:
        if getattr(_held, "depth", 0):
            _held.depth += 1
            try:
                yield
            finally:
                _held.depth -= 1
            return
        try:
            handle = open(store.with_name(store.name + ".lock"), "a+b")  # noqa: SIM115 - held for the build
        except OSError:
            handle = None  # a read-only folder: no build can write there either, and it will say so
        try:
            if handle is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            _held.depth = 1
            yield
        finally:
            _held.depth = 0
            if handle is not None:
                handle.close()  # closing releases the flock
