"""The question log: one row per answered kiosk turn, kept for the barometer and nothing else.

A row holds the topic, the intent, whether the kiosk answered or refused, which engine answered, the document it
cited, how long it took, and the question with phone, ID and bank-card numbers and names masked by
``kiosk.privacy.redact``. No audio, no image, no session id. A visitor's 👍/👎 (and one of a few fixed reasons,
so nothing personal can be typed in) is written against the row. Rows older than the retention period (the
``question_log_days`` setting, handed in by whoever opens the log) are deleted when the log opens and at most
hourly while it is written.

A hall's kiosk sends its log to the district office with its sync (``kiosk.requests.turn_sync``), in the order the
rows were written; the office keeps them in its own log beside its own (``merge``), so its barometer counts them.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from kiosk import config, sqldb
from kiosk.dialogue.protocols import TurnSummary
from kiosk.office.questionlog_schema import migrate
from kiosk.privacy import redact

log = logging.getLogger(__name__)
BUSY_TIMEOUT_S = 5.0
PURGE_EVERY = timedelta(hours=1)
MAX_QUESTION_CHARS = 500
# Fixed reasons for a 👎: the visitor taps one, so no free text (and no personal data) reaches the log.
FEEDBACK_REASONS = {
    "off_topic": "没答到点子上",
    "unclear": "看不懂",
    "outdated": "信息过时了",
    "incomplete": "不够详细",
}


def log_path() -> Path:
    return config.data_dir() / "questions.db"


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class LoggedTurn:
    id: str
    at: datetime
    question: str
    topic: str
    intent: str
    answered: bool
    engine: str
    document: str
    latency_ms: float
    helpful: bool | None
    reason: str
    changed: int = 0  # its place in the order the log was written (kiosk.office.questionlog_schema._changes)

    def outgoing(self) -> dict:
        """What of the turn a hall sends the district office (kiosk.requests.turn_sync): the log's own fields, not
        its place in this log's order of writes."""
        return {"id": self.id, "at": self.at.isoformat(timespec="seconds"), "question": self.question,
                "topic": self.topic, "intent": self.intent, "answered": self.answered, "engine": self.engine,
                "document": self.document, "latency_ms": self.latency_ms, "helpful": self.helpful,
                "reason": self.reason}


