"""Answering a question end to end without a language model: normalise, retrieve, compose, time each step."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kiosk.knowledge.answer import Answer, compose
from kiosk.knowledge.answer_model import AnswerModel, shipped
from kiosk.knowledge.followup import contextualize
from kiosk.knowledge.normalize import MAX_QUESTION_CHARS
from kiosk.knowledge.parts import combine, split_parts, which_part
from kiosk.knowledge.retrieve import Retriever
from kiosk.store import Store

TOP_K = 6


@dataclass
class AskService:
    """One store, one retriever, loaded once. It keeps no conversation: a follow-up names the earlier question
    it follows (the dialogue session remembers it)."""

    store: Store
    retriever: Retriever | None = None
    model: AnswerModel = field(default_factory=shipped)

    def __post_init__(self) -> None:
        self.retriever = self.retriever or Retriever(self.store)

    def ask(self, question: str, previous: str = "") -> tuple[Answer, dict[str, float]]:
        """The extractive answer and the time each stage took, in milliseconds; ``previous`` is the earlier
        question a follow-up ("那需要什么材料？") borrows its topic from. A question in several parts gets every
        part answered when the store answers each (a later part borrows the first part's topic when it needs
        one)."""
        timings = {"retrieve": 0.0, "compose": 0.0}
        start = time.perf_counter()
        truncated = len(question) > MAX_QUESTION_CHARS
        resolved = contextualize(question, previous)
        parts = split_parts(question)
        first = contextualize(parts[0], previous)
        answers = [self._answer(first if i == 0 else contextualize(part, first), timings)
                   for i, part in enumerate(parts)]
        if len(parts) == 1:
            answer = answers[0]
        elif all(not a.refused for a in answers):
            answer = combine(resolved, answers)
        else:
            # a part the store cannot answer often carries what the others depend on (a year, a place): then the
            # question is judged whole, not answered in pieces that would mislead
            answer = self._answer(resolved, timings)
            if answer.refused and any(not a.refused for a in answers):
                answer = which_part(resolved, parts, answers, answer)
        answer.question = question[:MAX_QUESTION_CHARS]
        if truncated:
            answer.text = f"（您的问题较长，我只看了前{MAX_QUESTION_CHARS}个字。）" + answer.text
        timings = {k: round(v, 2) for k, v in timings.items()}
        timings["total"] = round((time.perf_counter() - start) * 1000, 2)
        return answer, timings

    def _answer(self, question: str, timings: dict[str, float]) -> Answer:
        start = time.perf_counter()
        hits = self.retriever.search(question, k=TOP_K)
        mid = time.perf_counter()
        answer = compose(question, hits, self.store, self.retriever, model=self.model)
        timings["retrieve"] += (mid - start) * 1000
        timings["compose"] += (time.perf_counter() - mid) * 1000
        return answer
