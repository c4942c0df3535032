"""Turning an extractive answer into a spoken, streamed one, with the language model only around the facts.

Order of what a visitor gets:

1. ``AnswerLead``: a grounded sentence naming the document, the moment the passages are known;
2. one ``AnswerSentence`` per fact sentence, copied from the passages with its [n] marker;
3. the model's sentences (a practical reminder, a follow-up question) as they are generated, each checked
   against the cited passages and dropped when it states a number, date or organisation they do not;
4. ``AnswerDone`` with the whole text, which path answered and the timings.

If the model is missing, misses its first-token budget, stalls for as long between two pieces or fails, the answer
simply ends after step 2 (plus any model sentence already checked and said), which is the extractive composer's
answer: the facts never depend on the model, and a model stuck for good never holds the turn.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field

from kiosk.dialogue import prompts
from kiosk.dialogue.generation import ModelTimeout, model_pieces
from kiosk.dialogue.grounding import CITE_RE, SentenceCutter, leaks, numbers_grounded, support, unsupported
from kiosk.dialogue.protocols import LanguageModel
from kiosk.events import AnswerDone, AnswerLead, AnswerSentence, Citation, Notice
from kiosk.store.demo import SAMPLE_MARK, SPOKEN_NOTE, marked

log = logging.getLogger(__name__)

ENGINES = ("auto", "llm", "extractive")
GENERIC_LEAD = "这个问题，我在政策库里查到了依据。"
MAX_MODEL_SENTENCES = 2
MIN_SUPPORT = 0.7


@dataclass
class Extracted:
    """The extractive answer the composer made (``kiosk.knowledge.answer.Answer`` has these fields)."""

    question: str
    text: str
    refused: bool
    confidence: float
    citations: list[Citation] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    lead: str = ""
    suggestions: list[str] = field(default_factory=list)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _similar(a: str, b: str) -> bool:
    """Whether a model sentence mostly repeats a fact sentence (shared character bigrams)."""
    grams = {a[i:i + 2] for i in range(len(a) - 1)}
    if not grams:
        return True
    other = {b[i:i + 2] for i in range(len(b) - 1)}
    return len(grams & other) / len(grams) > 0.6


class GroundedAnswerer:
    """Streams answers; holds the language model (optional) and its time budget."""

    def __init__(self, llm: LanguageModel | None = None, first_token_budget_s: float = 6.0, max_tokens: int = 80):
        self.llm = llm
        self.first_token_budget_s = first_token_budget_s
        self.max_tokens = max_tokens

    def engine_for(self, requested: str) -> str:
        if requested not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}")
        return "extractive" if requested == "extractive" or self.llm is None else "llm"

    def stream(
        self,
        answer: Extracted,
        engine: str = "auto",
        cancel: threading.Event | None = None,
        started: float | None = None,
    ) -> Iterator[object]:
        """Events for one answer; ``started`` is when the visitor's question arrived (perf_counter)."""
        started = started if started is not None else time.perf_counter()
        cancel = cancel or threading.Event()
        use_llm = self.engine_for(engine) == "llm" and not answer.refused and bool(answer.sentences)
        timings: dict[str, float] = {}
        if not use_llm:
            sentences = list(answer.sentences or [answer.text])
            if answer.refused and engine != "extractive" and (hint := related_hint(answer.citations)):
                sentences.append(hint)  # a demo document it names is marked 样例 in its title
            # an answer resting on demo content says so before anything from it is said
            note = "" if answer.refused else sample_note(answer.citations)
            sentences = [note, *sentences] if note else sentences
            for sentence in sentences:
                yield AnswerSentence(sentence, _markers(sentence), "extractive")
            timings["total"] = _ms(time.perf_counter() - started)
            text = answer.text if len(sentences) == 1 else "".join(sentences)
            yield AnswerDone(text, answer.refused, answer.confidence, "extractive", tuple(answer.citations),
                             tuple(answer.suggestions), timings)
            return
        sources = [c.text for c in answer.citations]
        found, total = numbers_grounded(answer.lead, sources)
        # A title's year or issue number is often not in the passage text; a lead must not carry ungrounded digits.
        lead = answer.lead if answer.lead and found == total else GENERIC_LEAD
        yield AnswerLead(lead)
        timings["lead"] = _ms(time.perf_counter() - started)
        if note := sample_note(answer.citations):
            yield AnswerSentence(note, (), "extractive")
        for sentence in answer.sentences:
            yield AnswerSentence(sentence, _markers(sentence), "extractive")
        added: list[str] = []
        messages = prompts.answer_messages(answer.question, answer.sentences, answer.citations)
        generated_at = time.perf_counter()
        try:
            for sentence in self._model_sentences(messages, cancel, timings, started):
                if cancel.is_set() or len(added) == MAX_MODEL_SENTENCES:
                    break
                checked = self._accept(sentence, answer, sources)
                if checked:
                    added.append(checked)
                    yield AnswerSentence(checked, _markers(checked), "llm")
        except ModelTimeout:
            log.warning("language model wrote nothing for %.1f s; answering from passages only",
                        self.first_token_budget_s)
            yield Notice("语言模型响应较慢，这次先用政策原文回答。", "info")
        except Exception as exc:  # noqa: BLE001 - a failing model must never cost the visitor the answer
            log.warning("language model failed (%s); answering from passages only", exc)
        timings["generate"] = _ms(time.perf_counter() - generated_at)
        timings["total"] = _ms(time.perf_counter() - started)
        facts = "".join(answer.sentences)
        # whatever the composer put before the facts (its note about a truncated question) stays in front
        prefix = answer.text[: -len(facts)] if facts and answer.text.endswith(facts) else ""
        text = "".join([prefix, lead, note, facts, *added])
        yield AnswerDone(text, False, answer.confidence, "llm" if added else "extractive", tuple(answer.citations),
                         tuple(answer.suggestions), timings)

    def _accept(self, sentence: str, answer: Extracted, sources: list[str]) -> str:
        """The sentence if it is grounded, new and harmless; else ''."""
        valid = {c.n for c in answer.citations}
        sentence = CITE_RE.sub(lambda m: m.group(0) if int(m.group(1)) in valid else "", sentence).strip()
        plain = CITE_RE.sub("", sentence)
        if len(plain) < 4 or any(mark in plain for mark in ("【", "】", "资料", "《")) or leaks(plain, prompts.PERSONA):
            return ""
        if any(_similar(plain, CITE_RE.sub("", f)) for f in [*answer.sentences, answer.question]):
            return ""
        known = [*sources, prompts.SELF_FACTS]
        missing = unsupported(plain, known)
        if missing:
            log.info("dropped ungrounded model sentence %r (unsupported: %s)", plain, missing)
            return ""
        # A question back to the visitor states nothing; a statement must be mostly the passages' own words.
        if not plain.rstrip().endswith(("？", "?")) and support(plain, [*known, prompts.SAFE_PHRASES]) < MIN_SUPPORT:
            log.info("dropped model sentence %r: not in the passages' words", plain)
            return ""
        return sentence

    def _model_sentences(self, messages, cancel: threading.Event, timings: dict[str, float],
                         started: float) -> Iterator[str]:
        cutter = SentenceCutter()
        # closed with this generator, so the model stops when the turn stops reading (cancelled, or enough said)
        with closing(model_pieces(self.llm, messages, cancel, self.first_token_budget_s, name="llm-answer",
                                  max_tokens=self.max_tokens, temperature=0.2)) as pieces:
            for piece in pieces:
                if cancel.is_set():
                    return
                if "first_token" not in timings:
                    timings["first_token"] = _ms(time.perf_counter() - started)
                yield from cutter.feed(piece)
        yield from cutter.flush()


def sample_note(citations: list[Citation]) -> str:
    """The spoken warning for an answer resting on demo content, or ''."""
    return SPOKEN_NOTE if any(c.sample for c in citations) else ""


def related_hint(citations: list[Citation]) -> str:
    """When nothing answers directly, name the related documents a refusal cites, plainly as a suggestion."""
    titles = []
    for c in citations:
        plain = f"《{c.title.replace(f'（{SAMPLE_MARK}）', '')}》"
        titles.append(marked(plain) if c.sample else plain)
    if not titles:
        return ""
    return f"这只是我的建议，仅供参考：可以先看看{'和'.join(titles)}，里面可能有和您的情况相关的内容。"


def _markers(sentence: str) -> tuple[int, ...]:
    return tuple(int(n) for n in CITE_RE.findall(sentence))
