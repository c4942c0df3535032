"""A kiosk built from real documents only has no department directory: the hall's general window stands in for it,
so visitors can still leave requests and refusals still refer somewhere, and no contact data is made up."""

from __future__ import annotations

import json
import logging
import re
import shutil

import pytest

from kiosk.cli import main
from kiosk.knowledge.ask import AskService
from kiosk.requests.conversation import RequestDesk
from kiosk.root import Kiosk
from kiosk.store import Store
from kiosk.store.records import HALL_DESK

PHONE = re.compile(r"电话|\d{3,4}-\d{7,8}|1[3-9]\d{9}")
FORWARDED = "由服务大厅综合窗口接收，工作人员会转交负责的部门办理"


@pytest.fixture
def real_kiosk(real_store_path, monkeypatch):
    monkeypatch.setenv("KIOSK_DB", str(real_store_path))
    return Kiosk(store_path=real_store_path)


def test_the_request_desk_is_on_and_routes_to_the_general_window(real_kiosk, caplog):
    with caplog.at_level(logging.WARNING, logger="kiosk.root"):
        desk = real_kiosk.manager(engine="extractive").requests
    assert desk is not None and "service unavailable" not in caplog.text
    first = desk.take("我们公司门口的路灯坏了，晚上很不安全", {})
    assert FORWARDED in first.sentences[0]
    desk.take("杭州云栖科技有限公司", {})
    desk.take("13812345678", {})
    done = desk.take("同意", {})
    assert done.sentences[0].startswith("已受理") and FORWARDED in done.sentences[0]
    assert not PHONE.search(done.sentences[0])
    items = done.data["receipt"]["items"]
    assert [(i["section"], i["department"]) for i in items] == [("hall_desk", "hall_desk")]


def test_a_visitor_who_declines_is_sent_to_the_general_window_not_a_made_up_one(real_kiosk):
    desk = RequestDesk(real_kiosk.request_service())
    desk.take("想申请高新技术企业认定", {})
    desk.take("杭州某某科技有限公司", {})
    desk.take("13812345678", {})
    said = desk.take("不同意", {}).sentences[0]
    assert "没有登记" in said and "服务大厅综合窗口" in said and "二楼" not in said


def test_the_office_and_its_sync_route_to_the_general_window(real_kiosk):
    assert real_kiosk.departments() == [HALL_DESK]
    assert real_kiosk.office_request_service().router.departments == {"hall_desk": HALL_DESK}


def test_a_refusal_refers_to_the_general_window_without_a_phone(real_store_path):
    answer, _ = AskService(Store(real_store_path)).ask("深圳开公司有补贴吗？多少钱？")
    assert answer.refused and answer.department == HALL_DESK
    assert "建议您咨询服务大厅综合窗口" in answer.text and not PHONE.search(answer.text)


def test_request_submit_from_the_command_line(real_kiosk, capsys):
    assert main(["request", "submit", "--text", "想申请高新技术企业认定", "--company", "杭州某某科技有限公司",
                 "--phone", "13812345678", "--json"]) == 0
    out, err = capsys.readouterr()
    receipt = json.loads(out)
    assert [i["department"] for i in receipt["items"]] == ["hall_desk"]
    assert FORWARDED in receipt["message"] and not PHONE.search(receipt["message"])
    assert "service unavailable" not in err


def test_db_info_says_requests_go_to_the_general_window(real_store_path, default_store_path, capsys):
    assert main(["db", "info", "--db", str(real_store_path)]) == 0
    assert "没有部门目录" in capsys.readouterr().out
    assert main(["db", "info", "--json", "--db", str(real_store_path)]) == 0
    assert json.loads(capsys.readouterr().out)["department_directory"] is False
    assert main(["db", "info", "--db", str(default_store_path)]) == 0
    assert "没有部门目录" not in capsys.readouterr().out


def test_db_build_says_so_too(tmp_path, capsys):
    source = tmp_path / "docs"
    source.mkdir()
    (source / "notice.txt").write_text(
        "# 来源: 区政府\n# 标题: 关于做好企业服务工作的通知\n\n各街道、各部门：为进一步优化营商环境，现就做好企业服务工作"
        "通知如下。一、各部门要及时受理企业诉求，五个工作日内答复。二、各街道要定期走访辖区企业，了解企业困难。\n",
        encoding="utf-8")
    db = tmp_path / "kiosk.db"
    assert main(["db", "build", "--no-demo", "--source", str(source), "--db", str(db)]) == 0
    assert "没有部门目录" in capsys.readouterr().err
    assert main(["db", "build", "--json", "--full", "--no-demo", "--source", str(source), "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["department_directory"] is False


def test_with_the_demo_directory_nothing_changes(store):
    kiosk = Kiosk(store_path=store.path)
    assert kiosk.departments() == store.departments() and HALL_DESK not in kiosk.departments()
    route = kiosk.request_service().router.route("随便说说")  # nobody claims it: the centre's intake section
    assert (route.section, route.department) == ("sec_market", "sec_market")
    answer, _ = AskService(store).ask("深圳开公司有补贴吗？多少钱？")
    assert answer.refused and answer.department != HALL_DESK and "电话" in answer.text


def test_a_rebuild_without_departments_sends_requests_to_the_general_window(tmp_path, default_store_path,
                                                                              real_store_path):
    path = tmp_path / "kiosk.db"
    shutil.copy(default_store_path, path)
    kiosk = Kiosk(store_path=path)
    assert "sec_market" in kiosk.request_service().router.departments
    shutil.copy(real_store_path, path)  # what `kiosk db build --no-demo` leaves
    kiosk.reopen()
    assert kiosk.request_service().router.departments == {"hall_desk": HALL_DESK}
