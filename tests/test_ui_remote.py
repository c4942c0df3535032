"""The window's process talks to a real service process in typed messages: results, streamed events, failures."""

from __future__ import annotations

import threading

import pytest

from kiosk.events import AnswerDone, AnswerSentence
from kiosk.ui.adapter import Unavailable
from kiosk.ui.remote import RemoteAdapter


@pytest.fixture
def remote():
    adapter = RemoteAdapter()
    yield adapter
    adapter.close()


def test_calls_stream_and_fail_across_the_process_boundary(remote) -> None:
    assert any(g.title.startswith("开餐馆") for g in remote.guides())
    with pytest.raises(Unavailable, match="没有找到这项指南"):
        remote.tailor("no-such-guide", {})
    assert "政策文件" in dict(remote.loaders())["knowledge"]()
    events = list(remote.answer("市场主体歇业最长可以多久？", threading.Event()))
    assert any(isinstance(e, AnswerSentence) for e in events)
    assert isinstance(events[-1], AnswerDone) and "3年" in events[-1].answer
    with pytest.raises(AttributeError):
        remote.no_such_call  # noqa: B018 - only the calls the service process serves exist


def test_a_closed_service_process_is_a_plain_message(remote) -> None:
    remote.close()
    with pytest.raises(Unavailable, match="后台服务已停止"):
        remote.guides()
