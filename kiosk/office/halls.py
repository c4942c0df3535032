"""Several halls, one office: each hall's pushed request events land in the office's store, and the office's own
changes to that hall's items are handed back for the hall's kiosk to apply.

Every hall numbers its tickets by its own daily counter, so two halls have the same ticket numbers: a pushed item
gets an office ticket of its own, and the hall with its reference there is kept beside it (``hall_items``). Each
pushed event's key is stored with the event it became (``hall_keys``), in the same transaction as the change: a
replayed push is acknowledged and changes nothing, and the updates a hall fetches leave out what it sent itself.

Nothing personal arrives in full: the kiosk sends the contact phone masked (officers see it masked anyway and the
visitor checks progress at the hall), and the text is validated and redacted here again, whatever the sender did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kiosk.errors import FriendlyError
from kiosk.privacy import mask_phone, redact
from kiosk.requests.lifecycle import InvalidTransition, State, next_state
from kiosk.requests.outbox import IMPORTABLE_ACTIONS
from kiosk.requests.records import Item, Ticket
from kiosk.requests.service import RequestService, company_key
from kiosk.requests.validate import RequestError, clean_address, clean_company, clean_text, parse_ref
from kiosk.store.records import HALL_DESK

MAX_EVENTS = 200  # events in one push
MAX_KEY = 200
MAX_NOTE = 1000
UPDATES_LIMIT = 200
# Transitions a hall makes (the kiosk dispatches; the visitor rates, which closes or reopens) that the office
# follows; the hall's other events (a chase, a repeated report, its own reminders) join the item's timeline.
FOLLOWED = ("dispatch", "rate", "reopen", "close")


class Refused(FriendlyError):
    """One pushed event the office cannot take, in words for whoever looks after the hall's kiosk."""


@dataclass
class PushResult:
    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # key (or "#n" without one) → why

    def to_dict(self) -> dict:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "refused": self.refused}


def receive(service: RequestService, hall: str, events: list) -> PushResult:
    """Apply ``hall``'s events in order, each once; a refused event is reported and the others still apply."""
    result = PushResult()
    db = service.db
    for number, event in enumerate(events, start=1):
        key = event.get("key") if isinstance(event, dict) else None
        if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY:
            result.refused[f"#{number}"] = "记录缺少有效的 key。"
            continue
        try:
            with db.transaction():
                if db.conn.execute("SELECT 1 FROM hall_keys WHERE hall = ? AND key = ?", (hall, key)).fetchone():
                    result.duplicates.append(key)
                    continue
                event_id = _apply(service, hall, event)
                db.conn.execute("INSERT INTO hall_keys VALUES (?, ?, ?, ?)",
                                (hall, key, event_id, service.clock().isoformat(timespec="seconds")))
        except (Refused, RequestError, InvalidTransition) as exc:
            result.refused[key] = exc.friendly
            continue
        result.accepted.append(key)
    return result


def updates(service: RequestService, hall: str, since: int, limit: int = UPDATES_LIMIT) -> dict:
    """The office's changes to ``hall``'s items after event ``since``, oldest first, as the kiosk imports them."""
    actions = ",".join("?" * len(IMPORTABLE_ACTIONS))
    rows = service.db.conn.execute(
        "SELECT e.id, e.actor, e.action, e.note, h.remote_ref, i.department FROM events e"
        " JOIN hall_items h ON h.item_id = e.item_id JOIN items i ON i.id = e.item_id"
        f" WHERE h.hall = ? AND e.id > ? AND e.action IN ({actions})"  # noqa: S608 - placeholders only
        " AND NOT EXISTS (SELECT 1 FROM hall_keys k WHERE k.event_id = e.id) ORDER BY e.id LIMIT ?",
        (hall, since, *IMPORTABLE_ACTIONS, limit),
    ).fetchall()
    # A transfer names the unit now handling the item: a hall that missed a step still ends where the office is.
    found = [{"key": f"office-e{r['id']}", "item": r["remote_ref"], "action": r["action"], "actor": r["actor"],
              "note": r["note"], **({"department": r["department"]} if r["action"] == "transfer" else {})}
             for r in rows]
    return {"updates": found, "next": rows[-1]["id"] if rows else since}


def origin(service: RequestService, item_id: int) -> tuple[str, str] | None:
    """The hall an item came from and its reference there; None for an item submitted here."""
    row = service.db.conn.execute("SELECT hall, remote_ref FROM hall_items WHERE item_id = ?", (item_id,)).fetchone()
    return (row["hall"], row["remote_ref"]) if row else None


def _apply(service: RequestService, hall: str, event: dict) -> int:
    kind = event.get("kind")
    if kind == "item.created":
        return _create(service, hall, event)
    if kind == "item.event":
        return _follow(service, hall, event)
    raise Refused("办公台只接收事项记录（item.created、item.event）。")


