"""The kiosk window's voice: push-to-talk through the voice loop, and the playback clock the avatar's mouth follows.

The voice loop (kiosk.voice.loop) listens, transcribes, answers through the same answer source as typed
questions, and speaks. Its events come here on its own threads and go on to the window as Qt signals. The
mouth frames are timed from the start of the spoken answer; `PlaybackSync` maps them onto the speaker's count
of samples actually played, so the avatar's mouth shows what is heard now, not what was synthesised.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from kiosk.events import Interrupted, MouthFrame, Notice
from kiosk.voice.answer import AnswerSource

log = logging.getLogger(__name__)


class PlaybackSync:
    """Milliseconds into the spoken answer, from the speaker's played-sample position.

    The first mouth frame after a (re)start anchors the mapping: at that moment its audio has just been queued
    on an idle speaker, so position ↔ frame time are aligned. Later pieces follow gap-free, since the position
    only advances while audio actually plays. A barge-in drops queued audio, so the next frame re-anchors.
    """

    def __init__(self, position_ms: Callable[[], float]):
        self._position_ms = position_ms
        self._base: float | None = None

    def on_frame(self, frame: MouthFrame) -> None:
        if self._base is None:
            self._base = self._position_ms() - frame.t_ms

    def reset(self) -> None:
        self._base = None

    def __call__(self) -> float:
        return -1.0 if self._base is None else self._position_ms() - self._base


def monotonic_ms() -> float:
    return time.monotonic() * 1000.0


class VoiceBridge:
    """`clock()` is the answer time being heard now, carried as an anchor on the monotonic clock (which every
    process on the machine shares), re-set with each spoken piece so gaps between pieces do not accumulate."""

    def __init__(self, loop: Any, sync: PlaybackSync, emit: Callable[[object], None]):
        self.loop, self.sync, self._emit = loop, sync, emit
        self.anchor_ms: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-voice", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self.loop.run(self._stop)
        except Exception as exc:  # noqa: BLE001 - an unplugged or broken device: tell the screen, keep the kiosk
            log.warning("voice loop ended: %s", exc)
            self._emit(Notice(getattr(exc, "friendly", None) or "麦克风暂时不可用，请用键盘输入。", "warning"))

    def on_event(self, event: object) -> None:
        """Called by the voice loop on its threads."""
        if isinstance(event, MouthFrame):
            self.sync.on_frame(event)
            self.anchor_ms = monotonic_ms() - self.sync()
        elif isinstance(event, Interrupted):
            self.sync.reset()
            self.anchor_ms = None
        self._emit(event)

    def clock(self) -> float:
        return -1.0 if self.anchor_ms is None else monotonic_ms() - self.anchor_ms

    def press(self) -> None:
        self.sync.reset()
        self.loop.press()

    def release(self) -> None:
        self.loop.release()

    def barge_in(self) -> None:
        if self.loop.speaking:
            self.loop.barge_in()
        self.sync.reset()

    def level(self) -> float:
        """Microphone loudness 0..1 for the listening avatar (-60 dBFS silent, -10 dBFS loud)."""
        return max(0.0, min(1.0, (self.loop.last_level_db + 60.0) / 50.0))

    def stop(self) -> None:
        self._stop.set()


def load_voice(kiosk: Any, source: AnswerSource, emit: Callable[[object], None],
               elderly: bool = False) -> VoiceBridge:
    """Microphone, speaker, recogniser and ``kiosk``'s voice, or `Unavailable` saying which one is missing. The
    recogniser is the one `kiosk talk` uses (kiosk.voice.recognition), biased towards the store in use."""
    from kiosk.ui.adapter import Unavailable

    try:
        from kiosk.engines import asr, audio  # noqa: F401 - asr: Whisper's library missing is said before loading
        from kiosk.voice.loop import VoiceLoop
    except (ImportError, OSError) as exc:  # PortAudio or a speech library missing: the kiosk carries on by touch
        log.info("voice unavailable: %s", exc)
        raise Unavailable("语音模块尚未安装，请用键盘输入。") from exc
    try:
        devices = audio.list_devices()
    except Exception as exc:  # noqa: BLE001 - PortAudio missing or broken: the kiosk carries on by touch
        raise Unavailable("没有找到声卡，语音暂不可用，请用键盘输入。") from exc
    if not any(d.inputs for d in devices):
        raise Unavailable("没有找到麦克风，语音暂不可用，请用键盘输入。")
    if not any(d.outputs for d in devices):
        raise Unavailable("没有找到扬声器，语音暂不可用。")
    try:
        asr = kiosk.recogniser().load()
        speaker = kiosk.speaker(elderly=elderly)
    except Exception as exc:  # noqa: BLE001 - a missing or corrupt model: say which, keep the kiosk
        raise Unavailable(getattr(exc, "friendly", None) or "语音模型没有装好，请联系工作人员。") from exc
    holder: dict[str, VoiceBridge] = {}
    loop = VoiceLoop(asr, speaker, source, lambda e: holder["bridge"].on_event(e), push_to_talk=True)
    bridge = VoiceBridge(loop, PlaybackSync(lambda: loop.player.position_s * 1000.0), emit)
    holder["bridge"] = bridge
    bridge.start()
    return bridge
