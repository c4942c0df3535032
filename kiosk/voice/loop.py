"""The live voice loop: listen, transcribe, answer aloud, and stop talking the moment the visitor does.

Turn taking has two modes. Hands-free: the VAD endpointer finds utterances in the microphone stream.
Push-to-talk: the screen's button brackets the utterance (``press``/``release``). While the visitor speaks,
the growing utterance is re-decoded about once a second for partial transcripts; at its end the final
transcript goes to the answer source, whose sentences are synthesised and played as they arrive. Partial
transcripts are drafts (``AsrEngine.transcribe(draft=True)``: a short encoder window, no prompted decode, about a
third of the work): one may still hold the recogniser when the visitor stops, and the final transcript waits for it.

The final transcript is started early: once the visitor has paused for a moment, the utterance so far is
decoded speculatively while the endpointer waits out the rest of the pause. If the visitor stays quiet, that
result is the final transcript and recognition costs the visitor no extra wait; if they go on speaking, it
is discarded, and stops at its next step (Whisper's encoding cannot be cut short, its decodes are skipped) so that it
holds up the next early decode as little as possible.

The avatar follows the speech: each clause's MouthFrame events go out as it is queued, and
:meth:`VoiceLoop.mouth_openness` reads the frame under the speaker's playhead for a UI that polls.

Echo guard: without acoustic echo cancellation the microphone hears the kiosk's own voice, which would
otherwise interrupt itself and answer its own words. The loop knows what it just played; a microphone block
counts as the visitor only when it is clearly louder than the echo expected from that output. The echo
coupling (microphone level over output level) is learnt while the kiosk speaks, over the last ten seconds of its
speech, where a visitor's interruptions are a small minority of the blocks.
Where the hall PC runs PulseAudio, ``module-echo-cancel`` in front of the microphone does better still.

Barge-in: a confirmed onset of speech during playback stops the speaker within one audio block, drops the
sentences not yet spoken and abandons the answer still being generated; the new utterance is then handled
like any other. Without echo cancellation the microphone also hears the kiosk, so while it speaks a
stricter onset (higher VAD threshold, longer minimum) is required before it yields the turn.

A microphone that fails (unplugged, taken by another program) is said once in plain words, with typing on the
screen as the way on; the loop keeps reopening it with a growing pause and says so when it is back. The answer
being spoken goes on meanwhile: only the microphone is reopened.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from kiosk.engines.asr import Abandoned, AsrEngine
from kiosk.engines.audio import BLOCK, SAMPLE_RATE, Microphone, Player, device_errors, level_dbfs
from kiosk.engines.tts import Speaker, SpeechPiece
from kiosk.engines.tts.mouth import FRAME_MS
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
    SpokenText,
)
from kiosk.voice.answer import AnswerSource
from kiosk.voice.headless import NOT_HEARD
from kiosk.voice.speech import SpeechQueue

log = logging.getLogger(__name__)

PARTIAL_EVERY_S = 1.0
SPECULATE_AFTER_S = 0.25  # pause after which the final transcript is started ahead of the end of the turn
BARGE_IN = EndpointConfig(threshold=0.8, min_speech_s=0.35)  # stricter while the kiosk itself is talking
ECHO_MARGIN = 2.0  # the visitor must be 6 dB louder than the expected echo to count while the kiosk talks
ECHO_WINDOW_S = 0.4  # output this recent may still be arriving at the microphone (device and room delay)
MIC_LOST = "麦克风暂时用不了，您可以在屏幕上打字提问。麦克风恢复后我会自动继续听。"
MIC_BACK = "麦克风已经恢复，您可以直接说话了。"
MIC_RETRY_S = 0.5  # first pause before reopening a failed microphone; doubled each time, up to MIC_RETRY_MAX_S
MIC_RETRY_MAX_S = 5.0


class _MicrophoneLost(Exception):
    """The microphone failed to open or to read (its device error is the cause)."""


class EchoGuard:
    """Learns how loud the kiosk's own voice arrives at the microphone and flags blocks that are only that."""

    def __init__(self, history: int = 300, min_history: int = 15):
        self.ratios: list[float] = []
        self.history = history
        self.min_history = min_history

    @property
    def coupling(self) -> float:
        """Microphone level over recent output level, as high as the echo alone goes (90th percentile)."""
        if len(self.ratios) < self.min_history:
            return 1.0  # not learnt yet: assume the echo may be as loud as the output
        return float(np.percentile(self.ratios, 90))

    def is_echo(self, mic_rms: float, output_rms: float) -> bool:
        if output_rms < 1e-3:
            return False
        echo = mic_rms < ECHO_MARGIN * self.coupling * output_rms
        self.ratios.append(min(mic_rms / output_rms, 8.0))
        del self.ratios[:-self.history]
        return echo


