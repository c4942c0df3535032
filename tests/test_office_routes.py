"""The web office's routes as officers and strangers use them: each unit sees and changes only its own items on
every route, roles keep to their pages, and forged, oversize or hostile input gets a plain refusal."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from support_office import PASSWORD, office_world

from kiosk.cli import main

ITEM_ROUTES = ["/items/{ref}", "/api/items/{ref}"]
ACTIONS = {"accept": {}, "note": {"note": "已电话联系企业"}, "transfer": {"to": "street_xixi", "reason": "属西溪街道"},
           "resolve": {"reply": "路灯已修复"}}


@pytest.fixture
def world(kiosk_env, store, office_db):
    """The office on each database it runs on: SQLite files, and a real PostgreSQL server."""
    return office_world(kiosk_env, store.departments(), where=office_db)


def state(world, ref: str) -> str:
    ticket, seq = ref.rsplit("-", 1)
    return str(world.service.db.item(ticket, int(seq)).state)


@pytest.mark.parametrize("route", ITEM_ROUTES)
@pytest.mark.parametrize(("user", "own", "other"), [("cuiyuan", "cuiyuan", "xixi"), ("xixi", "xixi", "talent"),
                                                    ("talent", "talent", "cuiyuan")])
def test_a_unit_reads_only_its_own_items(world, route, user, own, other):
    client = world.client(user)
    assert client.get(route.format(ref=world.refs[own])).status_code == 200
    mine = client.get("/api/queue?bucket=all").json()["items"]
    assert [r["ref"] for r in mine] == [world.refs[own]]
    r = client.get(route.format(ref=world.refs[other]))
    assert r.status_code == 404 and "无权查看" in r.text and world.refs[other] not in r.text


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_unit_cannot_act_on_another_units_item(world, action):
    client = world.client("cuiyuan")
    ref = world.refs["xixi"]
    assert client.post(f"/api/items/{ref}/{action}", json=ACTIONS[action]).status_code == 404
    page = client.get(f"/items/{world.refs['cuiyuan']}")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    r = client.post(f"/items/{ref}/{action}", data={"csrf": csrf, **ACTIONS[action]}, follow_redirects=False)
    assert r.status_code == 404
    assert state(world, ref) == "dispatched"
    assert [e.action for e in world.service.db.events_of(ref.rsplit("-", 1)[0])] == ["submit", "dispatch"]


def test_centre_sees_every_item_and_reads_the_barometer(world):
    client = world.client("admin")
    refs = {r["ref"] for r in client.get("/api/queue?bucket=all").json()["items"]}
    assert refs == set(world.refs.values())
    b = client.get("/api/barometer").json()
    assert b["requests"] == 3 and sum(n for _, n in b["by_street"]) == 2


@pytest.mark.parametrize("user", ["leader", "editor"])
def test_read_only_roles_see_no_items(world, user):
    client = world.client(user)
    for route in ["/queue", "/api/queue", f"/items/{world.refs['cuiyuan']}", f"/api/items/{world.refs['cuiyuan']}"]:
        assert client.get(route).status_code == 403, route
    assert client.post(f"/api/items/{world.refs['cuiyuan']}/accept", json={}).status_code == 403
    assert client.get("/barometer").status_code == 200 and client.get("/api/barometer").status_code == 200


@pytest.mark.parametrize("user", ["cuiyuan", "talent"])
def test_units_do_not_read_the_district_barometer(world, user):
    client = world.client(user)
    for route in ["/barometer", "/api/barometer", "/barometer.csv"]:
        assert client.get(route).status_code == 403


def test_without_login_pages_send_to_login_and_api_says_so(world):
    client = world.client()
    for route in ["/queue", f"/items/{world.refs['cuiyuan']}", "/barometer", "/"]:
        r = client.get(route, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
    for route in ["/api/queue", f"/api/items/{world.refs['cuiyuan']}", "/api/barometer"]:
        assert client.get(route).status_code == 401
    assert client.post(f"/api/items/{world.refs['cuiyuan']}/accept", json={}).status_code == 401


@pytest.fixture
def hall_world(kiosk_env, store):
    """The office beside the kiosk on the hall's PC, on the kiosk's own files."""
    return office_world(kiosk_env, store.departments())


def test_street_officer_accepts_and_resolves_and_the_visitor_reads_the_reply(hall_world, capsys):
    world = hall_world
    client = world.client("cuiyuan")
    ref = world.refs["cuiyuan"]
    early = client.post(f"/api/items/{ref}/resolve", json={"reply": "已修"})
    assert early.status_code == 400 and "不能办结" in early.json()["error"]
    assert client.post(f"/api/items/{ref}/accept", json={}).json()["item"]["state"] == "accepted"
    assert client.post(f"/api/items/{ref}/resolve", json={"reply": ""}).status_code == 400
    done = client.post(f"/api/items/{ref}/resolve", json={"reply": "路灯已于今日修复，如再损坏请拨0571-87000000。"})
    assert done.status_code == 200 and done.json()["item"]["state"] == "resolved"
    assert main(["request", "status", ref.rsplit("-", 1)[0], "--phone-last4", "5678"]) == 0
    out = capsys.readouterr().out
    assert "答复：路灯已于今日修复" in out
    from kiosk.ui.adapter import KioskAdapter

    at_kiosk = KioskAdapter().track(ref.rsplit("-", 1)[0], "5678")  # what the 办件查询 screen shows
    assert at_kiosk.state == "已办结" and at_kiosk.can_rate and any("答复：路灯已于今日修复" in note for _, _, note in at_kiosk.timeline)
    audit = world.accounts.audit_log()
    assert [(a["user"], a["action"], a["target"]) for a in audit[:2]] == [("cuiyuan", "item.resolve", ref),
                                                                          ("cuiyuan", "item.accept", ref)]
    assert audit[0]["address"]


def test_transfer_moves_the_item_out_of_sight(world):
    ref = world.refs["cuiyuan"]
    cuiyuan, xixi = world.client("cuiyuan"), world.client("xixi")
    assert cuiyuan.post(f"/api/items/{ref}/transfer", json={"to": "street_xixi"}).status_code == 400  # no reason
    assert cuiyuan.post(f"/api/items/{ref}/transfer", json={"to": "nowhere", "reason": "x"}).status_code == 400
    assert cuiyuan.post(f"/api/items/{ref}/transfer", json=ACTIONS["transfer"]).status_code == 200
    assert cuiyuan.get(f"/api/items/{ref}").status_code == 404
    item = xixi.get(f"/api/items/{ref}").json()
    assert item["department_id"] == "street_xixi" and any("属西溪街道" in e["note"] for e in item["timeline"])


def test_forged_or_missing_csrf_changes_nothing(world):
    client = world.client("cuiyuan")
    ref = world.refs["cuiyuan"]
    del client.headers["X-CSRF-Token"]
    assert client.post(f"/api/items/{ref}/accept", json={}).status_code == 403
    client.headers["X-CSRF-Token"] = "forged"
    assert client.post(f"/api/items/{ref}/accept", json={}).status_code == 403
    for data in ({}, {"csrf": "forged"}):
        r = client.post(f"/items/{ref}/accept", data=data, follow_redirects=False)
        assert r.status_code == 403 and "刷新页面" in r.text
    assert client.post("/login", data={"username": "cuiyuan", "password": PASSWORD}).status_code == 403
    assert state(world, ref) == "dispatched"


def test_form_actions_work_with_the_pages_token(world):
    client = world.client("cuiyuan")
    ref = world.refs["cuiyuan"]
    page = client.get(f"/items/{ref}")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    r = client.post(f"/items/{ref}/accept", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and state(world, ref) == "accepted"
    assert "已接单" in client.get(r.headers["location"]).text


def test_script_in_a_request_is_shown_as_text(world):
    from support_office import submit

    ref = submit(world.service, "<script>alert('x')</script>门口<img src=x onerror=alert(1)>路灯坏了",
                 "杭州市西湖区翠苑街道文二路1号", "13700001111")
    client = world.client("cuiyuan")
    for route in [f"/items/{ref}", "/queue"]:
        body = client.get(route).text
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body
    assert client.get(f"/items/{ref}").headers["content-security-policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("route", ["/api/queue?bucket=open' OR '1'='1", "/api/barometer?days=1;DROP TABLE items",
                                   "/queue?bucket=all--", "/barometer?days=-1", "/api/barometer?days=1e9"])
def test_sql_in_filters_is_refused(world, route):
    client = world.client("admin")
    r = client.get(route)
    assert r.status_code == 400 and "Traceback" not in r.text and "sqlite" not in r.text.lower()
    assert len(client.get("/api/queue?bucket=all").json()["items"]) == 3


@pytest.mark.parametrize("ref", ["XH20261202-0001-1' OR '1'='1", "1 OR 1=1", "XH20261202-0001", "%00", "..%2F..%2Fetc"])
def test_bad_refs_are_not_found(world, ref):
    assert world.client("admin").get(f"/api/items/{ref}").status_code == 404


def test_login_is_throttled_after_five_failures(world):
    client = world.client()
    for _ in range(5):
        assert client.post("/api/login", json={"username": "cuiyuan", "password": "wrong-one"}).status_code == 401
    r = client.post("/api/login", json={"username": "cuiyuan", "password": PASSWORD})
    assert r.status_code == 401 and "15 分钟" in r.json()["error"]
    assert any(a["action"] == "login.locked" for a in world.accounts.audit_log())


def test_sessions_expire_when_idle(kiosk_env, store):
    now = [datetime(2026, 12, 1, 9)]
    world = office_world(kiosk_env, store.departments(), clock=lambda: now[0])
    client = world.client("cuiyuan")
    now[0] += timedelta(minutes=20)
    assert client.get("/api/queue").status_code == 200
    now[0] += timedelta(minutes=31)
    assert client.get("/api/queue").status_code == 401


def test_bad_bodies_get_plain_refusals(world):
    client = world.client("cuiyuan")
    ref = world.refs["cuiyuan"]
    big = client.post(f"/api/items/{ref}/note", content=b'{"note": "' + b"x" * 100_000 + b'"}',
                      headers={"Content-Type": "application/json"})
    assert big.status_code == 413
    assert client.post(f"/api/items/{ref}/note", content=b"note=hi",
                       headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 415
    assert client.post(f"/api/items/{ref}/note", content=b"{not json",
                       headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post(f"/api/items/{ref}/note", json=["a"]).status_code == 400
    assert client.post(f"/api/items/{ref}/note", json={"note": 5}).status_code == 400
    assert client.post(f"/api/items/{ref}/delete", json={}).status_code == 404


def test_item_page_masks_the_phone_and_shows_no_id_number(world):
    from support_office import submit

    ref = submit(world.service, "我身份证330106199003071234，门口路灯坏了", "杭州市西湖区翠苑街道文三路8号", "13955556666")
    body = world.client("cuiyuan").get(f"/items/{ref}").text
    assert "139****6666" in body and "13955556666" not in body
    assert "330106199003071234" not in body and "分派依据" in body


def test_queue_counts_and_order_match_the_store(world):
    from support_office import submit

    submit(world.service, "店门口井盖松动了", "杭州市西湖区翠苑街道文一路9号", "13711112222", "杭州井盖测试有限公司")
    world.service.act(world.refs["talent"], "accept", "t")
    items = world.service.db.items()
    for user, unit in [("admin", None), ("cuiyuan", "street_cuiyuan")]:
        mine = [i for i in items if unit is None or unit in (i.department, i.section)]
        body = world.client(user).get("/api/queue?bucket=open").json()
        assert body["counts"]["all"] == len(mine)
        assert body["counts"]["new"] == sum(str(i.state) == "dispatched" for i in mine)
        assert [r["ref"] for r in body["items"]] == [i.ref for i in sorted(mine, key=lambda i: (i.due_at, i.ticket))]


def test_expired_sessions_and_old_failures_are_not_kept(kiosk_env, store):
    now = [datetime(2026, 12, 1, 9)]
    world = office_world(kiosk_env, store.departments(), clock=lambda: now[0])
    world.client("cuiyuan")
    assert world.client().post("/api/login", json={"username": "xixi", "password": "bad"}).status_code == 401
    now[0] += timedelta(hours=11)
    world.client("talent")
    rows = world.accounts.conn.execute("SELECT name FROM sessions").fetchall()
    assert [r[0] for r in rows] == ["talent"]
    assert world.accounts.conn.execute("SELECT COUNT(*) FROM failures").fetchone()[0] == 0
