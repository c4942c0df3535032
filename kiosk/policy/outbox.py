"""The push outbox: one JSON line per notification an enterprise should receive, waiting for the SMS gateway.

Lines are only appended and synced before the batch records its progress, so a crash never loses a notification;
a batch re-run after a crash may append one again, with the same ``id`` (rule:enterprise), which the sender uses
to send each message once. Each text fits one SMS segment and names the policy and how to apply.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk import config


def default_path() -> Path:
    return config.data_dir() / "policy" / "outbox.jsonl"


class Outbox:
    def __init__(self, path: Path | None = None):
        self.path = path or default_path()

    def append_many(self, rule: str, policy: str, text: str, enterprise_ids: list[str], names: list[str]) -> int:
        """Append one notification per enterprise for a rule; returns how many. Synced to disk before returning."""
        created = datetime.now().isoformat(timespec="seconds")
        # every line shares all but the enterprise, so the shared part is encoded once
        head = json.dumps(rule, ensure_ascii=False)
        tail = ", ".join(f'"{k}": {json.dumps(v, ensure_ascii=False)}' for k, v in (
            ("rule", rule), ("policy", policy), ("text", text), ("created", created), ("status", "pending")))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            for start in range(0, len(enterprise_ids), 20_000):
                f.write("".join(
                    f'{{"id": {head[:-1]}:{eid}", "enterprise_id": "{eid}", '
                    f'"enterprise": {json.dumps(name, ensure_ascii=False)}, {tail}}}\n'
                    for eid, name in zip(enterprise_ids[start:start + 20_000], names[start:start + 20_000],
                                         strict=True)))
            f.flush()
            os.fsync(f.fileno())
        return len(enterprise_ids)

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
