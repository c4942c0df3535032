"""Answering a question end to end without a language model: normalise, retrieve, compose, time each step."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kiosk.config import Settings
from kiosk.knowledge.answer import Answer, compose
from kiosk.knowledge.followup import contextualize
from kiosk.knowledge.normalize import MAX_QUESTION_CHARS
from kiosk.knowledge.retrieve import Reranker, Retriever
from kiosk.store import Store

TOP_K = 6


@dataclass
class Turn:
    question: str
    resolved: str
    answer: Answer


@dataclass
class AskService:
    """One store, one retriever, loaded once; ``history`` carries a conversation's earlier turns."""

    store: Store
    retriever: Retriever | None = None
    history: list[Turn] = field(default_factory=list)
    min_confidence: float = field(default_factory=lambda: Settings.load().refusal_threshold)

    def __post_init__(self) -> None:
        self.retriever = self.retriever or Retriever(self.store, reranker=_reranker())

    def ask(self, question: str, use_history: bool = False) -> tuple[Answer, dict[str, float]]:
        """The extractive answer and the time each stage took, in milliseconds."""
        timings: dict[str, float] = {}
        start = time.perf_counter()
        truncated = len(question) > MAX_QUESTION_CHARS
        previous = self.history[-1].resolved if use_history and self.history else ""
        resolved = contextualize(question, previous)
        hits = self.retriever.search(resolved, k=TOP_K)
        timings["retrieve"] = round((time.perf_counter() - start) * 1000, 2)
        mid = time.perf_counter()
        answer = compose(resolved, hits, self.store, self.retriever, min_confidence=self.min_confidence)
        answer.question = question[:MAX_QUESTION_CHARS]
        if truncated:
            answer.text = f"（您的问题较长，我只看了前{MAX_QUESTION_CHARS}个字。）" + answer.text
        timings["compose"] = round((time.perf_counter() - mid) * 1000, 2)
        timings["total"] = round((time.perf_counter() - start) * 1000, 2)
        if use_history:
            self.history.append(Turn(question, resolved, answer))
        return answer, timings

    def reset(self) -> None:
        self.history.clear()


def _reranker() -> Reranker | None:
    """The dense re-ranker, when it is switched on and its model is installed."""
    if not Settings.load().dense_rerank:
        return None
    from kiosk.engines import embed

    return embed.DenseReranker() if embed.available() else None
