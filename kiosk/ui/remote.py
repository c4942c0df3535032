"""The kiosk's services in their own process, so the touch screen never waits for Python work elsewhere.

Models, the store, retrieval, matching and the voice loop all run in a child process (`serve`). Python lets
only one thread run Python code at a time, so loading a dictionary or scoring passages in a thread of the UI
process would stall the screen for hundreds of milliseconds; in a child process they cannot. `RemoteAdapter`
has the same methods as `KioskAdapter`; each call is a message over a pipe (`kiosk.ui.messages`), answered with a
result, a stream of events, or a friendly failure. Every record that crosses is a plain dataclass.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import logging
import multiprocessing as mp
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from kiosk.errors import FriendlyError
from kiosk.ui.adapter import Unavailable
from kiosk.ui.messages import (
    Call,
    Cancel,
    Done,
    Event,
    Failure,
    Stop,
    ToServices,
    ToWindow,
    VoiceAnchor,
    VoiceEvent,
    VoiceLevel,
)

log = logging.getLogger(__name__)

CALLS = {"load", "answer", "scan", "match", "submit", "track", "rate", "queue", "analytics", "guides", "tailor",
         "print_guide", "reload", "new_visitor", "stop_speaking", "pinyin_lookup", "start_voice", "voice_press",
         "voice_release", "demo_content", "act", "feedback"}
LOADERS = ("knowledge", "dialogue", "pinyin", "ocr")
GONE = "后台服务已停止，请联系工作人员重启一体机。"
RESTARTING = "后台服务刚才中断了，正在自动恢复，请稍等几秒再试。"
MAX_RESTARTS, RESTART_WINDOW_S = 5, 60.0  # more deaths than this in a minute: a fault a restart will not cure


class RemoteVoice:
    """The voice loop's controls and clock, as seen from the UI process."""

    def __init__(self, owner: RemoteAdapter):
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


class RemoteAdapter:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._pending: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self._alive = True
        self._closing = False
        self._restarts: list[float] = []
        self._spawn()
        self.voice: RemoteVoice | None = None
        self._on_voice: Callable[[object], None] | None = None
        threading.Thread(target=self._read, name="kiosk-services-reader", daemon=True).start()

    # -- wire ----------------------------------------------------------------------------------------------
    def _spawn(self) -> None:
        ctx = mp.get_context("spawn")  # a fresh interpreter: forking a process that runs Qt is unsafe
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=serve, args=(child,), name="kiosk-services", daemon=True)
        self._process.start()
        child.close()

    def _respawn(self) -> bool:
        """A new service process after the old one died (killed, out of memory), with its engines loading
        again; ``False`` once it has died too often in a minute to be worth restarting."""
        now = time.monotonic()
        self._restarts = [t for t in self._restarts if now - t < RESTART_WINDOW_S] + [now]
        if self._closing or len(self._restarts) > MAX_RESTARTS:
            return False
        log.warning("service process ended (exit %s); starting a new one", self._process.exitcode)
        with self._lock:
            self._spawn()
        for name in LOADERS:
            self.post("load", name)
        if self.voice is not None:
            self.post("start_voice")
        return True

    def _send(self, msg: ToServices) -> None:
        with self._lock:
            if not self._alive:
                raise Unavailable(GONE)
            self._conn.send(msg)

    def post(self, method: str, *args: Any) -> None:
        """A call whose answer nobody waits for (voice buttons)."""
        try:
            self._send(Call(next(self._ids), method, args, reply=False))
        except (Unavailable, OSError):
            log.warning("service process unavailable for %s", method)

    def _start(self, method: str, args: tuple) -> tuple[int, queue.Queue]:
        call_id, replies = next(self._ids), queue.Queue()
        self._pending[call_id] = replies
        try:
            self._send(Call(call_id, method, args))
        except OSError as exc:
            self._pending.pop(call_id, None)
            raise Unavailable(GONE) from exc
        return call_id, replies

    def _call(self, method: str, *args: Any) -> Any:
        call_id, replies = self._start(method, args)
        try:
            reply = replies.get()
        finally:
            self._pending.pop(call_id, None)
        if isinstance(reply, Failure):
            raise Unavailable(reply.message)
        return reply.result

    def _read(self) -> None:
        while True:
            try:
                msg: ToWindow = self._conn.recv()
            except (EOFError, OSError):
                for call_id, replies in list(self._pending.items()):
                    replies.put(Failure(call_id, RESTARTING))
                if self._respawn():
                    continue
                break
            if isinstance(msg, VoiceEvent | VoiceLevel | VoiceAnchor):
                self._voice_message(msg)
            elif msg.id in self._pending:
                self._pending[msg.id].put(msg)
        with self._lock:
            self._alive = False
        for call_id, replies in list(self._pending.items()):
            replies.put(Failure(call_id, GONE))

    def _voice_message(self, msg: VoiceEvent | VoiceLevel | VoiceAnchor) -> None:
        if self.voice is None:
            return
        if isinstance(msg, VoiceLevel):
            self.voice.level_value = msg.level
        elif isinstance(msg, VoiceAnchor):
            self.voice.anchor_ms = msg.anchor_ms
        elif self._on_voice is not None:
            self._on_voice(msg.event)

    def close(self) -> None:
        self._closing = True
        with contextlib.suppress(Unavailable, OSError):
            self._send(Stop())
        self._process.join(timeout=3)
        if self._process.is_alive():
            self._process.terminate()

    # -- the KioskAdapter interface ----------------------------------------------------------------------------
    def loaders(self) -> list[tuple[str, Callable[[], str]]]:
        return [(name, lambda n=name: self._call("load", n)) for name in LOADERS]

    def answer(self, text: str, cancelled: threading.Event) -> Iterator[object]:
        call_id, replies = self._start("answer", (text,))
        finished = False
        try:
            while not cancelled.is_set():
                try:
                    reply = replies.get(timeout=0.05)
                except queue.Empty:
                    continue
                if isinstance(reply, Event):
                    yield reply.event
                elif isinstance(reply, Failure):
                    finished = True
                    raise Unavailable(reply.message)
                else:
                    finished = True
                    return
        finally:
            self._pending.pop(call_id, None)
            if not finished:  # the visitor moved on: stop the generation in the service process too
                with contextlib.suppress(Unavailable, OSError):
                    self._send(Cancel(call_id))

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


