"""A turn cancelled while the real model still reads its prompt (Qwen2.5-Coder-0.5B through llama.cpp).

Reading a long prompt takes seconds on a busy CPU and produces no token, so a cancel looked at between tokens only
would hold the engine until the whole prompt was read. llama.cpp's abort callback ends the reading instead; the
next visitor's question is then answered exactly as if the cancelled turn had never started."""

from __future__ import annotations

import threading
import time

import pytest
from support_models import default_llm

pytestmark = pytest.mark.slow

NEXT = "社保卡照片上传后多久审核好？"
CANCEL_AT = 0.2  # of the uncancelled prompt's reading time: well inside it


def long_question(topic: str) -> str:
    """A question a few hundred tokens long; each ``topic`` starts differently, so no cache shortens its reading."""
    return f"{topic}：" + "。".join(f"第{i}条，企业申请补贴时要提交营业执照、法人身份证明和近三个月的纳税记录"
                                   for i in range(12))


@pytest.fixture(scope="module")
def qwen():
    from kiosk.dialogue.prompts import answer_prefix

    return default_llm(), answer_prefix()


@pytest.fixture(scope="module")
def reading_s(qwen) -> float:
    """How long the model takes to read a long question's prompt, uncancelled, on this machine now."""
    engine, prefix = qwen
    started = time.perf_counter()
    _answer(engine, prefix, long_question("甲"), max_tokens=1)
    assert engine.last.prompt_tokens - engine.last.cached_tokens > 200
    return time.perf_counter() - started


def _answer(engine, prefix, question: str, cancel: threading.Event | None = None, max_tokens: int = 16) -> str:
    return "".join(engine.stream([*prefix, ("user", question)], max_tokens=max_tokens, temperature=0.0,
                                 cancel=cancel))


def test_a_cancel_ends_the_reading_of_the_prompt_and_the_next_question_is_answered(qwen, reading_s) -> None:
    engine, prefix = qwen
    expected = _answer(engine, prefix, NEXT)
    assert expected.strip()

    cancel = threading.Event()
    cancelled_at: list[float] = []

    def visitor_moves_on() -> None:
        time.sleep(CANCEL_AT * reading_s)
        cancelled_at.append(time.perf_counter())
        cancel.set()

    threading.Thread(target=visitor_moves_on).start()
    written = _answer(engine, prefix, long_question("乙"), cancel, max_tokens=1)
    freed_s = time.perf_counter() - cancelled_at[0]
    print(f"prompt read in {reading_s:.2f} s uncancelled; engine free {freed_s:.3f} s after the cancel")
    assert written == "" and engine.last.cancelled and engine.last.completion_tokens == 0
    # without the abort the engine stays busy for the rest of the reading, about (1 - CANCEL_AT) of it
    assert freed_s < 0.5 * reading_s

    assert _answer(engine, prefix, NEXT) == expected  # the aborted prompt left nothing behind in the cache
    assert not engine.last.cancelled


def test_a_cancel_set_before_the_call_reads_nothing(qwen, reading_s) -> None:
    engine, prefix = qwen
    cancel = threading.Event()
    cancel.set()
    assert _answer(engine, prefix, long_question("丙"), cancel) == ""
    print(f"pre-cancelled call took {engine.last.total_s:.3f} s; reading the prompt takes {reading_s:.2f} s")
    assert engine.last.cancelled and engine.last.total_s < 0.5 * reading_s
