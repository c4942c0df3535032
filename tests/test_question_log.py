"""The question log as the kiosk writes it: one masked row per turn from `kiosk ask` and the dialogue, 👍/👎
against the turn, retention checked in config.toml and purged."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support_postgres import sqlite_copy

from kiosk.cli import main
from kiosk.config import ConfigError, Settings
from kiosk.dialogue.manager import DialogueManager
from kiosk.dialogue.protocols import TurnSummary
from kiosk.events import AnswerDone
from kiosk.office.questionlog import QuestionLog
from kiosk.office.questionlog_schema import MIGRATIONS

PERSONAL = "我叫张伟，身份证330106199003071234，电话13812345678，卡号6222 0212 3456 7890 123，开公司要什么材料？"


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def summary(question: str = "开公司要什么材料？", answered: bool = True) -> TurnSummary:
    return TurnSummary(question, "policy_question", "开办企业", answered, "extractive", "doc.md", 12.5)


def test_question_is_masked_and_outcome_kept(tmp_path: Path) -> None:
    log = QuestionLog(tmp_path / "q.db", retention_days=180)
    log.record(summary(PERSONAL))
    (row,) = log.turns()
    for secret in ("张伟", "330106199003071234", "13812345678", "3456 7890"):
        assert secret not in row.question
    assert row.question.endswith("开公司要什么材料？") and "张" in row.question
    assert (row.topic, row.intent, row.answered, row.engine, row.document) == (
        "开办企业", "policy_question", True, "extractive", "doc.md")
    assert row.helpful is None


def test_feedback_is_written_against_the_turn(tmp_path: Path) -> None:
    log = QuestionLog(tmp_path / "q.db", retention_days=180)
    first, second = log.record(summary()), log.record(summary("社保怎么交？"))
    assert log.feedback(second, False, "unclear")
    assert log.feedback(first, True)
    rows = {r.id: r for r in log.turns()}
    assert (rows[first].helpful, rows[first].reason) == (True, "")
    assert (rows[second].helpful, rows[second].reason) == (False, "unclear")
    assert not log.feedback("no-such-turn", True)
    with pytest.raises(ValueError):
        log.feedback(first, False, "张伟 13812345678")  # free text never reaches the log


def test_purge_keeps_only_the_retention_period(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 1, 1, 9))
    log = QuestionLog(tmp_path / "q.db", retention_days=30, clock=clock)
    log.record(summary("旧问题"))
    clock.now += timedelta(days=20)
    log.record(summary("新问题"))
    clock.now += timedelta(days=15)  # the first is 35 days old, the second 15
    assert log.purge() == 1
    assert [r.question for r in log.turns()] == ["新问题"]
    log.close()
    clock.now += timedelta(days=40)
    reopened = QuestionLog(tmp_path / "q.db", retention_days=30, clock=clock)  # opening purges too
    assert reopened.turns() == []


def test_retention_setting_is_checked(tmp_path: Path) -> None:
    assert Settings().question_log_days == 180
    cfg = tmp_path / "config.toml"
    cfg.write_text("question_log_days = 30\n", encoding="utf-8")
    assert Settings.load(cfg).question_log_days == 30
    for bad in ("0", "-5", "\"forever\"", "99999", "true"):
        cfg.write_text(f"question_log_days = {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="question_log_days"):
            Settings.load(cfg)


def test_dialogue_turns_are_logged_with_intent_and_id(store, tmp_path: Path) -> None:
    log = QuestionLog(tmp_path / "q.db", retention_days=180)
    manager = DialogueManager(store, turn_log=log)
    session = manager.new_session()
    done = [e for e in manager.respond(session, "电子居住证审核要几天？") if isinstance(e, AnswerDone)][-1]
    refused = [e for e in manager.respond(session, "杭州现在的最低工资标准是多少？") if isinstance(e, AnswerDone)][-1]
    [e for e in manager.respond(session, "你好")]
    rows = log.turns()
    assert [r.intent for r in rows] == ["policy_question", "policy_question", "smalltalk"]
    assert rows[0].id == done.turn and rows[0].answered and rows[0].document == "gz_dianzi_juzhuzheng.txt"
    assert rows[1].id == refused.turn and not rows[1].answered
    assert rows[0].latency_ms > 0


def test_kiosk_ask_writes_the_log(kiosk_env: Path, capsys) -> None:
    assert main(["ask", "电子居住证审核要几天？电话13812345678", "--json", "--engine", "extractive"]) == 0
    (row,) = QuestionLog(kiosk_env / "questions.db", retention_days=180).turns()
    assert row.question == "电子居住证审核要几天？电话138****5678"
    assert row.engine == "extractive" and row.answered



def test_the_retention_is_handed_in_from_config_toml(kiosk_env: Path) -> None:
    """The kiosk's own log keeps what config.toml says; the log itself reads no settings and has no default."""
    from kiosk.root import Kiosk

    (kiosk_env / "config.toml").write_text("question_log_days = 30\n", encoding="utf-8")
    log = Kiosk().turn_log
    assert log is not None and log.retention == timedelta(days=30)
    log.close()
    with pytest.raises(TypeError):
        QuestionLog(kiosk_env / "questions.db")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        QuestionLog(kiosk_env / "questions.db", retention_days=0)

