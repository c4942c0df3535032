"""The composition root: the one place that builds the kiosk from its settings. No Qt here.

`Kiosk` reads ``config.toml`` once, opens the store once and builds each service the first time it is asked for
(the store, the retriever, the answer service, the language model, the dialogue manager, the policy matcher, the
request service, the guide catalogue, the OCR engine and the voice), and starts the background sync with the
district office. The commands, the touch screen's service process, the voice loop and the benchmarks all take
one; nothing below it opens the store or reads the settings, so every service sees the same store and the same
settings, and fails the same way.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import config
from kiosk.config import Settings

if TYPE_CHECKING:  # the services are imported when first built, so a command pays only for what it uses
    from kiosk.dialogue.manager import DialogueManager
    from kiosk.dialogue.protocols import LanguageModel
    from kiosk.dialogue.session import Session
    from kiosk.engines.asr import AsrEngine
    from kiosk.engines.ocr import OcrEngine
    from kiosk.engines.tts import Speaker
    from kiosk.engines.tts.style import VoiceStyle
    from kiosk.guides.catalog import Catalog
    from kiosk.knowledge.ask import AskService
    from kiosk.knowledge.retrieve import Retriever
    from kiosk.office.questionlog import QuestionLog
    from kiosk.policy.eligibility import Matcher
    from kiosk.requests.service import RequestService
    from kiosk.requests.sync_loop import SyncLoop
    from kiosk.store import Store
    from kiosk.store.records import Department

log = logging.getLogger(__name__)


class Kiosk:
    """Everything one kiosk runs on, each built once and shared; safe to use from several threads."""

    def __init__(self, settings: Settings | None = None, store_path: Path | None = None):
        """``settings`` default to ``config.toml`` (read on first use, so a command that needs none never fails
        on a broken file); ``store_path`` to the data directory's store."""
        self._settings = settings
        self._store_path = store_path
        self._lock = threading.RLock()
        # slow loads have their own locks, so the store and the quick services stay usable meanwhile
        self._llm_lock = threading.Lock()
        self._manager_lock = threading.RLock()
        self._ocr_lock = threading.Lock()
        self._store: Store | None = None
        self._retriever: Retriever | None = None
        self._ask: AskService | None = None
        self._llm: dict[str, tuple[LanguageModel | None, str]] = {}
        self._managers: dict[str, DialogueManager] = {}
        self._matcher: Matcher | None = None
        self._requests: RequestService | None = None
        self._office_requests: RequestService | None = None
        self._catalog: Catalog | None = None
        self._ocr: OcrEngine | None = None
        self._session: Session | None = None
        self._turn_log: QuestionLog | None = None
        self._turn_log_opened = False
        self._office_sync: SyncLoop | None = None

    # -- settings and store --------------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        with self._lock:
            if self._settings is None:
                self._settings = Settings.load()
            return self._settings

    @property
    def store_path(self) -> Path:
        return Path(self._store_path or config.store_path())

    def store_built(self) -> bool:
        return self.store_path.is_file()

    @property
    def store(self) -> Store:
        """The content store, built from the sources on first use (the demo pack as ``demo_content`` says)."""
        from kiosk.knowledge.segment import TOKENIZER
        from kiosk.store import Store

        with self._lock:
            if self._store is None:
                self._store = Store.open(self.store_path, TOKENIZER, demo_content=self.settings.demo_content)
            return self._store

    def demo_pack(self) -> Path | None:
        """The demo pack a default build takes in, per ``demo_content``."""
        from kiosk.store.demo import default_pack

        return default_pack(self.settings.demo_content)

    def departments(self) -> list[Department]:
        """The directory requests are routed among (the hall's general window when the store has none)."""
        return self.store.directory()

    def reopen(self) -> None:
        """Forget the store and everything built on it (after `kiosk db build` replaced it); requests are routed
        among the new store's directory from now on, by the kiosk and by its office sync."""
        with self._manager_lock, self._lock:
            if self._store is not None:
                self._store.close()
            self._store = self._retriever = self._ask = self._matcher = self._catalog = None
            self._managers.clear()
            self._session = None
            routed = [s for s in (self._requests, self._office_requests) if s is not None]
            sync = self._office_sync
        if not routed and sync is None:
            return
        try:
            departments = self.departments()
        except sqlite3.Error:  # mid-rebuild: the next reload routes among the new departments
            log.warning("departments unavailable after reopening the store", exc_info=True)
            return
        for service in routed:
            service.router.use(departments)
        if sync is not None:
            sync.use_departments(departments)

    # -- answering -----------------------------------------------------------------------------------------
    @property
    def retriever(self) -> Retriever:
        from kiosk.knowledge.retrieve import Retriever

        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever(self.store, reranker=self._reranker())
            return self._retriever

    def _reranker(self):
        """The dense re-ranker, when it is switched on and its model is installed."""
        if not self.settings.dense_rerank:
            return None
        from kiosk.engines import embed
        from kiosk.knowledge.rerank import DenseReranker

        return DenseReranker(embed.Embedder()) if embed.available() else None

    @property
    def ask_service(self) -> AskService:
        """Extractive answers from the store, refusing below the configured threshold."""
        from kiosk.knowledge.answer_model import configured
        from kiosk.knowledge.ask import AskService

        with self._lock:
            if self._ask is None:
                self._ask = AskService(self.store, self.retriever, model=configured(self.settings.refusal_threshold))
            return self._ask

    def language_model(self, engine: str = "auto", quiet: bool = True) -> LanguageModel | None:
        """The configured local language model, loaded and warmed once; None with ``engine='extractive'`` or
        when it cannot be had (then, unless ``quiet``, the reason goes to stderr)."""
        if engine == "extractive":
            return None
        with self._llm_lock:
            if "model" not in self._llm:
                from kiosk.dialogue.prompts import answer_prefix
                from kiosk.engines.llm import try_load

                self._llm["model"] = try_load(self.settings.llm_model, warm=answer_prefix())
            llm, reason = self._llm["model"]
        if llm is None:
            log.info("language model unavailable: %s", reason)
            if not quiet:
                message = (f"语言模型不可用（{reason}），改用政策原文回答。" if engine == "llm"
                           else f"（{reason}；先用政策原文回答）")
                sys.stderr.write(message + "\n")
        return llm

    def manager(self, engine: str = "auto", quiet: bool = True) -> DialogueManager:
        """The dialogue manager with the desks that could start (one that cannot is left out: the dialogue then
        refers the visitor to the right window rather than stopping the kiosk)."""
        from kiosk.dialogue.manager import DialogueManager

        # the model loads under its own lock, so a manager without one ("extractive") never waits for it
        llm = self.language_model(engine, quiet)
        with self._manager_lock:
            if engine not in self._managers:
                advisor, requests, guides = self._desks()
                self._managers[engine] = DialogueManager(
                    self.store, self.retriever, llm=llm, engine=engine,
                    advisor=advisor, requests=requests, guides=guides, ask_service=self.ask_service,
                    first_token_budget_s=self.settings.llm_first_token_budget_s,
                    intent_budget_s=self.settings.llm_intent_budget_s, turn_log=self.turn_log)
            return self._managers[engine]

    @property
    def turn_log(self) -> QuestionLog | None:
        """The question log every answered turn is written to (None when its file cannot be opened: answers go
        on without it)."""
        from kiosk.office.questionlog import open_log

        with self._lock:
            if not self._turn_log_opened:
                self._turn_log, self._turn_log_opened = open_log(self.settings.question_log_days), True
            return self._turn_log

    def _desks(self) -> tuple:
        from kiosk.guides.interview import GuideDesk
        from kiosk.policy.advisor import PolicyAdvisorDesk
        from kiosk.requests.conversation import RequestDesk

        builders = (lambda: PolicyAdvisorDesk(self.matcher, self.store),
                    lambda: RequestDesk(self.request_service()),
                    lambda: GuideDesk(self.catalog, {d.id: d for d in self.departments()}))
        desks = []
        for build in builders:
            try:
                desks.append(build())
            except Exception as exc:  # noqa: BLE001 - a broken service degrades the kiosk, never stops it
                log.warning("service unavailable: %s", exc)
                desks.append(None)
        return tuple(desks)

    def answer_events(self, question: str, cancel: threading.Event | None = None) -> Iterator[object]:
        """One visitor turn on the kiosk's single shared session (forgotten after the idle timeout); the voice
        loop's answer source."""
        manager = self.manager()
        with self._manager_lock:
            if self._session is None:
                self._session = manager.new_session()
            session = self._session
        if session.idle_for() > self.settings.idle_reset_seconds:
            session.reset()
        return manager.respond(session, question, cancel=cancel)

    # -- services ------------------------------------------------------------------------------------------
    @property
    def matcher(self) -> Matcher:
        """Policy matching on the store's rules and documents (so expired policies and closed windows show)."""
        from kiosk.policy.eligibility import Matcher

        with self._lock:
            if self._matcher is None:
                self._matcher = Matcher.default(self.store)
            return self._matcher

    def request_service(self, llm: LanguageModel | None = None) -> RequestService:
        """The request service on the kiosk's requests file, routing among the store's departments; with ``llm``
        a new one whose requests the language model splits."""
        from kiosk.requests.service import RequestService

        status_url = str(self.settings.extra.get("status_url", ""))
        if llm is not None:
            return RequestService.open(self.departments(), llm=llm, status_url=status_url)
        with self._lock:
            if self._requests is None:
                self._requests = RequestService.open(self.departments(), status_url=status_url)
            return self._requests

    def office_request_service(self) -> RequestService:
        """The requests the district's office works on: the kiosk's own file, or the office's PostgreSQL database
        when config.toml names one (``office_database``)."""
        from kiosk.requests.service import RequestService

        if not self.settings.office_database:
            return self.request_service()
        with self._lock:
            if self._office_requests is None:
                self._office_requests = RequestService.open(self.departments(), path=self.settings.office_database)
            return self._office_requests

    def start_office_sync(self) -> SyncLoop | None:
        """Sync with the district office in the background while the kiosk runs, when config.toml names the office
        and its token and ``office_sync_interval_s`` is not 0; None otherwise. Started once."""
        from kiosk.office.questionlog import open_log
        from kiosk.requests.service import RequestService
        from kiosk.requests.sync_loop import SyncLoop

        settings = self.settings
        with self._lock:
            if self._office_sync is None and settings.office_sync_interval_s:
                if settings.office_url and settings.office_token:
                    # its own connection to the requests file: see kiosk.requests.sync_loop
                    self._office_sync = SyncLoop(
                        lambda: RequestService.open(self.departments()), settings.office_url, settings.office_token,
                        settings.office_sync_interval_s,
                        open_questions=lambda: open_log(settings.question_log_days)).start()
                elif settings.office_url or settings.office_token:
                    log.warning("office sync off: config.toml needs both office_url and office_token")
            return self._office_sync

    def stop_office_sync(self) -> None:
        with self._lock:
            loop, self._office_sync = self._office_sync, None
        if loop is not None:
            loop.stop()

    @property
    def catalog(self) -> Catalog:
        from kiosk.guides.catalog import load_catalog

        with self._lock:
            if self._catalog is None:
                self._catalog = load_catalog(self._store_or_none())
            return self._catalog

    def departments_by_id(self) -> dict[str, Department]:
        """Directory records by id for names and windows; none when the store cannot be read."""
        store = self._store_or_none()
        try:
            return {d.id: d for d in store.directory()} if store is not None else {}
        except sqlite3.Error:
            return {}

    def _store_or_none(self) -> Store | None:
        try:
            return self.store
        except sqlite3.Error:  # mid-rebuild, or from before a table existed: the caller falls back to the files
            log.warning("store unavailable", exc_info=True)
            return None

    # -- engines -------------------------------------------------------------------------------------------
    @property
    def ocr(self) -> OcrEngine:
        """The OCR engine, loaded on first use (about a second); ``ocr_backend`` in config.toml picks it."""
        from kiosk.engines.ocr import load_engine

        with self._ocr_lock:
            if self._ocr is None:
                self._ocr = load_engine(str(self.settings.extra.get("ocr_backend", "auto")))
            return self._ocr

    def speaker(self, voice: str | None = None, elderly: bool = False, style: VoiceStyle | None = None) -> Speaker:
        """A loaded voice: ``voice`` by name, else ``tts_voice``, else the best installed; styled by the settings
        unless ``style`` is given."""
        from kiosk.engines.tts import load_speaker

        return load_speaker(voice, style=style, elderly=elderly, settings=self.settings)

    def recogniser(self, biased: bool = True, sharing: AsrEngine | None = None) -> AsrEngine:
        """Speech recognition as every place a visitor speaks hears it (`kiosk.voice.recognition`): biased
        towards the store's words unless ``biased`` is off; not yet loaded unless it shares ``sharing``'s model."""
        from kiosk.voice.recognition import hall_recogniser

        return hall_recogniser(self._store_or_none() if biased else None, bias=biased, sharing=sharing)

    def hotwords(self) -> list[str]:
        """Whisper's prompt terms for the store in use; none when no store can be opened."""
        from kiosk.voice.vocabulary import visitor_hotwords

        return visitor_hotwords(self._store_or_none())

    def vocabulary(self) -> list[str]:
        """The store's terms recognition is biased towards; none when no store can be opened."""
        try:
            return self.store.vocabulary()
        except Exception:  # noqa: BLE001 - a missing or broken store must not stop speech recognition
            log.warning("store vocabulary unavailable; recognising without it", exc_info=True)
            return []