SERVICE_PACKAGES = ("kiosk.store", "kiosk.knowledge.ask", "kiosk.requests", "kiosk.guides", "kiosk.policy",
                    "kiosk.dialogue.manager")


# -- the child process -------------------------------------------------------------------------------------
def serve(conn) -> None:
    """Run the services and answer calls until told to stop or the window's process goes away."""
    from kiosk.root import Kiosk
    from kiosk.ui.adapter import KioskAdapter

    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(OSError, AttributeError):  # on two cores the screen must win the scheduler
        os.nice(8)
    adapter = KioskAdapter(Kiosk())
    # each call runs on a thread of its own and the services import their packages when first built: two first
    # calls at once could each meet the other's half-imported module ("cannot import name … partially
    # initialized"), so the packages they share are imported here, before any call
    for package in SERVICE_PACKAGES:
        importlib.import_module(package)
    try:  # a hall's requests reach the district office without anyone running `kiosk request sync`
        adapter.kiosk.start_office_sync()
    except FriendlyError as exc:  # a config.toml that cannot be used: `kiosk doctor` names it; calls still answer
        log.warning("office sync not started: %s", exc.friendly)
    loaders = dict(adapter.loaders())
    send_lock = threading.Lock()
    cancels: dict[int, threading.Event] = {}

    def send(msg: ToWindow) -> None:
        with send_lock, contextlib.suppress(OSError, EOFError):  # the window closed: nobody to tell
            conn.send(msg)

    def voice_event(event: object) -> None:
        from kiosk.events import Interrupted, MouthFrame

        if isinstance(event, MouthFrame | Interrupted) and adapter.voice is not None:
            send(VoiceAnchor(adapter.voice.anchor_ms))
        send(VoiceEvent(event))

    def levels(stop: threading.Event) -> None:
        while not stop.wait(0.06):
            if adapter.voice is not None:
                send(VoiceLevel(adapter.voice.level()))

    def handle(call: Call) -> None:
        call_id, method, args = call.id, call.method, call.args
        try:
            if method == "answer":
                cancelled = cancels.setdefault(call_id, threading.Event())
                for event in adapter.answer(args[0], cancelled):
                    if cancelled.is_set():
                        break
                    send(Event(call_id, event))
                result: Any = None
            elif method == "load":
                result = loaders[args[0]]()
            elif method == "start_voice":
                result = adapter.start_voice(voice_event)
            elif method == "voice_press":
                result = adapter.voice.press() if adapter.voice else None
            elif method == "voice_release":
                result = adapter.voice.release() if adapter.voice else None
            else:
                result = getattr(adapter, method)(*args)
            if call.reply:
                send(Done(call_id, result))
        except Unavailable as exc:
            send(Failure(call_id, exc.friendly))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message for the screen
            friendly = getattr(exc, "friendly", None)
            if not friendly:
                log.exception("service call %s failed", method)
            send(Failure(call_id, friendly or "抱歉，这项服务暂时出了点问题，请稍后再试或咨询服务窗口。"))
        finally:
            cancels.pop(call_id, None)

    stop_levels = threading.Event()
    threading.Thread(target=levels, args=(stop_levels,), daemon=True).start()
    while True:
        try:
            msg: ToServices = conn.recv()
        except (EOFError, OSError):
            break
        if isinstance(msg, Stop):
            break
        if isinstance(msg, Cancel):
            cancels.setdefault(msg.id, threading.Event()).set()
        elif isinstance(msg, Call) and msg.method in CALLS:
            threading.Thread(target=handle, args=(msg,), daemon=True).start()
    stop_levels.set()
    adapter.kiosk.stop_office_sync()
    if adapter.voice is not None:
        adapter.voice.stop()
