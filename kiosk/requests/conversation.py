"""The request desk the dialogue talks to: a spoken request becomes a ticket over a few short turns.

Turn 1 takes the request and says how it splits and where each part goes; then the desk asks for the company
name, the phone number and consent, one short question at a time (a short answer is what the dialogue hands
back), and only after the commit says "已受理". A progress check ("查一下工单 XH… 后四位 5678") is answered the
same way. One kiosk serves one visitor at a time, so the desk keeps a single draft, forgotten after a pause.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.errors import storage_message
from kiosk.events import ServiceReply
from kiosk.requests.lifecycle import LABELS
from kiosk.requests.service import RequestService, SubmitForm
from kiosk.requests.validate import RequestError, clean_company, clean_text, normalize_phone

log = logging.getLogger(__name__)
DRAFT_TTL = timedelta(minutes=3)
# {where}: the desk that takes in requests (`Router.intake`), named from the store, never a made-up location
NOT_SAVED = "抱歉，系统暂时没能保存这件事，请到{where}当面反映，或稍后再试。"
NOT_REGISTERED = "好的，没有登记。您也可以到{where}当面反映。"
ASK_COMPANY = "请问企业的全称是什么？"
ASK_PHONE = "请说一个联系手机号，办理结果会通知您。"
ASK_CONSENT = "我们会把诉求和您的联系方式转给承办部门，您同意吗？"
ASK_STATUS = "请说出工单号和登记手机号的后四位，例如：XH20261123-0042，后四位5678。"
CANCEL = ("算了", "不用了", "取消", "不登记", "不要了")
YES = ("同意", "可以", "好", "行", "是", "对", "嗯", "没问题", "要")
NO = ("不同意", "不行", "不可以", "不要", "不")
_PHONE = re.compile(r"(?:\+?86)?[\s-]*(1[3-9](?:[\s-]?\d){9}|0\d{2,3}[\s-]?\d{7,8})")
_TICKET = re.compile(r"XH\s*\d{8}\s*-?\s*\d{4}", re.IGNORECASE)
_LAST4 = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_COMPANY = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()·]{2,40}?(?:股份有限公司|有限责任公司|有限公司|公司|工作室|事务所|合作社|商行|厂|店|中心)")
_STATUS_WORDS = ("进度", "查询工单", "查工单", "工单号", "办到哪", "查一下我的", "查下我的")


@dataclass
class _Draft:
    text: str
    address: str
    started: datetime
    company: str = ""
    phone: str = ""
    stage: str = "company"  # company | phone | consent | status


class RequestDesk:
    def __init__(self, service: RequestService, clock: Callable[[], datetime] | None = None):
        self.service = service
        self.clock = clock or service.clock
        self.draft: _Draft | None = None

    def take(self, text: str, facts: dict[str, str]) -> ServiceReply:
        text = unicodedata.normalize("NFKC", text or "").strip()
        now = self.clock()
        if self.draft and now - self.draft.started > DRAFT_TTL:
            self.draft = None
        if self.draft and any(w in text for w in CANCEL):
            self.draft = None
            return ServiceReply(["好的，这件事先不登记了。需要时随时叫我。"])
        if self.draft is None:
            if _TICKET.search(text) or any(w in text for w in _STATUS_WORDS):
                self.draft = _Draft("", "", now, stage="status")
                return self._status(text)
            return self._start(text, facts, now)
        return {"company": self._company, "phone": self._phone, "consent": self._consent,
                "status": self._status}[self.draft.stage](text)

    def _start(self, text: str, facts: dict[str, str], now: datetime) -> ServiceReply:
        try:
            cleaned, _ = clean_text(text)
        except RequestError as exc:
            return ServiceReply([exc.friendly])
        address = facts.get("address") or facts.get("street", "")
        items = self.service.intake.process(cleaned, address)
        if not items:
            return ServiceReply(["请说一说具体遇到了什么问题或想办什么事，我帮您转给对应的部门。"])
        self.draft = _Draft(cleaned, address, now)
        handlers = [self.service.handled_by(i.route.department) for i in items]
        if len(items) == 1:
            first = f"好的，这件事我帮您登记，{handlers[0]}。"
        else:
            parts = "；".join(f"第{n}件，{i.text}，{h}" for n, (i, h) in enumerate(zip(items, handlers, strict=True), 1))
            first = f"好的，您说的是{len(items)}件事：{parts}。"
        preview = [{"text": i.text, "section": i.route.section, "department": i.route.department} for i in items]
        return ServiceReply([first], follow_up=ASK_COMPANY, data={"request_preview": preview})

    def reset(self) -> None:
        """Forget the draft: the UI calls this when the visitor leaves (idle reset)."""
        self.draft = None

    def _company(self, text: str) -> ServiceReply:
        draft = self.draft
        if not _COMPANY.search(text) and not _PHONE.search(text) and self.service.router.category_of(text):
            # Not a name but another matter: a new visitor, or the same one starting over.
            self.draft = None
            return self._start(text, {}, self.clock())
        phone = _PHONE.search(text)
        if phone:
            draft.phone = phone.group(1)
            text = text.replace(phone.group(0), " ")
        m = _COMPANY.search(text)
        candidate = m.group(0) if m else re.sub(r"^(我们是|我们|是|叫|公司叫|公司名称是)", "", text).strip(" ，。")
        try:
            draft.company = clean_company(candidate)
        except RequestError as exc:
            return ServiceReply([exc.friendly], follow_up=ASK_COMPANY)
        return self._phone("") if draft.phone else self._ask("phone", ASK_PHONE)

    def _phone(self, text: str) -> ServiceReply:
        draft = self.draft
        raw = draft.phone or (m.group(1) if (m := _PHONE.search(text)) else text)
        try:
            draft.phone = normalize_phone(raw)
        except RequestError as exc:
            draft.phone = ""
            return ServiceReply([exc.friendly], follow_up=ASK_PHONE)
        return self._ask("consent", ASK_CONSENT)

    def _consent(self, text: str) -> ServiceReply:
        draft = self.draft
        if text.startswith(NO) or "不同意" in text:
            self.draft = None
            return ServiceReply([NOT_REGISTERED.format(where=self._intake_name())])
        if not text.startswith(YES):
            return ServiceReply([], follow_up=ASK_CONSENT)
        self.draft = None
        try:
            receipt = self.service.submit(SubmitForm(draft.text, draft.company, draft.phone, draft.address, "kiosk-voice"))
        except RequestError as exc:
            return ServiceReply([exc.friendly])
        except sqlite3.Error:
            log.exception("request not saved")
            # Not committed, so not accepted: say so plainly rather than hand out a ticket that does not exist.
            return ServiceReply([NOT_SAVED.format(where=self._intake_name())])
        return ServiceReply([receipt.message], suggestions=["查询工单进度"], data={"receipt": receipt.to_dict()})

    def _status(self, text: str) -> ServiceReply:
        ticket = _TICKET.search(text)
        rest = text.replace(ticket.group(0), " ") if ticket else text
        last4 = _LAST4.findall(rest)
        if not ticket or not last4:
            return ServiceReply([], follow_up=ASK_STATUS)
        self.draft = None
        number = re.sub(r"[\s-]", "", ticket.group(0).upper())
        try:
            view = self.service.status(f"{number[:10]}-{number[10:]}", last4[-1])
        except RequestError as exc:
            return ServiceReply([exc.friendly])
        except sqlite3.Error as exc:
            return ServiceReply([storage_message(exc)])
        now = self.service.clock()
        sentences = [f"工单{view.ticket}共{len(view.items)}项。"]
        for i in view.items:
            late = "，已超过时限，我们已催办" if i.is_overdue(now) else ""
            sentences.append(f"第{i.seq}项{LABELS[i.state]}，{self.service.handled_by(i.department)}{late}。")
        data = {"status": {"ticket": view.ticket, "items": [i.to_dict(now) for i in view.items]}}
        return ServiceReply(sentences, data=data)

    def _intake_name(self) -> str:
        return self.service.department_name(self.service.router.intake)

    def _ask(self, stage: str, question: str) -> ServiceReply:
        self.draft.stage = stage
        return ServiceReply([], follow_up=question)