def test_a_broken_log_never_costs_the_answer(store) -> None:
    class Broken:
        def record(self, turn: TurnSummary) -> str:
            raise OSError("disk full")

    manager = DialogueManager(store, turn_log=Broken())
    events = list(manager.respond(manager.new_session(), "电子居住证审核要几天？"))
    assert isinstance(events[-1], AnswerDone) and not events[-1].refused and events[-1].turn == ""


KEPT = {  # each kept table against the same figures counted from the turns
    "turn_days": "SELECT substr(at, 1, 10), intent, topic, answered, COUNT(*), SUM(helpful IS 1), SUM(helpful IS 0)"
                 " FROM turns GROUP BY 1, 2, 3, 4",
    "question_days": "SELECT '', intent, question, COUNT(*), substr(MAX(at), 1, 10) FROM turns GROUP BY 2, 3"
                     " UNION ALL SELECT substr(at, 1, 10), intent, question, COUNT(*), substr(MAX(at), 1, 10)"
                     " FROM turns GROUP BY 1, 2, 3",
    "refusal_days": "SELECT '', intent, topic, question, COUNT(*), substr(MAX(at), 1, 10) FROM turns"
                    " WHERE answered = 0 GROUP BY 2, 3, 4 UNION ALL SELECT substr(at, 1, 10), intent, topic, question,"
                    " COUNT(*), substr(MAX(at), 1, 10) FROM turns WHERE answered = 0 GROUP BY 1, 2, 3, 4",
    "question_months": "SELECT substr(at, 1, 7), intent, question, COUNT(*), substr(MAX(at), 1, 10) FROM turns"
                       " GROUP BY 1, 2, 3",
    "refusal_months": "SELECT substr(at, 1, 7), intent, topic, question, COUNT(*), substr(MAX(at), 1, 10) FROM turns"
                      " WHERE answered = 0 GROUP BY 1, 2, 3, 4",
}


def same(log: QuestionLog) -> bool:
    raw = sqlite_copy(log.conn, "turns")
    for table, direct in KEPT.items():
        kept = sorted(tuple(r) for r in log.conn.execute(f"SELECT * FROM {table}"))
        if not kept or kept != sorted(tuple(r) for r in raw.execute(direct)):
            return False
    return True


def test_kept_day_counts_match_a_direct_count(tmp_path: Path) -> None:
    """The barometer reads turn_days, question_days and refusal_days, which triggers keep through records, 👍/👎,
    purges, changed and deleted turns; each time they equal counting the turns."""
    clock = Clock(datetime(2026, 3, 2, 9, 0))
    log = QuestionLog(tmp_path / "q.db", retention_days=30, clock=clock)
    ids = [log.record(summary(answered=i % 3 != 0)) for i in range(6)]
    clock.now += timedelta(days=20)
    ids += [log.record(summary("社保怎么交？", answered=False)) for _ in range(3)]
    clock.now += timedelta(days=2)
    ids += [log.record(summary(answered=False)) for _ in range(2)]
    log.feedback(ids[0], True)
    log.feedback(ids[1], False, "unclear")
    log.feedback(ids[0], False)  # changed their mind
    log.feedback(ids[7], True)
    assert same(log)
    log.conn.execute("DELETE FROM turns WHERE id = ?", (ids[9],))  # one of the last day's: that day stays the last
    assert same(log)
    log.conn.execute("DELETE FROM turns WHERE id = ?", (ids[10],))  # the last day's last: an earlier day is last
    assert same(log)
    clock.now += timedelta(days=13)
    assert log.purge() == 6 and same(log)
    log.conn.execute("UPDATE turns SET topic = '人才服务' WHERE id = ?", (ids[8],))
    log.conn.execute("UPDATE turns SET at = '2026-03-01T08:00:00', answered = 1 WHERE id = ?", (ids[7],))
    log.conn.execute("UPDATE turns SET question = '社保在哪交？' WHERE id = ?", (ids[6],))
    assert same(log)
    ids += [log.record(summary("社保怎么交？", answered=False)) for _ in range(2)]  # in April
    log.conn.execute("DELETE FROM turns WHERE id = ?", (ids[8],))  # March's last of its question: March 1 is again
    assert same(log)


