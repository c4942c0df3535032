"""The touch screen's service process killed (SIGKILL, the out-of-memory killer): a new one starts by itself,
a call caught in the crash gets a calm message, and the next call is answered."""

from __future__ import annotations

import contextlib
import os
import signal
import time

import pytest

from kiosk.ui.backends import Unavailable
from kiosk.ui.remote import GONE, RESTARTING, RemoteBackends

pytestmark = pytest.mark.slow


def _until_answered(call, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    messages = set()
    while time.monotonic() < deadline:
        try:
            return call(), messages
        except Unavailable as exc:
            messages.add(exc.friendly)
            time.sleep(0.2)
    raise AssertionError(f"no answer within {timeout_s} s: {messages}")


def test_a_killed_service_process_is_replaced_and_answers_again() -> None:
    backends = RemoteBackends()
    try:
        guides, _ = _until_answered(backends.guides)
        first = backends._process.pid
        os.kill(first, signal.SIGKILL)
        started = time.monotonic()
        again, messages = _until_answered(backends.guides)
        print(f"answered again {time.monotonic() - started:.1f} s after SIGKILL")
        assert [g.id for g in again] == [g.id for g in guides]
        assert backends._process.pid != first
        assert GONE not in messages and messages <= {RESTARTING}
    finally:
        backends.close()
    assert not backends._process.is_alive()


def test_a_service_process_that_keeps_dying_is_given_up_with_a_plain_message() -> None:
    backends = RemoteBackends()
    try:
        _until_answered(backends.guides)
        for _ in range(7):  # more deaths in a minute than a restart can cure
            pid = backends._process.pid
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while backends._process.pid == pid and backends._alive and time.monotonic() < deadline:
                time.sleep(0.05)
        with pytest.raises(Unavailable) as failed:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                backends.guides()
                time.sleep(0.1)
        assert failed.value.friendly == GONE
    finally:
        backends.close()