def _create(service: RequestService, hall: str, event: dict) -> int:
    db = service.db
    ref, ticket_ref, seq = _ref(event)
    if _local(service, hall, ref) is not None:
        raise Refused(f"事项 {ref} 已经收到过。")
    text = redact(clean_text(_text(event, "text"))[0])
    department = service.router.departments.get(_text(event, "department"))
    section = event.get("section")
    if department is None and _text(event, "department") == HALL_DESK.id:
        # a hall without a department directory took it in at its general window for staff to pass on: the
        # office's own directory routes it, as it would have been routed had the hall had one
        route = service.router.route(text, clean_address(_text(event, "address")))
        department, section = service.router.departments.get(route.department), route.section
    if department is None:
        raise Refused(f"事项 {ref} 的承办单位不在本区部门目录中。")
    if section is not None and section not in service.router.departments:
        raise Refused(f"事项 {ref} 的专区不在本区部门目录中。")
    at, due = _when(event, "at"), _when(event, "due")
    sibling = db.conn.execute(
        "SELECT i.ticket FROM hall_items h JOIN items i ON i.id = h.item_id WHERE h.hall = ? AND h.remote_ref LIKE ?",
        (hall, f"{ticket_ref}-%"),
    ).fetchone()
    if sibling is not None:
        ticket = sibling["ticket"]  # another item of the same visit: the same office ticket
    else:
        ticket = db.next_ticket(at)
        record = Ticket(ticket, at, clean_company(_text(event, "company")), mask_phone(_text(event, "phone")),
                        clean_address(_text(event, "address")), text, _text(event, "channel")[:20] or hall)
        db.insert_ticket(record, company_key(record.company), consent=True)
    item = Item(id=0, ticket=ticket, seq=seq, text=text, category=_text(event, "category")[:64],
                section=section, department=department.id, tier="street" if department.kind == "street" else "section",
                state=State.SUBMITTED, created_at=at, due_at=due, updated_at=at)
    db.insert_item(item)
    db.conn.execute("INSERT INTO hall_items VALUES (?, ?, ?)", (item.id, hall, ref))
    return db.add_event(item, at, _text(event, "actor")[:40] or "企业", "submit", None, State.SUBMITTED,
                        f"{hall}受理，原事项号 {ref}")


def _follow(service: RequestService, hall: str, event: dict) -> int:
    ref, _, _ = _ref(event)
    item = _local(service, hall, ref)
    if item is None:
        raise Refused(f"还没有收到事项 {ref}，请先推送它的受理记录。")
    action, at = _text(event, "action")[:20], _when(event, "at")
    actor, note = _text(event, "actor")[:40] or hall, _text(event, "note")[:MAX_NOTE]
    if action in FOLLOWED:
        try:
            after = next_state(action, item.state)
        except InvalidTransition:
            after = None  # the office has moved on (its own sweep closed the item): kept as a record only
        if after is not None:
            before = item.state
            service.db.update_item(item, state=after, updated_at=at, **_changes(action, event, item))
            return service.db.add_event(item, at, actor, action, before, after, note)
    return service.db.add_event(item, at, actor, action, None, None, note)


def _changes(action: str, event: dict, item: Item) -> dict:
    if action == "rate":
        rating = event.get("rating")
        if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
            raise Refused("评价记录缺少 1 到 5 分的评分。")
        return {"rating": rating}
    if action in ("dispatch", "reopen"):
        changes = {"due_at": _when(event, "due")}
        return changes | ({"reopened": item.reopened + 1, "resolved_at": None} if action == "reopen" else {})
    return {}


def _local(service: RequestService, hall: str, ref: str) -> Item | None:
    row = service.db.conn.execute(
        "SELECT i.ticket, i.seq FROM hall_items h JOIN items i ON i.id = h.item_id"
        " WHERE h.hall = ? AND h.remote_ref = ?", (hall, ref),
    ).fetchone()
    return service.db.item(row["ticket"], row["seq"]) if row else None


def _ref(event: dict) -> tuple[str, str, int]:
    try:
        ticket, seq = parse_ref(_text(event, "item"))
    except RequestError:
        ticket, seq = "", None
    if seq is None:
        raise Refused("记录的 item 应为事项号，例如 XH20261123-0042-1。")
    return f"{ticket}-{seq}", ticket, seq


def _text(event: dict, key: str) -> str:
    value = event.get(key)
    return value.strip() if isinstance(value, str) else ""


def _when(event: dict, key: str) -> datetime:
    try:
        return datetime.fromisoformat(_text(event, key)).replace(tzinfo=None, microsecond=0)
    except ValueError:
        raise Refused(f"记录的 {key} 不是有效的时间。") from None
