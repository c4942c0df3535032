"""Sentences in, speech out: synthesis runs on its own thread, so the first sentence plays while the dialogue
is still producing the next, and the next is ready when the first ends.

``cancel()`` is barge-in: queued sentences are dropped and synthesis stops at the next clause boundary; the
caller stops the speaker itself (``Player.stop``), which is immediate.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from kiosk.engines.tts import Speaker, SpeechPiece

log = logging.getLogger(__name__)

_DONE = object()


class SpeechQueue:
    """Feed sentences with :meth:`say`; every synthesised clause goes to ``sink`` in order."""

    def __init__(self, speaker: Speaker, sink: Callable[[SpeechPiece], None]):
        self.speaker = speaker
        self.sink = sink
        self._queue: queue.Queue = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._start_ms = 0
        self.first_audio_at: float | None = None  # perf_counter() when the first clause was ready
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="speech-queue", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        if text.strip():
            self._queue.put((self._generation, text))

    def cancel(self) -> None:
        with self._lock:
            self._generation += 1
            self._start_ms = 0
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass

    def close(self, wait: bool = True) -> None:
        """No more sentences; with ``wait``, return once everything queued has been synthesised."""
        self._queue.put(_DONE)
        if wait:
            self._thread.join()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            generation, text = item
            try:
                for piece in self.speaker.speak(text, start_ms=self._start_ms):
                    with self._lock:
                        if generation != self._generation:
                            break
                        self._start_ms = piece.start_ms + int(round(piece.seconds * 1000))
                    if self.first_audio_at is None:
                        self.first_audio_at = time.perf_counter()
                    self.sink(piece)
            except Exception as exc:  # noqa: BLE001 - a sentence that cannot be spoken must not end the loop
                log.exception("speech synthesis failed")
                self.error = exc
