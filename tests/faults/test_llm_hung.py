"""The language model hung (a wedged llama.cpp call, a CPU starved by something else): it never writes its first
token, or stops writing halfway and never returns. The visitor still gets the grounded answer from the policy
text within the first-token budget (plus the intent router's own budget when the wording needs the model to route it),
with a plain Chinese note; the next question is answered as quickly (the stuck generation does not hold later
turns); a cancelled turn ends at once."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import pytest

from kiosk.config import Settings
from kiosk.events import AnswerDone, AnswerSentence, Notice
from kiosk.root import Kiosk

QUESTION = "市场主体歇业最长可以多久？"
NEXT = "那需要什么材料？"
BUDGET_S = 1.0
MARGIN_S = 3.0  # a loaded CI machine; the hang itself would be forever
ENGLISH = re.compile(r"[A-Za-z]{3,}")


class HungModel:
    """Never returns from generation (ignoring ``cancel``, like a native call that is stuck), optionally after a
    few pieces; released only when the test ends, so no thread outlives it."""

    def __init__(self, pieces: tuple[str, ...] = ()):
        self.pieces = pieces
        self.release = threading.Event()
        self.calls = 0
        self.entered = threading.Event()

    def stream(self, turns, *, max_tokens=160, temperature=0.2, cancel=None, grammar=None) -> Iterator[str]:
        self.calls += 1
        self.entered.set()
        yield from self.pieces
        self.release.wait()
        return


@pytest.fixture(params=[(), ("歇业期间",)], ids=["no-first-token", "stuck-mid-stream"])
def hung(request, monkeypatch: pytest.MonkeyPatch) -> Iterator[HungModel]:
    model = HungModel(request.param)
    monkeypatch.setattr(Kiosk, "language_model", lambda self, engine="auto", quiet=True: model)
    yield model
    model.release.set()


def _manager():
    return Kiosk(Settings(llm_first_token_budget_s=BUDGET_S)).manager("llm")


def _turn(manager, session, text: str, cancel: threading.Event | None = None) -> tuple[list[object], float]:
    started = time.monotonic()
    events = list(manager.respond(session, text, cancel=cancel))
    return events, time.monotonic() - started


def _plain(text: str) -> None:
    assert "Traceback" not in text and "/" not in text and not ENGLISH.search(text), text


def test_a_hung_model_costs_the_visitor_neither_the_answer_nor_the_next_turn(hung: HungModel) -> None:
    manager = _manager()
    assert manager.answerer.llm is hung and manager.answerer.first_token_budget_s == BUDGET_S
    session = manager.new_session()
    limit = BUDGET_S + manager.router.budget_s + MARGIN_S
    manager.ask_service.ask(QUESTION)  # the store and the segmenter load on first use: not the model's delay
    events, took = _turn(manager, session, QUESTION)
    print(f"answered in {took:.2f} s")
    assert hung.calls >= 1
    assert took < limit, f"answered after {took:.1f} s"
    done = [e for e in events if isinstance(e, AnswerDone)]
    assert len(done) == 1 and done[0].engine == "extractive" and "3年" in done[0].answer
    assert any(isinstance(e, AnswerSentence) and "3年" in e.text for e in events)  # said, not only logged
    notices = [e for e in events if isinstance(e, Notice)]
    assert notices and all(e.text for e in notices)
    for notice in notices:
        _plain(notice.text)
    _plain(done[0].answer.replace("《", "").replace("》", ""))

    # the stuck generation is still stuck: the follow-up is answered within the budget all the same
    calls = hung.calls
    events, took = _turn(manager, session, NEXT)
    print(f"next turn answered in {took:.2f} s")
    assert took < limit, f"next turn answered after {took:.1f} s"
    done = [e for e in events if isinstance(e, AnswerDone)]
    assert len(done) == 1 and not done[0].refused and done[0].citations
    assert hung.calls > calls  # the model was tried again, not given up on for good


def test_cancelling_a_turn_stuck_on_a_hung_model_ends_it_at_once(hung: HungModel) -> None:
    manager = _manager()
    manager.answerer.first_token_budget_s = 30.0  # only the cancel can end this turn quickly
    session = manager.new_session()
    cancel = threading.Event()
    seen: list[object] = []
    finished = threading.Event()

    def visitor() -> None:
        for event in manager.respond(session, QUESTION, cancel=cancel):
            seen.append(event)
        finished.set()

    threading.Thread(target=visitor, daemon=True).start()
    assert hung.entered.wait(10)
    time.sleep(0.2)  # let any given pieces through to the turn
    assert any(isinstance(e, AnswerSentence) and "3年" in e.text for e in seen)  # the facts went out first
    cancelled = time.monotonic()
    cancel.set()
    assert finished.wait(BUDGET_S + MARGIN_S), "a cancelled turn kept waiting on the hung model"
    print(f"turn ended {time.monotonic() - cancelled:.2f} s after cancel")
    assert [e for e in seen if isinstance(e, AnswerDone)]
