"""The real kiosk window under `kiosk run --supervise`, killed with SIGKILL: it comes back by itself, the log says
what happened in plain words, and SIGTERM (logout) ends it cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.ui.app import READY

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _wait_for(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_window_is_restarted_and_logout_ends_the_supervisor(kiosk_env: Path, tmp_path: Path,
                                                                      default_store_path: Path) -> None:
    shutil.copyfile(default_store_path, kiosk_env / "kiosk.db")
    env = {**os.environ, "KIOSK_DB": str(kiosk_env / "kiosk.db"), "KIOSK_MODELS_DIR": str(tmp_path / "no-models"),
           "QT_QPA_PLATFORM": "offscreen"}
    log = kiosk_env / "logs" / "kiosk.log"

    def starts() -> int:
        return log.read_text(encoding="utf-8").count(READY) if log.is_file() else 0

    supervisor = subprocess.Popen([sys.executable, "-m", "kiosk", "run", "--supervise", "--size", "800x600"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_for(lambda: starts() == 1, 60), log.read_text(encoding="utf-8") if log.is_file() else ""
        (window,) = _children(supervisor.pid)
        killed_at = time.monotonic()
        os.kill(window, signal.SIGKILL)
        assert _wait_for(lambda: starts() == 2, 60), log.read_text(encoding="utf-8")
        back_after_s = time.monotonic() - killed_at
        assert supervisor.poll() is None
        assert window not in _children(supervisor.pid)
        print(f"window back {back_after_s:.1f} s after SIGKILL")
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()
    text = log.read_text(encoding="utf-8")
    assert "一体机进程意外退出（被信号 SIGKILL 终止），正在恢复" in text
    assert "一体机已关闭" in text
