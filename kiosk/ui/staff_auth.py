"""The staff PIN lock: a fixed number of tries, then a lockout that grows with each further failure."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class PinResult:
    ok: bool
    message: str
    locked_for_s: int = 0


class PinLock:
    def __init__(self, pin: str, max_tries: int = 3, lockout_s: int = 60, now: Callable[[], float] = time.monotonic):
        self._pin = pin
        self.max_tries, self.lockout_s = max_tries, lockout_s
        self._now = now
        self.failures = 0
        self.lockouts = 0
        self._locked_until = 0.0

    def locked_for(self) -> int:
        return max(0, round(self._locked_until - self._now() + 0.499))

    def attempt(self, pin: str) -> PinResult:
        wait = self.locked_for()
        if wait:
            return PinResult(False, f"尝试次数过多，请 {wait} 秒后再试", wait)
        if self._pin and hmac.compare_digest(pin.encode(), self._pin.encode()):
            self.failures = 0
            return PinResult(True, "已进入工作人员模式")
        self.failures += 1
        if self.failures >= self.max_tries:
            self.failures = 0
            self.lockouts += 1
            self._locked_until = self._now() + self.lockout_s * self.lockouts
            wait = self.locked_for()
            return PinResult(False, f"密码错误次数过多，已锁定 {wait} 秒", wait)
        left = self.max_tries - self.failures
        return PinResult(False, f"密码不正确，还可以再试 {left} 次")
