"""Sync with the district platform: export and push what happened here, import what happened there.

Every event is queued in the outbox table in the same transaction as the change itself, under a unique key. The
key travels as the HTTP ``Idempotency-Key`` header and in each JSON line, so a record sent twice (a retry after a
lost answer, an export repeated after a crash) is recognised by the receiver. Imported updates carry their own
keys and are applied once.

What the platform receives about a person: an ``item.created`` record carries the enterprise's contact phone in
its ``phone`` field (with ``company`` and ``address`` for routing) so the handling department can call back; that
is the only place it travels in full. The free-text fields ``text`` and ``note`` are redacted before they are
queued (``kiosk.privacy``), so ID, phone and card numbers and names typed into them leave only masked.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.requests.lifecycle import InvalidTransition
from kiosk.requests.service import RequestService
from kiosk.requests.validate import RequestError

RETRIES = 3
BACKOFF_S = 0.5
TIMEOUT_S = 10.0
IMPORTABLE_ACTIONS = ("accept", "start", "resolve", "close", "transfer", "note")


@dataclass
class PushReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    applied: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def export_jsonl(service: RequestService, path: Path) -> int:
    """Append not-yet-exported records to ``path``; returns how many. The file is synced before they are marked."""
    db = service.db
    rows = db.conn.execute("SELECT id, payload FROM outbox WHERE exported_at IS NULL ORDER BY id").fetchall()
    if not rows:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        for row in rows:
            f.write(row["payload"] + "\n")
        f.flush()
        os.fsync(f.fileno())
    now = service.clock().isoformat(timespec="seconds")
    with db.transaction():
        db.conn.executemany("UPDATE outbox SET exported_at = ? WHERE id = ?", [(now, r["id"]) for r in rows])
    return len(rows)


def _post(endpoint: str, key: str, body: bytes) -> int:
    req = urllib.request.Request(
        endpoint, data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key},
    )
    with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
        return resp.status


def push(service: RequestService, endpoint: str, retries: int = RETRIES, backoff_s: float = BACKOFF_S,
         limit: int = 500) -> PushReport:
    """POST each unpushed record to ``endpoint``; server errors and network failures are retried with backoff.

    A 409 means the platform already has the record (our earlier attempt got through), so it counts as sent.
    Records that still fail stay queued for the next push.
    """
    if not endpoint:
        raise RequestError("没有配置区平台推送地址（config.toml 中的 push_endpoint）。")
    db = service.db
    report = PushReport()
    rows = db.conn.execute(
        "SELECT id, key, payload FROM outbox WHERE pushed_at IS NULL ORDER BY id LIMIT ?", (limit,)
    ).fetchall()
    for row in rows:
        error = ""
        for attempt in range(retries):
            try:
                _post(endpoint, row["key"], row["payload"].encode("utf-8"))
                error = ""
                break
            except urllib.error.HTTPError as exc:
                if exc.code == 409:
                    error = ""
                    break
                error = f"HTTP {exc.code}"
                if exc.code < 500:
                    break  # the platform refused this record; retrying would not change its mind
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                error = str(getattr(exc, "reason", exc))
            if attempt + 1 < retries:
                time.sleep(backoff_s * 2**attempt)
        with db.transaction():
            if error:
                db.conn.execute("UPDATE outbox SET attempts = attempts + ?, last_error = ? WHERE id = ?",
                                (retries, error, row["id"]))
            else:
                db.conn.execute("UPDATE outbox SET pushed_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                                (service.clock().isoformat(timespec="seconds"), row["id"]))
        if error:
            report.failed += 1
            report.errors.append(f"{row['key']}: {error}")
        else:
            report.sent += 1
    return report


def pending(service: RequestService) -> dict[str, int]:
    row = service.db.conn.execute(
        "SELECT SUM(exported_at IS NULL), SUM(pushed_at IS NULL), COUNT(*) FROM outbox"
    ).fetchone()
    return {"unexported": row[0] or 0, "unpushed": row[1] or 0, "total": row[2] or 0}


def import_updates(service: RequestService, path: Path) -> ImportReport:
    """Apply status updates from the platform, one JSON object per line.

    ``{"key": "…", "item": "XH20261123-0042-1", "action": "resolve", "actor": "区市场监管局", "note": "…"}``;
    ``transfer`` also takes ``"department"``. A key seen before is skipped; a bad line is reported by number and
    the others still apply.
    """
    report = ImportReport()
    try:
        # One update per "\n"-ended line: str.splitlines() would also cut at U+2028 or U+0085, which JSON
        # allows unescaped inside a note.
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise RequestError(f"读不到状态更新文件 {path}：{exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            update = json.loads(line)
        except ValueError:
            update = None
        try:
            applied = apply_update(service, update)
        except (RequestError, InvalidTransition) as exc:
            report.errors.append(f"{path.name}:{number}: {exc.friendly}")
            continue
        if applied:
            report.applied += 1
        else:
            report.duplicates += 1
    return report


def apply_update(service: RequestService, update: object) -> bool:
    """Apply one status update unless its key was applied before (then False); a bad one raises RequestError.

    The change and the record of its key commit together: a crash cannot apply an update twice.
    """
    try:
        key, ref, action = str(update["key"]), str(update["item"]), str(update["action"])
    except (KeyError, TypeError):
        raise RequestError("不是有效的状态更新（需要 key、item、action）") from None
    db = service.db
    if db.conn.execute("SELECT 1 FROM imported WHERE key = ?", (key,)).fetchone():
        return False
    if action not in IMPORTABLE_ACTIONS:
        raise RequestError(f"不支持的操作 {action}")
    actor = str(update.get("actor") or "区平台")
    note = str(update.get("note") or "")
    with db.transaction():
        if action == "transfer":
            service.transfer(ref, str(update.get("department", "")), actor, note)
        elif action == "note":
            service.note(ref, note, actor)
        else:
            service.act(ref, action, actor, note)
        db.conn.execute("INSERT INTO imported VALUES (?, ?)", (key, service.clock().isoformat(timespec="seconds")))
    return True
