"""Calls into the kiosk's domain services, returning the UI's view records. No Qt here.

Every method may run on a worker thread. A service that is not installed or not built raises `Unavailable`
with a message fit for a visitor; the screen shows it and stays usable.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import re
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kiosk.events import AnswerDone, AnswerLead, AnswerSentence
from kiosk.ui import convert
from kiosk.ui.viewmodels import Analytics, GuideView, PolicyView, PrintOut, QueueRow, ScanView, TicketView

log = logging.getLogger(__name__)
CITE_RE = re.compile(r"\[(\d+)\]")


class Unavailable(RuntimeError):
    def __init__(self, friendly: str):
        super().__init__(friendly)
        self.friendly = friendly


def need(module: str, friendly: str) -> Any:
    """Import a service module, or say in plain words that the service is not available."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        log.info("%s unavailable: %s", module, exc)
        raise Unavailable(friendly) from exc


class Backends:
    """The services one kiosk window uses, loaded lazily on worker threads; see `loaders()` for start-up order."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.store: Any = None
        self.retriever: Any = None
        self.dialogue: Any = None
        self.dialogue_session: Any = None
        self.vocabulary: list[str] = []
        self.pinyin: Any = None
        self._requests: Any = None
        self._catalog: Any = None
        self._ask: Any = None  # the store's own answering, when the dialogue is not loaded
        self._matcher: Any = None  # policy matching on the loaded store
        self.voice: Any = None  # kiosk.ui.voice.VoiceBridge once a microphone and the models are found
        # set once the store has been opened (or failed to): the keyboard's index needs its vocabulary
        self._knowledge_tried = threading.Event()

    def loaders(self) -> list[tuple[str, Callable[[], str]]]:
        return [("knowledge", self.load_knowledge), ("dialogue", self.load_dialogue), ("pinyin", self.load_pinyin),
                ("ocr", self.load_ocr)]

    # -- loading -------------------------------------------------------------------------------------------
    def load_knowledge(self) -> str:
        try:
            store_mod = need("kiosk.store", "政策知识库尚未安装，请联系工作人员。")
            retrieve = need("kiosk.knowledge.retrieve", "政策检索模块尚未安装，请联系工作人员。")
            with self._lock:
                self.store = store_mod.Store.open()
                self.retriever = retrieve.Retriever(self.store)
                try:
                    self.vocabulary = list(self.store.vocabulary())
                except Exception:  # noqa: BLE001 - the keyboard still works from common words
                    log.warning("store vocabulary unavailable", exc_info=True)
            return f"已载入 {len(self.store.documents())} 份政策文件"
        finally:
            self._knowledge_tried.set()

    def demo_content(self) -> bool:
        """Whether the loaded store holds the demo pack (the screen then carries a permanent badge)."""
        with self._lock:
            return bool(self.store is not None and self.store.has_demo_content())

    def load_dialogue(self) -> str:
        """The assembled assistant, with the local language model when one is installed."""
        assistant = need("kiosk.assistant", "对话模块尚未安装，将直接从政策库回答。")
        manager = assistant.build_manager(quiet=True)
        with self._lock:
            self.dialogue = manager
            self.dialogue_session = manager.new_session()
        llm = getattr(getattr(manager, "answerer", None), "llm", None)
        return "就绪（本地大模型）" if llm is not None else "就绪（从政策原文作答，未装大模型）"

    def load_pinyin(self, wait_s: float = 300.0) -> str:
        """The keyboard's index, built once the store's vocabulary is in (loaders run side by side)."""
        from kiosk.ui.pinyin import PinyinIndex

        self._knowledge_tried.wait(wait_s)
        with self._lock:
            vocabulary = list(self.vocabulary)
        self.pinyin = PinyinIndex.build(vocabulary)
        return "就绪"

    def load_ocr(self) -> str:
        ocr = need("kiosk.engines.ocr", "证照识别模块尚未安装，可以手动填写企业信息。")
        try:
            ocr.shared_engine()
        except ocr.OcrUnavailable as exc:
            raise Unavailable(exc.friendly) from exc
        return "就绪"

    def reload(self) -> str:
        """Re-open the store after `kiosk db build` replaced it (staff 内容更新)."""
        with self._lock:
            if self.store is not None and hasattr(self.store, "close"):
                self.store.close()
            self.store = self.retriever = self.dialogue = self._catalog = self._ask = self._matcher = None
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
        self.voice = load_voice(lambda text: self.answer(text, threading.Event()), emit)
        return "就绪（按住说话）"

    def pinyin_lookup(self, letters: str, limit: int = 9) -> list:
        """Keyboard candidates; until the index is built, the letters themselves."""
        from kiosk.ui.pinyin import Candidate

        if self.pinyin is None:
            return [Candidate(letters, len(letters))]
        return self.pinyin.lookup(letters, limit)

    # -- answering -----------------------------------------------------------------------------------------
    def answer(self, text: str, cancelled: threading.Event) -> Iterator[object]:
        if self.dialogue is not None:
            for event in self.dialogue.respond(self.dialogue_session, text, cancel=cancelled):
                if isinstance(event, AnswerDone):
                    self._count_topic(event)
                yield event
            return
        if self.retriever is None:
            raise Unavailable("我还在准备政策知识库，请稍等几秒再问我。")
        if self._ask is None:
            self._ask = need("kiosk.knowledge.ask", "回答模块尚未安装，请咨询服务窗口。").AskService(
                self.store, self.retriever)
        result, timings = self._ask.ask(text)
        if cancelled.is_set():
            return
        sentences = list(result.sentences) or [result.text]
        if result.lead and sentences[0] != result.lead:
            yield AnswerLead(result.lead)
        for sentence in sentences:
            yield AnswerSentence(sentence, tuple(int(n) for n in CITE_RE.findall(sentence)), result.engine)
        done = AnswerDone(result.text, result.refused, result.confidence, result.engine, tuple(result.citations),
                          tuple(result.suggestions or ()), timings)
        self._count_topic(done)
        yield done

    def _count_topic(self, done: AnswerDone) -> None:
        """Count the question under its topic for the staff charts (only the topic and the day are kept)."""
        from kiosk.ui import analytics

        topic = "其他"
        if done.citations and self.store is not None:
            doc = self.store.document(done.citations[0].source)
            if doc is not None and doc.topics:
                topic = doc.topics[0]
        try:
            analytics.record_question(topic)
        except OSError:
            log.warning("question count not saved", exc_info=True)

    # -- documents and policies ----------------------------------------------------------------------------
    def scan(self, path: Path) -> ScanView:
        scan = need("kiosk.documents.scan", "证照识别暂不可用，请在右边手动填写企业信息。")
        try:
            result = scan.scan_image(path)
        except scan.ScanError as exc:
            raise Unavailable(getattr(exc, "friendly", None) or str(exc)) from exc
        return convert.scan_view(result, {t.id: t.name for t in self._taxonomy().tags.values()})

    def _taxonomy(self) -> Any:
        return need("kiosk.policy.taxonomy", "政策匹配暂不可用，请到政策服务窗口咨询。").load_taxonomy()

    def match(self, fields: dict[str, str], answers: dict[str, bool]) -> list[PolicyView]:
        profile = need("kiosk.policy.profile", "政策匹配暂不可用，请到政策服务窗口咨询。")
        eligibility = need("kiosk.policy.eligibility", "政策匹配暂不可用，请到政策服务窗口咨询。")
        try:
            enterprise = profile.profile_from_fields(convert.profile_fields(fields, self._taxonomy().resolve_tag))
        except ValueError as exc:
            raise Unavailable(f"企业信息有误：{exc}，请返回修改。") from exc
        for key, value in answers.items():
            try:
                eligibility.answer(enterprise, key, value)
            except ValueError:
                log.info("answer %s not applied", key)
        with self._lock:
            # the loaded store's rules and documents, so that expired policies and closed windows are shown so
            if self._matcher is None and self.store is not None:
                self._matcher = eligibility.Matcher.default(self.store)
            matcher = self._matcher
        return [convert.policy_view(m) for m in eligibility.match(enterprise, matcher)]

    # -- requests ------------------------------------------------------------------------------------------
    def requests(self) -> Any:
        mod = need("kiosk.requests", "诉求受理暂不可用，请到 8 号诉求窗口登记。")
        with self._lock:
            if self._requests is None:
                self._requests = mod.RequestService.open()
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
        status = self._request_call(lambda: svc.status(receipt.ticket, phone[-4:]))
        return convert.ticket_view(receipt.ticket, status.items, status.events, svc.department_name, receipt.qr_text)

    def track(self, ticket: str, last4: str) -> TicketView:
        svc = self.requests()
        status = self._request_call(lambda: svc.status(ticket, last4))
        return convert.ticket_view(status.ticket, status.items, status.events, svc.department_name)

    def rate(self, ticket: str, last4: str, stars: int) -> None:
        svc = self.requests()
        self._request_call(lambda: svc.rate(ticket, last4, stars))

    def queue(self, overdue_only: bool = False) -> list[QueueRow]:
        svc = self.requests()
        items = self._request_call(lambda: svc.list_items(overdue=overdue_only))
        return convert.queue_rows(items, svc.department_name, svc.clock())

    def act(self, ref: str, action: str) -> None:
        """Staff accept or resolve a queue item at the kiosk."""
        svc = self.requests()
        self._request_call(lambda: svc.act(ref, action, "工作人员（一体机）"))

    def analytics(self) -> Analytics:
        from kiosk.ui import analytics

        return analytics.collect(self.requests() if _importable("kiosk.requests") else None)

    # -- guides --------------------------------------------------------------------------------------------
    def catalog(self) -> Any:
        mod = need("kiosk.guides.catalog", "一件事指南暂不可用，请到 1 号综合窗口咨询。")
        with self._lock:
            if self._catalog is None:
                self._catalog = mod.load_catalog()
        return self._catalog

    def guides(self) -> list[GuideView]:
        return [GuideView(g.id, g.name, g.summary.text, sample=bool(g.sample)) for g in self.catalog().guides]

    def _checklist(self, guide_id: str, answers: dict[str, bool]) -> Any:
        tailor = need("kiosk.guides.tailor", "一件事指南暂不可用，请到 1 号综合窗口咨询。")
        guide = self.catalog().find(guide_id)
        if guide is None:
            raise Unavailable("没有找到这项指南，请重新选择。")
        typed: dict[str, bool | float] = {}
        for key, yes in answers.items():
            q = guide.question(key)
            if q is not None and q.type == "number" and q.threshold is not None:
                typed[key] = q.threshold + 1 if yes else q.threshold  # "more than the threshold?" as a number
            elif q is not None:
                typed[key] = yes
        return tailor.tailor(guide, typed)

    def tailor(self, guide_id: str, answers: dict[str, bool]) -> GuideView:
        from kiosk.guides.catalog import store_departments

        names = {k: d.name for k, d in store_departments().items()}
        return convert.guide_view(self._checklist(guide_id, answers), names)

    def print_guide(self, guide_id: str, answers: dict[str, bool]) -> PrintOut:
        from kiosk.config import data_dir
        from kiosk.guides.catalog import store_departments
        from kiosk.guides.printout import render_pdf

        folder = data_dir() / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        out = render_pdf(self._checklist(guide_id, answers), folder / f"guide-{guide_id}.pdf", store_departments())
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


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True
