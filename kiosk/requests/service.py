"""The request service: what the dialogue, the staff console, the CLI and the benchmark call.

A submission is validated, split, routed and linked to near-duplicates, then committed in one transaction (ticket,
items, audit trail, outbox); only after the commit returns does the visitor hear "已受理". Every later change is a
lifecycle transition recorded with who, when and a note, and queued for the district platform.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.privacy import redact
from kiosk.requests import lifecycle
from kiosk.requests.intake import ChatModel, Intake, LlmSplitter, RuleSplitter, Splitter
from kiosk.requests.lifecycle import OPEN_STATES, InvalidTransition, State, add_working_days, next_state
from kiosk.requests.records import DepartmentStats, Event, Item, Ticket
from kiosk.requests.repo.db import RequestDB
from kiosk.requests.routing import Router
from kiosk.requests.similarity import similarity
from kiosk.requests.validate import (
    RequestError,
    check_last4,
    clean_address,
    clean_company,
    clean_text,
    normalize_phone,
    parse_ref,
)
from kiosk.store.records import HALL_DESK, Department

DEDUPE_DAYS = 7
SAME_TOPIC_SIMILARITY = 0.3  # same topic and thing, and this alike: the same matter told again
ANY_TOPIC_SIMILARITY = 0.7
AUTO_CLOSE_DAYS = 7  # a resolved item nobody rates is closed after this many days
# Wrong phone digits are counted per source (this kiosk's screen, its voice desk, the command line), not per
# ticket: tickets are sequential, so a per-ticket count would let a stranger lock the owner out. Ten tries in a
# quarter of an hour leave the 10,000 possible last-four digits out of reach of guessing.
MAX_FAILED_CHECKS = 10
LOCKOUT = timedelta(minutes=15)
LOCKED = "本机查询尝试次数过多，请15分钟后再试，或到服务窗口查询。"
NOT_FOUND = "没有找到这个工单，或手机号后四位不符。请核对工单号和登记手机号的后四位。"


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass
class SubmitForm:
    text: str
    company: str
    phone: str
    address: str = ""
    channel: str = "kiosk"  # kiosk-voice | kiosk-text | form | cli
    consent: bool = True


@dataclass
class Receipt:
    ticket: str
    items: list[Item]
    linked: dict[str, str] = field(default_factory=dict)  # new text → ref of the open item it joined
    message: str = ""
    qr_text: str = ""

    def to_dict(self) -> dict:
        return {
            "ticket": self.ticket,
            "message": self.message,
            "qr_text": self.qr_text,
            "items": [
                {"text": i.text, "section": i.section, "department": i.department, "due": i.due_at.isoformat(timespec="minutes"),
                 "ref": i.ref, "category": i.category, "state": str(i.state)}
                for i in self.items
            ],
            "linked": self.linked,
        }


@dataclass
class StatusView:
    ticket: str
    company: str
    phone_masked: str
    created_at: datetime
    items: list[Item]
    events: list[Event]


class RequestService:
    def __init__(self, db: RequestDB, router: Router, splitter: Splitter | None = None,
                 clock: Callable[[], datetime] = _now, status_url: str = ""):
        self.db = db
        self.router = router
        self.intake = Intake(router, splitter)
        self.clock = clock
        self.status_url = status_url

    @classmethod
    def open(cls, departments: list[Department], path: Path | None = None,
             llm: ChatModel | None = None, status_url: str = "") -> RequestService:
        """The service on the kiosk's own requests file (``path``), routing among ``departments`` (the store's
        directory, `Store.directory`: never empty, the hall's general window when the store has no departments).

        With ``llm`` a language model splits requests (the rules check it and take over when it strays).
        """
        router = Router(departments)
        splitter = LlmSplitter.from_model(llm, RuleSplitter(router)) if llm is not None else None
        return cls(RequestDB(path), router, splitter, status_url=status_url)

    def close(self) -> None:
        self.db.close()

    def department_name(self, dept_id: str | None) -> str:
        d = self.router.departments.get(dept_id or "")
        return d.name if d else (dept_id or "")

    def handled_by(self, dept_id: str | None) -> str:
        """Who deals with an item, as the visitor hears it: the hall's general window only takes a request in, so
        the visitor hears that staff pass it on rather than that the window itself will handle it."""
        name = self.department_name(dept_id)
        if dept_id == HALL_DESK.id:
            return f"由{name}接收，工作人员会转交负责的部门办理"
        return f"由{name}办理"

    # ── intake ──

    def submit(self, form: SubmitForm) -> Receipt:
        """Only the redacted text is kept: the contact phone the departments need is ``form.phone``."""
        text = redact(clean_text(form.text)[0])
        company = clean_company(form.company)
        phone = normalize_phone(form.phone)
        if not form.consent:
            raise RequestError("需要您同意我们记录联系方式并转交相关部门办理，才能受理这件事。")
        address = clean_address(form.address)
        routed = self.intake.process(text, address)
        if not routed:
            raise RequestError("请说一说具体遇到了什么问题或想办什么事，我们帮您转给对应的部门。")
        now = self.clock()
        key = company_key(company)
        with self.db.transaction():
            recent = [
                i for i in self.db.recent_items_of_enterprise(phone, key, now - timedelta(days=DEDUPE_DAYS))
                if i.state in OPEN_STATES
            ]
            fresh, linked, linked_items = [], {}, []
            for it in routed:
                original = _near_duplicate(it.text, it.route.category, recent, self.router)
                if original is None:
                    fresh.append(it)
                    continue
                linked[it.text] = original.ref
                linked_items.append(original)
                self.db.add_contact(original, phone, now)
                event_id = self.db.add_event(original, now, "企业", "linked", None, None, f"同一企业再次反映：{it.text}")
                self._queue(original, event_id, "linked", now, "企业", f"同一企业再次反映：{it.text}")
            if not fresh:
                items = list({i.ref: i for i in linked_items}.values())
                first = items[0].ticket
                return Receipt(first, items, linked, self._linked_message(first), self._qr_text(first))
            ticket = Ticket(self.db.next_ticket(now), now, company, phone, address, text, form.channel)
            self.db.insert_ticket(ticket, key, form.consent)
            for seq, it in enumerate(fresh, start=1):
                r = it.route
                item = Item(
                    id=0, ticket=ticket.ticket, seq=seq, text=it.text, category=r.category, section=r.section,
                    department=r.department, tier=r.tier, state=State.SUBMITTED, created_at=now,
                    due_at=add_working_days(now, r.sla_days), updated_at=now, confident=r.confident,
                )
                self.db.insert_item(item)
                event_id = self.db.add_event(item, now, "企业", "submit", None, State.SUBMITTED, form.channel)
                self._queue(item, event_id, "submit", now, "企业", "", created=ticket)
                self._transition(item, "dispatch", now, "系统", f"派至{self.department_name(item.department)}")
                ticket.items.append(item)
        message = self._accepted_message(ticket, linked)
        return Receipt(ticket.ticket, ticket.items, linked, message, self._qr_text(ticket.ticket))

    def _accepted_message(self, ticket: Ticket, linked: dict[str, str]) -> str:
        parts = [f"已受理，工单号 {ticket.ticket}。"]
        for i in ticket.items:
            due = i.due_at.strftime("%m月%d日")
            parts.append(f"第{i.seq}项{self.handled_by(i.department)}，{due}前答复。")
        if linked:
            refs = "、".join(sorted(set(linked.values())))
            parts.append(f"另有{len(linked)}项已在办理中（{refs}），已把您的补充转给承办部门。")
        parts.append("凭工单号和手机号后四位可随时查询进度。")
        return "".join(parts)

    def _linked_message(self, ticket: str) -> str:
        return f"您反映的事项已在办理中（工单号 {ticket}），我们已把您这次补充的情况转给承办部门，不重复立单。"

    def _qr_text(self, ticket: str) -> str:
        if self.status_url:
            sep = "&" if "?" in self.status_url else "?"
            return f"{self.status_url}{sep}ticket={ticket}"
        return f"西小服工单 {ticket}：在一体机“办件查询”输入工单号和手机号后四位查看进度"

    # ── lifecycle ──

    def _transition(self, item: Item, action: str, now: datetime, actor: str, note: str = "", **changes) -> None:
        before = item.state
        after = next_state(action, before)
        self.db.update_item(item, state=after, updated_at=now, **changes)
        event_id = self.db.add_event(item, now, actor, action, before, after, note)
        self._queue(item, event_id, action, now, actor, note)

    def _queue(self, item: Item, event_id: int, action: str, at: datetime, actor: str, note: str,
               created: Ticket | None = None) -> None:
        payload = {
            "key": f"{item.ref}-e{event_id}",
            "kind": "item.created" if created else "item.event",
            "ticket": item.ticket,
            "item": item.ref,
            "action": action,
            "state": str(item.state),
            "category": item.category,
            "section": item.section,
            "department": item.department,
            "due": item.due_at.isoformat(timespec="minutes"),
            "at": at.isoformat(timespec="seconds"),
            "actor": actor,
            "note": note,
        }
        if action == "rate":
            payload["rating"] = item.rating  # an office serving the hall keeps the score in its own figures
        if created:
            payload |= {"text": item.text, "company": created.company, "phone": created.phone,
                        "address": created.address, "channel": created.channel}
        self.db.add_outbox(payload["key"], payload["kind"], payload, at)

    def _targets(self, ref: str, action: str) -> list[Item]:
        """The items ``ref`` names: one item, or every item of a ticket that the action applies to."""
        ticket, seq = parse_ref(ref)
        if seq is not None:
            item = self.db.item(ticket, seq)
            if item is None:
                raise RequestError(f"没有找到事项 {ticket}-{seq}。")
            return [item]
        items = self.db.items_of(ticket)
        if not items:
            raise RequestError(f"没有找到工单 {ticket}。")
        if action not in lifecycle.TRANSITIONS:
            return items
        allowed = lifecycle.TRANSITIONS[action][0]
        applicable = [i for i in items if i.state in allowed]
        if not applicable:
            raise InvalidTransition(action, items[0].state)
        return applicable

    def act(self, ref: str, action: str, actor: str = "工作人员", note: str = "") -> list[Item]:
        """accept | start | resolve | close on an item or a whole ticket, as one transaction."""
        if action not in ("accept", "start", "resolve", "close"):
            raise RequestError(f"不支持的操作：{action}")
        now = self.clock()
        with self.db.transaction():
            items = self._targets(ref, action)
            for item in items:
                changes = {"resolved_at": now} if action == "resolve" else {}
                self._transition(item, action, now, actor, note, **changes)
        return items

    def transfer(self, ref: str, department: str, actor: str = "工作人员", note: str = "") -> list[Item]:
        """Pass items on to another department or down to a street (tiered routing), with a fresh deadline."""
        dept = self.router.departments.get(department)
        if dept is None:
            raise RequestError(f"没有找到部门“{department}”，请用部门编号，例如 street_xixi、unit_rsj。")
        now = self.clock()
        with self.db.transaction():
            items = self._targets(ref, "transfer")
            for item in items:
                cat = self.router.category(item.category)
                days = cat.sla_days if cat else lifecycle.ESCALATION_EXTRA_DAYS
                section = None if dept.kind == "street" else (dept.id if dept.kind == "section" else item.section)
                self._transition(
                    item, "transfer", now, actor, note or f"转派至{dept.name}", department=dept.id, section=section,
                    tier="street" if dept.kind == "street" else "section", due_at=add_working_days(now, days),
                )
        return items

    def note(self, ref: str, text: str, actor: str = "工作人员") -> list[Item]:
        text = (text or "").strip()
        if not text:
            raise RequestError("备注内容不能为空。")
        now = self.clock()
        with self.db.transaction():
            items = self._targets(ref, "note")
            for item in items:
                event_id = self.db.add_event(item, now, actor, "note", None, None, text[:1000])
                self._queue(item, event_id, "note", now, actor, text[:1000])
        return items

    def rate(self, ref: str, phone_last4: str, score: int, comment: str = "", source: str = "kiosk") -> list[Item]:
        """The enterprise rates resolved items; 1–2 reopens them, 3–5 closes them."""
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise RequestError("评分请选 1 到 5 分。")
        ticket, _ = parse_ref(ref)
        visible = self._check_owner(ticket, phone_last4, source)
        now = self.clock()
        comment = redact((comment or "").strip()[:500])
        with self.db.transaction():
            items = _only(self._targets(ref, "rate"), visible)
            for item in items:
                self._transition(item, "rate", now, "企业", f"{score}分 {comment}".strip(), rating=score,
                                 rating_comment=comment)
                if score <= lifecycle.POOR_RATING:
                    cat = self.router.category(item.category)
                    self._transition(
                        item, "reopen", now, "系统", "评价不满意，重新办理", reopened=item.reopened + 1,
                        resolved_at=None, due_at=add_working_days(now, cat.sla_days if cat else 3),
                    )
                else:
                    self._transition(item, "close", now, "系统", "评价后关闭")
        return items

    def chase(self, ref: str, phone_last4: str, source: str = "kiosk") -> list[Item]:
        """The enterprise asks for progress (催单): the handling department is told at once."""
        ticket, _ = parse_ref(ref)
        visible = self._check_owner(ticket, phone_last4, source)
        now = self.clock()
        with self.db.transaction():
            items = [i for i in _only(self._targets(ref, "chase"), visible) if i.state in OPEN_STATES]
            if not items:
                raise RequestError("这个工单的事项都已办结，不需要催办。")
            for item in items:
                event_id = self.db.add_event(item, now, "企业", "chase", None, None, "企业催办")
                self._queue(item, event_id, "chase", now, "企业", "企业催办")
        return items

    def sweep(self) -> list[tuple[str, str]]:
        """Reminders for overdue items, escalation at the second reminder, closing of long-unrated items.

        Returns (item ref, action) pairs. Safe to run as often as wanted: each step waits for its own condition.
        """
        now = self.clock()
        done: list[tuple[str, str]] = []
        with self.db.transaction():
            for item in self.db.items(states=[str(s) for s in OPEN_STATES], due_before=now):
                since_escalation = item.reminders - lifecycle.ESCALATE_AFTER_REMINDERS * item.escalation
                if since_escalation >= 1 and item.last_reminded_at and now - item.last_reminded_at < lifecycle.REMINDER_GAP:
                    continue
                reminders = item.reminders + 1
                if since_escalation + 1 >= lifecycle.ESCALATE_AFTER_REMINDERS:
                    note = f"第{reminders}次催办仍未办结，升级至{self._escalation_target(item)}督办"
                    self.db.update_item(item, reminders=reminders, last_reminded_at=now, escalation=item.escalation + 1,
                                        due_at=add_working_days(now, lifecycle.ESCALATION_EXTRA_DAYS), updated_at=now)
                    action = "escalate"
                else:
                    self.db.update_item(item, reminders=reminders, last_reminded_at=now, updated_at=now)
                    note = f"已超过办理时限，第{reminders}次催办"
                    action = "remind"
                event_id = self.db.add_event(item, now, "系统", action, None, None, note)
                self._queue(item, event_id, action, now, "系统", note)
                done.append((item.ref, action))
            for item in self.db.items(states=[str(State.RESOLVED)]):
                if item.resolved_at and now - item.resolved_at >= timedelta(days=AUTO_CLOSE_DAYS):
                    self._transition(item, "close", now, "系统", f"办结{AUTO_CLOSE_DAYS}天未评价，自动关闭")
                    done.append((item.ref, "close"))
        return done

    def _escalation_target(self, item: Item) -> str:
        if item.escalation == 0:
            return f"{self.department_name(item.section or item.department)}负责人"
        return "中心分管领导"

    # ── reading ──

    def _check_owner(self, ticket: str, phone_last4: str, source: str) -> frozenset[str] | None:
        """Who may see the ticket: None when the phone is the ticket's own (all of it), else the items that a
        submission from that phone joined (a colleague of the enterprise filing the same matter under their own
        number). Neither: counted as a wrong guess at ``source`` and refused."""
        last4 = check_last4(phone_last4)
        now = self.clock()
        if self.db.failed_checks_since(source, now - LOCKOUT) >= MAX_FAILED_CHECKS:
            raise RequestError(LOCKED)
        t = self.db.ticket(ticket)
        if t is not None and t.phone.endswith(last4):
            return None
        joined = self.db.joined_items(ticket, last4) if t is not None else frozenset()
        if joined:
            return joined
        # The same answer for a missing ticket and a wrong phone: a stranger learns nothing either way.
        try:
            with self.db.transaction():
                self.db.add_failed_check(source, ticket, now)
        except RequestError:
            pass  # a full, locked or read-only file: the visitor still gets the plain answer below
        raise RequestError(NOT_FOUND)

    def status(self, ticket_ref: str, phone_last4: str, source: str = "kiosk") -> StatusView:
        """A ticket's progress for whoever knows its number and the last four digits of its contact phone (or of
        the phone that joined one of its items, who sees only those items).

        ``source`` names where the check comes from (``kiosk``, ``cli``…); wrong guesses are throttled per source.
        """
        ticket, _ = parse_ref(ticket_ref)
        return self._view(ticket, self._check_owner(ticket, phone_last4, source))

    def receipt_status(self, receipt: Receipt, phone: str) -> StatusView:
        """The progress of what a submission just filed, for the screen that filed it. A submission joined to its
        enterprise's open ticket carries the visitor's phone, not the ticket's: the owner's check would refuse it as
        a wrong guess and count it against every visitor's look-ups on this kiosk. Whoever filed it sees the ticket
        whole when the phone would open it at the status check too; anyone else sees only the items of this receipt
        and their history, so typing an enterprise's name never shows what others asked or were told."""
        own = len(phone) >= 4 and self.db.ticket(receipt.ticket).phone.endswith(phone[-4:])
        return self._view(receipt.ticket, None if own else frozenset(i.ref for i in receipt.items))

    def _view(self, ticket: str, only: frozenset[str] | None = None) -> StatusView:
        """The ticket's progress; with ``only``, just those items and their history."""
        t = self.db.ticket(ticket)
        items, events = t.items, self.db.events_of(ticket)
        if only is not None:
            items, events = [i for i in items if i.ref in only], [e for e in events if e.item_ref in only]
        return StatusView(t.ticket, t.company, t.phone_masked, t.created_at, items, events)

    def list_items(self, state: str | None = None, section: str | None = None, department: str | None = None,
                   overdue: bool = False) -> list[Item]:
        states = None
        if state:
            try:
                states = [str(State(state))]
            except ValueError:
                raise RequestError(f"没有“{state}”这个状态，可选：{'、'.join(s.value for s in State)}。") from None
        elif overdue:
            states = [str(s) for s in OPEN_STATES]
        items = self.db.items(states=states, section=section, department=department,
                              due_before=self.clock() if overdue else None)
        return items

    def stats(self) -> list[DepartmentStats]:
        now = self.clock()
        by_dept: dict[str, list[Item]] = {}
        for item in self.db.items():
            by_dept.setdefault(item.department, []).append(item)
        out = []
        for dept, items in sorted(by_dept.items()):
            resolved = [i for i in items if i.resolved_at is not None]
            ratings = [i.rating for i in items if i.rating is not None]
            out.append(DepartmentStats(
                department=dept,
                total=len(items),
                open=sum(i.state in OPEN_STATES for i in items),
                overdue=sum(i.is_overdue(now) for i in items),
                resolved=len(resolved),
                on_time=sum(i.resolved_at <= i.due_at for i in resolved),
                rated=len(ratings),
                average_rating=sum(ratings) / len(ratings) if ratings else None,
            ))
        return out


