"""`kiosk request …` end to end, in-process, against the session's sample store and a private data directory."""

from __future__ import annotations

import json

import pytest

from kiosk.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_submit_json_then_status_and_handling(kiosk_env, capsys):
    code, out, _ = run(capsys, "request", "submit", "--text", "门口的路灯坏了。另外想申请高新技术企业",
                       "--company", "杭州云栖科技有限公司", "--phone", "138-1234-5678",
                       "--address", "杭州市西湖区文三路90号", "--json", "--qr", str(kiosk_env / "qr.png"))
    assert code == 0
    receipt = json.loads(out)
    ticket = receipt["ticket"]
    assert [(i["section"], i["department"]) for i in receipt["items"]] == [(None, "street_cuiyuan"), ("sec_tech", "unit_kjj")]
    assert all({"text", "section", "department", "due"} <= set(i) for i in receipt["items"])
    assert (kiosk_env / "qr.png").read_bytes()[:4] == b"\x89PNG"

    code, out, _ = run(capsys, "request", "status", ticket, "--phone-last4", "5678", "--json")
    status = json.loads(out)
    assert status["phone"] == "138****5678" and len(status["items"]) == 2

    assert run(capsys, "request", "accept", f"{ticket}-2", "--by", "王科长")[0] == 0
    assert run(capsys, "request", "resolve", f"{ticket}-2", "--note", "已辅导")[0] == 0
    code, out, _ = run(capsys, "request", "rate", ticket, "--phone-last4", "5678", "--score", "5")
    assert code == 0 and "感谢" in out
    code, out, _ = run(capsys, "request", "list", "--state", "closed", "--json")
    assert [i["ref"] for i in json.loads(out)] == [f"{ticket}-2"]
    code, out, _ = run(capsys, "request", "stats", "--json")
    kjj = next(r for r in json.loads(out) if r["department"] == "unit_kjj")
    assert kjj["on_time_rate"] == 1.0 and kjj["average_rating"] == 5.0 and kjj["name"] == "杭州市西湖区科学技术局"
    code, out, _ = run(capsys, "request", "note", f"{ticket}-1", "已派街道城管中队查看")
    assert code == 0
    code, out, _ = run(capsys, "request", "remind", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["submit", "--text", "", "--company", "杭州某某", "--phone", "13812345678"], "不能为空"),
        (["submit", "--text", "想贷款", "--company", "杭州某某", "--phone", "12"], "手机号格式不对"),
        (["submit", "--text", "想贷款", "--company", "杭州某某", "--phone", "13812345678", "--no-consent"], "同意"),
        (["status", "XH20261123-0001", "--phone-last4", "1234"], "没有找到这个工单"),
        (["status", "abc", "--phone-last4", "1234"], "工单号格式不对"),
        (["accept", "XH20261123-0099-1"], "没有找到事项"),
        (["remind", "XH20261123-0001"], "后四位"),
    ],
)
def test_bad_input_gets_a_friendly_message_not_a_traceback(kiosk_env, capsys, argv, message):
    code, out, err = run(capsys, "request", *argv)
    assert code != 0
    assert message in err and "Traceback" not in err


def test_invalid_transition_from_cli(kiosk_env, capsys):
    _, out, _ = run(capsys, "request", "submit", "--text", "想申请高新技术企业", "--company", "杭州某某",
                    "--phone", "13812345678", "--json")
    ticket = json.loads(out)["ticket"]
    code, _, err = run(capsys, "request", "resolve", ticket)
    assert code == 1 and "不能办结" in err


def test_sync_commands(kiosk_env, capsys):
    _, out, _ = run(capsys, "request", "submit", "--text", "想申请高新技术企业", "--company", "杭州某某",
                    "--phone", "13812345678", "--json")
    ref = json.loads(out)["items"][0]["ref"]
    export = kiosk_env / "out.jsonl"
    code, out, _ = run(capsys, "request", "export", str(export))
    assert code == 0 and "已导出 2 条" in out and len(export.read_text(encoding="utf-8").splitlines()) == 2
    updates = kiosk_env / "updates.jsonl"
    updates.write_text(json.dumps({"key": "k1", "item": ref, "action": "accept", "actor": "区科技局"}) + "\n",
                       encoding="utf-8")
    code, out, _ = run(capsys, "request", "import", str(updates))
    assert code == 0 and "已导入 1 条" in out
    code, _, err = run(capsys, "request", "push")
    assert code == 1 and "push_endpoint" in err
