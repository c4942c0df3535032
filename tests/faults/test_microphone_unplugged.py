"""The microphone unplugged mid-session (or taken by another program): the voice loop does not die, the visitor is
told in plain Chinese that the microphone is unavailable and typing still works, and listening resumes by itself
when the device comes back; the answer being spoken is not cut off by it."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
import sounddevice

from kiosk.engines.audio import BLOCK
from kiosk.events import EngineStatus, Notice
from kiosk.voice import loop as voice_loop
from kiosk.voice.loop import VoiceLoop

WAIT_S = 10.0  # generous: each step normally takes a few tens of milliseconds
ENGLISH = re.compile(r"[A-Za-z]{3,}")


class FlakyMicrophone:
    """Hands out silent blocks; while ``unplugged`` is set, opening it and reading it raise PortAudio's error, as
    sounddevice does for a device that has gone."""

    def __init__(self, good_blocks: int = 20):
        self.good_blocks = good_blocks
        self.read_count = 0
        self.opens = 0
        self.failed_opens = 0
        self.unplugged = threading.Event()
        self.resumed = threading.Event()  # a block was read after the device came back

    def open(self) -> FlakyMicrophone:
        if self.unplugged.is_set():
            self.failed_opens += 1
            raise sounddevice.PortAudioError("Error opening InputStream: Device unavailable", -9985)
        self.opens += 1
        return self

    def close(self) -> None:
        pass

    def __enter__(self) -> FlakyMicrophone:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def read(self, timeout: float = 0.5) -> np.ndarray | None:
        self.read_count += 1
        if self.read_count == self.good_blocks:
            self.unplugged.set()  # pulled out between two blocks
        if self.unplugged.is_set():
            raise sounddevice.PortAudioError("Stream is stopped: Device unavailable", -9988)
        if self.opens > 1:
            self.resumed.set()
        threading.Event().wait(0.002)  # a real device paces the loop
        return np.zeros(BLOCK, np.float32)


class SilentPlayer:
    sample_rate = 16000
    playing = False
    position_s = 0.0
    closed = False

    def __enter__(self) -> SilentPlayer:
        return self

    def __exit__(self, *exc) -> None:
        self.closed = True

    def play(self, samples, sample_rate) -> float:
        return 0.0

    def stop(self) -> None:
        pass

    def recent_level(self, window_s: float) -> float:
        return 0.0


class NoSpeaker:
    sample_rate = 16000

    def speak(self, text: str, start_ms: int = 0) -> Iterator[object]:
        return iter(())


class Events:
    def __init__(self) -> None:
        self.items: list[object] = []
        self.changed = threading.Condition()

    def __call__(self, event: object) -> None:
        with self.changed:
            self.items.append(event)
            self.changed.notify_all()

    def wait_for(self, check) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: check(self.items), WAIT_S)


@pytest.fixture
def quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voice_loop, "MIC_RETRY_S", 0.02)
    monkeypatch.setattr(voice_loop, "MIC_RETRY_MAX_S", 0.1)


def _until(check) -> bool:
    """Polls a condition on the fake device (which emits no event) until it holds, for up to WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _notices(items: list[object], level: str | None = None) -> list[str]:
    return [e.text for e in items if isinstance(e, Notice) and (level is None or e.level == level)]


def test_an_unplugged_microphone_is_reported_plainly_and_listening_resumes(quick_retry) -> None:
    mic = FlakyMicrophone()
    events = Events()
    player = SilentPlayer()
    loop = VoiceLoop(object(), NoSpeaker(), lambda q, cancel=None: iter(()), events, microphone=mic, player=player)
    stop = threading.Event()
    crashed: list[BaseException] = []

    def run() -> None:
        try:
            loop.run(stop)
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            crashed.append(exc)

    runner = threading.Thread(target=run, name="voice-loop", daemon=True)
    runner.start()
    try:
        assert events.wait_for(lambda items: _notices(items, "warning")), f"no notice: {events.items}"
        lost = _notices(events.items, "warning")
        assert len(lost) == 1
        assert "麦克风" in lost[0] and "打字" in lost[0]
        assert "Traceback" not in lost[0] and "/" not in lost[0] and not ENGLISH.search(lost[0])
        assert EngineStatus("voice", "failed", lost[0]) in events.items
        # still unplugged: retried with a backoff, not reported again, and the loop is alive
        assert _until(lambda: mic.failed_opens >= 3)
        assert runner.is_alive() and not crashed and len(_notices(events.items, "warning")) == 1
        assert not player.closed  # the speaker stays open: an answer being spoken goes on

        mic.unplugged.clear()  # plugged back in
        assert mic.resumed.wait(WAIT_S), "listening did not resume"
        back = [t for t in _notices(events.items) if t not in lost]
        assert back and "麦克风" in back[-1] and not ENGLISH.search(back[-1])
        statuses = [e for e in events.items if isinstance(e, EngineStatus)]
        assert statuses[-1] == EngineStatus("voice", "ready")
        assert [s.state for s in statuses] == ["ready", "failed", "ready"]

        read = mic.read_count  # and it keeps listening
        assert _until(lambda: mic.read_count > read + 20)
    finally:
        stop.set()
        runner.join(WAIT_S)
    assert not runner.is_alive() and not crashed, crashed


def test_stop_is_prompt_while_the_microphone_is_missing(quick_retry, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kiosk shutting down does not wait out the reconnecting microphone."""
    monkeypatch.setattr(voice_loop, "MIC_RETRY_S", 30.0)
    monkeypatch.setattr(voice_loop, "MIC_RETRY_MAX_S", 30.0)
    mic = FlakyMicrophone(good_blocks=1)
    events = Events()
    loop = VoiceLoop(object(), NoSpeaker(), lambda q, cancel=None: iter(()), events, microphone=mic,
                     player=SilentPlayer())
    stop = threading.Event()
    runner = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    runner.start()
    assert events.wait_for(lambda items: _notices(items, "warning"))
    stop.set()
    runner.join(WAIT_S / 2)
    assert not runner.is_alive()


def test_no_microphone_at_the_start_is_an_error_the_command_reports() -> None:
    """Only a device lost mid-session is waited for; a kiosk started without one says so at once."""
    mic = FlakyMicrophone()
    mic.unplugged.set()
    loop = VoiceLoop(object(), NoSpeaker(), lambda q, cancel=None: iter(()), Events(), microphone=mic,
                     player=SilentPlayer())
    with pytest.raises(sounddevice.PortAudioError):
        loop.run(threading.Event())
