"""`kiosk office copy-to`: an office that has run on its SQLite files moves to PostgreSQL with everything it held —
the items and their history, the accounts and hall tokens, the question log and every kept count — and goes on
there; a database that already holds an office is refused."""

from __future__ import annotations

from support_office import office_world, submit
from support_postgres import OfficeDatabase

from kiosk.dialogue.protocols import TurnSummary
from kiosk.errors import UNREACHABLE
from kiosk.office import barometer
from kiosk.office.kiosk_tokens import KioskTokens


def test_an_office_moves_to_postgres_with_everything_it_held(kiosk_env, store, pg_url, run):
    here = office_world(kiosk_env, store.departments())
    here.service.act(here.refs["cuiyuan"], "accept", "cuiyuan")
    here.service.act(here.refs["cuiyuan"], "resolve", "cuiyuan", "答复：路灯已修好")
    here.service.rate(here.refs["cuiyuan"], "5678", 5)
    for answered in (True, False, False):
        here.questions.record(TurnSummary("社保怎么交？", "policy_question", "社保", answered, "extractive", "", 12.0))
    KioskTokens(kiosk_env / "office.db").add("hall_xixi")
    before = barometer.collect(here.service, here.questions, 30)
    queue_before = here.client("admin").get("/api/queue?bucket=all").json()

    code, out = run(kiosk_env, "office", "copy-to", pg_url)
    assert code == 0 and "已复制到 PostgreSQL" in out, out

    there = office_world(kiosk_env, store.departments(), where=OfficeDatabase(pg_url, pg_url, pg_url), seed=False)
    analysed = there.service.db.conn.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'items'")
    assert analysed.fetchone()[0] is not None  # the planner knows the copied rows from the first page on
    assert barometer.collect(there.service, there.questions, 30) == before
    assert there.client("admin").get("/api/queue?bucket=all").json() == queue_before
    assert [e.action for e in there.service.db.events_of(here.refs["cuiyuan"].rsplit("-", 1)[0])] == [
        e.action for e in here.service.db.events_of(here.refs["cuiyuan"].rsplit("-", 1)[0])]
    assert there.client("cuiyuan").get(f"/api/items/{here.refs['cuiyuan']}").status_code == 200  # same password
    assert [k.name for k in KioskTokens(pg_url).records()] == ["hall_xixi"]
    assert any(a["action"] == "user.add" for a in there.accounts.audit_log())
    # new work is numbered after what was copied, and the kept counts go on from the copied ones
    ref = submit(there.service, "店门口井盖松动了", "杭州市西湖区翠苑街道文一路9号", "13711112222", "杭州井盖测试有限公司")
    assert ref not in here.refs.values()
    item_ids = [i.id for i in there.service.db.items()]
    assert len(item_ids) == len(set(item_ids)) == 4
    assert barometer.collect(there.service, there.questions, 30).requests == before.requests + 1

    again_code, again = run(kiosk_env, "office", "copy-to", pg_url)
    assert again_code != 0 and "已经有办公台的数据" in again and "Traceback" not in again


def test_copy_to_takes_only_a_postgres_address(kiosk_env, run):
    code, out = run(kiosk_env, "office", "copy-to", "/tmp/office.db")
    assert code != 0 and "postgresql://" in out


def test_an_unreachable_database_gets_plain_words(kiosk_env, run, tmp_path):
    code, out = run(kiosk_env, "office", "copy-to", f"postgresql://office:pw@/kiosk?host={tmp_path}&port=1")
    assert code != 0 and out.strip() == UNREACHABLE
