"""The avatar's mouth timeline: openness per 20 ms frame, and the sentence being said, looked up against the
audio playback clock.

The voice loop hands over `MouthFrame`s (time from the start of the utterance, openness 0–1) together with the
audio. The avatar never counts frames itself: on every repaint it asks the playback clock where the audio is
and reads the openness for that instant, so the mouth cannot drift from the sound however late a repaint comes.
The subtitle under the avatar is read the same way, so it shows a sentence exactly while it is heard.
Without synthesised speech the mouth stays shut and there is no subtitle: a mouth moving in silence misleads
the visitor.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

from kiosk.events import MouthFrame

FRAME_MS = 20
PlaybackClock = Callable[[], float]  # milliseconds of audio played so far in the current utterance


class MouthTimeline:
    def __init__(self, frames: Iterable[MouthFrame] = ()):
        self._times: list[int] = []
        self._open: list[float] = []
        self.closed = False  # no more frames will come for this utterance
        self._cues: list[tuple[int, int, str]] = []  # (start, end, sentence), in order of start
        self.extend(frames)

    def extend(self, frames: Iterable[MouthFrame], offset_ms: int = 0) -> None:
        """Add frames (as they arrive with each speech chunk); out-of-order frames are put in place."""
        for frame in frames:
            t = frame.t_ms + offset_ms
            i = bisect.bisect_left(self._times, t)
            if i < len(self._times) and self._times[i] == t:
                self._open[i] = _clamp(frame.openness)
            else:
                self._times.insert(i, t)
                self._open.insert(i, _clamp(frame.openness))

    def add_sentence(self, start_ms: int, end_ms: int, text: str) -> None:
        """The sentence heard from `start_ms` to `end_ms` (a sentence of several clauses comes once a clause)."""
        bisect.insort(self._cues, (start_ms, end_ms, text))

    @property
    def frames_end_ms(self) -> int:
        return self._times[-1] + FRAME_MS if self._times else 0

    @property
    def end_ms(self) -> int:
        return max([self.frames_end_ms] + [end for _, end, _ in self._cues])

    def sentence_at(self, t_ms: float) -> str:
        """The sentence being heard at `t_ms`, or "" between sentences and outside the speech."""
        i = bisect.bisect_right(self._cues, (t_ms, float("inf"), "")) - 1
        if i >= 0 and self._cues[i][0] <= t_ms < self._cues[i][1]:
            return self._cues[i][2]
        return ""

    def openness_at(self, t_ms: float) -> float:
        """Linear interpolation between neighbouring frames; shut before the first and after the last."""
        if not self._times or t_ms < self._times[0] or t_ms >= self.frames_end_ms:
            return 0.0
        i = bisect.bisect_right(self._times, t_ms) - 1
        if i + 1 >= len(self._times):
            return self._open[i]
        t0, t1 = self._times[i], self._times[i + 1]
        if t1 - t0 > 2 * FRAME_MS:  # a gap in the timeline is a pause, not a slow glide
            return self._open[i] if t_ms - t0 < FRAME_MS else 0.0
        w = (t_ms - t0) / (t1 - t0)
        return self._open[i] * (1 - w) + self._open[i + 1] * w

    def finished(self, t_ms: float) -> bool:
        return self.closed and t_ms >= self.end_ms


def _clamp(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else float(x)
