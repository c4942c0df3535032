"""The barometer reads whole months from the month rows and the days at a period's edges from the day rows
(kiosk.office.period_rows); every figure equals a naive recount of the raw items and turns: for periods that start
and end mid-month or on the first, span month and year boundaries, a week, 90 and 365 days, and again after a day
of writes, state changes and the question log's purge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from support_office import office_world
from support_postgres import a_month_before, shifted, sqlite_copy
from test_office_barometer import direct_days, kept_days
from test_question_log import same

from kiosk.office import barometer
from kiosk.office.barometer import Barometer

SPAN = 420  # days of data, up to today


@pytest.fixture
def world(kiosk_env, store, office_db):
    w = office_world(kiosk_env, store.departments(), where=office_db)
    spread(w)
    return w


def spread(world) -> None:
    """The three requests copied into 140 each, one every third day back over SPAN days, some resolved in time, some
    late, some rated; questions on most days, three topics, a few of them chit-chat, some with 👍 or 👎."""
    conn, log = world.service.db.conn, world.questions.conn
    today = world.service.clock().date()
    conn.execute("WITH RECURSIVE k(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM k WHERE value < 139)"
                 " INSERT INTO items (ticket, seq, text, category, section, department, tier, state, created_at,"
                 " due_at, updated_at) SELECT ticket, seq + 10 * k.value, text, category, section, department, tier,"
                 " state, created_at, due_at, updated_at FROM items, k")
    for n, (item_id,) in enumerate(conn.execute("SELECT id FROM items ORDER BY id").fetchall()):
        created = f"{today - timedelta(days=(3 * n) % SPAN)}T{10 + n % 12}:00:00"
        resolved = {1: shifted(created, days=1), 2: shifted(created, days=5)}.get(n % 3)
        conn.execute("UPDATE items SET created_at = ?, due_at = ?, rating = ?, resolved_at = ? WHERE id = ?",
                     (created, shifted(created, days=3), n % 6 or None, resolved, item_id))
    turns = [(f"t{day}-{k}", f"{today - timedelta(days=day)}T0{k}:00:00", f"问题{(day * k) % 7}？",
              ("政策服务专区", "人才服务专区", "企业服务")[(day + k) % 3], "chitchat" if day % 11 == 0 else
              "policy_question", int((day + k) % 3 == 0), (None, 1, 0)[(day * k) % 3])
             for day in range(SPAN) for k in range(1, 1 + day % 4)]
    log.executemany("INSERT INTO turns (id, at, question, topic, intent, answered, engine, document, latency_ms,"
                    " helpful) VALUES (?, ?, ?, ?, ?, ?, 'extractive', '', 1.0, ?)", turns)


def recount(world, since: str, until: str) -> dict:
    """The barometer's figures counted from the raw items and turns of the period."""
    service = world.service
    conn, log = sqlite_copy(service.db.conn, "items"), sqlite_copy(world.questions.conn, "turns")
    name = service.department_name
    period = (since + "T00:00:00", until + "T00:00:00" if until else barometer.OPEN_END)
    items = "FROM items WHERE created_at >= ? AND created_at < ?"
    units = {}
    for dept, n, done, in_time, rated, stars in conn.execute(
            f"SELECT department, COUNT(*), COUNT(resolved_at), TOTAL(resolved_at <= due_at), COUNT(rating),"
            f" TOTAL(rating) {items} GROUP BY 1", period):
        units[name(dept)] = {"unit": name(dept), "total": n, "resolved": done, "rated": rated,
                             "on_time_rate": round(in_time / done, 3) if done else None,
                             "average_rating": round(stars / rated, 2) if rated else None}
    done, in_time = conn.execute(f"SELECT COUNT(resolved_at), TOTAL(resolved_at <= due_at) {items}", period).fetchone()
    asked = "FROM turns WHERE at >= ? AND at < ?"
    groups: dict[str, list] = {}
    for topic, question, n in log.execute(f"SELECT topic, question, COUNT(*) {asked} AND answered = 0 AND intent ="
                                          " 'policy_question' GROUP BY 1, 2 ORDER BY 3 DESC,"
                                          " substr(MAX(at), 1, 10) DESC, 2", period):
        groups.setdefault(topic, []).append({"question": question, "count": n})
    return {
        "requests": conn.execute(f"SELECT COUNT(*) {items}", period).fetchone()[0],
        "by_section": {name(s) if s else "属地镇街（不经专区）": n for s, n in conn.execute(
            f"SELECT IFNULL(section, ''), COUNT(*) {items} GROUP BY 1", period)},
        "by_category": {barometer._category(service, c): n for c, n in conn.execute(
            f"SELECT category, COUNT(*) {items} GROUP BY 1", period)},
        "by_week": [(monday[5:], n) for monday, n in conn.execute(
            f"SELECT date(substr(created_at, 1, 10), 'weekday 0', '-6 days'), COUNT(*) {items} GROUP BY 1 ORDER BY 1",
            period)],
        "units": units,
        "ratings": [conn.execute(f"SELECT COUNT(*) {items} AND rating = ?", (*period, r)).fetchone()[0]
                    for r in range(1, 6)],
        "on_time_rate": round(in_time / done, 3) if done else None,
        "questions": log.execute(f"SELECT COUNT(*) {asked}", period).fetchone()[0],
        "top_questions": [tuple(r) for r in log.execute(
            f"SELECT question, COUNT(*) {asked} AND intent = 'policy_question' GROUP BY 1"
            " ORDER BY 2 DESC, substr(MAX(at), 1, 10) DESC, 1 LIMIT 10", period)],
        "topics": {t: {"topic": t, "asked": n, "refused": r, "refusal_rate": round(r / n, 3), "helpful": up,
                       "unhelpful": down} for t, n, r, up, down in log.execute(
            f"SELECT topic, COUNT(*), SUM(answered = 0), SUM(helpful IS 1), SUM(helpful IS 0) {asked}"
            " AND intent = 'policy_question' GROUP BY 1", period)},
        "unanswered": sorted(
            ({"topic": t, "refused": sum(q["count"] for q in qs), "questions": qs[:barometer.QUESTIONS_PER_GROUP]}
             for t, qs in groups.items()), key=lambda g: (-g["refused"], g["topic"])),
    }


