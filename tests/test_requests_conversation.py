"""The request desk: a request spoken at the kiosk becomes a ticket over short turns; progress by voice."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.requests.conversation import ASK_COMPANY, ASK_CONSENT, ASK_PHONE, ASK_STATUS, RequestDesk


@pytest.fixture
def desk(svc):
    return RequestDesk(svc)


def test_spoken_request_becomes_a_ticket(desk):
    first = desk.take("我们公司门口的路灯坏了，另外想申请高新技术企业", {"street": "转塘街道"})
    assert "2件事" in first.sentences[0] and "转塘街道" in first.sentences[0]
    assert first.follow_up == ASK_COMPANY and len(first.data["request_preview"]) == 2
    assert desk.take("杭州云栖科技有限公司", {}).follow_up == ASK_PHONE
    assert desk.take("一三八不对，是138 1234 5678", {}).follow_up == ASK_CONSENT
    assert desk.service.db.count_tickets() == 0  # nothing is promised before consent and commit
    done = desk.take("同意", {})
    assert done.sentences[0].startswith("已受理，工单号 XH20261123-0001")
    receipt = done.data["receipt"]
    assert [i["department"] for i in receipt["items"]] == ["street_zhuantang", "unit_kjj"]
    t = desk.service.db.ticket("XH20261123-0001")
    assert (t.company, t.phone, t.channel) == ("杭州云栖科技有限公司", "13812345678", "kiosk-voice")


def test_company_and_phone_in_one_answer(desk):
    desk.take("想咨询融资贷款", {})
    assert desk.take("我们是杭州小河茶业有限公司 13900001111", {}).follow_up == ASK_CONSENT


def test_bad_phone_is_asked_again_and_refusal_stores_nothing(desk):
    desk.take("想咨询融资贷款", {})
    desk.take("杭州小河茶业有限公司", {})
    again = desk.take("12345", {})
    assert "手机号格式不对" in again.sentences[0] and again.follow_up == ASK_PHONE
    desk.take("13900001111", {})
    assert "没有登记" in desk.take("不同意", {}).sentences[0]
    assert desk.service.db.count_tickets() == 0


def test_cancel_and_forgotten_drafts(desk, clock):
    desk.take("想咨询融资贷款", {})
    assert "不登记" in desk.take("算了", {}).sentences[0]
    desk.take("想咨询融资贷款", {})
    clock.advance(minutes=5)
    # The draft is stale: this is a new request, not a company name.
    assert desk.take("公积金缴存基数怎么调整", {}).follow_up == ASK_COMPANY


def test_empty_request_is_answered_kindly(desk):
    reply = desk.take("你好，谢谢", {})
    assert "具体遇到了什么问题" in reply.sentences[0] and not reply.follow_up


def test_progress_by_voice(desk):
    desk.take("想申请高新技术企业", {})
    desk.take("杭州云栖科技有限公司", {})
    desk.take("13812345678", {})
    desk.take("可以", {})
    assert desk.take("帮我查一下工单进度", {}).follow_up == ASK_STATUS
    reply = desk.take("XH20261123-0001，后四位5678", {})
    assert reply.sentences[0] == "工单XH20261123-0001共1项。"
    assert "已派单" in reply.sentences[1] and "科学技术局" in reply.sentences[1]
    wrong = desk.take("查询工单 XH202611230001 后四位 0000", {})
    assert "没有找到这个工单" in wrong.sentences[0]


def test_storage_failure_is_never_acknowledged(desk, monkeypatch):
    desk.take("想申请高新技术企业", {})
    desk.take("杭州云栖科技有限公司", {})
    desk.take("13812345678", {})

    def broken(form):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(desk.service, "submit", broken)
    reply = desk.take("同意", {})
    assert "没能保存" in reply.sentences[0] and "已受理" not in reply.sentences[0]


def test_a_storage_failure_during_a_spoken_status_check_is_said_plainly(desk, monkeypatch):
    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(desk.service, "status", broken)
    reply = desk.take("查询工单 XH20261123-0001 后四位 5678", {})
    assert reply.sentences and "I/O" not in reply.sentences[0] and "稍后再试" in reply.sentences[0]


def test_a_new_matter_instead_of_a_name_starts_over(desk):
    desk.take("想咨询融资贷款", {})
    reply = desk.take("公积金缴存基数怎么调整", {})
    assert "公积金" in reply.sentences[0] or "住房公积金" in reply.sentences[0]
    assert reply.follow_up == ASK_COMPANY and desk.draft.text == "公积金缴存基数怎么调整"
    desk.reset()
    assert desk.draft is None
