"""Where the voice loop gets its answers: the dialogue manager's event stream, or the knowledge service.

The voice loop only needs a function from the visitor's words to a stream of answer events (AnswerLead,
AnswerSentence, Citation, AnswerDone, Notice). The dialogue manager provides the full conversation; when it is
not part of this build, the extractive knowledge service answers alone, which keeps the voice path usable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator

from kiosk.events import AnswerDone, AnswerLead, AnswerSentence

# (question, cancel) → events; setting ``cancel`` (barge-in) asks the source to stop generating.
AnswerSource = Callable[[str, threading.Event | None], Iterable[object]]


def knowledge_source() -> AnswerSource:
    """Answers from the store alone: the grounded lead and the extracted sentences, then AnswerDone."""
    from kiosk.knowledge.ask import AskService
    from kiosk.store import Store

    service = AskService(Store.open())

    def answer(question: str, cancel: threading.Event | None = None) -> Iterator[object]:
        result, timings = service.ask(question, use_history=True)
        sentences = list(result.sentences) or [result.text]
        if result.lead and sentences and sentences[0] != result.lead:
            yield AnswerLead(result.lead)
        for sentence in sentences:
            yield AnswerSentence(sentence, engine=result.engine)
        yield AnswerDone(answer=result.text, refused=result.refused, confidence=result.confidence,
                         engine=result.engine, citations=tuple(result.citations),
                         suggestions=tuple(result.suggestions), timings_ms=timings)

    return answer


def default_source() -> AnswerSource:
    """The dialogue manager's ``answer_events`` when present, else :func:`knowledge_source`."""
    try:
        from kiosk.dialogue import answer_events  # the dialogue manager's visitor-turn entry point
    except ImportError:
        return knowledge_source()
    return answer_events
