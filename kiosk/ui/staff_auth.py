"""The staff PIN lock: a fixed number of tries, then a lockout that grows with each further failure.

The lockout is kept in a small file in the data directory, so restarting the kiosk (or pulling its plug) does not
give a guesser fresh tries. The PIN published in the source code is refused unless the machine is a demo.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import CONFIG_NAME, DEFAULT_STAFF_PIN

DEFAULT_REFUSED = (f"工作人员密码仍是出厂默认值，已停用。请在数据目录的 {CONFIG_NAME} 中把 staff_pin 改成"
                   "自己的 4 到 12 位数字密码，然后重启本机。")


@dataclass
class PinResult:
    ok: bool
    message: str
    locked_for_s: int = 0


class PinLock:
    def __init__(self, pin: str | int, max_tries: int = 3, lockout_s: int = 60, now: Callable[[], float] = time.time,
                 state: Path | None = None, allow_default: bool = False):
        self._pin = str(pin)
        self.max_tries, self.lockout_s = max_tries, lockout_s
        self._now = now
        self._state = state
        self.refuse_default = self._pin == DEFAULT_STAFF_PIN and not allow_default
        self.failures = 0
        self.lockouts = 0
        self._locked_until = 0.0
        self._load()

    def locked_for(self) -> int:
        # Capped at the current lockout's length, so a clock set back cannot lock staff out for longer.
        wait = min(self._locked_until - self._now(), self.lockout_s * max(1, self.lockouts))
        return max(0, round(wait + 0.499))

    def attempt(self, pin: str) -> PinResult:
        if self.refuse_default:
            return PinResult(False, DEFAULT_REFUSED)
        wait = self.locked_for()
        if wait:
            return PinResult(False, f"尝试次数过多，请 {wait} 秒后再试", wait)
        if self._pin and hmac.compare_digest(str(pin).encode(), self._pin.encode()):
            self.failures = 0
            self._save()
            return PinResult(True, "已进入工作人员模式")
        self.failures += 1
        if self.failures >= self.max_tries:
            self.failures = 0
            self.lockouts += 1
            self._locked_until = self._now() + self.lockout_s * self.lockouts
            self._save()
            wait = self.locked_for()
            return PinResult(False, f"密码错误次数过多，已锁定 {wait} 秒", wait)
        self._save()
        left = self.max_tries - self.failures
        return PinResult(False, f"密码不正确，还可以再试 {left} 次")

    # -- persistence ---------------------------------------------------------------------------------------
    def _load(self) -> None:
        if self._state is None:
            return
        try:
            saved = json.loads(self._state.read_text(encoding="utf-8"))
            self.failures = int(saved["failures"])
            self.lockouts = int(saved["lockouts"])
            self._locked_until = float(saved["locked_until"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no file yet, or an unreadable one: start from a clean count

    def _save(self) -> None:
        if self._state is None:
            return
        data = {"failures": self.failures, "lockouts": self.lockouts, "locked_until": self._locked_until}
        tmp = self._state.with_name(self._state.name + ".tmp")
        # A read-only or full disk keeps the count in memory only; the PIN pad keeps working.
        with contextlib.suppress(OSError):
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self._state)
