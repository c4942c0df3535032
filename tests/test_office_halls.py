"""Many halls, one office: two halls' kiosks push their requests to one office over HTTP, each with its own token;
an officer's reply reaches the hall that took the request, and only that hall; forged, revoked and other halls'
tokens, oversize and malformed pushes, and script in a request are refused or shown plainly, and nothing is lost."""

from __future__ import annotations

import json
import sqlite3

import pytest
from support_halls import connect

from kiosk.config import ConfigError, Settings
from kiosk.requests import office_sync
from kiosk.requests.repo.db import RequestDB

LAMP = ("公司门口的路灯坏了好几天，晚上不安全。", "杭州市西湖区翠苑街道文一路100号", "13812345678")
DRAIN = ("厂区旁边的下水道堵塞了，污水漫到路上。", "杭州市西湖区西溪街道天目山路200号", "13987654321")


@pytest.fixture
def halls(tmp_path, office, run):
    """Hall A took a request about a street lamp in Cuiyuan, hall B one about a drain in Xixi: both are ticket
    XH…-0001 at their own hall."""
    refs = {}
    for name, (text, address, phone) in {"hall_a": LAMP, "hall_b": DRAIN}.items():
        hall = tmp_path / name
        connect(run, office, hall, name)
        code, out = run(hall, "request", "submit", "--text", text, "--company", "杭州测试科技有限公司",
                        "--phone", phone, "--address", address, "--json")
        assert code == 0, out
        refs[name] = json.loads(out)["items"][0]["ref"]
    assert refs["hall_a"] == refs["hall_b"]
    return {name: (tmp_path / name, ref) for name, ref in refs.items()}


def token_of(hall) -> str:
    return Settings.load(hall / "config.toml").office_token


def outbox(hall) -> list[sqlite3.Row]:
    db = RequestDB(hall / "requests.db")
    try:
        return db.conn.execute("SELECT key, kind, pushed_at, last_error FROM outbox ORDER BY id").fetchall()
    finally:
        db.close()


def office_items(office) -> list[dict]:
    return office.client("admin").get("/api/queue?bucket=all").json()["items"]


def test_each_halls_items_arrive_once_routed_and_tagged(office, halls, run, monkeypatch):
    monkeypatch.setattr(office_sync, "BATCH", 1)  # one event a push: the kiosk goes on until none is waiting
    for hall, _ in halls.values():
        code, out = run(hall, "request", "sync")
        assert code == 0 and "已推送 2 条" in out, out  # its submission and its dispatch
    items = office_items(office)
    assert sorted(i["department_id"] for i in items) == ["street_cuiyuan", "street_xixi"]
    assert len({i["ref"] for i in items}) == 2  # the same ticket number at two halls: two office tickets
    admin = office.client("admin")
    origins = {admin.get(f"/api/items/{i['ref']}").json()["hall"] for i in items}
    assert origins == {"hall_a", "hall_b"}

    hall, ref = halls["hall_a"]
    assert run(hall, "request", "sync")[1].startswith("已推送 0 条")
    # the office's answer was lost: the hall sends everything again, and the office changes nothing
    db = RequestDB(hall / "requests.db")
    db.conn.execute("UPDATE outbox SET pushed_at = NULL")
    db.close()
    events = office.service.db.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    code, out = run(hall, "request", "sync")
    assert code == 0 and "已推送 0 条（办公台已有 2 条）" in out
    assert len(office_items(office)) == 2
    assert office.service.db.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == events
    assert all(r["pushed_at"] for r in outbox(hall))


