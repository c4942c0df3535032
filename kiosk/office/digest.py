"""The daily digest: for every unit with open items, one message of what waits for it today, queued in the
request store's outbox for whatever delivers messages (SMS and e-mail adapters are not part of the kiosk).

The outbox key is the unit and the day, so running the digest twice in a day queues nothing new.
"""

from __future__ import annotations

from kiosk.office.work import bucket_filters
from kiosk.requests.lifecycle import OPEN_STATES
from kiosk.requests.service import RequestService

KIND = "unit.digest"


def queue_digests(service: RequestService) -> list[dict]:
    """Queue today's digest for each unit with open items; returns the digests (queued now or earlier today)."""
    now = service.clock()
    db = service.db
    states = [str(s) for s in OPEN_STATES]
    marks = ",".join("?" * len(states))
    units = [u for (u,) in db.conn.execute(
        f"SELECT department FROM items WHERE state IN ({marks}) UNION "  # noqa: S608 - placeholders only
        f"SELECT section FROM items WHERE state IN ({marks}) AND section IS NOT NULL ORDER BY 1", states + states)]
    filters = bucket_filters(now)
    digests = []
    with db.transaction():
        for unit in units:
            counts = db.count_many(unit, {k: filters[k] for k in ("new", "open", "due_soon", "overdue")})
            name = service.department_name(unit)
            text = (f"【西小服】{name}今日待办：待接单 {counts['new']} 件，在办 {counts['open']} 件，"
                    f"即将到期 {counts['due_soon']} 件，已超期 {counts['overdue']} 件。请登录办公台处理。")
            digest = {"key": f"digest-{unit}-{now.date().isoformat()}", "kind": KIND, "unit": unit, "message": text,
                      "counts": counts, "at": now.isoformat(timespec="seconds")}
            db.add_outbox(digest["key"], KIND, digest, now)
            digests.append(digest)
    return digests
