"""The officers' work: the queue of one unit (or the whole district for the centre), one item with the visitor's
words, routing reason, timeline and company, and the lifecycle actions, all through the request service.

Who may see an item is decided here, once, for every page and API route: the centre sees all; a department,
section or street sees the items it handles (its id as the item's department or section). Anything else is
"not found", so a URL does not even tell that another unit's item exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.office.accounts import User
from kiosk.office.halls import origin
from kiosk.privacy import mask_numbers
from kiosk.requests.lifecycle import ACTION_LABELS, OPEN_STATES, State
from kiosk.requests.records import Item
from kiosk.requests.service import RequestService
from kiosk.requests.validate import RequestError, parse_ref

DUE_SOON = timedelta(days=2)
QUEUE_LIMIT = 200
BUCKETS = {"overdue": "已超期", "due_soon": "即将到期", "new": "待接单", "open": "全部在办", "resolved": "已办结",
           "all": "全部"}
ACTIONS = ("accept", "note", "transfer", "resolve")
EVENT_LABELS = {**ACTION_LABELS, "submit": "企业提交", "note": "办理备注", "remind": "超期催办", "escalate": "升级督办",
                "chase": "企业催办", "linked": "企业补充"}
MAX_NOTE = 1000


def bucket_filters(now: datetime) -> dict[str, dict]:
    """Each queue's filter over the request store, as of ``now``."""
    open_states = [str(s) for s in OPEN_STATES]
    return {
        "overdue": {"states": open_states, "due_before": now},
        "due_soon": {"states": open_states, "due_after": now, "due_before": now + DUE_SOON},
        "new": {"states": [str(State.DISPATCHED)]},
        "open": {"states": open_states},
        "resolved": {"states": [str(State.RESOLVED), str(State.RATED), str(State.CLOSED)]},
        "all": {},
    }


class NotFound(Exception):
    """No such item, or one the user may not see: the same answer either way."""


class Forbidden(Exception):
    """The user's role has no access to this part of the office."""


@dataclass
class QueueView:
    bucket: str
    counts: dict[str, int]
    rows: list[dict]


class Work:
    def __init__(self, service: RequestService):
        self.service = service

    def _unit(self, user: User) -> str | None:
        if not user.sees_items:
            raise Forbidden
        return None if user.role == "centre" else user.unit

    def queue(self, user: User, bucket: str = "open") -> QueueView:
        unit = self._unit(user)
        filters = bucket_filters(self.service.clock())
        db = self.service.db
        if bucket not in filters:
            bucket = "open"
        counts = db.count_many(unit, filters)
        items = db.items(unit=unit, limit=QUEUE_LIMIT, by_due=True, **filters[bucket])
        return QueueView(bucket, counts, [self.row(i) for i in items])

    def row(self, item: Item) -> dict:
        now = self.service.clock()
        name = self.service.department_name
        return {
            "ref": item.ref, "text": item.text, "category": self._category(item.category),
            "department": name(item.department), "department_id": item.department,
            "section": name(item.section) if item.section else "", "state": str(item.state),
            "state_label": item.state_label, "created": item.created_at.isoformat(timespec="minutes"),
            "due": item.due_at.isoformat(timespec="minutes"), "overdue": item.is_overdue(now),
            "due_soon": item.state in OPEN_STATES and now <= item.due_at < now + DUE_SOON,
            "reminders": item.reminders, "escalation": item.escalation, "rating": item.rating,
        }

    def _category(self, category_id: str) -> str:
        cat = self.service.router.category(category_id)
        return cat.name if cat else category_id

    def _visible(self, user: User, ref: str) -> Item:
        unit = self._unit(user)
        try:
            ticket, seq = parse_ref(ref)
        except RequestError:
            raise NotFound from None
        item = self.service.db.item(ticket, seq) if seq is not None else None
        if item is None or (unit is not None and unit not in (item.department, item.section)):
            raise NotFound
        return item

    def item(self, user: User, ref: str) -> dict:
        item = self._visible(user, ref)
        ticket = self.service.db.ticket(item.ticket)
        events = [e for e in self.service.db.events_of(item.ticket) if e.item_ref == item.ref]
        hall, hall_ref = origin(self.service, item.id) or ("", "")
        return {
            **self.row(item),
            "company": ticket.company, "phone": ticket.phone_masked, "address": ticket.address,
            "channel": ticket.channel, "reason": self._reason(item), "hall": hall, "hall_ref": hall_ref,
            "rating_comment": item.rating_comment,
            "timeline": [{"at": e.at.isoformat(timespec="minutes"), "actor": e.actor,
                          "action": EVENT_LABELS.get(e.action, e.action), "note": e.note} for e in events],
            "actions": self._allowed(item),
        }

    def _reason(self, item: Item) -> str:
        how = "按企业地址属地派给镇街" if item.tier == "street" else "按事项类别派给承办部门"
        doubt = "；系统分类把握不大，请核实" if not item.confident else ""
        return f"诉求类别“{self._category(item.category)}”，{how}{doubt}。"

    def _allowed(self, item: Item) -> list[str]:
        if item.state == State.DISPATCHED:
            return ["accept", "note", "transfer"]
        if item.state in (State.ACCEPTED, State.IN_PROGRESS):
            return ["resolve", "note", "transfer"]
        return ["note"]

    def act(self, user: User, ref: str, action: str, data: dict) -> dict:
        """Run one action on a visible item; bad input raises RequestError with words for the officer."""
        item = self._visible(user, ref)
        if action not in ACTIONS:
            raise NotFound
        actor = f"{user.name}（{self.service.department_name(user.unit) or '中心'}）"
        text = _text(data, "reply" if action == "resolve" else "reason" if action == "transfer" else "note")
        if action == "accept":
            self.service.act(item.ref, "accept", actor)
        elif action == "note":
            if not text:
                raise RequestError("请填写备注内容。")
            self.service.note(item.ref, text, actor)
        elif action == "transfer":
            to = data.get("to") if isinstance(data.get("to"), str) else ""
            if not text:
                raise RequestError("转派请写明原因。")
            if to == item.department:
                raise RequestError("该事项已由这个单位办理，请选择其他单位。")
            self.service.transfer(item.ref, to, actor, f"转派：{text}")
        else:
            if not text:
                raise RequestError("办结请填写给企业的答复，企业会在一体机和查询中看到。")
            self.service.act(item.ref, "resolve", actor, f"答复：{text}")
        fresh = self.service.db.item(item.ticket, item.seq)
        return self.row(fresh)

    def units(self) -> list[tuple[str, str]]:
        """Every unit an item can be transferred to, as (id, name)."""
        return sorted((d.id, d.name) for d in self.service.router.departments.values())


def _text(data: dict, key: str) -> str:
    """An officer's words; personal numbers are masked, a department's landline stays for the visitor to call."""
    value = data.get(key)
    return mask_numbers(value.strip()[:MAX_NOTE]) if isinstance(value, str) else ""
