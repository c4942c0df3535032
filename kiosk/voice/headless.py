"""One visitor turn from a recording to a spoken answer, without microphone or speaker (``kiosk talk``).

The stages run as they do live: the recording is checked and transcribed, the answer's sentences are handed
to the speech queue as the answer source yields them, and the spoken clauses are collected into one WAV.
Timings are taken from the end of the visitor's speech, so they are the voice-to-voice latency a visitor
would feel.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.engines.asr import AsrEngine
from kiosk.engines.audio import Clip, NothingHeard, load_audio, write_wav
from kiosk.engines.tts import Speaker, SpeechPiece
from kiosk.engines.vad import SileroVad
from kiosk.events import AnswerDone, AnswerLead, AnswerSentence, Citation, Notice
from kiosk.voice.answer import AnswerSource
from kiosk.voice.speech import SpeechQueue

NOT_HEARD = "没听清，请再说一遍。"
MIN_SPEECH_S = 0.3


@dataclass
class TalkResult:
    transcript: str = ""
    raw_transcript: str = ""
    answer: str = ""
    refused: bool = False
    citations: list[Citation] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    audio: np.ndarray | None = None
    sample_rate: int = 0

    def to_json(self) -> dict:
        return {
            "heard": True,
            "transcript": self.transcript,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [{"n": c.n, "source": c.source, "title": c.title, "article": c.article, "text": c.text,
                           "doc_number": c.doc_number} for c in self.citations],
            "notices": self.notices,
            "timings_ms": self.timings_ms,
        }


def not_heard_json(message: str, timings_ms: dict[str, float] | None = None) -> dict:
    """The JSON for a recording with nothing usable in it: the same keys as a heard turn, and the message."""
    return {"heard": False, "message": message, "transcript": "", "answer": "", "refused": False, "citations": [],
            "notices": [], "timings_ms": timings_ms or {}}


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


def check_clip(clip: Clip, vad: SileroVad) -> list[str]:
    """Raise for audio with no speech in it; return notices for audio that is usable but poor."""
    if clip.peak < 1e-3 or vad.speech_seconds(clip.samples) < MIN_SPEECH_S:
        raise NothingHeard(NOT_HEARD)
    notices = []
    if clip.clipped_fraction > 0.01:
        notices.append("录音声音太大、有失真，识别可能不准，请离话筒稍远一点。")
    return notices


def transcribe_file(path: str | Path, asr: AsrEngine, vad: SileroVad | None = None) -> TalkResult:
    result = TalkResult()
    started = time.perf_counter()
    clip = load_audio(path)
    result.timings_ms["decode"] = _ms(started)
    mark = time.perf_counter()
    result.notices += check_clip(clip, vad or SileroVad())
    result.timings_ms["vad"] = _ms(mark)
    mark = time.perf_counter()
    transcript = asr.transcribe(clip.samples)
    result.timings_ms["asr"] = _ms(mark)
    result.timings_ms["audio_s"] = round(clip.seconds, 2)
    if not transcript.text.strip():
        raise NothingHeard(NOT_HEARD)
    result.transcript, result.raw_transcript = transcript.text, transcript.raw_text
    return result


def answer_aloud(result: TalkResult, source: AnswerSource, speaker: Speaker | None, since: float) -> None:
    """Run the answer source on the transcript, speaking sentences as they come; fill ``result``."""
    pieces: list[SpeechPiece] = []
    speech = SpeechQueue(speaker, pieces.append) if speaker else None
    sentences: list[str] = []
    mark = time.perf_counter()
    for event in source(result.transcript, None):
        if isinstance(event, AnswerLead | AnswerSentence):
            result.timings_ms.setdefault("answer_first_sentence", _ms(mark))
            sentences.append(event.text)
            if speech:
                speech.say(event.text)
        elif isinstance(event, AnswerDone):
            result.answer = event.answer or "".join(sentences)
            result.refused = event.refused
            result.citations = list(event.citations)
        elif isinstance(event, Notice):
            result.notices.append(event.text)
    result.timings_ms["answer_total"] = _ms(mark)
    if not result.answer:
        result.answer = "".join(sentences)
    if speech:
        speech.close(wait=True)
        if speech.error and not pieces:
            raise speech.error
        if speech.first_audio_at is not None:
            result.timings_ms["first_audio_after_speech_end"] = round((speech.first_audio_at - since) * 1000, 1)
        result.timings_ms["tts_total"] = _ms(mark)
        result.audio = np.concatenate([p.samples for p in pieces]) if pieces else np.zeros(0, np.float32)
        result.sample_rate = speaker.sample_rate


def talk_file(path: str | Path, asr: AsrEngine, source: AnswerSource | None, speaker: Speaker | None,
              out: Path | None = None) -> TalkResult:
    """Transcribe ``path``; with a ``source``, answer (aloud into ``out`` when a speaker is given)."""
    started = time.perf_counter()
    result = transcribe_file(path, asr)
    # The recording is over when it is read: from here on, time counts towards the visitor's wait.
    since = started + (result.timings_ms["decode"] / 1000)
    if source is not None:
        answer_aloud(result, source, speaker, since)
    if out is not None and result.audio is not None and result.audio.size:
        write_wav(out, result.audio, result.sample_rate)
    result.timings_ms["total"] = _ms(started)
    return result


def say_not_heard(speaker: Speaker, out: Path) -> None:
    """The gentle spoken prompt for audio with no usable speech."""
    audio, rate = speaker.render(NOT_HEARD)
    write_wav(out, audio, rate)
