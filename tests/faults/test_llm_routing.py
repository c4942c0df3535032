"""The language model slow, hung or broken while it routes a turn the rules cannot place ("嗯嗯啊啊").

The router asks the model for a grammar-constrained intent within its own budget (`llm_intent_budget_s`). A
visitor who moves on (结束服务, a new question, barge-in) cancels the turn: the routing ends within a poll of the
cancel and the model is told to stop, so it lets go of the CPU rather than finishing a route nobody waits for. A
model that never answers costs the turn its budget, no more; the rule-based route never waits for the model."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator

import pytest

from kiosk.config import Settings
from kiosk.dialogue import intent
from kiosk.events import AnswerDone
from kiosk.root import Kiosk

UNCLEAR = "嗯嗯啊啊"  # no rule places it: only the model can route it
RULED = "我要投诉隔壁工地噪音扰民"
TOKEN_S = 0.03  # how long the fake model takes per piece, like a 0.5B model on a busy CPU
CANCEL_WITHIN_S = 0.2
MARGIN_S = 0.3  # a loaded CI machine, on top of a budget
DEFAULT = intent.Intent(intent.POLICY_QUESTION, "default")


class FakeModel:
    """The language model's streaming call as the router uses it, recording each call and its cancel; what the
    model then does is its ``pieces``."""

    def __init__(self) -> None:
        self.calls = 0
        self.cancels: list[threading.Event] = []

    def stream(self, turns, *, max_tokens=160, temperature=0.2, cancel=None, grammar=None) -> Iterator[str]:
        self.calls += 1
        self.cancels.append(cancel)
        yield from self.pieces(cancel)

    def pieces(self, cancel: threading.Event) -> Iterator[str]:
        raise NotImplementedError


class TrickleModel(FakeModel):
    """Writes a piece every ``TOKEN_S`` and never finishes on its own (a generation far slower than any budget);
    like llama.cpp it looks at its ``cancel`` between pieces and stops there."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.stopped = threading.Event()

    def pieces(self, cancel: threading.Event) -> Iterator[str]:
        self.entered.set()
        while not cancel.is_set():
            time.sleep(TOKEN_S)  # the work of one token, which a cancel cannot cut short
            yield " "
        self.stopped.set()


class HungModel(FakeModel):
    """Never returns and ignores ``cancel`` (a wedged native call); released when the test ends."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def pieces(self, cancel: threading.Event) -> Iterator[str]:
        self.release.wait()
        yield from ()


class BrokenModel(FakeModel):
    def pieces(self, cancel: threading.Event) -> Iterator[str]:
        raise RuntimeError("llama_decode returned -3")


def _kiosk(monkeypatch: pytest.MonkeyPatch, model: object, **settings: object) -> Kiosk:
    monkeypatch.setattr(Kiosk, "language_model", lambda self, engine="auto", quiet=True: model)
    return Kiosk(Settings(**settings))


@pytest.fixture
def trickle() -> TrickleModel:
    return TrickleModel()


@pytest.fixture
def hung() -> Iterator[HungModel]:
    model = HungModel()
    yield model
    model.release.set()


def _warm(respond: Callable[..., Iterable[object]], session: object) -> None:
    """One turn the rules route, so what loads on first use (the store, the segmenter, the question log's
    masking of names) is not counted as the model's delay."""
    assert [e for e in respond(session, "你好") if isinstance(e, AnswerDone)]


def _cancel_once_routing(model: TrickleModel, answer: Callable[[threading.Event], Iterable[object]],
                         ) -> tuple[float, list[object], set[threading.Thread]]:
    """Runs ``answer(cancel)`` as the screen does (its own thread), cancels it once the model is generating, and
    returns how long the turn took to end after the cancel, its events and the threads it left behind."""
    before = set(threading.enumerate())
    cancel = threading.Event()
    events: list[object] = []
    visitor = threading.Thread(target=lambda: events.extend(answer(cancel)), name="visitor-turn")
    visitor.start()
    assert model.entered.wait(10), "the unclear turn never reached the model"
    cancelled = time.monotonic()
    cancel.set()
    visitor.join(CANCEL_WITHIN_S + MARGIN_S)
    took = time.monotonic() - cancelled
    assert not visitor.is_alive(), "a cancelled turn kept waiting on the model"
    left = {t for t in threading.enumerate() if t not in before and t.is_alive()}
    return took, events, left


