"""The barometer (企业服务晴雨表): what enterprises ask for, counted from the request store and the question log
only. Every figure is one SQL aggregate over the period asked for; nothing is sampled, invented or cached.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import yaml

from kiosk import sqldb
from kiosk.office import period_rows
from kiosk.office.questionlog import QuestionLog
from kiosk.requests.repo.schema import DAY_COUNTS
from kiosk.requests.service import RequestService

DEFAULT_DAYS = 90
MAX_DAYS = 3660
TOP = 10
HOT_SPOT_MIN = 2  # the same kind of problem at least this often in one street is a hot spot
QUESTIONS_PER_GROUP = 8


@dataclass
class Barometer:
    days: int
    since: str
    until: str = ""  # the first day not counted; "" for a period that runs up to now
    requests: int = 0
    by_section: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_street: list[tuple[str, int]] = field(default_factory=list)
    by_week: list[tuple[str, int]] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)  # per unit: total, resolved, on-time rate, rating
    hot_spots: list[dict] = field(default_factory=list)
    questions: int = 0
    top_questions: list[tuple[str, int]] = field(default_factory=list)
    topics: list[dict] = field(default_factory=list)  # per topic: asked, refused, refusal rate, 👍, 👎
    unanswered: list[dict] = field(default_factory=list)  # per topic: refused count and the questions
    on_time_rate: float | None = None
    ratings: list[int] = field(default_factory=lambda: [0] * 5)  # how many 1..5-star ratings

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


# Later than any stored time: a period that runs up to now is compared against it like a closed one.
OPEN_END = "9999-12-31"


def collect(service: RequestService, log: QuestionLog, days: int = DEFAULT_DAYS) -> Barometer:
    """The last ``days`` days up to now, from midnight."""
    days = max(1, min(MAX_DAYS, int(days)))
    since = (service.clock() - timedelta(days=days)).date()
    return _collect(service, log, Barometer(days, since.isoformat()))


def collect_week(service: RequestService, log: QuestionLog, monday: date) -> Barometer:
    """One calendar week, Monday 00:00 up to the next Monday."""
    return _collect(service, log, Barometer(7, monday.isoformat(), (monday + timedelta(days=7)).isoformat()))


def _collect(service: RequestService, log: QuestionLog, b: Barometer) -> Barometer:
    period = (b.since + "T00:00:00", b.until + "T00:00:00" if b.until else OPEN_END)
    _requests(b, service, period)
    _questions(b, log.conn, period)
    return b


def _requests(b: Barometer, service: RequestService, period: tuple[str, str]) -> None:
    """Two grouped passes over the period's kept counts (``item_dates`` per day, ``item_days`` per day and
    ``item_months`` per month, kept exact by triggers on the items table), which hold a few thousand rows where the
    items are a million; every figure is summed from them."""
    conn, name = service.db.conn, service.department_name
    days = (period[0][:10], period[1][:10])  # a period runs from midnight to midnight, so whole days
    weeks: Counter[str] = Counter()
    for day, n in conn.execute("SELECT day, n FROM item_dates WHERE day >= ? AND day < ?", days):
        start = date.fromisoformat(day)
        weeks[(start - timedelta(days=start.weekday())).isoformat()] += n
    b.by_week = [(monday[5:], weeks[monday]) for monday in sorted(weeks)]  # each week named by its Monday
    held = conn.execute("SELECT MIN(day), MAX(day) FROM item_dates").fetchone()
    parts, values = period_rows.union(_plan(days, held), "item_days", "item_months",
                                      f"section, category, department, {', '.join(DAY_COUNTS)}")
    counts = ", ".join(f"SUM(sign * {c})" for c in DAY_COUNTS)
    rows = conn.execute(f"SELECT section, category, department, {counts} FROM ({parts}) AS kept"
                        " GROUP BY 2, 1, 3 HAVING SUM(sign * n) > 0 ORDER BY 2, 1, 3", values).fetchall()
    sections, categories, pairs = Counter(), Counter(), Counter()
    units: dict[str, list[float]] = {}  # unit → [total, resolved, on time, rated, rating sum]
    for section, category, dept, n, done, in_time, rated, stars, *stars_given in rows:
        sections[section] += n
        categories[category] += n
        pairs[(dept, category)] += n
        u = units.setdefault(dept, [0, 0, 0, 0, 0.0])
        for i, value in enumerate((n, done, in_time, rated, stars)):
            u[i] += value
        b.ratings = [a + int(r) for a, r in zip(b.ratings, stars_given, strict=True)]
    b.requests = sum(sections.values())
    b.by_section = [(name(s) if s else "属地镇街（不经专区）", n) for s, n in sections.most_common()]
    b.by_category = [(_category(service, c), n) for c, n in categories.most_common()]
    streets = {d.id for d in service.router.departments.values() if d.kind == "street"}
    b.by_street = [(name(d), u[0]) for d, u in sorted(units.items(), key=lambda kv: -kv[1][0]) if d in streets]
    for dept, (total, done, in_time, rated, stars) in sorted(units.items(), key=lambda kv: -kv[1][0]):
        b.units.append({"unit": name(dept), "total": total, "resolved": done,
                        "on_time_rate": round(in_time / done, 3) if done else None, "rated": rated,
                        "average_rating": round(stars / rated, 2) if rated else None})
    resolved, on_time = sum(u[1] for u in units.values()), sum(u[2] for u in units.values())
    b.on_time_rate = round(on_time / resolved, 3) if resolved else None
    hot = [(key, n) for key, n in pairs.most_common() if key[0] in streets and n >= HOT_SPOT_MIN][:TOP]
    for (dept, category), n in hot:
        addresses = conn.execute(
            "SELECT DISTINCT t.address FROM items i JOIN tickets t ON t.ticket = i.ticket WHERE i.department = ?"
            " AND i.category = ? AND i.created_at >= ? AND i.created_at < ? AND t.address != '' LIMIT 3",
            (dept, category, *period))
        b.hot_spots.append({"street": name(dept), "category": _category(service, category), "count": n,
                            "addresses": [a for (a,) in addresses]})


def _category(service: RequestService, category_id: str) -> str:
    cat = service.router.category(category_id)
    return cat.name if cat else category_id


def _plan(days: tuple[str, str], held: tuple[str | None, str | None]) -> list[period_rows.Rows]:
    """The kept rows that sum to the period of ``days``, given the first and last day that hold data."""
    first, last = (date.fromisoformat(d) if d else None for d in held)
    end = None if days[1] == OPEN_END else date.fromisoformat(days[1])
    return period_rows.plan(date.fromisoformat(days[0]), end, first, last)


def _questions(b: Barometer, conn: sqldb.Connection, period: tuple[str, str]) -> None:
    """The count and the topics from the per-day counts (``turn_days``, a few thousand rows); the top questions and
    the unanswered ones from ``question_days`` and ``refusal_days`` with their months beside them. All are kept by
    triggers."""
    days = (period[0][:10], period[1][:10])
    kept = "FROM turn_days WHERE day >= ? AND day < ?"
    b.questions = int(conn.execute(f"SELECT COALESCE(SUM(n), 0) {kept}", days).fetchone()[0])
    plan = _plan(days, conn.execute("SELECT MIN(day), MAX(day) FROM turn_days").fetchone())
    policy = "intent = 'policy_question'"
    parts, values = period_rows.union(plan, "question_days", "question_months", "question, n, last", policy)
    rows = conn.execute(f"SELECT question, SUM(sign * n) FROM ({parts}) AS kept GROUP BY question HAVING SUM(sign * n) > 0"
                        " ORDER BY 2 DESC, MAX(last) DESC, question LIMIT ?", (*values, TOP))
    b.top_questions = [(text, n) for text, n in rows]
    rows = conn.execute(f"SELECT topic, SUM(n), SUM(CASE WHEN answered = 0 THEN n ELSE 0 END), SUM(up), SUM(down) {kept}"
                        f" AND {policy} GROUP BY topic ORDER BY 2 DESC", days)
    b.topics = [{"topic": t, "asked": n, "refused": r, "refusal_rate": round(r / n, 3), "helpful": up or 0,
                 "unhelpful": down or 0} for t, n, r, up, down in rows]
    # each topic's most refused questions, one range of rows a topic and part of the plan: a long period holds tens
    # of thousands of (topic, question) pairs, and only a few of each topic are shown
    refused = sorted(((t["refused"], t["topic"]) for t in b.topics if t["refused"]), key=lambda rt: (-rt[0], rt[1]))
    for n, topic in refused:
        parts, values = period_rows.union(plan, "refusal_days", "refusal_months", "question, n, last",
                                          f"{policy} AND topic = ?", (topic,))
        rows = conn.execute(f"SELECT question, SUM(sign * n) FROM ({parts}) AS kept GROUP BY question"
                            " HAVING SUM(sign * n) > 0 ORDER BY 2 DESC, MAX(last) DESC, question LIMIT ?",
                            (*values, QUESTIONS_PER_GROUP))
        b.unanswered.append({"topic": topic, "refused": n,
                             "questions": [{"question": text, "count": count} for text, count in rows]})


def questions_by_day(log: QuestionLog, days: int, top: int) -> tuple[list[str], dict[str, list[int]]]:
    """Questions asked per day over the last ``days`` days, for the ``top`` most asked-about topics."""
    today = log.clock().date()
    first = today - timedelta(days=days - 1)
    index = {(first + timedelta(days=i)).isoformat(): i for i in range(days)}
    counts: dict[str, list[int]] = {}
    for day, topic, n in log.conn.execute("SELECT substr(at, 1, 10), topic, COUNT(*) FROM turns WHERE at >= ?"
                                          " GROUP BY 1, 2", (first.isoformat(),)):
        if day in index:
            counts.setdefault(topic, [0] * days)[index[day]] += n
    chosen = sorted(counts, key=lambda t: -sum(counts[t]))[:top]
    return [d[5:] for d in index], {t: counts[t] for t in chosen}


def to_csv(b: Barometer) -> str:
    """Every table of the barometer as one CSV (表, 项目, 数值…), for a spreadsheet."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["表", "项目", "数值", "附加"])
    for title, rows in (("按专区", b.by_section), ("按类别", b.by_category), ("按镇街", b.by_street),
                        ("按周", b.by_week), ("热门问题", b.top_questions)):
        for key, n in rows:
            w.writerow([title, _cell(key), n, ""])
    for u in b.units:
        w.writerow(["按时办结率", _cell(u["unit"]), "" if u["on_time_rate"] is None else u["on_time_rate"],
                    "" if u["average_rating"] is None else u["average_rating"]])
    for h in b.hot_spots:
        w.writerow(["热点", _cell(f"{h['street']} {h['category']}"), h["count"], _cell("；".join(h["addresses"]))])
    for t in b.topics:
        w.writerow(["拒答率", _cell(t["topic"]), t["refusal_rate"], t["asked"]])
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def faq_draft(group: dict, department: str = "") -> str:
    """A draft FAQ file (policies_db/faq format) for an editor: the questions, each answer left to write."""
    items = [{"q": q["question"], "a": "（待编辑填写答复和依据）", "refs": []} for q in group["questions"]]
    doc = {"draft": True, "topic": group["topic"], "department": department or "sec_policy", "items": items}
    stamp = datetime.now().strftime("%Y-%m-%d")
    return f"# 由晴雨表“未答问题”生成的草稿（{stamp}），编辑填写答复后放入 policies_db/faq/\n" + yaml.safe_dump(
        doc, allow_unicode=True, sort_keys=False)