def test_an_officers_reply_reaches_only_the_hall_that_took_the_request(office, halls, run):
    for hall, _ in halls.values():
        run(hall, "request", "sync")
    cuiyuan = office.client("cuiyuan")
    [item] = cuiyuan.get("/api/queue?bucket=all").json()["items"]
    assert cuiyuan.post(f"/api/items/{item['ref']}/accept", json={}).status_code == 200
    reply = "路灯已由翠苑街道修复，请企业留意夜间照明。"
    assert cuiyuan.post(f"/api/items/{item['ref']}/resolve", json={"reply": reply}).status_code == 200

    hall_a, ticket = halls["hall_a"][0], halls["hall_a"][1].rsplit("-", 1)[0]
    code, out = run(hall_a, "request", "sync")
    assert code == 0 and "取回办理进度 2 条" in out, out
    code, out = run(hall_a, "request", "status", ticket, "--phone-last4", "5678", "--json")
    status = json.loads(out)
    assert status["items"][0]["state"] == "resolved"
    assert any(reply in e["note"] and e["actor"].startswith("cuiyuan") for e in status["events"])
    assert all(r["pushed_at"] for r in outbox(hall_a))  # the office is not sent its own changes back

    hall_b = halls["hall_b"][0]
    code, out = run(hall_b, "request", "sync")
    assert code == 0 and "取回办理进度 0 条" in out
    code, out = run(hall_b, "request", "status", ticket, "--phone-last4", "4321")
    assert code == 0 and "路灯" not in out and "已由翠苑街道修复" not in out and "已派单" in out

    # the visitor rates at hall A; the office follows, and a second sync brings nothing back twice
    assert run(hall_a, "request", "rate", ticket, "--phone-last4", "5678", "--score", "5")[0] == 0
    code, out = run(hall_a, "request", "sync")
    assert code == 0 and "已推送 2 条" in out and "取回办理进度 0 条" in out
    after = office.client("admin").get(f"/api/items/{item['ref']}").json()
    assert after["state"] == "closed" and after["rating"] == 5
    assert [e["action"] for e in after["timeline"]].count("办结") == 1


def test_a_step_the_hall_already_took_is_reported_and_the_rest_still_apply(office, halls, run):
    hall_a, ref = halls["hall_a"]
    run(hall_a, "request", "sync")
    assert run(hall_a, "request", "accept", ref, "--by", "大厅值班员")[0] == 0  # the hall's own staff, first
    cuiyuan = office.client("cuiyuan")
    [item] = cuiyuan.get("/api/queue?bucket=all").json()["items"]
    cuiyuan.post(f"/api/items/{item['ref']}/accept", json={})
    cuiyuan.post(f"/api/items/{item['ref']}/resolve", json={"reply": "已修复"})
    code, out = run(hall_a, "request", "sync")
    assert code == 1 and "取回办理进度 1 条" in out and "不能接单" in out
    assert run(hall_a, "request", "sync")[1].endswith("取回办理进度 0 条。\n")  # the refused one is not fetched again
    code, out = run(hall_a, "request", "status", ref, "--phone-last4", "5678", "--json")
    assert json.loads(out)["items"][0]["state"] == "resolved"


def test_forged_missing_and_revoked_tokens_are_refused_and_audited(office, halls, run):
    hall_a, _ = halls["hall_a"]
    token = token_of(hall_a)
    client = office.client()
    push = {"events": [{"key": "k1", "kind": "item.event", "item": "XH20261202-0001-1", "action": "chase"}]}
    for headers in ({}, {"Authorization": "Bearer xk_forged-forged-forged-forged"}, {"Authorization": token},
                    {"Authorization": f"Basic {token}"}):
        r = client.post("/api/kiosk/push", json=push, headers=headers)
        assert r.status_code == 401 and "凭证无效或已停用" in r.json()["error"]
        assert client.get("/api/kiosk/updates", headers=headers).status_code == 401

    code, out = run(office.data, "office", "kiosk", "revoke", "hall_a")
    assert code == 0 and "已停用" in out
    code, out = run(hall_a, "request", "sync")
    assert code == 1 and "凭证无效或已停用" in out and token not in out
    assert all(r["pushed_at"] is None for r in outbox(hall_a))  # kept for when the hall has a new token
    assert office_items(office) == []

    refused = [a for a in office.accounts.audit_log() if a["action"] == "kiosk.refused"]
    assert len(refused) == 9
    raw = b"".join(p.read_bytes() for p in office.data.glob("office.db*"))
    assert token.encode() not in raw

    code, out = run(office.data, "office", "kiosk", "list")
    assert "hall_a  已停用" in out and "hall_b  有效" in out
    assert token not in out


