"""The push outbox: one JSON line per notification an enterprise should receive, waiting for the SMS gateway.

Lines are only appended; a sender marks progress in its own file, so a crash mid-batch never loses or repeats a
notification that was already written. Each text fits one SMS segment and names the policy and how to apply.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk import config


def default_path() -> Path:
    return config.data_dir() / "policy" / "outbox.jsonl"


@dataclass(frozen=True)
class Notification:
    enterprise_id: str
    enterprise: str
    rule: str
    policy: str
    text: str
    match: str  # met | one_step: one_step means the kiosk still has one question to ask


class Outbox:
    def __init__(self, path: Path | None = None):
        self.path = path or default_path()

    def append(self, notes: Iterable[Notification]) -> int:
        """Append notifications; returns how many were written. Flushed and synced before returning."""
        created = datetime.now().isoformat(timespec="seconds")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with self.path.open("a", encoding="utf-8") as f:
            buf: list[str] = []
            for note in notes:
                buf.append(json.dumps({
                    "id": f"{note.rule}:{note.enterprise_id}", "enterprise_id": note.enterprise_id,
                    "enterprise": note.enterprise, "rule": note.rule, "policy": note.policy, "text": note.text, "match": note.match,
                    "created": created, "status": "pending",
                }, ensure_ascii=False))
                count += 1
                if len(buf) >= 10_000:
                    f.write("\n".join(buf) + "\n")
                    buf.clear()
            if buf:
                f.write("\n".join(buf) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return count

    def read(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The last ``limit`` notifications (all when None); unreadable lines are skipped, not fatal."""
        if not self.path.is_file():
            return []
        out: list[dict[str, Any]] = []
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash; the ones before and after are intact
        return out[-limit:] if limit else out

    def stats(self) -> dict[str, Any]:
        notes = self.read()
        return {"path": str(self.path), "total": len(notes),
                "by_rule": dict(Counter(n.get("rule", "") for n in notes).most_common()),
                "pending": sum(1 for n in notes if n.get("status") == "pending")}
