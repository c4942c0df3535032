"""A hall's question log to the district office, with each sync: the rows its kiosk wrote (the question already
redacted; no audio, no session) go to ``POST /api/kiosk/turns`` in batches under the office's bounds, so the
office's barometer counts what visitors asked at every hall. Only the log's own fields are sent.

How far the hall got is kept in the requests file's ``meta``, per office (a kiosk moved to another office sends
its whole log again), as the position of the last row sent in the log's order of writes (``changed``, then id).
That order is a counter the log takes in the same transaction as each write, and a visitor's 👍/👎 takes the next
number, so a turn rated after it was sent comes again and the office updates its row. Not the time of the turn:
a clock set back, or two rows in one second, would leave rows behind, and a rowid the purge may reuse is no
position at all. A log whose counter is below the position kept was made afresh (deleted, or restored from an
older copy): it is sent from its beginning, which the office takes as replays of what it has.

Nothing here fails the request sync: a hall without a question log, or an office that does not know the endpoint
yet (404: an older office), is noted in the report, anything else is one of its errors, and the next sync goes on
from where this one stopped.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urlsplit

from kiosk.requests.office_sync import OfficeRefused, SyncReport, call_office, strings_in
from kiosk.requests.service import RequestService
from kiosk.requests.validate import RequestError


class SentTurn(Protocol):
    """One logged turn as the log hands it out (``kiosk.office.questionlog.LoggedTurn``): its place in the log's
    order of writes, and what of it may leave the hall."""

    id: str
    changed: int

    def outgoing(self) -> dict: ...


class TurnLog(Protocol):
    """What the sync reads of the kiosk's question log (``kiosk.office.questionlog.QuestionLog``): the domain
    names it here rather than importing the log, which lives above it."""

    def last_change(self) -> int: ...

    def changed_after(self, changed: int, turn_id: str, limit: int) -> Sequence[SentTurn]: ...

    def close(self) -> None: ...

log = logging.getLogger(__name__)
BATCH = 200  # the office's bound on one batch
MAX_BATCH_BYTES = 200 * 1024  # below the office's bound on one batch's body (256 KiB)
NO_LOG = "本机的提问记录打不开，这次没有发送提问记录。"
OLD_OFFICE = "区办公台还不能接收提问记录（请升级办公台），这次没有发送。"


def send_turns(questions: TurnLog | None, service: RequestService, base: str, token: str,
               report: SyncReport) -> None:
    """Send the rows written since the last sync to this office; notes and errors go into ``report``."""
    if questions is None:
        report.notes.append(NO_LOG)
        return
    try:
        _send(questions, service, base, token, report)
    except OfficeRefused as exc:
        if exc.status == 404:
            report.notes.append(OLD_OFFICE)
        else:
            report.errors.append(f"提问记录：{exc.friendly}")
    except RequestError as exc:
        report.errors.append(f"提问记录：{exc.friendly}")
    except sqlite3.Error:
        log.warning("question log not sent", exc_info=True)
        report.errors.append(f"提问记录：{NO_LOG}")


def _send(questions: TurnLog, service: RequestService, base: str, token: str, report: SyncReport) -> None:
    db = service.db
    where = f"office_turns {urlsplit(base).netloc}"
    changed, _, after = (db.meta(where) or "0 ").partition(" ")
    position = (int(changed) if changed.isdigit() else 0, after)
    if position[0] > questions.last_change():
        position = (0, "")  # a log made afresh: from its beginning
    while True:
        rows = questions.changed_after(*position, BATCH)
        if not rows:
            return
        batch, sent, size = [], [], 0
        for row in rows:
            turn = row.outgoing()
            size += len(json.dumps(turn, ensure_ascii=False).encode("utf-8")) + 2
            if batch and size > MAX_BATCH_BYTES:
                break
            batch.append(row)
            sent.append(turn)
        answer = call_office(base + "/api/kiosk/turns", token, {"turns": sent})
        if not any(isinstance(answer.get(key), list) for key in ("accepted", "updated", "duplicates")):
            raise RequestError("区办公台的回答无法识别，请联系工作人员。")
        ids = {row.id for row in batch}
        taken = ids & (strings_in(answer, "accepted") | strings_in(answer, "updated"))
        known = ids & (strings_in(answer, "duplicates") | strings_in(answer, "expired"))
        refused = answer.get("refused") if isinstance(answer.get("refused"), dict) else {}
        report.turns_sent += len(taken)
        # a turn the office refuses would be refused again: it is reported once and not sent again
        for turn_id in sorted(ids - taken - known):
            report.errors.append(f"提问记录 {turn_id[:8]}: {str(refused.get(turn_id, '办公台没有确认收到'))[:200]}")
        position = (batch[-1].changed, batch[-1].id)
        with db.transaction():
            db.put_meta(where, f"{position[0]} {position[1]}")
