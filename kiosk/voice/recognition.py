"""The kiosk's ears: one recognition path for `kiosk talk`, the live voice loop and the kiosk window.

Speech is recognised by Whisper biased towards the store's own words (``kiosk.voice.vocabulary``: the prompt's
few hotwords, and the pinyin correction's vocabulary weighted by how much the store uses each term), so every
place a visitor can speak hears the same thing. When the correction changed what Whisper wrote, the store
decides which to keep: the reading it can answer with more confidence, the corrected one on a tie. A
correction that turns a question into one the store knows nothing about is undone; one that turns noise into
the store's words is kept only if the store is surer of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from kiosk.engines.asr import AsrEngine, Transcript
from kiosk.voice.vocabulary import core_terms, open_store, store_usage, store_vocabulary, visitor_hotwords

if TYPE_CHECKING:
    from kiosk.store import Store


@dataclasses.dataclass
class Recogniser:
    """An ASR engine and, optionally, the store's confidence in a question (0–1) to choose between readings."""

    asr: AsrEngine
    confidence: Callable[[str], float] | None = None

    def load(self) -> Recogniser:
        self.asr.load()
        return self

    def transcribe(self, samples: np.ndarray, bias: bool = True) -> Transcript:
        heard = self.asr.transcribe(samples, bias=bias)
        if not bias or self.confidence is None or heard.text == heard.raw_text or not heard.raw_text:
            return heard
        best = max((heard.text, heard.raw_text), key=self.confidence)  # max keeps the first (corrected) on a tie
        if best == heard.text:
            return heard
        return dataclasses.replace(heard, text=best, corrections=(),
                                   choice=f"{heard.choice}; correction undone: the store answers the heard text better")


def store_confidence(store: Store | None = None) -> Callable[[str], float]:
    """How sure the store's answerer is that it can answer a question (the answer model's probability)."""
    service = None

    def confidence(question: str) -> float:
        nonlocal service
        if service is None:
            from kiosk.knowledge.ask import AskService

            service = AskService(store or open_store())
        return service.ask(question)[0].confidence

    return confidence


def hall_recogniser(store: Store | None = None, bias: bool = True) -> Recogniser:
    """Whisper with the hall's biasing for ``store`` (default: the store in use); ``bias=False`` for plain
    Whisper, to compare."""
    if not bias:
        return Recogniser(AsrEngine())
    from kiosk.knowledge.segment import everyday_count

    usage = store_usage(store)
    asr = AsrEngine(vocabulary=[*store_vocabulary(store), *usage], core=core_terms(), hotwords=visitor_hotwords(store),
                    weights=usage, is_word=lambda text: everyday_count(text) > 0)
    return Recogniser(asr, store_confidence(store))