def test_a_cancelled_turn_ends_at_once_and_stops_the_model(monkeypatch, trickle: TrickleModel) -> None:
    manager = _kiosk(monkeypatch, trickle, llm_intent_budget_s=30.0).manager("llm")  # only the cancel ends it
    assert manager.router.budget_s == 30.0
    _warm(manager.respond, manager.new_session())
    session = manager.new_session()
    took, events, left = _cancel_once_routing(trickle, lambda cancel: manager.respond(session, UNCLEAR, cancel))
    print(f"turn ended {took:.3f} s after cancel")
    assert took < CANCEL_WITHIN_S + MARGIN_S
    assert trickle.cancels[0].is_set() and trickle.stopped.is_set()  # told to stop, and it did
    assert trickle.calls == 1  # the abandoned turn did not start the model again for its answer
    assert not left, f"threads left running after the turn: {left}"
    assert [e for e in events if isinstance(e, AnswerDone)]  # the turn still ends the way every turn does


def test_the_router_alone_returns_the_default_route_within_a_poll_of_the_cancel(trickle: TrickleModel) -> None:
    router = intent.IntentRouter(trickle, budget_s=30.0)
    routed: list[intent.Intent] = []

    def route(cancel: threading.Event) -> list[object]:
        routed.append(router.route(UNCLEAR, cancel))
        return []

    took, _, left = _cancel_once_routing(trickle, route)
    print(f"routing ended {took:.3f} s after cancel")
    assert took < CANCEL_WITHIN_S
    assert routed == [DEFAULT]
    assert trickle.stopped.is_set() and not left


def test_a_model_slower_than_the_budget_is_stopped_and_gives_the_default_route(trickle: TrickleModel) -> None:
    router = intent.IntentRouter(trickle, budget_s=0.5)
    before = set(threading.enumerate())
    started = time.monotonic()
    routed = router.route(UNCLEAR)
    took = time.monotonic() - started
    print(f"routed after {took:.3f} s")
    assert routed == DEFAULT
    assert router.budget_s <= took < router.budget_s + CANCEL_WITHIN_S
    assert trickle.stopped.is_set()
    assert not {t for t in threading.enumerate() if t not in before and t.is_alive()}


def test_a_hung_model_costs_the_turn_its_routing_budget_and_no_more(monkeypatch, hung: HungModel) -> None:
    manager = _kiosk(monkeypatch, hung, llm_intent_budget_s=0.5, llm_first_token_budget_s=0.5).manager("llm")
    assert manager.router.budget_s == 0.5
    started = time.monotonic()
    routed = manager.router.route(UNCLEAR)
    took = time.monotonic() - started
    print(f"routed after {took:.3f} s")
    assert routed == DEFAULT and took < 0.5 + CANCEL_WITHIN_S
    assert hung.cancels[0].is_set()  # told to stop, though a wedged call cannot hear it

    # the whole turn: the routing budget, then the knowledge base's own answer (the unclear wording is off-topic)
    _warm(manager.respond, manager.new_session())
    started = time.monotonic()
    events = list(manager.respond(manager.new_session(), UNCLEAR))
    took = time.monotonic() - started
    assert took < 0.5 + 0.5 + MARGIN_S, f"turn took {took:.1f} s"
    assert [e for e in events if isinstance(e, AnswerDone)]


@pytest.mark.parametrize("kind", ["hung", "broken", "missing"])
def test_the_rules_route_at_once_whatever_the_model_does(kind: str, hung: HungModel) -> None:
    model = {"hung": hung, "broken": BrokenModel(), "missing": None}[kind]
    router = intent.IntentRouter(model, budget_s=30.0)
    started = time.monotonic()
    assert router.route(RULED) == intent.Intent(intent.REQUEST, "rules")
    assert time.monotonic() - started < 0.05
    assert model is None or model.calls == 0
    if kind != "hung":
        assert router.route(UNCLEAR) == DEFAULT


def test_a_spoken_question_in_the_window_hands_its_cancel_to_the_router(monkeypatch, trickle: TrickleModel) -> None:
    """Barge-in while the model routes a spoken question: the voice loop's cancel reaches the model."""
    import kiosk.ui.voice
    from kiosk.ui.adapter import KioskAdapter

    sources: list = []
    monkeypatch.setattr(kiosk.ui.voice, "load_voice", lambda kiosk, source, emit: sources.append(source))
    adapter = KioskAdapter(_kiosk(monkeypatch, trickle, llm_intent_budget_s=30.0))
    adapter.start_voice(lambda event: None)
    adapter.load_dialogue()
    _warm(lambda _, text: adapter.answer(text, None), None)
    (source,) = sources
    # called as kiosk.voice.loop.VoiceLoop calls its answer source: the words heard and the turn's cancel
    took, events, _ = _cancel_once_routing(trickle, lambda cancel: source(UNCLEAR, cancel))
    print(f"spoken turn ended {took:.3f} s after cancel")
    assert took < CANCEL_WITHIN_S + MARGIN_S
    assert trickle.cancels[0].is_set() and trickle.stopped.is_set()
    assert [e for e in events if isinstance(e, AnswerDone)]