def _only(items: list[Item], visible: frozenset[str] | None) -> list[Item]:
    """The items a visitor may act on or see: all of them for the ticket's own phone, else those they joined."""
    if visible is None:
        return items
    mine = [i for i in items if i.ref in visible]
    if not mine:
        raise RequestError(NOT_FOUND)
    return mine


def company_key(company: str) -> str:
    """A company's name as matched against its earlier requests, whichever brackets it was written with."""
    return company.replace("（", "(").replace("）", ")")


def _near_duplicate(text: str, category: str, candidates: list[Item], router: Router) -> Item | None:
    """The open item this one repeats: same topic naming the same thing (路灯 and 路灯, not 路灯 and 井盖) and
    worded alike, or worded almost the same whatever the topic."""
    cat = router.category(category)
    terms = {k for k in cat.keywords if k in text} if cat else set()
    best, best_sim = None, 0.0
    for c in candidates:
        their_terms = {k for k in cat.keywords if k in c.text} if cat else set()
        if terms and their_terms and not terms & their_terms:
            continue  # both name a thing, and not the same one
        sim = similarity(text, c.text)
        same_thing = c.category == category and bool(terms & their_terms)
        alike = (same_thing and sim >= SAME_TOPIC_SIMILARITY) or sim >= ANY_TOPIC_SIMILARITY
        if alike and sim > best_sim:
            best, best_sim = c, sim
    return best

