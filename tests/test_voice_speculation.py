"""The final transcript decoded during the closing pause, with a recogniser that records its calls.

Speech and silence are scripted blocks (a VAD that hears any non-zero block as speech), so these tests check
the loop's turn taking alone: when the early decode is started, when it is thrown away, and that it is reused.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from kiosk.engines.asr import Abandoned
from kiosk.engines.audio import BLOCK, SAMPLE_RATE, Microphone, Player
from kiosk.engines.vad import Endpointer
from kiosk.events import FinalTranscript
from kiosk.voice.loop import SPECULATE_AFTER_S, VoiceLoop


class ScriptedVad:
    """Speech wherever the block is not silent."""

    def __call__(self, block: np.ndarray) -> float:
        return 1.0 if np.any(block) else 0.0

    def reset(self) -> None:
        pass


@dataclass
class Heard:
    text: str


@dataclass
class RecordingAsr:
    """Transcribes to the number of samples it was given; final decodes and partials are recorded apart."""

    finals: list[int] = field(default_factory=list)
    partials: list[int] = field(default_factory=list)

    def transcribe(self, samples: np.ndarray, bias: bool = True, *, draft: bool = False,
                   abandon: threading.Event | None = None) -> Heard:
        if abandon is not None and abandon.is_set():
            raise Abandoned  # as the engine does before it starts encoding
        (self.partials if draft else self.finals).append(samples.size)
        return Heard(f"听到{samples.size}")


@dataclass
class SlowAsr(RecordingAsr):
    """Its early decodes take until they are abandoned (or two seconds), as Whisper's encoder takes a while."""

    abandoned: list[int] = field(default_factory=list)

    def transcribe(self, samples: np.ndarray, bias: bool = True, *, draft: bool = False,
                   abandon: threading.Event | None = None) -> Heard:
        heard = super().transcribe(samples, bias, draft=draft, abandon=abandon)
        if abandon is not None and abandon.wait(2.0):
            self.abandoned.append(samples.size)
            raise Abandoned
        return heard


class SilentSpeaker:
    sample_rate = SAMPLE_RATE

    def speak(self, text: str, start_ms: int = 0):
        return iter(())


def _loop(asr: RecordingAsr, events: list[object]) -> VoiceLoop:
    loop = VoiceLoop(asr, SilentSpeaker(), lambda question, cancel=None: iter(()), events.append,
                     player=Player(SAMPLE_RATE), microphone=Microphone())
    loop.endpointer = Endpointer(ScriptedVad(), loop.endpoint)
    return loop


def _feed(loop: VoiceLoop, seconds: float, voiced: bool) -> None:
    block = np.full(BLOCK, 0.1 if voiced else 0.0, np.float32)
    for _ in range(int(seconds * SAMPLE_RATE / BLOCK)):
        loop.feed(block)
        time.sleep(0.002)  # lets the recogniser's thread run, as the microphone's pace does


def _final(events: list[object], timeout: float = 5.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finals = [e.text for e in events if isinstance(e, FinalTranscript)]
        if finals:
            return finals[0]
        time.sleep(0.01)
    raise AssertionError(f"no final transcript: {events}")


def _speculation_idle(loop: VoiceLoop) -> None:
    """Waits until no decode holds the recogniser, so the script's next step sees a settled loop."""
    with loop._asr_lock:
        pass


def test_quiet_after_the_pause_reuses_the_early_decode() -> None:
    asr, events = RecordingAsr(), []
    loop = _loop(asr, events)
    _feed(loop, 1.0, voiced=True)
    _feed(loop, 1.0, voiced=False)
    heard = _final(events)
    ended = loop.endpoint.end_silence_s
    assert len(asr.finals) == 1, asr.finals  # no second decode of the whole turn
    assert heard == f"听到{asr.finals[0]}"
    # decoded after the short pause, before the closing pause was over
    spoken = int(1.0 * SAMPLE_RATE) // BLOCK * BLOCK
    assert spoken + SPECULATE_AFTER_S * SAMPLE_RATE <= asr.finals[0] < spoken + ended * SAMPLE_RATE


def test_speech_resuming_discards_the_early_decode() -> None:
    asr, events = RecordingAsr(), []
    loop = _loop(asr, events)
    _feed(loop, 1.0, voiced=True)
    _feed(loop, 0.45, voiced=False)  # longer than the speculation's pause, shorter than the end of turn
    _speculation_idle(loop)
    assert len(asr.finals) == 1
    early = asr.finals[0]
    _feed(loop, 0.6, voiced=True)
    _feed(loop, 1.0, voiced=False)
    heard = _final(events)
    assert len(asr.finals) == 2, asr.finals
    assert asr.finals[1] > early + 0.6 * SAMPLE_RATE  # the later decode heard the words after the pause
    assert heard == f"听到{asr.finals[1]}"


def test_a_pause_too_short_to_speculate_starts_no_decode() -> None:
    asr, events = RecordingAsr(), []
    loop = _loop(asr, events)
    _feed(loop, 1.0, voiced=True)
    _feed(loop, SPECULATE_AFTER_S / 2, voiced=False)
    _feed(loop, 0.5, voiced=True)
    _speculation_idle(loop)
    assert asr.finals == []


def test_partials_while_speaking_are_drafts() -> None:
    """Partial transcripts use the quick draft decode, so none is still holding the recogniser at the end."""
    asr, events = RecordingAsr(), []
    loop = _loop(asr, events)
    _feed(loop, 1.5, voiced=True)
    _speculation_idle(loop)
    assert asr.partials and asr.finals == []


def test_an_early_decode_still_waiting_when_speech_resumes_is_never_run() -> None:
    """A partial holds the recogniser through the pause; once the visitor speaks on, the waiting early decode
    is skipped instead of spending a whole decode on words that are out of date."""
    asr, events = RecordingAsr(), []
    loop = _loop(asr, events)
    _feed(loop, 1.0, voiced=True)
    with loop._asr_lock:  # the partial still decoding
        _feed(loop, 0.45, voiced=False)
        _feed(loop, 0.6, voiced=True)
    _feed(loop, 1.0, voiced=False)
    heard = _final(events)
    assert len(asr.finals) == 1, asr.finals  # only the decode of the whole question ran
    assert heard == f"听到{asr.finals[0]}" and asr.finals[0] > 1.6 * SAMPLE_RATE


def test_an_early_decode_running_when_speech_resumes_is_abandoned() -> None:
    asr, events = SlowAsr(), []
    loop = _loop(asr, events)
    _feed(loop, 1.0, voiced=True)
    _feed(loop, 0.45, voiced=False)
    _feed(loop, 0.6, voiced=True)  # while the early decode is still running
    _speculation_idle(loop)  # released at once, not two seconds later
    assert asr.abandoned == asr.finals[:1]
    _feed(loop, 1.0, voiced=False)
    assert _final(events) == f"听到{asr.finals[-1]}" and len(asr.finals) == 2
