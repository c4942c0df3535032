"""The touch screen's adapter over the kiosk (`kiosk.root.Kiosk`): domain records in, the UI's view records out.
No Qt here.

Every method may run on a worker thread (in the service process, `kiosk.ui.remote`). A service that cannot start
raises `Unavailable` with a message fit for a visitor; the screen shows it and stays usable. The domain is
imported inside the methods, so the window's process, which imports this module for `Unavailable`, stays light.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import FriendlyError
from kiosk.ui import presenters
from kiosk.ui.viewmodels import Analytics, GuideView, PolicyView, PrintOut, QueueRow, ScanView, TicketView

if TYPE_CHECKING:
    from kiosk.root import Kiosk

log = logging.getLogger(__name__)


class Unavailable(FriendlyError):
    """A service the screen asked for cannot be had now; ``friendly`` says so to the visitor."""


class KioskAdapter:
    """The services one kiosk window uses, loaded on worker threads; see `loaders()` for start-up order."""

    def __init__(self, kiosk: Kiosk | None = None) -> None:
        from kiosk.root import Kiosk

        self.kiosk = kiosk or Kiosk()
        self._lock = threading.RLock()
        self.store: Any = None
        self.dialogue: Any = None
        self.dialogue_session: Any = None
        self.vocabulary: list[str] = []
        self.pinyin: Any = None
        self._requests: Any = None
        self.voice: Any = None  # kiosk.ui.voice.VoiceBridge once a microphone and the models are found
        self._watcher: Any = None  # re-opens the store when a publish replaces it
        # set once the store has been opened (or failed to): the keyboard's index needs its vocabulary
        self._knowledge_tried = threading.Event()

    def loaders(self) -> list[tuple[str, Callable[[], str]]]:
        return [("knowledge", self.load_knowledge), ("dialogue", self.load_dialogue), ("pinyin", self.load_pinyin),
                ("ocr", self.load_ocr)]

    # -- loading -------------------------------------------------------------------------------------------
    def load_knowledge(self) -> str:
        try:
            with self._lock:
                self.store = self.kiosk.store
                self.kiosk.retriever  # noqa: B018 - built now, so the first question does not wait for it
                try:
                    self.vocabulary = list(self.store.vocabulary())
                except Exception:  # noqa: BLE001 - the keyboard still works from common words
                    log.warning("store vocabulary unavailable", exc_info=True)
                if self._watcher is None:
                    from kiosk.store.watch import StoreWatcher

                    self._watcher = StoreWatcher(self.store.path, self.reload).start()
            return f"已载入 {len(self.store.documents())} 份政策文件"
        finally:
            self._knowledge_tried.set()

    def demo_content(self) -> bool:
        """Whether the loaded store holds the demo pack (the screen then carries a permanent badge)."""
        with self._lock:
            return bool(self.store is not None and self.store.has_demo_content())

    def load_dialogue(self) -> str:
        """The assembled assistant, with the local language model when one is installed."""
        manager = self.kiosk.manager()
        with self._lock:
            self.dialogue = manager
            self.dialogue_session = manager.new_session()
        return "就绪（本地大模型）" if manager.answerer.llm is not None else "就绪（从政策原文作答，未装大模型）"

    def load_pinyin(self, wait_s: float = 300.0) -> str:
        """The keyboard's index, built once the store's vocabulary is in (loaders run side by side)."""
        from kiosk.ui.pinyin import PinyinIndex

        self._knowledge_tried.wait(wait_s)
        with self._lock:
            vocabulary = list(self.vocabulary)
        self.pinyin = PinyinIndex.build(vocabulary)
        return "就绪"

    def load_ocr(self) -> str:
        from kiosk.engines.ocr import OcrUnavailable

        try:
            self.kiosk.ocr  # noqa: B018 - loaded now (about a second), not when the visitor holds up a licence
        except OcrUnavailable as exc:
            raise Unavailable(exc.friendly) from exc
        return "就绪"

    def reload(self) -> str:
        """Re-open the store after `kiosk db build` replaced it (staff 内容更新)."""
        with self._lock:
            self.kiosk.reopen()
            self.store = self.dialogue = None
            message = self.load_knowledge()
            with contextlib.suppress(Unavailable):  # without the dialogue, answers come from the store directly
                self.load_dialogue()
        return message

    def new_visitor(self) -> None:
        """Forget the dialogue's memory of the last visitor (idle reset)."""
        with self._lock:
            if self.dialogue is not None:
                self.dialogue_session = self.dialogue.new_session()
        self.stop_speaking()

    def stop_speaking(self) -> None:
        """Cut any speech in progress (barge-in, idle reset)."""
        if self.voice is not None:
            self.voice.barge_in()

    def start_voice(self, emit: Callable[[object], None]) -> str:
        """Microphone, recogniser and voice for push-to-talk; the voice loop's events go to `emit`."""
        from kiosk.ui.voice import load_voice

        if self.store is None:
            self.load_knowledge()
        # the loop hands each turn's cancel (barge-in, a new question) to the answer, so the model stops with it
        self.voice = load_voice(self.kiosk, self.answer, emit)
        return "就绪（按住说话）"

    def pinyin_lookup(self, letters: str, limit: int = 9) -> list:
        """Keyboard candidates; until the index is built, the letters themselves."""
        from kiosk.ui.pinyin import Candidate

        if self.pinyin is None:
            return [Candidate(letters, len(letters))]
        return self.pinyin.lookup(letters, limit)

    # -- answering -----------------------------------------------------------------------------------------
    def answer(self, text: str, cancelled: threading.Event | None) -> Iterator[object]:
        manager, session = self._answering()
        yield from manager.respond(session, text, cancel=cancelled)

    def _answering(self) -> tuple[Any, Any]:
        """The assistant, or until it has loaded (or when it cannot), a dialogue on the store alone."""
        with self._lock:
            if self.dialogue is None:
                if self.store is None:
                    raise Unavailable("我还在准备政策知识库，请稍等几秒再问我。")
                # the store's own answers, logged like any turn, until the assistant has loaded
                self.dialogue = self.kiosk.manager("extractive")
                self.dialogue_session = self.dialogue.new_session()
            return self.dialogue, self.dialogue_session

    def feedback(self, turn: str, helpful: bool, reason: str = "") -> None:
        """A visitor's 👍/👎 (and a fixed reason) on an answered turn, written against that turn only."""
        turn_log = getattr(self.dialogue, "turn_log", None)
        if not turn or turn_log is None:
            return
        try:
            turn_log.feedback(turn, helpful, reason)
        except (sqlite3.Error, OSError) as exc:
            log.warning("feedback not saved: %s", exc)

    # -- documents and policies ----------------------------------------------------------------------------
    def scan(self, path: Path) -> ScanView:
        from kiosk.documents.scan import ScanError, scan_image
        from kiosk.engines.ocr import OcrUnavailable

        try:
            result = scan_image(path, self.kiosk.ocr)
        except (ScanError, OcrUnavailable) as exc:
            raise Unavailable(exc.friendly) from exc
        return presenters.scan_view(result, {t.id: t.name for t in self._taxonomy().tags.values()})

    def _taxonomy(self) -> Any:
        from kiosk.policy.taxonomy import load_taxonomy

        return load_taxonomy()

    def match(self, fields: dict[str, str], answers: dict[str, bool]) -> list[PolicyView]:
        from kiosk.policy.eligibility import answer as record_answer
        from kiosk.policy.profile import profile_from_fields

        try:
            enterprise = profile_from_fields(presenters.profile_fields(fields, self._taxonomy().resolve_tag))
        except ValueError as exc:
            raise Unavailable(f"企业信息有误：{exc}，请返回修改。") from exc
        for key, value in answers.items():
            try:
                record_answer(enterprise, key, value)
            except ValueError:
                log.info("answer %s not applied", key)
        # the store's rules and documents, so that expired policies and closed windows are shown so
        return [presenters.policy_view(m) for m in self.kiosk.matcher.match(enterprise)]

    # -- requests ------------------------------------------------------------------------------------------
    def requests(self) -> Any:
        with self._lock:
            if self._requests is None:
                self._requests = self._request_call(self.kiosk.request_service)
        return self._requests

    def _request_call(self, fn: Callable[[], Any]) -> Any:
        from kiosk.errors import STORAGE, storage_message
        from kiosk.requests import RequestError

        try:
            return fn()
        except RequestError as exc:
            raise Unavailable(exc.friendly) from exc
        except (sqlite3.Error, OSError) as exc:  # the visitor hears what happened, never the database's words
            raise Unavailable(storage_message(exc) or STORAGE) from exc

    def submit(self, text: str, company: str, phone: str, address: str = "") -> TicketView:
        """`address` is the enterprise's (from a scanned licence): matters on its street go to that street."""
        from kiosk.requests import SubmitForm

        svc = self.requests()
        receipt = self._request_call(lambda: svc.submit(SubmitForm(text, company, phone, address,
                                                                   channel="kiosk-text")))
        status = self._request_call(lambda: svc.receipt_status(receipt, phone))
        return presenters.ticket_view(receipt.ticket, status.items, status.events, svc.department_name, receipt.qr_text)

    def track(self, ticket: str, last4: str) -> TicketView:
        svc = self.requests()
        status = self._request_call(lambda: svc.status(ticket, last4))
        return presenters.ticket_view(status.ticket, status.items, status.events, svc.department_name)

    def rate(self, ticket: str, last4: str, stars: int) -> None:
        svc = self.requests()
        self._request_call(lambda: svc.rate(ticket, last4, stars))

    def queue(self, overdue_only: bool = False) -> list[QueueRow]:
        svc = self.requests()
        items = self._request_call(lambda: svc.list_items(overdue=overdue_only))
        return presenters.queue_rows(items, svc.department_name, svc.clock())

    def act(self, ref: str, action: str) -> None:
        """Staff accept or resolve a queue item at the kiosk."""
        svc = self.requests()
        self._request_call(lambda: svc.act(ref, action, "工作人员（一体机）"))

    def analytics(self) -> Analytics:
        from kiosk.ui import analytics

        return analytics.collect(self.requests(), self.kiosk.settings.question_log_days)

    # -- guides --------------------------------------------------------------------------------------------
    def guides(self) -> list[GuideView]:
        return [GuideView(g.id, g.name, g.summary.text, sample=bool(g.sample)) for g in self.kiosk.catalog.guides]

    def _checklist(self, guide_id: str, answers: dict[str, bool]) -> Any:
        from kiosk.guides.tailor import tailor

        guide = self.kiosk.catalog.find(guide_id)
        if guide is None:
            raise Unavailable("没有找到这项指南，请重新选择。")
        typed: dict[str, bool | float] = {}
        for key, yes in answers.items():
            q = guide.question(key)
            if q is not None and q.type == "number" and q.threshold is not None:
                typed[key] = q.threshold + 1 if yes else q.threshold  # "more than the threshold?" as a number
            elif q is not None:
                typed[key] = yes
        return tailor(guide, typed)

    def tailor(self, guide_id: str, answers: dict[str, bool]) -> GuideView:
        names = {k: d.name for k, d in self.kiosk.departments_by_id().items()}
        return presenters.guide_view(self._checklist(guide_id, answers), names)

    def print_guide(self, guide_id: str, answers: dict[str, bool]) -> PrintOut:
        from kiosk.config import data_dir
        from kiosk.guides.printout import render_pdf

        folder = data_dir() / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        out = render_pdf(self._checklist(guide_id, answers), folder / f"guide-{guide_id}.pdf",
                         self.kiosk.departments_by_id())
        return PrintOut(out, send_to_printer(out))


def send_to_printer(path: Path) -> bool:
    """Whether the default printer took the file (no `lp`, no printer or a refusal is False)."""
    lp = shutil.which("lp")
    if not lp:
        return False
    try:
        return subprocess.run([lp, str(path)], check=False, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
