"""Records the request services hand out: a ticket, its items, their audit trail, department figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kiosk.requests.lifecycle import LABELS, OPEN_STATES, State


@dataclass
class Item:
    id: int
    ticket: str
    seq: int
    text: str
    category: str
    section: str | None
    department: str
    tier: str
    state: State
    created_at: datetime
    due_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None
    reminders: int = 0
    last_reminded_at: datetime | None = None
    escalation: int = 0
    reopened: int = 0
    rating: int | None = None
    rating_comment: str = ""
    confident: bool = True
    version: int = 0

    @property
    def ref(self) -> str:
        return f"{self.ticket}-{self.seq}"

    @property
    def state_label(self) -> str:
        return LABELS[self.state]

    def is_overdue(self, now: datetime) -> bool:
        return self.state in OPEN_STATES and now > self.due_at

    def to_dict(self, now: datetime | None = None) -> dict:
        d = {
            "ref": self.ref,
            "text": self.text,
            "category": self.category,
            "section": self.section,
            "department": self.department,
            "tier": self.tier,
            "state": str(self.state),
            "state_label": self.state_label,
            "due": self.due_at.isoformat(timespec="minutes"),
            "reminders": self.reminders,
            "escalation": self.escalation,
            "reopened": self.reopened,
            "rating": self.rating,
        }
        if now is not None:
            d["overdue"] = self.is_overdue(now)
        return d


@dataclass
class Ticket:
    ticket: str
    created_at: datetime
    company: str
    phone: str
    address: str
    text: str
    channel: str
    items: list[Item] = field(default_factory=list)

    @property
    def phone_masked(self) -> str:
        return self.phone[:3] + "****" + self.phone[-4:] if len(self.phone) >= 7 else "****"


@dataclass(frozen=True)
class Event:
    at: datetime
    item_ref: str
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str


@dataclass(frozen=True)
class DepartmentStats:
    department: str
    total: int
    open: int
    overdue: int
    resolved: int
    on_time: int
    rated: int
    average_rating: float | None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.resolved if self.resolved else None

    def to_dict(self) -> dict:
        return {
            "department": self.department,
            "total": self.total,
            "open": self.open,
            "overdue": self.overdue,
            "resolved": self.resolved,
            "on_time_rate": None if self.on_time_rate is None else round(self.on_time_rate, 3),
            "rated": self.rated,
            "average_rating": None if self.average_rating is None else round(self.average_rating, 2),
        }
