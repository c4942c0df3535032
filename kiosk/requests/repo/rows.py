"""Rows of the requests file as the records the services hand out, and moments as the text the file keeps."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.requests.lifecycle import State
from kiosk.requests.records import Item

ITEM_COLUMNS = (
    "id, ticket, seq, text, category, section, department, tier, state, created_at, due_at, updated_at, "
    "resolved_at, reminders, last_reminded_at, escalation, reopened, rating, rating_comment, confident, version"
)


def ts(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def item(row: sqlite3.Row) -> Item:
    return Item(
        id=row["id"],
        ticket=row["ticket"],
        seq=row["seq"],
        text=row["text"],
        category=row["category"],
        section=row["section"],
        department=row["department"],
        tier=row["tier"],
        state=State(row["state"]),
        created_at=dt(row["created_at"]),
        due_at=dt(row["due_at"]),
        updated_at=dt(row["updated_at"]),
        resolved_at=dt(row["resolved_at"]),
        reminders=row["reminders"],
        last_reminded_at=dt(row["last_reminded_at"]),
        escalation=row["escalation"],
        reopened=row["reopened"],
        rating=row["rating"],
        rating_comment=row["rating_comment"],
        confident=bool(row["confident"]),
        version=row["version"],
    )
