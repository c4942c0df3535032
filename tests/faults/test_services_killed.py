"""The touch screen's service process killed (SIGKILL, the out-of-memory killer): a new one starts by itself,
a call caught in the crash gets a calm message, and the next call is answered."""

from __future__ import annotations

import contextlib
import os
import signal
import time

import pytest

from kiosk.ui.adapter import Unavailable
from kiosk.ui.remote import GONE, RESTARTING, RemoteAdapter

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
    adapter = RemoteAdapter()
    try:
        guides, _ = _until_answered(adapter.guides)
        first = adapter._process.pid
        os.kill(first, signal.SIGKILL)
        started = time.monotonic()
        again, messages = _until_answered(adapter.guides)
        print(f"answered again {time.monotonic() - started:.1f} s after SIGKILL")
        assert [g.id for g in again] == [g.id for g in guides]
        assert adapter._process.pid != first
        assert GONE not in messages and messages <= {RESTARTING}
    finally:
        adapter.close()
    assert not adapter._process.is_alive()


def test_a_service_process_that_keeps_dying_is_given_up_with_a_plain_message() -> None:
    adapter = RemoteAdapter()
    try:
        _until_answered(adapter.guides)
        for _ in range(7):  # more deaths in a minute than a restart can cure
            pid = adapter._process.pid
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while adapter._process.pid == pid and adapter._alive and time.monotonic() < deadline:
                time.sleep(0.05)
        with pytest.raises(Unavailable) as failed:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                adapter.guides()
                time.sleep(0.1)
        assert failed.value.friendly == GONE
    finally:
        adapter.close()