class Turn:
    """One answer being generated and spoken; ``cancel()`` abandons it (barge-in or a new question)."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()


class Speculation:
    """A final transcript decoded ahead of the end of the turn, on the first ``length`` samples."""

    def __init__(self, length: int):
        self.length = length
        self.text: str | None = None
        self.done = threading.Event()
        self.dropped = threading.Event()  # the visitor spoke again: not worth decoding any more


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
        self.mic = microphone or Microphone(input_device)
        self.player = player or Player(speaker.sample_rate, output_device)
        self.speech = SpeechQueue(speaker, self._play)
        self._turn: Turn | None = None
        self._stop = threading.Event()
        self._ptt_blocks: list[np.ndarray] | None = None
        self._asr_lock = threading.Lock()
        self._last_partial = 0.0
        self._partial_cost = 0.0
        self._speculation: Speculation | None = None
        self.echo_guard = EchoGuard()
        self._mouth: list[tuple[float, np.ndarray]] = []  # (start on the player's clock, openness per frame)
        self._mouth_lock = threading.Lock()
        self.last_level_db = -120.0

    # --- output -------------------------------------------------------------------------------------------

    def _play(self, piece: SpeechPiece) -> None:
        turn = self._turn
        if turn is None or turn.cancelled.is_set():
            return
        starts_at = self.player.play(piece.samples, piece.sample_rate)
        with self._mouth_lock:
            self._mouth.append((starts_at, np.array([f.openness for f in piece.mouth], np.float32)))
            del self._mouth[:-16]
        self.emit(SpokenText(piece.text, piece.start_ms, piece.start_ms + int(round(piece.seconds * 1000))))
        self.emit(piece.chunk())
        for frame in piece.mouth:
            self.emit(frame)

    def mouth_openness(self) -> float:
        """How open the avatar's mouth should be right now, from the clip at the speaker's playhead."""
        if not self.player.playing:
            return 0.0
        now = self.player.position_s
        with self._mouth_lock:
            for start, frames in reversed(self._mouth):
                if start <= now:
                    index = int((now - start) * 1000 / FRAME_MS)
                    return float(frames[index]) if index < frames.size else 0.0
        return 0.0

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
        echo = self.echo_guard.is_echo(float(np.sqrt(np.mean(block**2))), self.player.recent_level(ECHO_WINDOW_S))
        was_speaking = self.endpointer.speaking
        utterance = self.endpointer.push(block, echo=echo)
        if self.endpointer.speaking and not was_speaking and self.speaking:
            self.barge_in()
        if utterance is not None:
            speculation, self._speculation = self._speculation, None
            self._start_turn(utterance, speculation)
        elif self.endpointer.speaking:
            if self.endpointer.silent_s == 0.0 and self._speculation is not None:
                self._speculation.dropped.set()  # the visitor spoke again: the early decode is out of date
                self._speculation = None
            elif self.endpointer.silent_s >= SPECULATE_AFTER_S and self._speculation is None:
                self._speculate()
            if self.endpointer.silent_s == 0.0:
                self._maybe_partial()  # only while words are coming: in a pause the final decode is next

    def _speculate(self) -> None:
        buffered = self.endpointer.buffered()
        speculation = Speculation(buffered.size)
        self._speculation = speculation

        def run() -> None:
            try:
                with self._asr_lock:
                    # The visitor spoke on: the rest of this decode would only delay the next early decode, which
                    # has the whole question, so it stops at the next step (before the encoding if still waiting).
                    speculation.text = self.asr.transcribe(buffered, abandon=speculation.dropped).text
            except Abandoned:
                pass
            finally:
                speculation.done.set()

        threading.Thread(target=run, name="asr-final", daemon=True).start()

    def _maybe_partial(self) -> None:
        now = time.monotonic()
        buffered = self.endpointer.buffered()
        # A partial must never delay the final transcript: wait at least twice as long as the last one took,
        # so on a busy CPU partials thin out instead of queueing up.
        if now - self._last_partial < max(PARTIAL_EVERY_S, 2 * self._partial_cost) or buffered.size < SAMPLE_RATE // 2:
            return
        if not self._asr_lock.acquire(blocking=False):
            return  # the recogniser is busy: skip this partial rather than fall behind the microphone
        self._last_partial = now

        def run() -> None:
            started = time.monotonic()
            try:
                text = self.asr.transcribe(buffered, draft=True).text
                if text:
                    self.emit(PartialTranscript(text))
            finally:
                self._partial_cost = time.monotonic() - started
                self._last_partial = time.monotonic()
                self._asr_lock.release()

        threading.Thread(target=run, name="asr-partial", daemon=True).start()

    # --- a turn ---------------------------------------------------------------------------------------------

    def _start_turn(self, utterance: Utterance, speculation: Speculation | None = None) -> None:
        if self._turn is not None:
            self._turn.cancel()
        turn = Turn()
        self._turn = turn
        threading.Thread(target=self._run_turn, args=(turn, utterance, speculation), name="voice-turn",
                         daemon=True).start()

    def _transcribe_final(self, utterance: Utterance, speculation: Speculation | None) -> str:
        if speculation is not None:
            speculation.done.wait()
            if speculation.text is not None:
                return speculation.text
        with self._asr_lock:
            return self.asr.transcribe(utterance.samples).text

    def _run_turn(self, turn: Turn, utterance: Utterance, speculation: Speculation | None = None) -> None:
        text = self._transcribe_final(utterance, speculation)
        if turn.cancelled.is_set():
            return
        if not text:
            self.emit(Notice(NOT_HEARD))
            self.speech.say(NOT_HEARD)
            return
        self.emit(FinalTranscript(text))
        if utterance.truncated:
            self.emit(Notice("您说得有点长，我先回答听到的部分。"))
        events = iter(self.source(text, turn.cancelled))
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
        """Listen until ``stop``; a microphone that fails mid-session is reopened with a growing pause (see the
        module notes). One that cannot be opened at the start raises, so the command says what to connect."""
        stop = stop or self._stop
        errors = device_errors()
        lost = listened = False
        pause = MIC_RETRY_S
        with self.player:
            while not stop.is_set():
                try:
                    self._open_microphone(errors)
                    try:
                        listened = True
                        if lost:
                            lost, pause = False, MIC_RETRY_S
                            log.info("microphone back")
                            self.emit(Notice(MIC_BACK))
                        self.emit(EngineStatus("voice", "ready"))
                        self._listen(stop, errors)
                    finally:
                        self.mic.close()
                except _MicrophoneLost as failure:
                    if not listened:
                        raise failure.__cause__ from None
                    log.warning("microphone unavailable (%s); reopening in %.1f s", failure.__cause__, pause)
                    if not lost:
                        lost = True
                        self.endpointer.reset()  # a cut-off utterance is not a turn
                        self._ptt_blocks = None if self._ptt_blocks is None else []
                        self.emit(EngineStatus("voice", "failed", MIC_LOST))
                        self.emit(Notice(MIC_LOST, "warning"))
                    stop.wait(pause)
                    pause = min(pause * 2, MIC_RETRY_MAX_S)

    def _open_microphone(self, errors: tuple[type[Exception], ...]) -> None:
        try:
            self.mic.open()
        except errors as exc:
            raise _MicrophoneLost from exc

    def _listen(self, stop: threading.Event, errors: tuple[type[Exception], ...]) -> None:
        while not stop.is_set():
            try:  # only the microphone's own failures: a speaker or answer error is not a lost microphone
                block = self.mic.read(timeout=0.2)
            except errors as exc:
                raise _MicrophoneLost from exc
            if block is not None and block.size == BLOCK:
                self.feed(block)

    def stop(self) -> None:
        self._stop.set()
