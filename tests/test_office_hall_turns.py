"""Many halls, one barometer: each hall's question log reaches the district office with its sync, so the office's
top questions, refusals by topic and unanswered questions count what visitors asked at every hall; a replay
changes nothing, a later 👎 follows, forged tokens and bad batches are refused plainly, an office that does not
know the endpoint yet or a hall without a log does not stop the request sync, and no phone number reaches the
office."""

from __future__ import annotations

import shutil

import pytest
from support_halls import connect
from test_office_halls import LAMP, office_items, token_of

from kiosk.dialogue.protocols import TurnSummary
from kiosk.office.questionlog import QuestionLog
from kiosk.requests.repo.db import RequestDB

START_UP = "开公司要什么材料？"
MARS = "火星补贴多少？"


def ask(hall, question: str, answered: bool = True, topic: str = "开办企业") -> str:
    """A visitor's turn at ``hall``'s kiosk, written to its question log as the dialogue writes it."""
    log = QuestionLog(hall / "questions.db", 180)
    try:
        return log.record(TurnSummary(question, "policy_question", topic, answered, "extractive", "doc.md", 12.5))
    finally:
        log.close()


def rate(hall, turn_id: str, helpful: bool, reason: str = "") -> None:
    log = QuestionLog(hall / "questions.db", 180)
    try:
        assert log.feedback(turn_id, helpful, reason)
    finally:
        log.close()


def barometer(office) -> dict:
    r = office.client("admin").get("/api/barometer?days=30")
    assert r.status_code == 200, r.text
    return r.json()


def office_log(office) -> QuestionLog:
    return office.app.state.office.questions


def counts(office) -> tuple:
    conn = office_log(office).conn
    kept = (tuple(conn.execute(f"SELECT COUNT(*), COALESCE(SUM(n), 0) FROM {t}").fetchone())  # noqa: S608
            for t in ("turn_days", "question_days", "refusal_days"))
    return (sorted(tuple(r) for r in conn.execute("SELECT * FROM turns").fetchall()), *kept)


@pytest.fixture
def halls(tmp_path, office, run):
    found = {}
    for name in ("hall_a", "hall_b"):
        connect(run, office, tmp_path / name, name)
        found[name] = tmp_path / name
    return found


def forget_position(hall) -> None:
    """As if the office's answer was lost, or the requests file was replaced: the hall sends its log again."""
    db = RequestDB(hall / "requests.db")
    db.conn.execute("DELETE FROM meta WHERE key LIKE 'office_turns %'")
    db.close()


def test_every_halls_questions_count_in_the_office_barometer(office, halls, run):
    a, b = halls["hall_a"], halls["hall_b"]
    ask(a, START_UP), ask(a, START_UP), ask(a, MARS, answered=False, topic="政策服务专区")
    ask(b, START_UP), ask(b, "社保怎么交？", topic="社保")
    for hall, n in ((a, 3), (b, 2)):
        code, out = run(hall, "request", "sync")
        assert code == 0 and f"提问记录送出 {n} 条" in out, out
    figures = barometer(office)
    assert figures["questions"] == 5
    assert figures["top_questions"][0] == [START_UP, 3]
    topics = {t["topic"]: t for t in figures["topics"]}
    assert topics["开办企业"]["asked"] == 3 and topics["政策服务专区"]["refused"] == 1
    assert [q["question"] for q in figures["unanswered"][0]["questions"]] == [MARS]
    audit = [e for e in office.accounts.audit_log() if e["action"] == "kiosk.turns"]
    assert {e["target"] for e in audit} == {"hall_a", "hall_b"} and any("新收提问 3 条" in e["detail"] for e in audit)

    # nothing new: nothing sent; the office's answer lost: everything again, and the office changes nothing
    before = counts(office)
    assert "提问记录送出 0 条" in run(a, "request", "sync")[1]
    forget_position(a)
    code, out = run(a, "request", "sync")
    assert code == 0 and "提问记录送出 0 条" in out
    assert counts(office) == before and barometer(office)["top_questions"][0] == [START_UP, 3]


def test_a_later_thumbs_down_reaches_the_office_and_only_the_halls_own_row(office, halls, run):
    a, b = halls["hall_a"], halls["hall_b"]
    turn = ask(a, MARS, answered=False, topic="政策服务专区")
    assert run(a, "request", "sync")[0] == 0
    rate(a, turn, False, "unclear")
    code, out = run(a, "request", "sync")
    assert code == 0 and "提问记录送出 1 条" in out
    [row] = office_log(office).turns()
    assert (row.helpful, row.reason) == (False, "unclear") and row.id == f"hall_a:{turn}"
    [topic] = barometer(office)["topics"]
    assert (topic["asked"], topic["unhelpful"], topic["helpful"]) == (1, 1, 0)

    # hall B naming hall A's turn changes nothing of hall A's: its claim is its own row
    client = office.client()
    client.headers["Authorization"] = f"Bearer {token_of(b)}"
    sent = {"id": turn, "at": row.at.isoformat(), "question": MARS, "topic": "政策服务专区", "intent": "policy_question",
            "answered": False, "engine": "extractive", "document": "", "latency_ms": 1.0, "helpful": True, "reason": ""}
    assert client.post("/api/kiosk/turns", json={"turns": [sent]}).json()["accepted"] == [turn]
    rows = {r.id: r for r in office_log(office).turns()}
    assert rows[f"hall_a:{turn}"].helpful is False and rows[f"hall_b:{turn}"].helpful is True


