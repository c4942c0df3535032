"""The kiosk's services in their own process, so the touch screen never waits for Python work elsewhere.

Models, the store, retrieval, matching and the voice loop all run in a child process (`serve`). Python lets
only one thread run Python code at a time, so loading a dictionary or scoring passages in a thread of the UI
process would stall the screen for hundreds of milliseconds; in a child process they cannot. `RemoteBackends`
has the same methods as `Backends`; each call is a message over a pipe, answered with a result, a stream of
events, or a friendly failure. Every record that crosses is a plain dataclass.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing as mp
import os
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from kiosk.ui.backends import Backends, Unavailable

log = logging.getLogger(__name__)

CALLS = {"load", "answer", "scan", "match", "submit", "track", "rate", "queue", "analytics", "guides", "tailor",
         "print_guide", "reload", "new_visitor", "stop_speaking", "pinyin_lookup", "start_voice", "voice_press",
         "voice_release", "demo_content", "act", "feedback"}
LOADERS = ("knowledge", "dialogue", "pinyin", "ocr")
GONE = "后台服务已停止，请联系工作人员重启一体机。"


class RemoteVoice:
    """The voice loop's controls and clock, as seen from the UI process."""

    def __init__(self, owner: RemoteBackends):
        self._owner = owner
        self.anchor_ms: float | None = None
        self.level_value = 0.0

    def press(self) -> None:
        self._owner.post("voice_press")

    def release(self) -> None:
        self._owner.post("voice_release")

    def barge_in(self) -> None:
        self._owner.post("stop_speaking")

    def level(self) -> float:
        return self.level_value

    def clock(self) -> float:
        from kiosk.ui.voice import monotonic_ms

        return -1.0 if self.anchor_ms is None else monotonic_ms() - self.anchor_ms


class RemoteBackends:
    def __init__(self) -> None:
        ctx = mp.get_context("spawn")  # a fresh interpreter: forking a process that runs Qt is unsafe
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=serve, args=(child,), name="kiosk-services", daemon=True)
        self._process.start()
        child.close()
        self._ids = itertools.count(1)
        self._pending: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self._alive = True
        self.voice: RemoteVoice | None = None
        self._on_voice: Callable[[object], None] | None = None
        threading.Thread(target=self._read, name="kiosk-services-reader", daemon=True).start()

    # -- wire ----------------------------------------------------------------------------------------------
    def _send(self, msg: tuple) -> None:
        with self._lock:
            if not self._alive:
                raise Unavailable(GONE)
            self._conn.send(msg)

    def post(self, method: str, *args: Any) -> None:
        """A call whose answer nobody waits for (voice buttons)."""
        try:
            self._send(("call", next(self._ids), method, args))
        except (Unavailable, OSError):
            log.warning("service process unavailable for %s", method)

    def _start(self, method: str, args: tuple) -> tuple[int, queue.Queue]:
        call_id, replies = next(self._ids), queue.Queue()
        self._pending[call_id] = replies
        try:
            self._send(("call", call_id, method, args))
        except OSError as exc:
            self._pending.pop(call_id, None)
            raise Unavailable(GONE) from exc
        return call_id, replies

    def _call(self, method: str, *args: Any) -> Any:
        call_id, replies = self._start(method, args)
        try:
            kind, value = replies.get()
        finally:
            self._pending.pop(call_id, None)
        if kind == "fail":
            raise Unavailable(value)
        return value

    def _read(self) -> None:
        while True:
            try:
                kind, call_id, value = self._conn.recv()
            except (EOFError, OSError):
                break
            if kind == "voice":
                self._voice_event(value)
            elif call_id in self._pending:
                self._pending[call_id].put((kind, value))
        with self._lock:
            self._alive = False
        for replies in list(self._pending.values()):
            replies.put(("fail", GONE))

    def _voice_event(self, value: Any) -> None:
        what, payload = value
        if self.voice is None:
            return
        if what == "level":
            self.voice.level_value = payload
            return
        if what == "anchor":
            self.voice.anchor_ms = payload
            return
        if self._on_voice is not None:
            self._on_voice(payload)

    def close(self) -> None:
        with contextlib.suppress(Unavailable, OSError):
            self._send(("stop", 0, None))
        self._process.join(timeout=3)
        if self._process.is_alive():
            self._process.terminate()

    # -- the Backends interface ----------------------------------------------------------------------------
    def loaders(self) -> list[tuple[str, Callable[[], str]]]:
        return [(name, lambda n=name: self._call("load", n)) for name in LOADERS]

    def answer(self, text: str, cancelled: threading.Event) -> Iterator[object]:
        call_id, replies = self._start("answer", (text,))
        finished = False
        try:
            while not cancelled.is_set():
                try:
                    kind, value = replies.get(timeout=0.05)
                except queue.Empty:
                    continue
                if kind == "event":
                    yield value
                elif kind == "fail":
                    finished = True
                    raise Unavailable(value)
                else:
                    finished = True
                    return
        finally:
            self._pending.pop(call_id, None)
            if not finished:  # the visitor moved on: stop the generation in the service process too
                with contextlib.suppress(Unavailable, OSError):
                    self._send(("cancel", call_id, None))

    def start_voice(self, emit: Callable[[object], None]) -> str:
        self._on_voice = emit
        self.voice = RemoteVoice(self)
        try:
            return self._call("start_voice")
        except Unavailable:
            self.voice = None
            raise

    def stop_speaking(self) -> None:
        self.post("stop_speaking")

    def new_visitor(self) -> None:
        self.post("new_visitor")

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method not in CALLS:
            raise AttributeError(method)
        return lambda *args: self._call(method, *args)