def test_an_older_log_gets_its_counts(tmp_path: Path) -> None:
    """A log written before the counts existed (no numbered migrations, no kept tables) gets them filled from the
    turns already there when it is next opened."""
    clock = Clock(datetime(2026, 3, 2, 9, 0))
    log = QuestionLog(tmp_path / "q.db", retention_days=30, clock=clock)
    for i in range(8):
        clock.now += timedelta(hours=7)
        log.record(summary(f"问题{i % 3}？", answered=i % 2 == 0))
    drops = [f"DROP TRIGGER {t}_{kind};" for t in KEPT for kind in ("insert", "delete", "update")]
    log.conn.executescript(" ".join(drops) + " DROP TABLE turn_days; DROP TABLE question_days;"
                           " DROP TABLE refusal_days; DROP TABLE question_months; DROP TABLE refusal_months;"
                           " PRAGMA user_version = 0;")
    log.close()
    log = QuestionLog(tmp_path / "q.db", retention_days=30, clock=clock)
    assert same(log) and log.conn.execute("SELECT SUM(n) FROM question_days WHERE day = ''").fetchone()[0] == 8


def test_a_log_counted_per_day_gets_its_month_counts(tmp_path: Path) -> None:
    """A log at the second migration (day counts, no month counts) gets its months from its day counts when it is
    next opened, and triggers keep them from then on."""
    clock = Clock(datetime(2026, 1, 30, 9, 0))
    log = QuestionLog(tmp_path / "q.db", retention_days=30, clock=clock)
    for i in range(8):
        clock.now += timedelta(hours=17)
        log.record(summary(f"问题{i % 3}？", answered=i % 2 == 0))
    drops = [f"DROP TRIGGER {t}_{kind};" for t in ("question_months", "refusal_months")
             for kind in ("insert", "delete", "update")]
    log.conn.executescript(" ".join(drops) + " DROP TABLE question_months; DROP TABLE refusal_months;"
                           " PRAGMA user_version = 2;")
    log.close()
    log = QuestionLog(tmp_path / "q.db", retention_days=30, clock=clock)
    assert same(log) and log.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [r[0] for r in log.conn.execute("SELECT DISTINCT month FROM question_months ORDER BY 1")] == [
        "2026-01", "2026-02"]
    log.record(summary("问题0？", answered=False))
    assert same(log)


def test_the_order_of_writes_follows_feedback_and_outlives_a_purge(tmp_path: Path) -> None:
    """A hall sends its log in the order it was written (kiosk.requests.turn_sync): a 👍/👎 moves a turn to the
    end, and a purge of every row does not start the order again below what was already sent."""
    clock = Clock(datetime(2026, 1, 1, 9))
    log = QuestionLog(tmp_path / "q.db", retention_days=1, clock=clock)
    first, second = log.record(summary("一？")), log.record(summary("二？"))
    assert [t.id for t in log.changed_after(0, "", 10)] == [first, second]
    log.feedback(first, False, "unclear")
    assert [t.id for t in log.changed_after(0, "", 10)] == [second, first]
    last = log.changed_after(0, "", 10)[-1]
    assert (last.changed, log.last_change()) == (3, 3) and log.changed_after(last.changed, last.id, 10) == []
    clock.now += timedelta(days=2)
    assert log.purge() == 2
    third = log.record(summary("三？"))
    assert [t.id for t in log.changed_after(last.changed, last.id, 10)] == [third]
