"""The staff screen's figures: the barometer's own counts (kiosk.office.barometer) over this kiosk's request
store and question log, so the hall and the office show the same numbers. Nothing here is invented."""

from __future__ import annotations

from typing import Any

from kiosk.ui.viewmodels import Analytics

DAYS = 7
MAX_TOPICS = 4
REQUEST_DAYS = 90
SOURCE = f"以上数字来自本机记录：提问为最近 {DAYS} 天，诉求为最近 {REQUEST_DAYS} 天。"


def collect(requests: Any | None, retention_days: int) -> Analytics:
    """``requests`` is the request service, or None when it cannot be opened (the request charts stay empty);
    ``retention_days`` is the kiosk's `question_log_days` (opening the log purges older questions)."""
    from kiosk.office import barometer
    from kiosk.office.questionlog import open_log

    log = open_log(retention_days)
    if log is None:  # a read-only or full data directory: nothing logged here to show
        return Analytics()
    try:
        days, topics = barometer.questions_by_day(log, DAYS, MAX_TOPICS)
        out = Analytics(days, topics)
        if requests is not None:
            b = barometer.collect(requests, log, REQUEST_DAYS)
            out.by_section, out.on_time_rate, out.ratings = dict(b.by_section), b.on_time_rate, list(b.ratings)
    finally:
        log.close()
    return out
