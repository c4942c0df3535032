"""Whether a policy can be applied for on a given day: in force, and inside an application window if it has any.

An expired policy, or one whose last application window has passed, is never offered as available: matching
lists it apart with the date, and the district push leaves it out. A policy whose window is still to come (this
year's or next year's) keeps its place, with the dates, and is pushed only once the window opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from kiosk.store.validity import Window, cn_date, expired_on, pending_until

OPEN = "open"  # in force; no window, or a window open today
UPCOMING = "upcoming"  # in force (or about to be), applications not taken yet
CLOSED = "closed"  # every application window is over
EXPIRED = "expired"


class PolicyDocument(Protocol):
    """What availability needs of a document record (``kiosk.store.records.Document`` has these fields)."""

    effective: str
    expires: str
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class Availability:
    state: str = OPEN
    note: str = ""  # what a visitor is told: the expiry date, the window's dates

    @property
    def offered(self) -> bool:
        """Whether the policy may be presented as one to apply for (now or in its coming window)."""
        return self.state in (OPEN, UPCOMING)

    def to_dict(self) -> dict[str, str]:
        return {"state": self.state, "note": self.note}


def availability(doc: PolicyDocument | None, today: date) -> Availability:
    if doc is None:
        return Availability()
    if expired := expired_on(doc, today):
        return Availability(EXPIRED, f"该政策已于{cn_date(expired)}失效")
    if starts := pending_until(doc, today):
        return Availability(UPCOMING, f"该政策自{cn_date(starts)}起施行，目前尚未生效")
    if not doc.windows:
        return Availability()
    spans = sorted(w.bounds(today) for w in doc.windows)
    current = [(start, end) for start, end in spans if start <= today <= end]
    if current:
        return Availability(OPEN, f"申报截止{cn_date(max(end for _, end in current))}")
    coming = sorted(((w.bounds(today), w) for w in doc.windows if w.bounds(today)[0] > today), key=lambda c: c[0])
    if coming:
        (start, end), window = coming[0]
        when = f"{window.describe()}，下次{cn_date(start)}开始" if window.annual else f"{cn_date(start)}至{cn_date(end)}"
        return Availability(UPCOMING, f"申报尚未开始，申报时间为{when}")
    return Availability(CLOSED, f"申报已于{cn_date(max(end for _, end in spans))}截止")

