"""The life of one request item, tracked like a delivery order.

submitted → dispatched → accepted → in_progress → resolved → rated → closed. A poor rating (1–2) reopens the
item (back to dispatched, with a new deadline); an item still open after its deadline gets a reminder, and a
second reminder escalates it to the section head. Each transition is recorded with who, when and a note.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.errors import FriendlyError


class State(StrEnum):
    SUBMITTED = "submitted"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    RATED = "rated"
    CLOSED = "closed"


LABELS = {
    State.SUBMITTED: "已提交",
    State.DISPATCHED: "已派单",
    State.ACCEPTED: "已接单",
    State.IN_PROGRESS: "处理中",
    State.RESOLVED: "已办结",
    State.RATED: "已评价",
    State.CLOSED: "已关闭",
}

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[State], State]] = {
    "dispatch": (frozenset({State.SUBMITTED}), State.DISPATCHED),
    "accept": (frozenset({State.DISPATCHED}), State.ACCEPTED),
    "start": (frozenset({State.ACCEPTED}), State.IN_PROGRESS),
    "resolve": (frozenset({State.ACCEPTED, State.IN_PROGRESS}), State.RESOLVED),
    "rate": (frozenset({State.RESOLVED}), State.RATED),
    "close": (frozenset({State.RESOLVED, State.RATED}), State.CLOSED),
    "reopen": (frozenset({State.RESOLVED, State.RATED}), State.DISPATCHED),
    # A section passes a matter on (down to a street, or across to the right unit): it is dispatched afresh.
    "transfer": (frozenset({State.DISPATCHED, State.ACCEPTED, State.IN_PROGRESS}), State.DISPATCHED),
}
ACTION_LABELS = {
    "dispatch": "派单",
    "accept": "接单",
    "start": "开始办理",
    "resolve": "办结",
    "rate": "评价",
    "close": "关闭",
    "reopen": "重新办理",
    "transfer": "转派",
}
OPEN_STATES = frozenset({State.SUBMITTED, State.DISPATCHED, State.ACCEPTED, State.IN_PROGRESS})
POOR_RATING = 2  # ratings at or below this reopen the item
ESCALATE_AFTER_REMINDERS = 2
REMINDER_GAP = timedelta(days=1)  # a second reminder waits at least this long after the first
ESCALATION_EXTRA_DAYS = 2  # the section head gets this many working days more


class InvalidTransition(FriendlyError):
    def __init__(self, action: str, state: State):
        self.action, self.state = action, state
        super().__init__(f"该事项当前状态为“{LABELS[state]}”，不能{ACTION_LABELS.get(action, action)}。")


def next_state(action: str, state: State) -> State:
    allowed, target = TRANSITIONS[action]
    if state not in allowed:
        raise InvalidTransition(action, state)
    return target


def add_working_days(start: datetime, days: int) -> datetime:
    """``days`` working days after ``start`` (weekends skipped; public holidays are not known offline)."""
    current = start
    # Work started on a weekend counts from Monday morning's equivalent time.
    while current.weekday() >= 5:
        current += timedelta(days=1)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current
