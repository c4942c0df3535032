"""The kiosk's ears: one recognition path for `kiosk talk`, the live voice loop and the kiosk window.

Speech is recognised by Whisper biased towards the store's own words (``kiosk.voice.vocabulary``: the prompt's
few hotwords, and the pinyin correction's vocabulary weighted by how much the store uses each term), so every
place a visitor can speak hears the same thing.

The corrected transcript is kept as it is. Letting the store choose between what Whisper wrote and what the
correction made of it (the reading it answers with more confidence) was measured and left out: the answer
model is often surer of a misheard question (设保卡 over 社保卡), and the choice raised the character error rate
and lowered the spoken answers' agreement with the typed ones (benchmarks/voice_agreement.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.engines.asr import AsrEngine
from kiosk.voice.vocabulary import core_terms, store_usage, store_vocabulary, visitor_hotwords

if TYPE_CHECKING:
    from kiosk.store import Store


def hall_recogniser(store: Store | None, bias: bool = True, sharing: AsrEngine | None = None) -> AsrEngine:
    """Whisper with the hall's biasing for ``store`` (None: no store words, the core terms only); ``bias=False``
    for plain Whisper, to compare. ``sharing``: an engine whose loaded model this one uses too."""
    if not bias:
        return sharing or AsrEngine()
    from kiosk.knowledge.segment import everyday_count

    usage = store_usage(store)
    config = {"vocabulary": [*store_vocabulary(store), *usage], "core": core_terms(),
              "hotwords": visitor_hotwords(store), "weights": usage, "everyday": everyday_count}
    return sharing.sharing(**config) if sharing else AsrEngine(**config)
