"""The language model inside a visitor's turn, on a leash: whatever it does, the turn decides when it ends.

A llama.cpp call cannot be interrupted from outside, only asked to stop at its next token, and a wedged one (a
CPU starved by something else, a stuck native call) may never get there. So the model runs in a worker thread and
the turn reads its pieces from a queue, looking at the turn's ``cancel`` (the event ``DialogueManager.respond``
is given: 结束服务, a new question, barge-in) every :data:`POLL_S` and at its budget. Answering and the intent
router both go through :func:`model_pieces`, so both stop the same way.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Sequence

from kiosk.dialogue.protocols import LanguageModel, Message

POLL_S = 0.05  # how often a turn waiting on the model looks at its cancel event
# After telling the model to stop, how long the turn waits for it to let go: a model that honours ``cancel``
# stops at its next token, and the engine's lock (the next generation waits for it) and the CPU are then free
# before the turn moves on. A model stuck for good is left behind after this rather than holding the turn.
STOP_GRACE_S = 2 * POLL_S
_DONE = object()


class ModelTimeout(Exception):
    """The model wrote nothing for the whole budget: before its first piece, or between two pieces."""


class FirstTokenTimeout(ModelTimeout):
    pass


class ModelStalled(ModelTimeout):
    pass


def model_pieces(
    llm: LanguageModel,
    turns: Sequence[Message],
    cancel: threading.Event,
    wait_s: float,
    *,
    until: float | None = None,
    name: str = "llm",
    **options: object,
) -> Iterator[str]:
    """The model's text pieces for ``turns`` (``options`` go to ``llm.stream``).

    ``wait_s`` is the budget for the first piece and again between two pieces; ``until`` (a ``perf_counter``
    time) ends the whole call. Past a budget this raises :class:`FirstTokenTimeout` or :class:`ModelStalled`
    (plain :class:`ModelTimeout` when pieces were coming but ``until`` passed); when ``cancel`` is set the pieces
    simply end. However it ends, closing this generator included, the model is told to stop.
    """
    if cancel.is_set():
        return  # a turn already abandoned does not start the model at all
    out: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            for piece in llm.stream(turns, cancel=stop, **options):
                out.put(piece)
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, which decides
            out.put(exc)
        out.put(_DONE)

    worker = threading.Thread(target=work, name=name, daemon=True)
    worker.start()
    try:
        deadline = time.perf_counter() + wait_s
        first = True
        while not cancel.is_set():
            limit = deadline if until is None else min(deadline, until)
            try:
                item = out.get(timeout=max(0.001, min(POLL_S, limit - time.perf_counter())))
            except queue.Empty:
                if time.perf_counter() < limit:
                    continue
                if first:
                    raise FirstTokenTimeout from None
                raise (ModelStalled if limit == deadline else ModelTimeout) from None
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise item
            first = False
            deadline = time.perf_counter() + wait_s
            yield item
    finally:
        stop.set()
        worker.join(STOP_GRACE_S)
