"""The kiosk's ears: one recognition path for `kiosk talk`, the live voice loop and the kiosk window.

Speech is recognised by Whisper biased towards the store's own words (``kiosk.voice.vocabulary``: the prompt's
few hotwords and the pinyin correction's vocabulary), so every place a visitor can speak hears the same thing.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from kiosk.engines.asr import AsrEngine, Transcript
from kiosk.voice.vocabulary import core_terms, store_vocabulary, visitor_hotwords

if TYPE_CHECKING:
    from kiosk.store import Store


@dataclasses.dataclass
class Recogniser:
    """The ASR engine configured for the hall."""

    asr: AsrEngine

    def load(self) -> Recogniser:
        self.asr.load()
        return self

    def transcribe(self, samples: np.ndarray, bias: bool = True) -> Transcript:
        return self.asr.transcribe(samples, bias=bias)


def hall_recogniser(store: Store | None = None, bias: bool = True) -> Recogniser:
    """Whisper with the hall's biasing for ``store`` (default: the store in use); ``bias=False`` for plain
    Whisper, to compare."""
    if not bias:
        return Recogniser(AsrEngine())
    return Recogniser(AsrEngine(vocabulary=store_vocabulary(store), core=core_terms(),
                                hotwords=visitor_hotwords(store)))
