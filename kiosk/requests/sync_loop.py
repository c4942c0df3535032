"""A hall's kiosk syncing with the district office by itself, so nobody has to type `kiosk request sync`.

While the kiosk runs, one background thread calls `office_sync.sync` every ``office_sync_interval_s`` seconds,
and within about a second of anything new in the outbox (a visitor's submission, a rating, staff's step), so an
officer sees a request while the visitor is still at the hall. It works on a connection of its own to the
requests file: a sync never joins a transaction of the screen's or the voice's, and its network calls happen
outside any transaction, so a visitor's submission waits at most for one short write.

An office that cannot be reached (or that refuses the token) is tried again after twice the last wait, up to
`MAX_BACKOFF_S`; what waits stays in the outbox and goes with the next sync that gets through. The log says how
a sync went in counts and the office's plain words, never with the token or a phone number.

Each sync also sends the kiosk's question log (``kiosk.requests.turn_sync``), opened on the loop's thread as the
kiosk opens it, so the office's barometer counts this hall's visitors' questions.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.privacy import redact
from kiosk.requests.office_sync import SyncReport, sync
from kiosk.requests.service import RequestService
from kiosk.store.records import Department

if TYPE_CHECKING:
    from kiosk.requests.turn_sync import TurnLog

log = logging.getLogger(__name__)
WATCH_S = 1.0  # how often the outbox is looked at for something new: one indexed read of its last id
MAX_BACKOFF_S = 600.0  # an office down for hours is still tried every ten minutes
# how long shutdown waits for a sync in flight (an office call may take up to its 10 s timeout): less than the
# window waits for the services process; the thread is a daemon and every write is one transaction, so leaving
# mid-sync loses nothing, the rest goes next time
JOIN_TIMEOUT_S = 2.0


@dataclass
class SyncLoop:
    """Background sync with one office; `start()` it, `stop()` it on shutdown. Safe to build without starting."""

    open_service: Callable[[], RequestService]  # a service on its own connection, opened on the loop's thread
    office_url: str
    token: str = field(repr=False)
    interval_s: float = 60.0
    watch_s: float = WATCH_S
    # the kiosk's question log on a connection of its own (None: it cannot be opened), sent with each sync
    open_questions: Callable[[], TurnLog | None] | None = None
    failures: int = field(default=0, init=False)  # syncs in a row that did not get through
    _service: RequestService | None = field(default=None, init=False, repr=False)
    _questions: TurnLog | None = field(default=None, init=False, repr=False)
    _questions_opened: bool = field(default=False, init=False, repr=False)  # tried once; the warning said why
    _seen: int = field(default=-1, init=False, repr=False)  # the outbox's last id when a sync last got through
    _stop: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)
    _departments: list[Department] | None = field(default=None, init=False, repr=False)  # the store's, when rebuilt

    @property
    def delay_s(self) -> float:
        """How long until the next sync: the interval, doubled for each failure in a row up to the cap."""
        if not self.failures:
            return self.interval_s
        return min(self.interval_s * 2 ** self.failures, max(MAX_BACKOFF_S, self.interval_s))

    def start(self) -> SyncLoop:
        self._thread = threading.Thread(target=self._run, name="kiosk-office-sync", daemon=True)
        self._thread.start()
        log.info("office sync every %s s", self.interval_s)
        return self

    def use_departments(self, departments: list[Department]) -> None:
        """The store was rebuilt: the next sync routes what the office sends among these departments."""
        self._departments = departments

    def stop(self, timeout_s: float = JOIN_TIMEOUT_S) -> None:
        """Stop after the sync in flight, if any, waiting at most ``timeout_s``; the thread closes its connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.warning("office sync still finishing a call at shutdown")

    def _run(self) -> None:
        due = time.monotonic()  # at start: what waited while the kiosk was off goes now
        try:
            while not self._stop.is_set():
                if time.monotonic() >= due or (not self.failures and self._outbox_grew()):
                    self.sync_once()
                    due = time.monotonic() + self.delay_s
                self._stop.wait(max(0.0, min(self.watch_s, due - time.monotonic())))
        finally:
            if self._service is not None:
                self._service.close()
            if self._questions is not None:
                self._questions.close()

    def sync_once(self) -> SyncReport | None:
        """One sync; whatever goes wrong is logged and counted for the back-off, never raised to the kiosk."""
        try:
            service = self._open()
            # read before the sync: a record written while it runs (after its push) brings the next one at once
            seen = service.db.last_outbox_id()
            report = sync(service, self.office_url, self.token, self._open_questions())
            self._seen = seen
        except Exception as exc:  # noqa: BLE001 - a background sync must never take the kiosk's services down
            self.failures += 1
            why = getattr(exc, "friendly", None) or type(exc).__name__
            log.warning("office sync failed (%d in a row), next try in %.0f s: %s", self.failures, self.delay_s,
                        redact(str(why)))
            return None
        self.failures = 0
        if report.sent or report.applied or report.errors or report.turns_sent:
            log.info("office sync: sent %d (office had %d), refused %d, applied %d, questions sent %d", report.sent,
                     report.duplicates, report.refused, report.applied, report.turns_sent)
        for note in report.notes:
            log.info("office sync: %s", note)
        for error in report.errors[:5]:
            log.warning("office sync: %s", redact(error))
        return report

    def _open(self) -> RequestService:
        if self._service is None:
            self._service = self.open_service()
        departments, self._departments = self._departments, None
        if departments is not None:
            self._service.router.use(departments)
        return self._service

    def _open_questions(self) -> TurnLog | None:
        if not self._questions_opened and self.open_questions is not None:
            self._questions, self._questions_opened = self.open_questions(), True
        return self._questions

    def _outbox_grew(self) -> bool:
        if self._service is None:  # not opened yet, or could not be: the interval's sync tries again
            return False
        try:
            return self._service.db.last_outbox_id() > self._seen
        except Exception:  # noqa: BLE001 - the interval's sync reports what is wrong with the file
            return False
