"""A hall's kiosk and the district's web office: push this hall's request events, then apply the office's changes.

The kiosk authenticates with the token the centre issued for it (``office_token`` in config.toml), sent only in
the ``Authorization`` header and never logged or printed. Events go in batches under the office's size bound;
the office acknowledges each by its key, so a batch whose answer was lost is simply sent again. The office's
updates are applied through the same path as an imported update file, each key once, and the position reached is
kept per office; the outbox records those changes make are marked sent, because the office already has them.

The contact phone leaves the kiosk masked: officers see it masked, and the visitor checks progress at the hall.
Then the hall's question log goes to the office's (``kiosk.requests.turn_sync``), for the district's barometer.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kiosk.errors import BUSY, DISK_FULL, READ_ONLY, STORAGE
from kiosk.privacy import mask_phone
from kiosk.requests.lifecycle import InvalidTransition
from kiosk.requests.outbox import TIMEOUT_S, apply_update
from kiosk.requests.service import RequestService
from kiosk.requests.validate import RequestError

if TYPE_CHECKING:
    from kiosk.requests.turn_sync import TurnLog

log = logging.getLogger(__name__)
BATCH = 100
MAX_BATCH_BYTES = 200 * 1024  # below the office's bound on one push (256 KiB)
ITEM_KINDS = ("item.created", "item.event")  # what the office takes; a unit's digest stays with its own outbox
UNREACHABLE = "连不上区办公台，记录仍保存在本机，下次同步时再发送。"
NOT_CONFIGURED = "没有配置区办公台（config.toml 中的 office_url 和 office_token）。"
SYNCED_AT = "office_synced_at"  # meta key: when a sync last went through, for `kiosk doctor`


class OfficeRefused(RequestError):
    """The office answered with an HTTP error (``status``); ``friendly`` holds its own plain words."""

    def __init__(self, friendly: str, status: int):
        super().__init__(friendly)
        self.status = status


@dataclass
class SyncReport:
    sent: int = 0
    duplicates: int = 0
    refused: int = 0
    applied: int = 0
    errors: list[str] = field(default_factory=list)
    turns_sent: int = 0  # question-log rows the office took (new ones and changed 👍/👎)
    notes: list[str] = field(default_factory=list)  # what was left out this time, and why; not an error


def sync(service: RequestService, office_url: str, token: str, questions: TurnLog | None = None) -> SyncReport:
    """Push what is waiting, then fetch and apply the office's changes, then send the question log's new rows
    (``questions``: the kiosk's, None for a hall without one); unreachable or refused raises RequestError. The
    question log never fails the request sync: what goes wrong there is in the report."""
    if not office_url or not token:
        raise RequestError(NOT_CONFIGURED)
    if not re.fullmatch(r"https?://[^\s?#]+", office_url):
        raise RequestError("区办公台地址应以 http:// 或 https:// 开头，例如 http://192.168.1.20:8700。")
    base = office_url.rstrip("/")
    report = SyncReport()
    _push(service, base, token, report)
    _pull(service, base, token, report)
    from kiosk.requests.turn_sync import send_turns  # it uses this module's calls to the office

    send_turns(questions, service, base, token, report)
    with service.db.transaction():
        service.db.put_meta(SYNCED_AT, service.clock().isoformat(timespec="seconds"))
    return report


def _push(service: RequestService, base: str, token: str, report: SyncReport) -> None:
    db = service.db
    after = 0  # refused events stay queued; this run goes past them rather than sending them again
    kinds = ",".join("?" * len(ITEM_KINDS))
    while True:
        rows = db.conn.execute(
            f"SELECT id, key, payload FROM outbox WHERE pushed_at IS NULL AND id > ? AND kind IN ({kinds})"  # noqa: S608
            " ORDER BY id LIMIT ?", (after, *ITEM_KINDS, BATCH),
        ).fetchall()
        if not rows:
            return
        batch, size = [], 0
        for row in rows:
            event = _outgoing(json.loads(row["payload"]))
            size += len(json.dumps(event, ensure_ascii=False).encode("utf-8")) + 2
            if batch and size > MAX_BATCH_BYTES:
                break
            batch.append((row, event))
        answer = call_office(base + "/api/kiosk/push", token, {"events": [event for _, event in batch]})
        keys = {row["key"] for row, _ in batch}
        accepted, duplicates = keys & strings_in(answer, "accepted"), keys & strings_in(answer, "duplicates")
        done = accepted | duplicates
        refused = answer.get("refused") if isinstance(answer.get("refused"), dict) else {}
        now = service.clock().isoformat(timespec="seconds")
        with db.transaction():
            for row, _ in batch:
                if row["key"] in done:
                    db.conn.execute("UPDATE outbox SET pushed_at = ?, attempts = attempts + 1, last_error = NULL"
                                    " WHERE id = ?", (now, row["id"]))
                else:
                    why = str(refused.get(row["key"], "办公台没有确认收到"))[:200]
                    db.conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                                    (why, row["id"]))
                    report.errors.append(f"{row['key']}: {why}")
        report.sent, report.duplicates = report.sent + len(accepted), report.duplicates + len(duplicates)
        report.refused += len(keys - done)
        after = batch[-1][0]["id"]


def _pull(service: RequestService, base: str, token: str, report: SyncReport) -> None:
    db = service.db
    where = f"office_updates {urlsplit(base).netloc}"  # a kiosk moved to another office starts from its beginning
    since = int(db.meta(where) or 0)
    while True:
        answer = call_office(f"{base}/api/kiosk/updates?since={since}", token)
        updates, reached = answer.get("updates"), answer.get("next")
        if not isinstance(updates, list) or not isinstance(reached, int) or reached < since + bool(updates):
            raise RequestError("区办公台的回答无法识别，请联系工作人员。")
        for update in updates:
            try:
                with db.transaction():
                    top = db.conn.execute("SELECT COALESCE(MAX(id), 0) FROM outbox").fetchone()[0]
                    applied = apply_update(service, update)
                    # what the office changed is not sent back to it
                    db.conn.execute("UPDATE outbox SET pushed_at = ? WHERE id > ?",
                                    (service.clock().isoformat(timespec="seconds"), top))
            except (RequestError, InvalidTransition) as exc:
                if exc.friendly in (BUSY, DISK_FULL, READ_ONLY, STORAGE):
                    raise  # nothing stored and the position kept: the next sync fetches these again
                # an update this hall cannot take (its staff already did the same here) is reported and passed
                item = update.get("item", "") if isinstance(update, dict) else ""
                report.errors.append(f"{item}: {exc.friendly}")
                continue
            report.applied += applied
        with db.transaction():
            db.put_meta(where, str(reached))
        if not updates:
            return
        since = reached


def _outgoing(payload: dict) -> dict:
    if "phone" in payload:
        return payload | {"phone": mask_phone(str(payload["phone"]))}
    return payload


def strings_in(answer: dict, key: str) -> set[str]:
    value = answer.get(key)
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


def call_office(url: str, token: str, body: dict | None = None) -> dict:
    """One request to the office; its refusal reaches people in the office's own plain words."""
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method="GET" if data is None else "POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - http(s) from config
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise OfficeRefused(f"区办公台拒绝了同步：{_said(exc)}", exc.code) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        log.info("office unreachable: %s", getattr(exc, "reason", exc))
        raise RequestError(UNREACHABLE) from None
    except ValueError:
        raise RequestError("区办公台的回答无法识别，请联系工作人员。") from None
    if not isinstance(answer, dict):
        raise RequestError("区办公台的回答无法识别，请联系工作人员。")
    return answer


def _said(exc: urllib.error.HTTPError) -> str:
    try:
        message = json.loads(exc.read()).get("error")
    except (ValueError, AttributeError, OSError):
        message = None
    return message if isinstance(message, str) else f"HTTP {exc.code}"
