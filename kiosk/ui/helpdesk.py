"""Visitors calling a member of staff to the kiosk: a queue the staff screen works through, and the wait to
tell the visitor. Only the time and the screen the visitor was on are kept, nothing about the visitor."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class HelpCall:
    n: int
    at: float  # time.time() of the call
    screen: str  # the screen's title, so staff know what the visitor was doing


class HelpDesk:
    def __init__(self, minutes_each: float, clock: Callable[[], float] = time.time):
        self.minutes_each = minutes_each
        self._clock = clock
        self._numbers = itertools.count(1)
        self.calls: list[HelpCall] = []
        self.mine: HelpCall | None = None  # the current visitor's call, if they made one

    def call(self, screen: str) -> HelpCall:
        """The current visitor's call (a second tap keeps their place in the queue)."""
        if self.mine is None or self.mine not in self.calls:
            self.mine = HelpCall(next(self._numbers), self._clock(), screen)
            self.calls.append(self.mine)
        return self.mine

    def ahead_of(self, call: HelpCall) -> int:
        return self.calls.index(call) if call in self.calls else 0

    def wait_minutes(self, call: HelpCall) -> int:
        """A rough wait: each call before this one, and this one, takes `minutes_each` of a staff member."""
        return max(1, round((self.ahead_of(call) + 1) * self.minutes_each))

    def answered(self, n: int) -> None:
        self.calls = [c for c in self.calls if c.n != n]

    def visitor_left(self) -> None:
        """The visitor's session ended: their call goes too, so staff do not walk to an empty kiosk."""
        if self.mine is not None:
            self.answered(self.mine.n)
        self.mine = None
