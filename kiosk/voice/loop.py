"""The live voice loop: listen, transcribe, answer aloud, and stop talking the moment the visitor does.

Turn taking has two modes. Hands-free: the VAD endpointer finds utterances in the microphone stream.
Push-to-talk: the screen's button brackets the utterance (``press``/``release``). While the visitor speaks,
the growing utterance is re-decoded about once a second for partial transcripts; at its end the final
transcript goes to the answer source, whose sentences are synthesised and played as they arrive.

Barge-in: a confirmed onset of speech during playback stops the speaker within one audio block, drops the
sentences not yet spoken and abandons the answer still being generated; the new utterance is then handled
like any other. Without echo cancellation the microphone also hears the kiosk, so while it speaks a
stricter onset (higher VAD threshold, longer minimum) is required before it yields the turn.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from kiosk.engines.asr import AsrEngine
from kiosk.engines.audio import BLOCK, SAMPLE_RATE, Microphone, Player, level_dbfs
from kiosk.engines.tts import Speaker, SpeechPiece
from kiosk.engines.vad import EndpointConfig, Endpointer, SileroVad, Utterance
from kiosk.events import (
    AnswerLead,
    AnswerSentence,
    EngineStatus,
    FinalTranscript,
    Interrupted,
    MouthFrame,
    Notice,
    PartialTranscript,
)
from kiosk.voice.answer import AnswerSource
from kiosk.voice.headless import NOT_HEARD
from kiosk.voice.speech import SpeechQueue

log = logging.getLogger(__name__)

PARTIAL_EVERY_S = 1.0
BARGE_IN = EndpointConfig(threshold=0.8, min_speech_s=0.35)  # stricter while the kiosk itself is talking


class Turn:
    """One answer being generated and spoken; ``cancel()`` abandons it (barge-in or a new question)."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()


class VoiceLoop:
    def __init__(self, asr: AsrEngine, speaker: Speaker, source: AnswerSource, emit: Callable[[object], None],
                 input_device: str | int | None = None, output_device: str | int | None = None,
                 push_to_talk: bool = False, endpoint: EndpointConfig | None = None,
                 microphone: Microphone | None = None, player: Player | None = None):
        self.asr = asr
        self.speaker = speaker
        self.source = source
        self.emit = emit
        self.push_to_talk = push_to_talk
        self.vad = SileroVad()
        self.endpoint = endpoint or EndpointConfig()
        self.endpointer = Endpointer(self.vad, self.endpoint)
        self.mic = microphone or Microphone(input_device, on_error=lambda m: emit(Notice(m, "warning")))
        self.player = player or Player(speaker.sample_rate, output_device)
        self.speech = SpeechQueue(speaker, self._play)
        self._turn: Turn | None = None
        self._stop = threading.Event()
        self._ptt_blocks: list[np.ndarray] | None = None
        self._asr_lock = threading.Lock()
        self._last_partial = 0.0
        self.last_level_db = -120.0

    # --- output -------------------------------------------------------------------------------------------

    def _play(self, piece: SpeechPiece) -> None:
        turn = self._turn
        if turn is None or turn.cancelled.is_set():
            return
        self.player.play(piece.samples, piece.sample_rate)
        self.emit(piece.chunk())
        for frame in piece.mouth:
            self.emit(frame)

    def barge_in(self) -> None:
        """Stop speaking at once and abandon the answer in progress."""
        if self._turn is not None:
            self._turn.cancel()
        self.speech.cancel()
        self.player.stop()
        self.emit(MouthFrame(t_ms=0, openness=0.0))
        self.emit(Interrupted("barge-in"))

    @property
    def speaking(self) -> bool:
        return self.player.playing

    # --- input ----------------------------------------------------------------------------------------------

    def press(self) -> None:
        """Push-to-talk: the visitor holds the button; the kiosk stops talking and listens."""
        if self.speaking:
            self.barge_in()
        self._ptt_blocks = []

    def release(self) -> None:
        blocks, self._ptt_blocks = self._ptt_blocks, None
        if blocks:
            self._start_turn(Utterance(np.concatenate(blocks)))

    def feed(self, block: np.ndarray) -> None:
        """One 512-sample block from the microphone."""
        self.last_level_db = level_dbfs(block)
        if self.push_to_talk:
            if self._ptt_blocks is not None:
                self._ptt_blocks.append(block)
            return
        self.endpointer.config = BARGE_IN if self.speaking else self.endpoint
        was_speaking = self.endpointer.speaking
        utterance = self.endpointer.push(block)
        if self.endpointer.speaking and not was_speaking and self.speaking:
            self.barge_in()
        if utterance is not None:
            self._start_turn(utterance)
        elif self.endpointer.speaking:
            self._maybe_partial()

    def _maybe_partial(self) -> None:
        now = time.monotonic()
        buffered = self.endpointer.buffered()
        if now - self._last_partial < PARTIAL_EVERY_S or buffered.size < SAMPLE_RATE // 2:
            return
        if not self._asr_lock.acquire(blocking=False):
            return  # the recogniser is busy: skip this partial rather than fall behind the microphone
        self._last_partial = now

        def run() -> None:
            try:
                text = self.asr.transcribe(buffered).text
                if text:
                    self.emit(PartialTranscript(text))
            finally:
                self._asr_lock.release()

        threading.Thread(target=run, name="asr-partial", daemon=True).start()

    # --- a turn ---------------------------------------------------------------------------------------------

    def _start_turn(self, utterance: Utterance) -> None:
        if self._turn is not None:
            self._turn.cancel()
        turn = Turn()
        self._turn = turn
        threading.Thread(target=self._run_turn, args=(turn, utterance), name="voice-turn", daemon=True).start()

    def _run_turn(self, turn: Turn, utterance: Utterance) -> None:
        with self._asr_lock:
            transcript = self.asr.transcribe(utterance.samples)
        if turn.cancelled.is_set():
            return
        if not transcript.text:
            self.emit(Notice(NOT_HEARD))
            self.speech.say(NOT_HEARD)
            return
        self.emit(FinalTranscript(transcript.text))
        if utterance.truncated:
            self.emit(Notice("您说得有点长，我先回答听到的部分。"))
        events = iter(self.source(transcript.text))
        try:
            for event in events:
                if turn.cancelled.is_set():
                    break
                self.emit(event)
                if isinstance(event, AnswerLead | AnswerSentence):
                    self.speech.say(event.text)
        except Exception:  # noqa: BLE001 - a failed answer becomes a spoken apology, not a dead kiosk
            log.exception("answer failed")
            self.speech.say("抱歉，我这边出了点问题，请再问一次或咨询窗口工作人员。")
        finally:
            close = getattr(events, "close", None)
            if close:
                close()  # stops a generator mid-answer, which cancels the model's generation

    # --- running ---------------------------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None) -> None:
        stop = stop or self._stop
        self.emit(EngineStatus("voice", "ready"))
        with self.mic, self.player:
            while not stop.is_set():
                block = self.mic.read(timeout=0.2)
                if block is not None and block.size == BLOCK:
                    self.feed(block)

    def stop(self) -> None:
        self._stop.set()
