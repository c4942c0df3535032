"""Domain records → the UI's view records. Pure functions, no Qt, no I/O."""

from __future__ import annotations

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


def scan_view(result: Any) -> ScanView:
    fields = {k: ("、".join(map(str, v)) if isinstance(v, list | tuple) else "" if v is None else str(v))
              for k, v in (result.fields or {}).items()}
    if isinstance(fields.get("registered_capital_yuan"), str) and fields["registered_capital_yuan"].endswith(".0"):
        fields["registered_capital_yuan"] = fields["registered_capital_yuan"][:-2]
    return ScanView(result.kind, fields, result.credit_code_valid, list(result.text or []),
                    float(getattr(result, "seconds", 0.0) or 0.0))


def policy_view(m: Any) -> PolicyView:
    conditions = [ConditionView(c.text, str(c.status), c.explanation, c.clause) for c in m.conditions]
    questions = [(q.key, q.text) for q in m.questions if getattr(q, "kind", "yesno") == "yesno"]
    offer = m.availability
    if not offer.offered:  # expired or its windows over: listed with the policies that do not fit, with the date
        return PolicyView(m.policy, f"{m.title}（{offer.note}）", "not_met", conditions, "", "", bool(m.sample))
    how = f"{offer.note}。{m.how_to_apply}" if offer.note else m.how_to_apply
    return PolicyView(m.policy, m.title, m.status, conditions, "", how, bool(m.sample), questions)


def _when(dt: datetime) -> str:
    return dt.strftime("%m-%d %H:%M")


def _due(dt: datetime) -> str:
    return f"{dt.month}月{dt.day}日前"


def ticket_view(ticket: str, items: list[Any], events: list[Any], name_of, qr_text: str = "") -> TicketView:
    """`name_of` turns a department or section id into its name."""
    views = [TicketItemView(i.text, name_of(i.section) if i.section else "属地", name_of(i.department),
                            _due(i.due_at), i.state_label) for i in items]
    timeline = [(_when(e.at), _event_label(e), e.note) for e in events]
    states = {str(i.state) for i in items}
    resolved = "resolved" in states
    open_states = states & {"submitted", "dispatched", "accepted", "in_progress"}
    overall = "已受理" if "submitted" in states or "dispatched" in states else "处理中" if open_states else "已办结"
    if resolved and open_states:
        overall = "部分办结"
    return TicketView(ticket, views, timeline, overall, qr_text or ticket, resolved)


def _event_label(e: Any) -> str:
    from kiosk.requests.lifecycle import ACTION_LABELS, LABELS, State

    if e.to_state:
        try:
            return LABELS[State(e.to_state)]
        except ValueError:
            pass
    return ACTION_LABELS.get(e.action, e.action)


def queue_rows(items: list[Any], name_of, now: datetime) -> list[QueueRow]:
    rows = [QueueRow(i.ref, i.text, name_of(i.section) if i.section else "属地", name_of(i.department),
                     i.state_label, i.due_at.strftime("%m-%d %H:%M"), i.is_overdue(now)) for i in items]
    rows.sort(key=lambda r: (not r.overdue, r.due))
    return rows


def guide_view(checklist: Any, department_names: dict[str, str]) -> GuideView:
    g = checklist.guide
    steps = [GuideStep(s.name, department_names.get(s.department, s.department), s.window,
                       f"{s.limit_days} 个工作日" if s.limit_days else "当场办结") for s in checklist.steps]
    materials = [GuideMaterial(m.name, m.note) for m in checklist.materials]
    materials += [GuideMaterial(m.name, "回答上面的问题后确定是否需要") for m in checklist.pending]
    questions = [(q.id, _yes_no(q)) for q in g.questions]
    before, after = g.summary.before, g.summary.after
    summary = g.summary.text
    if before.get("documents") and after.get("documents"):
        summary += f"（材料 {before['documents']} 份 → {after['documents']} 份）"
    days = checklist.promised_days
    return GuideView(g.id, g.name, summary, questions, steps, materials,
                     f"承诺 {days} 个工作日" if days else "当场办结", bool(g.sample))


def _yes_no(q: Any) -> str:
    if q.type == "number" and q.threshold is not None:
        unit = q.unit or ""
        return f"{q.text.rstrip('？?')}：是否超过 {q.threshold:g}{unit}？"
    return q.text