class QuestionLog:
    """The log file (SQLite, WAL: the office reads it while the kiosk writes), or the office's PostgreSQL database
    (``path`` its address). Whoever opens it says how many days of rows to keep (``Settings.question_log_days``):
    opening purges the older ones."""

    def __init__(self, path: Path | str | None, retention_days: int, clock: Callable[[], datetime] = _now):
        if not retention_days or retention_days < 1:
            raise ValueError(f"question log retention must be at least a day, not {retention_days!r}")
        self.path = sqldb.target_of(path, log_path())
        self.retention = timedelta(days=retention_days)
        self.clock = clock
        self.conn = sqldb.connect_file_or_server(self.path, "questions", BUSY_TIMEOUT_S)
        self._lock = threading.Lock()
        if not sqldb.postgres(self.conn):
            self.conn.execute("PRAGMA secure_delete=ON")  # purged questions do not linger in free pages
        migrate(self.conn)
        self._purged_at: datetime | None = None
        self.purge()

    def close(self) -> None:
        self.conn.close()

    def record(self, turn: TurnSummary) -> str:
        """Write one turn; returns its id for 👍/👎."""
        turn_id = uuid.uuid4().hex
        now = self.clock()
        question = redact(turn.question.strip()[:MAX_QUESTION_CHARS])
        with self._write() as changed:
            self.conn.execute(
                "INSERT INTO turns (id, at, question, topic, intent, answered, engine, document, latency_ms, changed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (turn_id, now.isoformat(timespec="seconds"), question, turn.topic or "其他", turn.intent,
                 int(turn.answered), turn.engine, turn.document, round(float(turn.latency_ms), 1), changed),
            )
        if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
            self.purge()
        return turn_id

    def feedback(self, turn_id: str, helpful: bool, reason: str = "") -> bool:
        """A visitor's 👍/👎 on a turn; ``reason`` is one of FEEDBACK_REASONS' keys or "". False: no such turn."""
        if reason and reason not in FEEDBACK_REASONS:
            raise ValueError(f"unknown feedback reason {reason!r}")
        with self._write() as changed:
            cur = self.conn.execute("UPDATE turns SET helpful = ?, reason = ?, changed = ? WHERE id = ?",
                                    (int(helpful), reason, changed, turn_id))
        return cur.rowcount == 1

    @contextlib.contextmanager
    def _write(self) -> Iterator[int]:
        """One write in a transaction of its own, with the next number of the log's order of writes."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute("UPDATE turn_changes SET n = n + 1")
                yield self.conn.execute("SELECT n FROM turn_changes").fetchone()[0]
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def last_change(self) -> int:
        """The number of the log's latest write (0 for a log nobody wrote to since it had numbers)."""
        return self.conn.execute("SELECT n FROM turn_changes").fetchone()[0]

    def changed_after(self, changed: int, turn_id: str, limit: int) -> list[LoggedTurn]:
        """The turns written (or given a 👍/👎) after the turn at (``changed``, ``turn_id``), in the order written."""
        rows = self.conn.execute("SELECT * FROM turns WHERE (changed, id) > (?, ?) ORDER BY changed, id LIMIT ?",
                                 (changed, turn_id, limit)).fetchall()
        return [_turn(r) for r in rows]

    def merge(self, turns: list[LoggedTurn]) -> list[str]:
        """Keep turns written elsewhere (a hall's, already checked and redacted), each once by its id: per turn
        "new", "updated" (its 👍/👎 changed), "same" (already here as it is) or "expired" (older than the retention
        period: not kept, as the purge would delete it). One transaction; the count tables follow by their
        triggers."""
        cutoff = (self.clock() - self.retention).isoformat(timespec="seconds")
        outcomes = []
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for t in turns:
                    at = t.at.isoformat(timespec="seconds")
                    if at < cutoff:
                        outcomes.append("expired")
                        continue
                    helpful = None if t.helpful is None else int(t.helpful)
                    had = self.conn.execute("SELECT helpful, reason FROM turns WHERE id = ?", (t.id,)).fetchone()
                    self.conn.execute(
                        "INSERT INTO turns (id, at, question, topic, intent, answered, engine, document, latency_ms,"
                        " helpful, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                        " helpful = excluded.helpful, reason = excluded.reason WHERE turns.helpful IS DISTINCT FROM"
                        " excluded.helpful OR turns.reason IS DISTINCT FROM excluded.reason",
                        (t.id, at, t.question, t.topic, t.intent, int(t.answered), t.engine, t.document,
                         t.latency_ms, helpful, t.reason))
                    outcomes.append("new" if had is None else "same" if (had["helpful"], had["reason"]) == (
                        helpful, t.reason) else "updated")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        if self._purged_at is None or self.clock() - self._purged_at >= PURGE_EVERY:
            self.purge()  # the office's own retention, for these rows as for its own
        return outcomes

    def purge(self) -> int:
        """Delete the rows older than the retention period; returns how many went."""
        now = self.clock()
        cutoff = (now - self.retention).isoformat(timespec="seconds")
        with self._lock:
            cur = self.conn.execute("DELETE FROM turns WHERE at < ?", (cutoff,))
        self._purged_at = now
        return cur.rowcount

    def turns(self, since: datetime | None = None) -> list[LoggedTurn]:
        rows = self.conn.execute("SELECT * FROM turns WHERE at >= ? ORDER BY at",
                                 ((since or datetime.min).isoformat(timespec="seconds"),)).fetchall()
        return [_turn(r) for r in rows]


def _turn(r) -> LoggedTurn:
    return LoggedTurn(r["id"], datetime.fromisoformat(r["at"]), r["question"], r["topic"], r["intent"],
                      bool(r["answered"]), r["engine"], r["document"], r["latency_ms"],
                      None if r["helpful"] is None else bool(r["helpful"]), r["reason"], r["changed"])


def open_log(retention_days: int) -> QuestionLog | None:
    """The kiosk's question log, or None (with a warning) when its file cannot be opened: answers go on."""
    try:
        return QuestionLog(None, retention_days)
    except (sqlite3.Error, OSError):
        log.warning("question log unavailable", exc_info=True)
        return None
