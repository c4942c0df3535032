"""The watchdog behind `kiosk run --supervise`: runs the kiosk window as a child and restarts it after a crash.

The child's output goes line by line into the rotating, redacted log (``kiosk.logs``); the line the window prints
once it is up (`kiosk.ui.app.READY`) tells the supervisor the kiosk is back. A child that exits with status 0 was closed
on purpose (staff mode's 关闭一体机, or logout), and the supervisor ends too. Crashes in quick succession are
spaced out, so a kiosk whose disk or model is broken does not spin; it keeps trying, since the fault (a full disk,
a locked file) may clear by itself. SIGTERM (logout, shutdown) ends the child and the supervisor.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.ui.app import READY  # printed by kiosk.ui.app.run once the window takes touches

log = logging.getLogger("kiosk.supervise")

SUPERVISED_ENV = "KIOSK_SUPERVISED"  # set in the child: it logs to its output, which the supervisor files


@dataclass(frozen=True)
class Policy:
    backoff_s: float = 2.0  # pause before a restart
    crash_window_s: float = 60.0
    crash_limit: int = 5  # this many crashes within the window ...
    long_backoff_s: float = 30.0  # ... and the pause grows to this


def describe(status: int) -> str:
    if status < 0:
        try:
            return f"被信号 {signal.Signals(-status).name} 终止"
        except ValueError:
            return f"被信号 {-status} 终止"
    return f"退出码 {status}"


class Supervisor:
    def __init__(self, command: list[str], on_down: Callable[[int], None] | None = None,
                 on_up: Callable[[], None] | None = None, policy: Policy = Policy(),
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        self.command = command
        self.on_down = on_down or (lambda crashes: None)
        self.on_up = on_up or (lambda: None)
        self.policy, self._sleep, self._clock = policy, sleep, clock
        self.child: subprocess.Popen | None = None
        self.starts = 0
        self._stopping = threading.Event()

    def stop(self) -> None:
        """End the child and stop restarting it (from a signal handler or another thread)."""
        self._stopping.set()
        child = self.child
        if child and child.poll() is None:
            child.terminate()

    def _start(self) -> subprocess.Popen:
        env = {**os.environ, SUPERVISED_ENV: "1", "PYTHONUNBUFFERED": "1"}
        self.starts += 1
        return subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                text=True, encoding="utf-8", errors="replace", bufsize=1)

    def _follow(self, child: subprocess.Popen) -> None:
        for line in child.stdout:
            line = line.rstrip()
            if line:
                log.info("%s", line)
            if READY in line:
                self.on_up()

    def run(self) -> int:
        """Run the child until it exits on purpose (status 0) or the supervisor is stopped (also 0)."""
        crashes: deque[float] = deque()
        while True:
            self.child = self._start()
            if self._stopping.is_set():
                self.child.terminate()
            self._follow(self.child)
            status = self.child.wait()
            if status == 0 or self._stopping.is_set():
                log.info("一体机已关闭（%s）", describe(status))
                return 0
            now = self._clock()
            crashes.append(now)
            while crashes and now - crashes[0] > self.policy.crash_window_s:
                crashes.popleft()
            log.warning("一体机进程意外退出（%s），正在恢复（%d 分钟内第 %d 次）", describe(status),
                        round(self.policy.crash_window_s / 60), len(crashes))
            self.on_down(len(crashes))
            pause = self.policy.long_backoff_s if len(crashes) >= self.policy.crash_limit else self.policy.backoff_s
            self._sleep(pause)
            if self._stopping.is_set():
                return 0


def child_command(fullscreen: bool, size: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", "run", *(["--fullscreen"] if fullscreen else ["--size", size])]


def main(fullscreen: bool = True, size: str = "1920x1080", command: list[str] | None = None) -> int:
    """Supervise the kiosk window; with a display, a calm recovery screen covers the gap after a crash."""
    from kiosk.logs import log_to_file

    log_to_file("kiosk.log")
    supervisor = Supervisor(command or child_command(fullscreen, size))
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: supervisor.stop())
    from kiosk.ui.app import display_available

    if not display_available():
        return supervisor.run()
    from kiosk.ui.recovering import run_with_recovery_screen

    return run_with_recovery_screen(supervisor, fullscreen)