def shown(b: Barometer) -> dict:
    """The barometer's figures in the recount's shape (tables keyed by their names: ties may be listed apart)."""
    return {"requests": b.requests, "by_section": dict(b.by_section), "by_category": dict(b.by_category),
            "by_week": b.by_week, "units": {u["unit"]: u for u in b.units}, "ratings": b.ratings,
            "on_time_rate": b.on_time_rate, "questions": b.questions, "top_questions": b.top_questions,
            "topics": {t["topic"]: t for t in b.topics}, "unanswered": b.unanswered}


def periods(world) -> list[Barometer]:
    """Up to now: a week, 90 days, 365 days, everything, from mid-month and from a year's first day; closed:
    mid-month to mid-month across a year's end, the last day of a month to the first of another, one month, inside
    one month, two weeks across a year's end, and weeks across a month's and a year's boundary."""
    service, log = world.service, world.questions
    today = service.clock().date()
    y = today.year
    out = [barometer.collect(service, log, d) for d in (7, 30, 90, 365, 3660)]
    for since in (date(y - 1, 12, 31), date(y, 1, 1), date(y - 1, 7, 15), today.replace(day=1)):
        out.append(barometer._collect(service, log, Barometer(0, since.isoformat())))
    for since, until in ((date(y - 1, 11, 17), date(y, 2, 9)), (date(y - 1, 3, 31), date(y - 1, 9, 1)),
                         (date(y - 1, 6, 1), date(y - 1, 7, 1)), (date(y - 1, 6, 3), date(y - 1, 6, 29)),
                         (date(y - 1, 12, 24), date(y, 1, 7)), (date(y - 2, 12, 20), date(y - 1, 10, 19))):
        out.append(barometer._collect(service, log, Barometer((until - since).days, since.isoformat(),
                                                              until.isoformat())))
    for first in (date(y, 1, 1), date(y - 1, 10, 1), today.replace(day=1)):
        out.append(barometer.collect_week(service, log, first - timedelta(days=first.weekday() or 3)))
    return out


def test_every_period_equals_a_recount(world):
    """Between them the periods read day rows, month rows and the all-days rows, with both signs."""
    held = world.service.db.conn.execute("SELECT MIN(day), MAX(day) FROM item_dates").fetchone()
    read = set()
    for b in periods(world):
        assert shown(b) == recount(world, b.since, b.until), (b.since, b.until)
        read |= {(r.kind, r.sign) for r in barometer._plan((b.since, b.until or barometer.OPEN_END), held)}
    assert read == {(kind, sign) for kind in ("days", "months") for sign in (1, -1)} | {("all", 1)}
    assert all(b.requests and b.questions for b in periods(world)[:5])


def test_a_day_of_writes_and_the_purge_keep_days_and_months_exact(world):
    """Requests accepted, resolved, rated, transferred, moved to another month, deleted; questions asked, rated,
    changed, deleted and purged by retention (180 days here): the kept day and month rows still equal a recount,
    and so does every period's barometer."""
    service, conn, log = world.service, world.service.db.conn, world.questions
    service.act(world.refs["cuiyuan"], "accept", "t")
    service.act(world.refs["cuiyuan"], "resolve", "t", "答复：已修")
    service.rate(world.refs["cuiyuan"], "5678", 4)
    service.transfer(world.refs["xixi"], "street_cuiyuan", "t", "地址在翠苑")
    conn.executemany("UPDATE items SET created_at = ? WHERE id = ?", [
        (shifted(at, days=-20), i) for i, at in conn.execute("SELECT id, created_at FROM items WHERE id % 7 = 0")])
    conn.execute("UPDATE items SET rating = 1, resolved_at = NULL WHERE id % 5 = 0")
    conn.execute("DELETE FROM events WHERE item_id IN (SELECT id FROM items WHERE id % 9 = 0)")
    conn.execute("DELETE FROM items WHERE id % 9 = 0")
    assert kept_days(conn) == direct_days(conn)
    from kiosk.dialogue.protocols import TurnSummary

    turn = log.record(TurnSummary("问题3？", "policy_question", "企业服务", False, "extractive", "", 10.0))
    log.feedback(turn, False, "unclear")
    log.conn.execute("UPDATE turns SET answered = 1 - answered WHERE id LIKE 't3%'")
    log.conn.executemany("UPDATE turns SET at = ? WHERE id = ?", [
        (a_month_before(at), i) for i, at in log.conn.execute("SELECT id, at FROM turns WHERE id LIKE 't2%-1'")])
    log.conn.execute("DELETE FROM turns WHERE id LIKE 't1%-2'")
    assert same(log)
    assert log.purge() > 0 and same(log)
    assert log.conn.execute("SELECT MIN(at) FROM turns").fetchone()[0] >= str(service.clock().date() - timedelta(
        days=181))
    for b in periods(world):
        assert shown(b) == recount(world, b.since, b.until), (b.since, b.until)
