"""`kiosk office init` and `kiosk office user add` as a deployer types them: one first administrator, accounts
tied to a real unit of the right kind, passwords only from standard input, plain messages for every mistake."""

from __future__ import annotations

import io
import sys

import pytest

from kiosk.cli import main
from kiosk.office.accounts import Accounts


def run(monkeypatch, capsys, argv: list[str], password: str = "a-long-password\n") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(password.encode())))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_init_once_then_accounts(monkeypatch, capsys, kiosk_env):
    code, out = run(monkeypatch, capsys, ["office", "user", "add", "x1", "--role", "leader", "--password-stdin"])
    assert code == 1 and "kiosk office init" in out
    assert run(monkeypatch, capsys, ["office", "init", "--admin", "admin", "--password-stdin"])[0] == 0
    code, out = run(monkeypatch, capsys, ["office", "init", "--admin", "other", "--password-stdin"])
    assert code == 1 and "已经初始化" in out
    assert run(monkeypatch, capsys, ["office", "user", "add", "cuiyuan", "--role", "street", "--unit",
                                     "street_cuiyuan", "--password-stdin"])[0] == 0
    accounts = Accounts(kiosk_env / "office.db")
    assert accounts.user("admin").role == "centre" and accounts.user("cuiyuan").unit == "street_cuiyuan"
    assert accounts.login("cuiyuan", "a-long-password", "cli").user.name == "cuiyuan"
    # the file and its write-ahead log: whether the rows are checkpointed into the file yet depends on timing
    raw = b"".join(p.read_bytes() for p in kiosk_env.glob("office.db*"))
    assert b"a-long-password" not in raw and b"$argon2id$" in raw


@pytest.mark.parametrize(("argv", "password", "words"), [
    (["--role", "street", "--unit", "unit_rsj"], "a-long-password\n", "不是镇街"),
    (["--role", "department", "--unit", "street_xixi"], "a-long-password\n", "不是部门或专区"),
    (["--role", "street", "--unit", "nowhere"], "a-long-password\n", "没有单位"),
    (["--role", "street"], "a-long-password\n", "--unit"),
    (["--role", "leader"], "short\n", "至少 8 位"),
])
def test_bad_accounts_are_refused_plainly(monkeypatch, capsys, argv, password, words):
    run(monkeypatch, capsys, ["office", "init", "--admin", "admin", "--password-stdin"])
    code, out = run(monkeypatch, capsys, ["office", "user", "add", "someone", *argv, "--password-stdin"], password)
    assert code == 1 and words in out and "Traceback" not in out


def test_daily_digest_is_queued_once_per_unit_and_day(monkeypatch, capsys, kiosk_env, store):
    import json

    from support_office import submit

    from kiosk.requests.service import RequestService

    service = RequestService.open(store.departments())
    ref = submit(service, "公司门口的路灯坏了", "杭州市西湖区翠苑街道文一路100号")
    submit(service, "想咨询高层次人才认定怎么申报", "", "13900001111", "杭州人才测试有限公司")
    service.act(ref, "accept", "t")
    service.act(ref, "resolve", "t", "答复：已修")  # the street has nothing open any more
    code, out = run(monkeypatch, capsys, ["office", "digest", "--json"])
    digests = {d["unit"]: d for d in map(json.loads, out.splitlines())}
    assert code == 0 and set(digests) == {"sec_talent", "unit_rsj"}
    assert digests["sec_talent"]["counts"] == {"new": 1, "open": 1, "due_soon": 0, "overdue": 0}
    assert "人才服务专区今日待办：待接单 1 件" in digests["sec_talent"]["message"]
    run(monkeypatch, capsys, ["office", "digest"])
    queued = service.db.conn.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'unit.digest'").fetchone()[0]
    assert queued == 2  # the second run the same day adds nothing
