"""The one bridge between the screens and the kiosk's services: every call runs on a worker thread.

Screens call `ServiceBridge.run(fn, on_done, on_fail)` or `ask(text)`; the work happens in a QThreadPool and the
result comes back as a queued Qt signal on the UI thread, so the window never waits on a model, the store or
a disk. Engines load in the background at start-up and report `EngineStatus` as they go; a missing or broken
engine is a friendly status line, and the screens that need it say so instead of failing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from kiosk.events import AnswerDone, EngineStatus, Interrupted, Notice
from kiosk.ui.adapter import KioskAdapter, Unavailable

log = logging.getLogger(__name__)

ENGINE_NAMES = {"knowledge": "知识库", "dialogue": "对话", "voice": "语音", "ocr": "证照识别", "pinyin": "拼音输入"}


class _Job(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], job: _Job):
        super().__init__()
        self.fn, self.job = fn, job

    def run(self) -> None:
        try:
            result = self.fn()
        except Unavailable as exc:
            self.job.failed.emit(exc.friendly)
        except Exception as exc:  # noqa: BLE001 - any engine failure becomes a message; the kiosk carries on
            friendly = getattr(exc, "friendly", None)
            if not friendly:
                log.exception("service call failed")
            self.job.failed.emit(friendly or "抱歉，这项服务暂时出了点问题，请稍后再试或咨询服务窗口。")
        else:
            self.job.done.emit(result)


class ServiceBridge(QObject):
    status = Signal(object)  # EngineStatus
    answer_event = Signal(int, object)  # (turn, event)

    def __init__(self, adapter: KioskAdapter | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.adapter = adapter or KioskAdapter()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(3)
        self.states: dict[str, EngineStatus] = {}
        self._jobs: set[_Job] = set()
        self._turn = 0
        self.voice_turn = -1
        self._cancel: dict[int, threading.Event] = {}
        self.status.connect(self._remember)

    # -- generic -------------------------------------------------------------------------------------------
    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_fail: Callable[[str], None] | None = None) -> None:
        job = _Job(self)
        self._jobs.add(job)

        def finish(_=None) -> None:
            self._jobs.discard(job)
            job.deleteLater()

        if on_done:
            job.done.connect(on_done)
        if on_fail:
            job.failed.connect(on_fail)
        job.done.connect(finish)
        job.failed.connect(finish)
        self.pool.start(_Runnable(fn, job))

    def wait(self, ms: int = 5000) -> bool:
        return self.pool.waitForDone(ms)

    def close(self) -> None:
        """Stop the voice and the service process (if the services run in one)."""
        self.interrupt("closing")
        close = getattr(self.adapter, "close", None)
        if close is not None:
            close()

    # -- start-up ------------------------------------------------------------------------------------------
    def start(self, voice: bool = True) -> None:
        """Load every engine in the background, knowledge first since most visitors start by asking."""
        loaders = self.adapter.loaders() + ([("voice", self._load_voice)] if voice else [])
        for key, loader in loaders:
            self._emit(key, "loading", "正在加载…")
            self.run(loader, lambda msg, k=key: self._emit(k, "ready", msg or "就绪"),
                     lambda msg, k=key: self._emit(k, "missing", msg))

    def _emit(self, key: str, state: str, message: str) -> None:
        self.status.emit(EngineStatus(key, state, message if isinstance(message, str) else ""))

    def _remember(self, st: EngineStatus) -> None:
        self.states[st.engine] = st

    def ready(self, key: str) -> bool:
        st = self.states.get(key)
        return bool(st and st.state == "ready")

    def unavailable(self, key: str) -> bool:
        """The engine was looked for and is not there (as opposed to still loading)."""
        st = self.states.get(key)
        return bool(st and st.state in ("missing", "failed"))

    # -- voice ---------------------------------------------------------------------------------------------
    def _load_voice(self) -> str:
        return self.adapter.start_voice(self._voice_event)

    def _voice_event(self, event: object) -> None:
        self.answer_event.emit(self.voice_turn, event)

    def listen(self) -> None:
        """Push-to-talk pressed: stop any answer, open a new turn, record."""
        self.interrupt("barge-in")
        self._turn += 1
        self.voice_turn = self._turn
        self.adapter.voice.press()

    def end_listening(self) -> None:
        if self.adapter.voice is not None:
            self.adapter.voice.release()

    def mic_level(self) -> float:
        return self.adapter.voice.level() if self.adapter.voice is not None else 0.0

    def playback_clock(self):
        """The clock the avatar's mouth follows while the voice speaks (None without a voice)."""
        return self.adapter.voice.clock if self.adapter.voice is not None else None

    def pinyin(self, letters: str, deliver: Callable[[list], None]) -> None:
        """Keyboard candidates for `letters`, delivered on the UI thread."""
        self.run(lambda: self.adapter.pinyin_lookup(letters), deliver)

    # -- conversation --------------------------------------------------------------------------------------
    def ask(self, text: str) -> int:
        """Answer a visitor turn; events arrive on `answer_event` tagged with the returned turn number."""
        self.interrupt()
        self._turn += 1
        turn, cancelled = self._turn, threading.Event()
        self._cancel[turn] = cancelled

        def work() -> None:
            try:
                for event in self.adapter.answer(text, cancelled):
                    if cancelled.is_set():
                        return
                    self.answer_event.emit(turn, event)
            except Unavailable as exc:
                self.answer_event.emit(turn, Notice(exc.friendly, "warn"))
                self.answer_event.emit(turn, AnswerDone("", True, 0.0, "none"))
            finally:
                self._cancel.pop(turn, None)

        self.run(work, on_fail=lambda msg: self.answer_event.emit(turn, Notice(msg, "warn")))
        return turn

    def interrupt(self, reason: str = "barge-in") -> None:
        """Stop the answer in progress (the visitor spoke or left); its late events are dropped."""
        for event in list(self._cancel.values()):
            event.set()
        if self._cancel:
            self.answer_event.emit(self._turn, Interrupted(reason))
        self.adapter.stop_speaking()

    @property
    def turn(self) -> int:
        return self._turn