# -- the child process -------------------------------------------------------------------------------------
def serve(conn) -> None:
    """Run the services and answer calls until told to stop or the window's process goes away."""
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(OSError, AttributeError):  # on two cores the screen must win the scheduler
        os.nice(8)
    backends = Backends()
    loaders = dict(backends.loaders())
    send_lock = threading.Lock()
    cancels: dict[int, threading.Event] = {}

    def send(msg: tuple) -> None:
        with send_lock, contextlib.suppress(OSError, EOFError):  # the window closed: nobody to tell
            conn.send(msg)

    def voice_event(event: object) -> None:
        from kiosk.events import Interrupted, MouthFrame

        if isinstance(event, MouthFrame | Interrupted) and backends.voice is not None:
            send(("voice", 0, ("anchor", backends.voice.anchor_ms)))
        send(("voice", 0, ("event", event)))

    def levels(stop: threading.Event) -> None:
        while not stop.wait(0.06):
            if backends.voice is not None:
                send(("voice", 0, ("level", backends.voice.level())))

    def handle(call_id: int, method: str, args: tuple) -> None:
        try:
            if method == "answer":
                cancelled = cancels.setdefault(call_id, threading.Event())
                for event in backends.answer(args[0], cancelled):
                    if cancelled.is_set():
                        break
                    send(("event", call_id, event))
                result: Any = None
            elif method == "load":
                result = loaders[args[0]]()
            elif method == "start_voice":
                result = backends.start_voice(voice_event)
            elif method == "voice_press":
                result = backends.voice.press() if backends.voice else None
            elif method == "voice_release":
                result = backends.voice.release() if backends.voice else None
            else:
                result = getattr(backends, method)(*args)
            send(("done", call_id, result))
        except Unavailable as exc:
            send(("fail", call_id, exc.friendly))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message for the screen
            friendly = getattr(exc, "friendly", None)
            if not friendly:
                log.exception("service call %s failed", method)
            send(("fail", call_id, friendly or "抱歉，这项服务暂时出了点问题，请稍后再试或咨询服务窗口。"))
        finally:
            cancels.pop(call_id, None)

    stop_levels = threading.Event()
    threading.Thread(target=levels, args=(stop_levels,), daemon=True).start()
    while True:
        try:
            kind, call_id, *rest = conn.recv()
        except (EOFError, OSError):
            break
        if kind == "stop":
            break
        if kind == "cancel":
            cancels.setdefault(call_id, threading.Event()).set()
        elif kind == "call" and rest[0] in CALLS:
            threading.Thread(target=handle, args=(call_id, rest[0], tuple(rest[1])), daemon=True).start()
    stop_levels.set()
    if backends.voice is not None:
        backends.voice.stop()
