"""Figures for the staff charts: questions by topic per day (a count, no question text) and request outcomes."""

from __future__ import annotations

import csv
import threading
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import data_dir
from kiosk.ui.viewmodels import Analytics

DAYS = 7
MAX_TOPICS = 4
_lock = threading.Lock()


def log_path() -> Path:
    return data_dir() / "analytics" / "questions.csv"


def record_question(topic: str, day: date | None = None) -> None:
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow([(day or date.today()).isoformat(), topic])


def topics_by_day(today: date | None = None) -> tuple[list[str], dict[str, list[int]]]:
    today = today or date.today()
    days = [today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    index = {d.isoformat(): i for i, d in enumerate(days)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * DAYS)
    path = log_path()
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                if len(row) == 2 and row[0] in index:
                    counts[row[1]][index[row[0]]] += 1
    top = sorted(counts, key=lambda t: -sum(counts[t]))[:MAX_TOPICS]
    return [d.strftime("%m-%d") for d in days], {t: counts[t] for t in top}


def collect(requests: Any | None) -> Analytics:
    days, topics = topics_by_day()
    out = Analytics(days, topics)
    if requests is None:
        return out
    items = requests.list_items()
    by_section: Counter[str] = Counter()
    ratings = [0] * 5
    resolved = on_time = 0
    for item in items:
        by_section[requests.department_name(item.section) if item.section else "属地街道"] += 1
        if item.resolved_at is not None:
            resolved += 1
            on_time += item.resolved_at <= item.due_at
        if item.rating:
            ratings[max(1, min(5, int(item.rating))) - 1] += 1
    out.by_section = dict(by_section)
    out.on_time_rate = on_time / resolved if resolved else None
    out.ratings = ratings
    return out
