"""Domain records → the view records the screens show (and the licence form back to profile fields).
Pure functions, no Qt, no I/O."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from kiosk.ui.viewmodels import (
    ConditionView,
    GuideMaterial,
    GuideStep,
    GuideView,
    PolicyView,
    QueueRow,
    ScanView,
    TicketItemView,
    TicketView,
)

TAG_FIELDS = ("street", "industry_tags")  # fields that hold taxonomy tags: shown and edited by name
TAG_SEPARATOR = "；"  # tag names themselves contain 、 (农、林、牧、渔业)
LIST_SEPARATORS = re.compile(r"[;；\n]+")


def scan_view(result: Any, tag_names: dict[str, str] | None = None) -> ScanView:
    """`tag_names` turns the taxonomy's tag ids (street_…, ind_…) into the names a visitor reads."""
    names = tag_names or {}

    def shown(key: str, value: Any) -> str:
        if value is None:
            return ""
        values = list(value) if isinstance(value, list | tuple) else [value]
        if key in TAG_FIELDS:
            return TAG_SEPARATOR.join(names.get(str(v), str(v)) for v in values)
        return "、".join(map(str, values))

    fields = {k: shown(k, v) for k, v in (result.fields or {}).items()}
    if isinstance(fields.get("registered_capital_yuan"), str) and fields["registered_capital_yuan"].endswith(".0"):
        fields["registered_capital_yuan"] = fields["registered_capital_yuan"][:-2]
    return ScanView(result.kind, fields, result.credit_code_valid, list(result.text or []),
                    float(getattr(result, "seconds", 0.0) or 0.0))


def profile_fields(fields: dict[str, str], resolve_tag) -> dict[str, Any]:
    """The licence form as the visitor checked it → fields for an enterprise profile: street and industry
    names back to tag ids (`resolve_tag(name)` gives an id or None), the capital as a number."""
    out: dict[str, Any] = dict(fields)
    street = resolve_tag(fields.get("street", "")) if fields.get("street") else None
    out["street"] = street or ""
    names = (n.strip() for n in LIST_SEPARATORS.split(fields.get("industry_tags", "")))
    out["industry_tags"] = [t for t in (resolve_tag(n) for n in names if n) if t]
    capital = str(fields.get("registered_capital_yuan", "")).replace(",", "").strip()
    try:
        out["registered_capital_yuan"] = float(capital) if capital else ""
    except ValueError:
        out["registered_capital_yuan"] = ""  # unreadable: left for the matcher to ask about
    return out


def policy_view(m: Any) -> PolicyView:
    conditions = [ConditionView(c.text, str(c.status), c.explanation, c.clause) for c in m.conditions]
    questions = [(q.key, q.text) for q in m.questions if getattr(q, "kind", "yesno") == "yesno"]
    offer = m.availability
    if not offer.offered:  # expired or its windows over: listed with the policies that do not fit, with the date
        return PolicyView(m.policy, f"{m.title}（{offer.note}）", "not_met", conditions, "", "", bool(m.sample))
    how = f"{offer.note}。{m.how_to_apply}" if offer.note else m.how_to_apply
    elsewhere = str(m.status) == "not_met" and any(_failed_region(c) for c in m.conditions)
    return PolicyView(m.policy, m.title, m.status, conditions, "", how, bool(m.sample), questions, elsewhere)


def _failed_region(c: Any) -> bool:
    """A region condition (anywhere in the tree) that the enterprise's place does not meet."""
    if str(getattr(c, "key", "")).startswith("region:") and str(c.status) == "not_met":
        return True
    return any(_failed_region(child) for child in getattr(c, "children", ()) or ())


def _when(dt: datetime) -> str:
    return dt.strftime("%m-%d %H:%M")


def _due(dt: datetime) -> str:
    return f"{dt.month}月{dt.day}日前"


# how a request came in, as the visitor reads it in the timeline
CHANNELS = {"kiosk-text": "自助一体机（文字）", "kiosk-voice": "自助一体机（语音）", "kiosk": "自助一体机",
            "form": "网上表单", "cli": "服务窗口登记"}


def ticket_view(ticket: str, items: list[Any], events: list[Any], name_of, qr_text: str = "") -> TicketView:
    """`name_of` turns a department or section id into its name."""
    views = [TicketItemView(i.text, name_of(i.section) if i.section else "属地", name_of(i.department),
                            _due(i.due_at), i.state_label) for i in items]
    overall, resolved = _overall(items)
    return TicketView(ticket, views, _timeline(events), overall, qr_text or ticket, resolved)


def _timeline(events: list[Any]) -> list[tuple[str, str, str]]:
    """One line per moment and step: the same step of several items at the same minute is one line whose
    note lists what differs (派至 A；派至 B), so a two-matter request is not "已提交" twice."""
    rows: dict[tuple[str, str], list[str]] = {}
    for e in events:
        label = _event_label(e)
        note = CHANNELS.get(e.note, "") if e.action == "submit" else e.note or ""
        notes = rows.setdefault((_when(e.at), label), [])
        if note and note not in notes:
            notes.append(note)
    return [(when, label, "；".join(notes)) for (when, label), notes in rows.items()]


def _overall(items: list[Any]) -> tuple[str, bool]:
    states = {str(i.state) for i in items}
    resolved = "resolved" in states
    open_states = states & {"submitted", "dispatched", "accepted", "in_progress"}
    overall = "已受理" if "submitted" in states or "dispatched" in states else "处理中" if open_states else "已办结"
    if resolved and open_states:
        overall = "部分办结"
    return overall, resolved


def _event_label(e: Any) -> str:
    from kiosk.requests.lifecycle import ACTION_LABELS, LABELS, State

    if e.to_state:
        try:
            return LABELS[State(e.to_state)]
        except ValueError:
            pass
    return ACTION_LABELS.get(e.action, e.action)


STAFF_ACTIONS = {"accept": "接单", "resolve": "办结"}  # what the queue offers at the kiosk itself


def queue_rows(items: list[Any], name_of, now: datetime) -> list[QueueRow]:
    from kiosk.requests.lifecycle import TRANSITIONS

    def actions(state: Any) -> list[tuple[str, str]]:
        return [(a, word) for a, word in STAFF_ACTIONS.items() if state in TRANSITIONS[a][0]]

    rows = [QueueRow(i.ref, i.text, name_of(i.section) if i.section else "属地", name_of(i.department),
                     i.state_label, i.due_at.strftime("%m-%d %H:%M"), i.is_overdue(now), actions(i.state))
            for i in items]
    rows.sort(key=lambda r: (not r.overdue, r.due))
    return rows


def guide_view(checklist: Any, department_names: dict[str, str]) -> GuideView:
    g = checklist.guide
    steps = [GuideStep(s.name, department_names.get(s.department, s.department), s.window,
                       f"{s.limit_days} 个工作日" if s.limit_days else "当场办结") for s in checklist.steps]
    materials = [GuideMaterial(m.name, m.note) for m in checklist.materials]
    materials += [GuideMaterial(m.name, m.note, pending=True) for m in checklist.pending]
    questions = [(q.id, _yes_no(q)) for q in g.questions]
    # the reform's before/after counts describe a typical case; the screen counts this visitor's own list
    days = checklist.promised_days
    return GuideView(g.id, g.name, g.summary.text, questions, steps, materials,
                     f"承诺 {days} 个工作日" if days else "当场办结", bool(g.sample))


def _yes_no(q: Any) -> str:
    if q.type == "number" and q.threshold is not None:
        unit = q.unit or ""
        return f"{q.text.rstrip('？?')}：是否超过 {q.threshold:g}{unit}？"
    return q.text
