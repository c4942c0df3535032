"""The queues' counts come from item_states (kept by triggers) and the items not yet due: after every kind of
change they equal counting the items, for the district and for each unit, and an older file gets the counts."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from support_office import office_world, submit
from support_postgres import sqlite_copy

from kiosk.office.work import bucket_filters

DIRECT = "SELECT state, department, IFNULL(section, ''), COUNT(*) FROM items GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"


@pytest.fixture
def world(kiosk_env, store, office_db):
    return office_world(kiosk_env, store.departments(), where=office_db)


def kept(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute("SELECT * FROM item_states ORDER BY 1, 2, 3")]


def direct(conn) -> list[tuple]:
    return [tuple(r) for r in sqlite_copy(conn, "items").execute(DIRECT)]


def counted(db, unit, now) -> dict[str, int]:
    """Each bucket counted item by item, as the queue defines it."""
    out = {}
    for name, f in bucket_filters(now).items():
        items = [i for i in db.items() if unit in (None, i.department, i.section)]
        if f.get("states"):
            items = [i for i in items if str(i.state) in f["states"]]
        if f.get("due_before"):
            items = [i for i in items if i.due_at < f["due_before"]]
        if f.get("due_after"):
            items = [i for i in items if i.due_at >= f["due_after"]]
        out[name] = len(items)
    return out


def test_queue_counts_match_the_items_through_every_change(world):
    service, conn = world.service, world.service.db.conn
    submit(service, "想咨询研发补助怎么申报。", "", "13900002222", "杭州研发测试有限公司")
    now = service.clock()
    service.act(world.refs["talent"], "accept", "t")
    service.act(world.refs["cuiyuan"], "accept", "t")
    service.act(world.refs["cuiyuan"], "resolve", "t", "答复：已修")
    service.transfer(world.refs["xixi"], "street_cuiyuan", "t", "地址在翠苑")
    conn.execute("UPDATE items SET due_at = ? WHERE section = 'sec_talent'",
                 ((now - timedelta(days=3)).isoformat(timespec="seconds"),))
    conn.execute("UPDATE items SET due_at = ? WHERE department = 'street_cuiyuan'",
                 ((now + timedelta(days=1)).isoformat(timespec="seconds"),))
    assert kept(conn) == direct(conn)
    units = [None, "street_cuiyuan", "street_xixi", "sec_talent", "sec_tech", "unit_sw"]
    for unit in units:
        assert service.db.count_many(unit, bucket_filters(now)) == counted(service.db, unit, now), unit
    counts = service.db.count_many(None, bucket_filters(now))
    assert counts["overdue"] >= 1 and counts["resolved"] == 1 and counts["all"] == len(service.db.items())
    conn.execute("UPDATE items SET section = 'sec_tech', state = 'closed' WHERE department = 'street_cuiyuan'")
    gone = "SELECT id FROM items WHERE department = 'street_cuiyuan'"
    conn.execute(f"DELETE FROM events WHERE item_id IN ({gone})")
    conn.execute(f"DELETE FROM hall_items WHERE item_id IN ({gone})")
    conn.execute(f"DELETE FROM items WHERE id IN ({gone})")
    assert kept(conn) == direct(conn)
    for unit in units:
        assert service.db.count_many(unit, bucket_filters(now)) == counted(service.db, unit, now), unit


def test_an_older_request_file_gets_its_state_counts(kiosk_env, store):
    from kiosk.requests.repo import schema
    from kiosk.requests.service import RequestService

    service = RequestService.open(store.departments(), path=kiosk_env / "old.db")
    submit(service, "店门口的井盖松动了。", "杭州市西湖区翠苑街道文一路101号")
    submit(service, "想咨询人才认定。", "", "13900001111", "杭州人才测试有限公司")
    service.close()
    conn = sqlite3.connect(kiosk_env / "old.db")
    conn.executescript("DROP TABLE item_states; DROP TRIGGER item_states_insert; DROP TRIGGER item_states_update;"
                       " DROP TRIGGER item_states_delete; DROP INDEX items_department_due;"
                       " CREATE INDEX items_department ON items(department);"
                       f" UPDATE meta SET value = '{schema.MIGRATIONS.index(schema._item_states)}'"
                       " WHERE key = 'schema_version';")
    conn.close()
    service = RequestService.open(store.departments(), path=kiosk_env / "old.db")
    conn = service.db.conn
    assert kept(conn) == direct(conn) and sum(r[3] for r in kept(conn)) == 2
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'items_department'").fetchone()


def test_a_units_queue_lists_its_first_items_by_deadline(world):
    """A unit's items as department and as section, read apart and merged, are the first by deadline of all its
    items in every bucket, however few are asked for."""
    service, conn = world.service, world.service.db.conn
    for n in range(4):
        submit(service, f"想咨询第{n}项人才政策怎么申报。", "", f"1390000{n:04d}", f"杭州人才测试{n}有限公司")
    now = service.clock()
    for n, (item_id,) in enumerate(conn.execute("SELECT id FROM items ORDER BY id").fetchall()):
        conn.execute("UPDATE items SET due_at = ? WHERE id = ?",
                     ((now + timedelta(hours=17 * ((n * 5) % 7) - 40)).isoformat(timespec="seconds"), item_id))
    for which, to in (("MAX", ", section = 'sec_talent'"), ("MIN", "")):  # the section's own, and one it handles
        conn.execute(f"UPDATE items SET department = 'sec_talent'{to} WHERE id = (SELECT {which}(id) FROM items"
                     " WHERE section IS NULL)")
    db = service.db
    assert {(i.department, i.section) for i in db.items() if "sec_talent" in (i.department, i.section)} >= {
        ("sec_talent", "sec_talent"), ("unit_rsj", "sec_talent"), ("sec_talent", None)}
    for unit in ("sec_talent", "street_cuiyuan", "unit_rsj"):
        for f in bucket_filters(now).values():
            mine = sorted((i for i in db.items(**f) if unit in (i.department, i.section)),
                          key=lambda i: (i.due_at, i.ticket, i.seq))
            for limit in (1, 2, 50):
                assert [i.ref for i in db.items(unit=unit, limit=limit, by_due=True, **f)] == [
                    i.ref for i in mine[:limit]], (unit, f, limit)
