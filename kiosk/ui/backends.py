"""Calls into the kiosk's domain services, returning the UI's view records. No Qt here.

Every method may run on a worker thread. A service that is not installed or not built raises `Unavailable`
with a message fit for a visitor; the screen shows it and stays usable.
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from kiosk.events import AnswerDone, AnswerSentence, Citation

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
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.store: Any = None
        self.retriever: Any = None
        self.dialogue: Any = None
        self.vocabulary: list[str] = []
        self.pinyin: Any = None

    def loaders(self) -> list[tuple[str, Callable[[], str]]]:
        return [("knowledge", self.load_knowledge), ("pinyin", self.load_pinyin)]

    # -- loading -------------------------------------------------------------------------------------------
    def load_knowledge(self) -> str:
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

    def load_pinyin(self) -> str:
        from kiosk.ui.pinyin import PinyinIndex

        self.pinyin = PinyinIndex.build(self.vocabulary)
        return "就绪"

    def reload(self) -> str:
        """Re-open the store after `kiosk db build` replaced it (staff 内容更新)."""
        with self._lock:
            if self.store is not None and hasattr(self.store, "close"):
                self.store.close()
            self.store = self.retriever = None
        return self.load_knowledge()

    def stop_speaking(self) -> None:
        """Cut any speech in progress (barge-in, idle reset)."""

    # -- answering -----------------------------------------------------------------------------------------
    def answer(self, text: str, cancelled: threading.Event) -> Iterator[object]:
        if self.retriever is None:
            raise Unavailable("我还在准备政策知识库，请稍等几秒再问我。")
        compose = need("kiosk.knowledge.answer", "回答模块尚未安装，请咨询服务窗口。").compose
        hits = self.retriever.search(text, k=5)
        if cancelled.is_set():
            return
        answer = compose(text, hits, self.store)
        sentences = list(getattr(answer, "sentences", None) or [answer.text])
        for sentence in sentences:
            yield AnswerSentence(sentence, tuple(int(n) for n in CITE_RE.findall(sentence)), answer.engine)
        yield AnswerDone(answer.text, answer.refused, answer.confidence, answer.engine,
                         tuple(answer.citations), tuple(getattr(answer, "suggestions", ()) or ()))


def citation_text(c: Citation) -> str:
    head = f"《{c.title}》" + (f" {c.article}" if c.article else "")
    return head + (f"（{c.doc_number}）" if c.doc_number else "")
