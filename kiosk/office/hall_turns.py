"""A hall's question log in the office's: the turns a hall's kiosk sends (``POST /api/kiosk/turns``) are checked
and kept in the office's own question log, so the barometer's top questions, refusals and unanswered questions
count every hall's visitors, by the same count tables (their triggers follow every kept row).

A turn is kept under the hall's name and its id there (``hall:id``): a replayed batch changes nothing, a later
👍/👎 on a turn already sent updates that row, and one hall's token cannot touch another hall's turns or the
office's own. Only the log's own fields are taken (the rest of a sent turn is ignored), and the question is
redacted here again, whatever the sender did. A turn older than the retention period is acknowledged and not
kept, as the purge would delete it.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kiosk.office.questionlog import FEEDBACK_REASONS, MAX_QUESTION_CHARS, LoggedTurn, QuestionLog
from kiosk.privacy import redact

MAX_TURNS = 200  # turns in one batch
MAX_TURNS_BODY = 256 * 1024
CLOCK_SLACK = timedelta(days=1)  # a hall's clock may run a little ahead of the office's, not days
_SHORT = {"topic": 64, "intent": 40, "engine": 40, "document": 200}


class Refused(ValueError):
    """One sent turn the office cannot take, in words for whoever looks after the hall's kiosk."""


@dataclass
class TurnsResult:
    accepted: list[str] = field(default_factory=list)  # new at the office
    updated: list[str] = field(default_factory=list)  # a 👍/👎 that changed
    duplicates: list[str] = field(default_factory=list)  # already here as sent
    expired: list[str] = field(default_factory=list)  # older than the retention period: not kept
    refused: dict[str, str] = field(default_factory=dict)  # id (or "#n" without one) → why

    def to_dict(self) -> dict:
        return {"accepted": self.accepted, "updated": self.updated, "duplicates": self.duplicates,
                "expired": self.expired, "refused": self.refused}


def receive(log: QuestionLog, hall: str, turns: list) -> TurnsResult:
    """Keep ``hall``'s turns in the office's log; a refused turn is reported and the others are still kept."""
    result = TurnsResult()
    checked: list[tuple[str, LoggedTurn]] = []
    latest = log.clock() + CLOCK_SLACK
    for number, sent in enumerate(turns, start=1):
        turn_id = sent.get("id") if isinstance(sent, dict) else None
        name = turn_id if isinstance(turn_id, str) and len(turn_id) <= 64 else f"#{number}"
        try:
            checked.append((name, _turn(hall, sent, latest)))
        except Refused as exc:
            result.refused[name] = str(exc)
    for (name, _), outcome in zip(checked, log.merge([t for _, t in checked]), strict=True):
        {"new": result.accepted, "updated": result.updated, "same": result.duplicates,
         "expired": result.expired}[outcome].append(name)
    return result


def _turn(hall: str, sent: object, latest: datetime) -> LoggedTurn:
    if not isinstance(sent, dict):
        raise Refused("提问记录应为一个对象。")
    try:
        turn_id = uuid.UUID(_text(sent, "id", 64)).hex
    except ValueError:
        raise Refused("提问记录缺少有效的 id（uuid）。") from None
    try:
        at = datetime.fromisoformat(_text(sent, "at", 40)).replace(tzinfo=None, microsecond=0)
    except ValueError:
        raise Refused("提问记录的 at 不是有效的时间。") from None
    if at > latest:
        raise Refused("提问时间晚于办公台的当前时间，请检查大厅一体机的时钟。")
    answered, helpful, latency = sent.get("answered"), sent.get("helpful"), sent.get("latency_ms")
    if not isinstance(answered, bool) or not (helpful is None or isinstance(helpful, bool)):
        raise Refused("提问记录的 answered、helpful 应为 true 或 false（helpful 也可为 null）。")
    if isinstance(latency, bool) or not isinstance(latency, int | float) or not 0 <= latency < math.inf:
        raise Refused("提问记录的 latency_ms 应为不小于 0 的数。")
    reason = _text(sent, "reason", 40)
    if reason and reason not in FEEDBACK_REASONS:
        raise Refused("提问记录的 reason 不是办公台认识的评价理由。")
    question = redact(re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", _text(sent, "question", 10 * MAX_QUESTION_CHARS))
                      [:MAX_QUESTION_CHARS])
    if not question:
        raise Refused("提问记录缺少问题。")
    short = {key: _text(sent, key, 1000)[:limit] for key, limit in _SHORT.items()}
    return LoggedTurn(f"{hall}:{turn_id}", at, question, short["topic"] or "其他", short["intent"], answered,
                      short["engine"], short["document"], round(float(latency), 1), helpful,
                      reason)


def _text(sent: dict, key: str, limit: int) -> str:
    value = sent.get(key, "")
    if not isinstance(value, str) or len(value) > limit:
        raise Refused(f"提问记录的 {key} 应为不超过 {limit} 个字符的文字。")
    return value.strip()