def test_one_halls_token_reaches_nothing_of_another_hall(office, halls, run):
    for hall, _ in halls.values():
        run(hall, "request", "sync")
    [item] = office.client("cuiyuan").get("/api/queue?bucket=all").json()["items"]
    office.client("cuiyuan").post(f"/api/items/{item['ref']}/accept", json={})
    token_b = token_of(halls["hall_b"][0])
    b = office.client()
    b.headers["Authorization"] = f"Bearer {token_b}"
    updates = b.get("/api/kiosk/updates?since=0").json()
    assert updates["updates"] == []
    # hall B naming hall A's item (the same reference at both halls) reaches only its own item
    r = b.post("/api/kiosk/push", json={"events": [{"key": "b-forged", "kind": "item.event", "item": halls["hall_a"][1],
                                                      "action": "rate", "rating": 1, "at": "2026-12-02T10:00:00"}]})
    assert r.status_code == 200 and r.json()["accepted"] == ["b-forged"]
    lamp = office.client("admin").get(f"/api/items/{item['ref']}").json()
    assert lamp["state"] == "accepted" and lamp["rating"] is None


def test_bad_pushes_get_plain_refusals_and_lose_nothing(office, halls, run):
    hall_a, ref = halls["hall_a"]
    token = token_of(hall_a)
    client = office.client()
    client.headers["Authorization"] = f"Bearer {token}"
    big = client.post("/api/kiosk/push", content=b'{"events": ["' + b"x" * 300_000 + b'"]}',
                      headers={"Content-Type": "application/json"})
    assert big.status_code == 413 and big.json()["error"] == "提交的内容太大。"
    broken = client.post("/api/kiosk/push", content=b"{events", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and "JSON" in broken.json()["error"]
    assert client.post("/api/kiosk/push", json={"events": "all"}).status_code == 400
    assert client.get("/api/kiosk/updates?since=-1").status_code == 400
    for r in (big, broken):
        assert "Traceback" not in r.text and "sqlite" not in r.text.lower()

    created = {"kind": "item.created", "item": "XH20261202-0009-1", "action": "submit", "state": "submitted",
               "category": "infrastructure", "section": None, "department": "street_cuiyuan",
               "due": "2026-12-09T09:00", "at": "2026-12-02T09:00:00", "actor": "企业", "company": "杭州脚本测试有限公司",
               "phone": "13700001111", "address": "杭州市西湖区翠苑街道文二路1号", "channel": "kiosk-text",
               "text": "<script>alert('x')</script>门口路灯坏了，我身份证330106199003071234"}
    events = [created | {"key": "s-1"}, created | {"key": "s-2", "item": "XH20261202-0010-1", "department": "nowhere"},
              {"key": "s-3", "kind": "item.event", "item": "XH20261202-0011-1", "action": "chase"}, "junk"]
    r = client.post("/api/kiosk/push", json={"events": events})
    assert r.status_code == 200
    answer = r.json()
    assert answer["accepted"] == ["s-1"]
    assert set(answer["refused"]) == {"s-2", "s-3", "#4"} and "部门目录" in answer["refused"]["s-2"]

    # the hall's own two records still arrive after all that
    code, out = run(hall_a, "request", "sync")
    assert code == 0 and "已推送 2 条" in out
    refs = {i["text"][:8]: i["ref"] for i in office_items(office)}
    assert len(refs) == 2
    page = office.client("cuiyuan").get(f"/items/{refs['<script>']}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "受理大厅" in page
    assert "330106199003071234" not in page and "13700001111" not in page


def test_the_office_never_holds_a_halls_full_phone_or_id_numbers(office, halls, run):
    hall_a, _ = halls["hall_a"]
    code, out = run(hall_a, "request", "submit", "--text", "我身份证330106199003071234，门口井盖松动了",
                    "--company", "杭州井盖测试有限公司", "--phone", "13955556666",
                    "--address", "杭州市西湖区翠苑街道文三路8号")
    assert code == 0, out
    assert run(hall_a, "request", "sync")[0] == 0
    raw = office.stored()
    for number in ("13955556666", "13812345678", "330106199003071234"):
        assert number.encode() not in raw
    assert b"139****6666" in raw


def test_sync_without_an_office_or_with_an_unreachable_one_says_so(tmp_path, run):
    hall = tmp_path / "lonely"
    hall.mkdir()
    code, out = run(hall, "request", "sync")
    assert code == 1 and "office_url" in out
    token = "xk_" + "a" * 43
    (hall / "config.toml").write_text(f'office_url = "http://127.0.0.1:9"\noffice_token = "{token}"\n',
                                      encoding="utf-8")
    code, out = run(hall, "request", "sync")
    assert code == 1 and "连不上区办公台" in out and token not in out
    code, out = run(hall, "request", "sync", "--office", "file:///etc/passwd")
    assert code == 1 and "http://" in out


@pytest.mark.parametrize("value", ['"xk_my-secret-but-cut"', '"my-secret-0123456789-0123456789"', "12345"])
def test_a_bad_token_is_named_in_config_errors_but_never_repeated(tmp_path, value):
    path = tmp_path / "config.toml"
    path.write_text(f"office_token = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Settings.load(path)
    assert "office_token" in caught.value.friendly and value.strip('"') not in caught.value.friendly


def test_adding_a_kiosk_shows_its_token_once(office, run):
    code, out = run(office.data, "office", "kiosk", "add", "hall_c")
    assert code == 0 and out.count("xk_") == 1
    code, out = run(office.data, "office", "kiosk", "add", "hall_c")
    assert code == 1 and "已有有效凭证" in out and "xk_" not in out
    assert run(office.data, "office", "kiosk", "revoke", "hall_c")[0] == 0
    assert run(office.data, "office", "kiosk", "add", "hall_c")[0] == 0  # a fresh token for the same hall
    code, out = run(office.data, "office", "kiosk", "revoke", "nowhere")
    assert code == 1 and "没有有效的一体机" in out
    code, out = run(office.data, "office", "kiosk", "add", "a b")
    assert code == 1 and "名称" in out
    actions = [a["action"] for a in office.accounts.audit_log()]
    assert actions.count("kiosk.add") == 2 and actions.count("kiosk.revoke") == 1


def test_a_hall_without_a_directory_hands_its_general_windows_items_to_the_offices_routing(office, halls, run):
    hall_a, _ = halls["hall_a"]
    client = office.client()
    client.headers["Authorization"] = f"Bearer {token_of(hall_a)}"
    taken = {"key": "g-1", "kind": "item.created", "item": "XH20261202-0021-1", "action": "submit",
             "state": "submitted", "category": "infrastructure", "section": "hall_desk", "department": "hall_desk",
             "due": "2026-12-09T09:00", "at": "2026-12-02T09:00:00", "actor": "企业", "company": "杭州路灯测试有限公司",
             "phone": "13700002222", "address": "杭州市西湖区翠苑街道文二路1号", "channel": "kiosk-text",
             "text": "公司门口的路灯坏了好几天，晚上不安全。"}
    answer = client.post("/api/kiosk/push", json={"events": [taken]}).json()
    assert answer["accepted"] == ["g-1"], answer
    # the office's directory knows 翠苑街道 looks after its street lamps
    assert [i["department_id"] for i in office_items(office)] == ["street_cuiyuan"]
