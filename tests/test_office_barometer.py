"""The barometer counts what the request store and the question log hold, nothing else: charts with whole,
distinct ticks and escaped labels, CSV safe for spreadsheets, unanswered questions drafted into an FAQ file."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from support_office import office_world, submit
from support_postgres import sqlite_copy

from kiosk.dialogue.protocols import TurnSummary
from kiosk.office import barometer, charts


@pytest.fixture
def world(kiosk_env, store, office_db):
    return office_world(kiosk_env, store.departments(), where=office_db)


def ask(world, question: str, topic: str, answered: bool) -> None:
    world.questions.record(TurnSummary(question, "policy_question", topic, answered, "extractive", "", 10.0))


def test_counts_match_the_store(world):
    submit(world.service, "店门口的井盖松动了，车一压就响。", "杭州市西湖区翠苑街道文一路101号", "13700001111",
           "杭州另一家餐饮有限公司")
    world.service.act(world.refs["cuiyuan"], "accept", "t")
    world.service.act(world.refs["cuiyuan"], "resolve", "t", "答复：已修")
    for q, topic, ok in [("社保怎么交？", "人才服务专区", True), ("社保怎么交？", "人才服务专区", True),
                         ("火星补贴多少？", "政策服务专区", False), ("月球补贴多少？", "政策服务专区", False),
                         ("研发补助几月申报？", "政策服务专区", True)]:
        ask(world, q, topic, ok)
    b = barometer.collect(world.service, world.questions)
    db = world.service.db
    assert b.requests == len(db.items()) == 4
    assert sum(n for _, n in b.by_section) == sum(n for _, n in b.by_category) == sum(n for _, n in b.by_week) == 4
    assert dict(b.by_street) == {"翠苑街道": 2, "西溪街道": 1}
    assert b.hot_spots[0]["street"] == "翠苑街道" and b.hot_spots[0]["count"] == 2
    assert b.on_time_rate == 1.0
    assert b.questions == 5 and b.top_questions[0] == ("社保怎么交？", 2)
    policy = next(t for t in b.topics if t["topic"] == "政策服务专区")
    assert (policy["asked"], policy["refused"], policy["refusal_rate"]) == (3, 2, round(2 / 3, 3))
    assert [g["topic"] for g in b.unanswered] == ["政策服务专区"]
    assert {q["question"] for q in b.unanswered[0]["questions"]} == {"火星补贴多少？", "月球补贴多少？"}


def test_an_empty_office_says_so(kiosk_env, store):
    from starlette.testclient import TestClient

    from kiosk.office.accounts import Accounts
    from kiosk.office.app import create_app
    from kiosk.office.questionlog import QuestionLog
    from kiosk.requests.service import RequestService

    accounts = Accounts(kiosk_env / "office.db")
    accounts.add_user("leader", "long-password-1", "leader")
    app = create_app(RequestService.open(store.departments(), path=kiosk_env / "r.db"), accounts,
                     QuestionLog(kiosk_env / "q.db", retention_days=180), kiosk_env / "drafts")
    client = TestClient(app)
    client.post("/api/login", json={"username": "leader", "password": "long-password-1"})
    page = client.get("/barometer").text
    assert "这段时间还没有诉求" in page and "这段时间还没有问答记录" in page and "<svg" not in page


def test_csv_export_and_formula_cells(world):
    ask(world, "=HYPERLINK(\"x\")补贴？", "政策服务专区", False)
    client = world.client("admin")
    r = client.get("/barometer.csv?days=30")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0] == ["表", "项目", "数值", "附加"]
    assert ["按镇街", "翠苑街道", "1", ""] in rows
    assert all(not cell.startswith("=") for row in rows for cell in row)


def test_editor_drafts_an_faq_from_unanswered_questions(world, kiosk_env):
    import yaml

    ask(world, "火星补贴多少？", "政策服务专区", False)
    client = world.client("editor")
    page = client.get("/barometer").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    r = client.post("/barometer/draft", data={"csrf": csrf, "topic": "政策服务专区"})
    assert r.status_code == 200 and "FAQ 草稿" in r.text
    (draft,) = (kiosk_env / "drafts").glob("draft-*.yaml")
    doc = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert doc["items"][0]["q"] == "火星补贴多少？" and doc["draft"] is True
    assert client.post("/barometer/draft", data={"csrf": csrf, "topic": "没有这个"}).status_code == 404
    assert client.post("/barometer/draft", data={"csrf": "forged", "topic": "政策服务专区"}).status_code == 403
    leader = world.client("leader")
    assert leader.post("/barometer/draft", data={"csrf": "x", "topic": "政策服务专区"}).status_code == 403


@pytest.mark.parametrize("top", [0, 1, 2, 3, 4, 7, 9, 10, 11, 23, 99, 100, 101, 4999, 123456])
def test_ticks_are_whole_distinct_and_cover_the_top(top):
    t = charts.ticks(top)
    assert t[0] == 0 and t[-1] >= top and len(t) == len(set(t)) and len(t) <= 7
    assert all(isinstance(x, int) for x in t)


def test_chart_labels_are_escaped():
    svg = charts.bars([("<script>alert(1)</script>", 3)], "标题") + charts.columns([("<b>", 2)], "周")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


COUNTS = ("COUNT(*), SUM(resolved_at IS NOT NULL), SUM(IFNULL(resolved_at <= due_at, 0)), COUNT(rating),"
          " TOTAL(rating), SUM(rating IS 1), SUM(rating IS 2), SUM(rating IS 3), SUM(rating IS 4), SUM(rating IS 5)")


def kept_days(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute("SELECT * FROM item_days ORDER BY 1, 2, 3, 4")] + [
        tuple(r) for r in conn.execute("SELECT * FROM item_dates ORDER BY 1")] + [
        tuple(r) for r in conn.execute("SELECT * FROM item_months ORDER BY 1, 2, 3, 4")]


def direct_days(conn) -> list[tuple]:
    """Counted from the items: each unit and category for all days (day ''), then per day; the items of each day;
    each unit and category per month."""
    conn = sqlite_copy(conn, "items")
    return [tuple(r) for r in conn.execute(
        f"SELECT '', IFNULL(section, ''), category, department, {COUNTS} FROM items GROUP BY 2, 3, 4"
        f" UNION ALL SELECT substr(created_at, 1, 10), IFNULL(section, ''), category, department, {COUNTS}"
        " FROM items GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4")] + [
        tuple(r) for r in conn.execute("SELECT substr(created_at, 1, 10), COUNT(*) FROM items GROUP BY 1 ORDER BY 1")
    ] + [tuple(r) for r in conn.execute(f"SELECT substr(created_at, 1, 7), IFNULL(section, ''), category, department,"
                                        f" {COUNTS} FROM items GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4")]


def test_kept_day_counts_match_a_direct_count_through_every_change(world):
    """The barometer sums item_days, which triggers keep; after every kind of write it equals counting the items."""
    conn, service = world.service.db.conn, world.service
    assert kept_days(conn) == direct_days(conn)
    service.act(world.refs["cuiyuan"], "accept", "t")
    service.act(world.refs["cuiyuan"], "resolve", "t", "答复：已修")
    service.rate(world.refs["cuiyuan"], "5678", 4)
    service.transfer(world.refs["xixi"], "street_cuiyuan", "t", "地址在翠苑")
    assert kept_days(conn) == direct_days(conn)
    conn.execute("UPDATE items SET created_at = '2026-01-05T09:00:00', rating = 2 WHERE ticket = ?",
                 (world.refs["talent"].rsplit("-", 1)[0],))
    assert kept_days(conn) == direct_days(conn)
    conn.execute("UPDATE items SET created_at = '2025-12-31T23:00:00' WHERE ticket = ?",  # into another month and year
                 (world.refs["talent"].rsplit("-", 1)[0],))
    conn.execute("UPDATE items SET due_at = '2000-01-01T00:00:00' WHERE department = 'street_cuiyuan'")
    assert kept_days(conn) == direct_days(conn)
    gone = "SELECT id FROM items WHERE department = 'street_cuiyuan' AND resolved_at IS NULL"
    conn.execute(f"DELETE FROM events WHERE item_id IN ({gone})")
    conn.execute(f"DELETE FROM items WHERE id IN ({gone})")
    assert kept_days(conn) == direct_days(conn)
    b = barometer.collect(service, world.questions, 3660)
    units = dict(conn.execute("SELECT department, COUNT(*) FROM items GROUP BY 1").fetchall())
    assert b.requests == sum(units.values()) and {u["unit"]: u["total"] for u in b.units} == {
        service.department_name(d): n for d, n in units.items()}
    assert b.ratings == [0, 1, 0, 1, 0] and b.on_time_rate == 0.0


def test_an_older_request_file_gets_its_day_counts(kiosk_env, store):
    """Opening a file written before the counts existed fills them from the items already there."""
    import sqlite3

    from kiosk.requests.repo import schema
    from kiosk.requests.service import RequestService

    service = RequestService.open(store.departments(), path=kiosk_env / "old.db")
    submit(service, "店门口的井盖松动了。", "杭州市西湖区翠苑街道文一路101号")
    submit(service, "想咨询人才认定。", "", "13900001111", "杭州人才测试有限公司")
    service.close()
    conn = sqlite3.connect(kiosk_env / "old.db")
    conn.executescript("DROP TABLE item_days; DROP TRIGGER item_days_insert; DROP TRIGGER item_days_update;"
                       f" DROP TRIGGER item_days_delete; UPDATE meta SET value = '{schema.MIGRATIONS.index(schema._item_days)}'"
                       " WHERE key = 'schema_version';")
    conn.close()
    service = RequestService.open(store.departments(), path=kiosk_env / "old.db")
    conn = service.db.conn
    assert kept_days(conn) == direct_days(conn)
    assert conn.execute("SELECT SUM(n) FROM item_days WHERE day = ''").fetchone()[0] == 2


def test_an_older_request_file_with_day_counts_gets_the_all_days_rows(kiosk_env, store):
    """A file counted per day only (before the all-days rows and the items of each day) is counted afresh."""
    import sqlite3

    from kiosk.requests.repo import schema
    from kiosk.requests.service import RequestService

    service = RequestService.open(store.departments(), path=kiosk_env / "old.db")
    submit(service, "店门口的井盖松动了。", "杭州市西湖区翠苑街道文一路101号")
    submit(service, "想咨询人才认定。", "", "13900001111", "杭州人才测试有限公司")
    submit(service, "厂区旁边的下水道堵塞了。", "杭州市西湖区西溪街道天目山路1号", "13700002222", "杭州另一家有限公司")
    service.close()
    counted_per_day_only = max(i for i, step in enumerate(schema.MIGRATIONS) if step is schema._item_days)
    conn = sqlite3.connect(kiosk_env / "old.db")
    conn.executescript("DROP TABLE item_dates; DELETE FROM item_days WHERE day = '';"
                       f" UPDATE meta SET value = '{counted_per_day_only}' WHERE key = 'schema_version';")
    conn.close()
    service = RequestService.open(store.departments(), path=kiosk_env / "old.db")
    conn = service.db.conn
    assert kept_days(conn) == direct_days(conn)
    assert conn.execute("SELECT SUM(n) FROM item_days WHERE day = ''").fetchone()[0] == 3


def test_an_older_request_file_gets_its_month_counts_from_its_day_counts(kiosk_env, store):
    """A file counted per day (before the month rows) gets its months from item_days when it is next opened, and
    triggers keep them from then on."""
    import sqlite3

    from kiosk.requests.repo import schema
    from kiosk.requests.service import RequestService

    service = RequestService.open(store.departments(), path=kiosk_env / "old.db")
    submit(service, "店门口的井盖松动了。", "杭州市西湖区翠苑街道文一路101号")
    submit(service, "想咨询人才认定。", "", "13900001111", "杭州人才测试有限公司")
    service.db.conn.execute("UPDATE items SET created_at = '2025-11-30T18:00:00' WHERE seq = 1 AND id = 1")
    service.close()
    conn = sqlite3.connect(kiosk_env / "old.db")
    conn.executescript("DROP TABLE item_months; DROP TRIGGER item_months_insert; DROP TRIGGER item_months_update;"
                       " DROP TRIGGER item_months_delete; UPDATE meta SET value ="
                       f" '{schema.MIGRATIONS.index(schema._item_months)}' WHERE key = 'schema_version';")
    conn.close()
    service = RequestService.open(store.departments(), path=kiosk_env / "old.db")
    conn = service.db.conn
    assert kept_days(conn) == direct_days(conn)
    assert [tuple(r) for r in conn.execute("SELECT month, n FROM item_months ORDER BY 1")][0] == ("2025-11", 1)
    submit(service, "厂区旁边的下水道堵塞了。", "杭州市西湖区西溪街道天目山路1号", "13700002222", "杭州另一家有限公司")
    assert kept_days(conn) == direct_days(conn)


def test_every_period_matches_a_direct_count(world):
    """Short periods sum their own days, long ones the all-days rows less the days before them, a week is closed
    at both ends: each gives what counting the raw items and turns of that period gives."""
    service, conn, log = world.service, world.service.db.conn, world.questions.conn
    today = service.clock().date()
    conn.execute("INSERT INTO items (ticket, seq, text, category, section, department, tier, state, created_at,"
                 " due_at, updated_at, resolved_at) SELECT ticket, seq + 10 * k.k, text, category, section, department,"
                 " tier, state, created_at, due_at, updated_at, CASE k.k WHEN 1 THEN due_at END FROM items,"
                 " (SELECT 1 AS k UNION ALL SELECT 2) AS k")
    for n, (item_id,) in enumerate(conn.execute("SELECT id FROM items ORDER BY id").fetchall()):
        conn.execute("UPDATE items SET created_at = ?, rating = ? WHERE id = ?",
                     (f"{today - timedelta(days=3 * n)}T10:00:00", n % 6 or None, item_id))
    turns = [(f"t{day}-{k}", f"{today - timedelta(days=day)}T0{k}:00:00", f"问题{(day * k) % 5}？",
              ("政策服务专区", "人才服务专区")[k % 2], int((day + k) % 3 == 0))
             for day in range(20) for k in range(1, 5)]
    log.executemany("INSERT INTO turns (id, at, question, topic, intent, answered, engine, document, latency_ms)"
                    " VALUES (?, ?, ?, ?, 'policy_question', ?, 'extractive', '', 1.0)", turns)
    monday = today - timedelta(days=today.weekday() + 7)
    periods = [(d, barometer.collect(service, world.questions, d)) for d in (1, 4, 12, 18, 3660)]
    periods.append((7, barometer.collect_week(service, world.questions, monday)))
    conn = sqlite_copy(conn, "items")
    for _, b in periods:
        period = (b.since, (b.until or "9999-12-31"))
        items = "FROM items WHERE created_at >= ? AND created_at < ?"
        assert b.requests == conn.execute(f"SELECT COUNT(*) {items}", period).fetchone()[0]
        assert {u["unit"]: u["total"] for u in b.units} == {
            service.department_name(d): n for d, n in conn.execute(f"SELECT department, COUNT(*) {items} GROUP BY 1",
                                                                   period)}
        assert b.ratings == [conn.execute(f"SELECT COUNT(*) {items} AND rating = ?", (*period, r)).fetchone()[0]
                             for r in range(1, 6)]
        assert sum(n for _, n in b.by_week) == b.requests
        done, in_time = conn.execute(f"SELECT COUNT(resolved_at), TOTAL(resolved_at <= due_at) {items}",
                                     period).fetchone()
        assert b.on_time_rate == (round(in_time / done, 3) if done else None)
        asked = "FROM turns WHERE at >= ? AND at < ?"
        assert b.top_questions == [tuple(r) for r in log.execute(
            f"SELECT question, COUNT(*) {asked} GROUP BY 1 ORDER BY 2 DESC, substr(MAX(at), 1, 10) DESC, 1 LIMIT 10", period)]
        groups: dict[str, list] = {}
        for topic, question, n in log.execute(f"SELECT topic, question, COUNT(*) {asked} AND answered = 0"
                                              " GROUP BY 1, 2 ORDER BY 3 DESC, substr(MAX(at), 1, 10) DESC, 2",
                                              period):
            groups.setdefault(topic, []).append({"question": question, "count": n})
        assert b.unanswered == sorted(
            ({"topic": t, "refused": sum(q["count"] for q in qs), "questions": qs[:barometer.QUESTIONS_PER_GROUP]}
             for t, qs in groups.items()), key=lambda g: (-g["refused"], g["topic"]))
    assert [b.requests for _, b in periods[:5]] == [1, 2, 5, 7, 9] and periods[3][1].top_questions
