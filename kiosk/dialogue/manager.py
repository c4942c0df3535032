"""The dialogue manager: one visitor turn in, a stream of events out. No UI, no model library.

Per turn: tidy the text, note enterprise facts the visitor states, resolve a short "yes" to the last offer and a
follow-up ("那需要什么材料？") against the topic, route by intent, and answer through the knowledge base (with
the language model around the facts), or through the policy advisor, request desk or guide desk when those are
handed in. Whatever happens, the turn ends with ``AnswerDone``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

from kiosk.dialogue import intent as intents
from kiosk.dialogue.answering import GroundedAnswerer
from kiosk.dialogue.protocols import GuideDesk, LanguageModel, PolicyAdvisor, RequestDesk, TurnLog, TurnSummary
from kiosk.dialogue.session import Session, is_yes, profile_facts
from kiosk.events import AnswerDone, AnswerLead, AnswerSentence, Notice, ServiceReply
from kiosk.knowledge.answer import Answer
from kiosk.knowledge.ask import AskService
from kiosk.knowledge.followup import contextualize, is_follow_up
from kiosk.knowledge.normalize import MAX_QUESTION_CHARS, clean
from kiosk.knowledge.retrieve import Retriever
from kiosk.knowledge.routing import referral_department
from kiosk.store import Store

log = logging.getLogger(__name__)

GREETING = "您好，我是西小服！可以问我惠企政策、办事流程，也可以反映企业的诉求。"
SMALLTALK_REPLIES = {
    "谢": "不客气！还有什么可以帮您的吗？",
    "再见": "再见，祝您生意兴隆！",
    "拜拜": "再见，祝您生意兴隆！",
    "你是谁": "我是西小服，西湖区企业服务中心的数字人助手，专门帮企业查政策、问流程、提诉求。",
    "名字": "我叫西小服，是企业服务中心的数字人助手。",
    "做什么": "我可以帮您查惠企政策和办事指南，看看您的企业能享受哪些政策，还可以帮您登记诉求。",
    "能干什么": "我可以帮您查惠企政策和办事指南，看看您的企业能享受哪些政策，还可以帮您登记诉求。",
    "机器人": "我是数字人助手西小服，回答都来自政策原文，拿不准的会请您咨询窗口工作人员。",
}
OUT_OF_SCOPE = "这个我帮不上忙啦，我只懂企业服务方面的事：政策、办事流程和企业诉求。您有这方面的问题吗？"
QUOTE_CHARS = 20  # of the visitor's words said back in the off-topic reply
REQUEST_FALLBACK = "您反映的情况很重要。诉求登记暂时不能在这里办理，请到综合受理窗口登记，工作人员会跟进。"
TOO_LONG = f"您的内容比较长，我先看前{MAX_QUESTION_CHARS}个字。"


class DialogueManager:
    """Shared services for every session; :meth:`respond` is safe to call from a worker thread per session."""

    def __init__(
        self,
        store: Store,
        retriever: Retriever | None = None,
        llm: LanguageModel | None = None,
        advisor: PolicyAdvisor | None = None,
        requests: RequestDesk | None = None,
        guides: GuideDesk | None = None,
        engine: str = "auto",
        first_token_budget_s: float = 6.0,
        intent_budget_s: float = 3.0,
        ask_service: AskService | None = None,
        turn_log: TurnLog | None = None,
    ):
        self.store = store
        self.retriever = retriever or Retriever(store)
        self.ask_service = ask_service or AskService(store, self.retriever)
        self.answerer = GroundedAnswerer(llm, first_token_budget_s=first_token_budget_s)
        self.router = intents.IntentRouter(llm, budget_s=intent_budget_s)
        self.advisor = advisor
        self.requests = requests
        self.guides = guides
        self.engine = engine
        self.turn_log = turn_log
        self._streets = tuple(d.name for d in store.departments("street"))
        self._lock = threading.Lock()

    def new_session(self) -> Session:
        return Session()

    def respond(self, session: Session, text: str, cancel: threading.Event | None = None,
                engine: str | None = None) -> Iterator[object]:
        """Events for one visitor turn, ending with ``AnswerDone``."""
        started = time.perf_counter()
        cancel = cancel or threading.Event()
        session.touch()
        raw = text or ""
        if len(raw) > MAX_QUESTION_CHARS:
            yield Notice(TOO_LONG)
        text = clean(raw)
        session.facts.update(profile_facts(text, self._streets))
        if session.offer and is_yes(text):
            text, session.offer = session.offer, ""
        intent = self._intent(session, text, cancel)
        log.info("turn %s intent=%s (%s)", session.id, intent.name, intent.source)
        yield from self._logged(self._route(session, intent.name, text, cancel, engine, started), text, intent.name)

    def ask(self, question: str, engine: str | None = None,
            cancel: threading.Event | None = None) -> tuple[Answer, dict[str, float], Iterator[object]]:
        """One policy question outside any conversation (``kiosk ask``): the extractive answer, its stage
        timings, and the events of the spoken answer (logged like a kiosk turn)."""
        started = time.perf_counter()
        with self._lock:
            answer, timings = self.ask_service.ask(question)
        events = self.answerer.stream(answer, engine or self.engine, cancel=cancel, started=started)
        return answer, timings, self._logged(events, question, intents.POLICY_QUESTION)

    def _route(self, session: Session, intent: str, text: str, cancel: threading.Event, engine: str | None,
               started: float) -> Iterator[object]:
        if intent == intents.SMALLTALK:
            yield from self._say([_smalltalk(text)], started, engine="dialogue")
        elif intent == intents.OUT_OF_SCOPE:
            yield from self._say([off_topic(text)], started, engine="dialogue")
        elif intent == intents.REQUEST:
            yield from self._request(session, text, started)
        elif intent == intents.ELIGIBILITY and self.advisor is not None:
            yield from self._service(session, intent, self.advisor.advise(text, dict(session.facts)), started)
        elif intent == intents.GUIDE and self.guides is not None and (reply := self.guides.guide(text)):
            yield from self._service(session, intent, reply, started)
        else:
            yield from self._answer(session, text, cancel, engine or self.engine, started,
                                    unclear=not (intents.about_services(text) or intents.asks(text)))

    def _logged(self, events: Iterator[object], question: str, intent: str) -> Iterator[object]:
        """The one place a turn is written to the question log: its ``AnswerDone`` carries the logged id."""
        for event in events:
            if isinstance(event, AnswerDone) and self.turn_log is not None:
                event = replace(event, turn=self._log(question, intent, event))
            yield event

    def _log(self, question: str, intent: str, done: AnswerDone) -> str:
        document = done.citations[0].source if done.citations else ""
        summary = TurnSummary(question, intent, self._topic(question, document), not done.refused, done.engine,
                              document, float(done.timings_ms.get("total", 0.0)))
        try:
            return self.turn_log.record(summary)
        except Exception:  # noqa: BLE001 - a full or locked log never costs the visitor an answer
            log.warning("question log not written", exc_info=True)
            return ""

    def _topic(self, question: str, document: str) -> str:
        """The section or department a question belongs to: the one responsible for the cited document, else the
        one a visitor would be referred to (the same rule as a refusal's referral)."""
        with self._lock:
            doc = self.store.document(document) if document else None
            department = self.store.department(doc.department) if doc is not None and doc.department else None
            department = department or referral_department(question, [], self.store)
        return department.name if department else "其他"

    # ------------------------------------------------------------------------------------------ routes

    def _intent(self, session: Session, text: str, cancel: threading.Event) -> intents.Intent:
        if session.pending_intent:
            # The last service asked the visitor something; a short reply answers it.
            pending, session.pending_intent = session.pending_intent, ""
            if len(text) <= 20 and intents.by_rules(text) in (None, intents.Intent(intents.POLICY_QUESTION, "rules")):
                return intents.Intent(pending, "session")
        return self.router.route(text, cancel)

    def _answer(self, session: Session, text: str, cancel: threading.Event, engine: str,
                started: float, unclear: bool = False) -> Iterator[object]:
        """The store's answer; a turn that is neither a question nor names anything enterprise services deal with
        (``unclear``) and that the store cannot answer either is off-topic: the visitor hears about what they
        said, not a policy referral."""
        follow = bool(session.topic) and is_follow_up(text)
        resolved = contextualize(text, session.topic) if follow else text
        with self._lock:  # the retriever's segmenter and the store connection are shared
            answer, _ = self.ask_service.ask(resolved)
        if unclear and answer.refused and not follow:
            yield from self._say([off_topic(text)], started, engine="dialogue")
            return
        answer.question = resolved
        done = None
        for event in self.answerer.stream(answer, engine, cancel=cancel, started=started):
            if isinstance(event, AnswerDone):
                done = event
            yield event
        if done is not None and not done.refused:
            session.topic = session.topic if follow else text
            session.topic_title = done.citations[0].title if done.citations else ""
            session.last_citations = list(done.citations)
            session.asked.add(text)
            session.offer = next((s for s in done.suggestions if s not in session.asked), "")

    def _request(self, session: Session, text: str, started: float) -> Iterator[object]:
        if self.requests is not None:
            yield from self._service(session, intents.REQUEST, self.requests.take(text, dict(session.facts)), started)
            return
        department = referral_department(text, [], self.store)
        where = f"也可以直接联系{department.contact()}。" if department else ""
        yield from self._say([REQUEST_FALLBACK + where], started, engine="dialogue")

    def _service(self, session: Session, intent_name: str, reply: ServiceReply, started: float) -> Iterator[object]:
        sentences = list(reply.sentences)
        if reply.follow_up:
            sentences.append(reply.follow_up)
            session.pending_intent = intent_name
        yield from self._say(sentences, started, engine="dialogue", reply=reply)

    def _say(self, sentences: list[str], started: float, engine: str,
             reply: ServiceReply | None = None) -> Iterator[object]:
        if sentences:
            yield AnswerLead(sentences[0])
        for sentence in sentences[1:]:
            yield AnswerSentence(sentence, (), engine)
        timings = {"total": round((time.perf_counter() - started) * 1000, 1)}
        yield AnswerDone(
            "".join(sentences),
            False,
            1.0,
            engine,
            tuple(reply.citations) if reply else (),
            tuple(reply.suggestions) if reply else (),
            timings,
        )


_FULL_WIDTH = str.maketrans(",?!;:", "，？！；：")


def off_topic(text: str) -> str:
    """The off-topic reply, saying back what the visitor said, so they know what was heard and that it is not
    something the kiosk handles."""
    said = text.strip().rstrip("。？！?!，,.~ ").translate(_FULL_WIDTH)
    if not said:
        return OUT_OF_SCOPE
    said = said if len(said) <= QUOTE_CHARS else said[:QUOTE_CHARS] + "…"
    return f"您说的是“{said}”吧？{OUT_OF_SCOPE}"


def _smalltalk(text: str) -> str:
    for key, reply in SMALLTALK_REPLIES.items():
        if key in text:
            return reply
    return GREETING
