"""The guide desk: a named procedure, its headline, a few spoken questions, a tailored checklist."""

from __future__ import annotations

import pytest
from support_requests import REPO, departments

from kiosk.guides import Catalog
from kiosk.guides.interview import GuideDesk
from kiosk.guides.tailor import _chinese_number


@pytest.fixture
def desk():
    return GuideDesk(Catalog.from_folder(REPO / "policies_db" / "demo" / "guides"), {d.id: d for d in departments()})


def test_restaurant_by_voice(desk):
    first = desk.guide("我想开个饭店，要办什么手续")
    assert "18份材料" in first.sentences[0] and "8份材料" in first.sentences[0]
    assert first.follow_up == "餐馆的建筑面积大约多少平方米？"
    assert desk.guide("大概三百二十平").follow_up == "店面是租的吗？请回答是或否。"
    retry = desk.guide("也许吧")
    assert retry.sentences == ["请回答“是”或“否”。"] and retry.follow_up.startswith("店面是租的吗")
    desk.guide("是的")
    desk.guide("不需要")
    done = desk.guide("没有")
    assert "需要准备11份材料" in done.sentences[0]
    assert done.data["guide"]["answers"] == {"area": 320.0, "rented": True, "signboard": False, "staff": False}
    assert any("西湖区政务服务中心综合受理窗口" in s for s in done.sentences)
    assert desk.pending is None


def test_switching_procedure_mid_way(desk):
    desk.guide("开餐馆")
    reply = desk.guide("算了，我想问企业注销")
    assert reply.sentences[0].startswith("企业注销“一件事”")
    assert "简易注销" in reply.follow_up or "债权债务" in reply.follow_up


def test_unrelated_text_is_not_a_guide(desk):
    assert desk.guide("今天天气怎么样") is None


@pytest.mark.parametrize(("spoken", "value"), [("三百二十", 320), ("两千五", 2500), ("一百零五", 105),
                                                ("一万二", 12000), ("十五", 15), ("零", 0)])
def test_spoken_numbers(spoken, value):
    assert _chinese_number(spoken) == value


def test_reset_forgets_the_half_asked_guide(desk):
    desk.guide("开餐馆")
    desk.reset()
    assert desk.guide("三百平") is None