def test_forged_tokens_and_bad_batches_are_refused_plainly(office, halls, run):
    client = office.client()
    turn = {"id": "0" * 32, "at": "2026-12-02T09:00:00", "question": START_UP, "topic": "开办企业",
            "intent": "policy_question", "answered": True, "engine": "extractive", "document": "doc.md",
            "latency_ms": 3.5, "helpful": None, "reason": ""}
    for headers in ({}, {"Authorization": "Bearer xk_forged-forged-forged-forged"}):
        r = client.post("/api/kiosk/turns", json={"turns": [turn]}, headers=headers)
        assert r.status_code == 401 and "凭证无效或已停用" in r.json()["error"]
    assert len([e for e in office.accounts.audit_log() if e["action"] == "kiosk.refused"]) == 2
    assert office_log(office).turns() == []

    client.headers["Authorization"] = f"Bearer {token_of(halls['hall_a'])}"
    assert client.post("/api/kiosk/turns", json={"turns": [turn] * 201}).status_code == 400
    big = client.post("/api/kiosk/turns", content=b'{"turns": ["' + b"x" * 300_000 + b'"]}',
                      headers={"Content-Type": "application/json"})
    assert big.status_code == 413 and big.json()["error"] == "提交的内容太大。"
    batch = [turn, turn | {"id": "not-a-uuid"}, turn | {"id": "1" * 32, "at": "3026-01-01T00:00:00"},
             turn | {"id": "2" * 32, "answered": "yes"}, turn | {"id": "3" * 32, "reason": "张伟 13812345678"}, "junk"]
    answer = client.post("/api/kiosk/turns", json={"turns": batch}).json()
    assert answer["accepted"] == ["0" * 32]
    assert set(answer["refused"]) == {"not-a-uuid", "1" * 32, "2" * 32, "3" * 32, "#6"}
    assert "时钟" in answer["refused"]["1" * 32] and "Traceback" not in str(answer)
    assert client.post("/api/kiosk/turns", json={"turns": [turn]}).json()["duplicates"] == ["0" * 32]
    old = turn | {"id": "4" * 32, "at": "2020-01-01T00:00:00"}  # older than the office keeps: not kept
    assert client.post("/api/kiosk/turns", json={"turns": [old]}).json()["expired"] == ["4" * 32]
    assert len(office_log(office).turns()) == 1


def test_no_phone_or_id_number_reaches_the_offices_question_log(office, halls, run):
    a = halls["hall_a"]
    ask(a, "我叫张伟，电话13812345678，身份证330106199003071234，开公司要什么材料？")
    assert run(a, "request", "sync")[0] == 0
    # a hall that sent its question unmasked (an older or altered kiosk): the office masks it again
    client = office.client()
    client.headers["Authorization"] = f"Bearer {token_of(a)}"
    raw = {"id": "5" * 32, "at": "2026-12-02T09:00:00", "question": "我电话13955556666，卡号6222 0212 3456 7890 123",
           "topic": "开办企业", "intent": "policy_question", "answered": True, "engine": "extractive",
           "document": "", "latency_ms": 2, "helpful": None, "reason": "", "phone": "13955556666",
           "session": "abc"}
    assert client.post("/api/kiosk/turns", json={"turns": [raw]}).json()["accepted"] == ["5" * 32]
    assert len(office_log(office).turns()) == 2
    stored = office.stored("questions")
    for number in ("13812345678", "330106199003071234", "13955556666", "3456 7890"):
        assert number.encode() not in stored


def test_an_older_office_or_a_hall_without_a_log_still_syncs_its_requests(office, halls, run):
    a, b = halls["hall_a"], halls["hall_b"]
    ask(a, START_UP)
    for hall in (a, b):
        assert run(hall, "request", "submit", "--text", LAMP[0], "--company", "杭州测试科技有限公司",
                   "--phone", LAMP[2], "--address", LAMP[1])[0] == 0
    routes = office.app.router.routes
    turns_route = next(r for r in routes if getattr(r, "path", "") == "/api/kiosk/turns")
    routes.remove(turn_route := turns_route)  # an office from before the endpoint
    try:
        code, out = run(a, "request", "sync")
        assert code == 0 and "已推送 2 条" in out and "还不能接收提问记录" in out, out
    finally:
        routes.append(turn_route)
    code, out = run(a, "request", "sync")  # the office upgraded: the turns left behind go now
    assert code == 0 and "提问记录送出 1 条" in out and "还不能" not in out

    (b / "questions.db").mkdir()  # a log that cannot be opened
    code, out = run(b, "request", "sync")
    assert code == 0 and "已推送 2 条" in out and "提问记录打不开" in out, out
    assert len(office_items(office)) == 2 and len(office_log(office).turns()) == 1


def test_a_log_made_afresh_is_sent_from_its_beginning(office, halls, run):
    a = halls["hall_a"]
    ask(a, START_UP), ask(a, START_UP)
    assert "提问记录送出 2 条" in run(a, "request", "sync")[1]
    for path in a.glob("questions.db*"):
        path.unlink() if path.is_file() else shutil.rmtree(path)
    ask(a, MARS, answered=False)  # number 1 of a new log, below the position kept for the old one
    code, out = run(a, "request", "sync")
    assert code == 0 and "提问记录送出 1 条" in out
    assert barometer(office)["questions"] == 3
