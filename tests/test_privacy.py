"""Personal data in what visitors type: masked wherever it is shown, and never in a log."""

from __future__ import annotations

import logging

import pytest

from kiosk.privacy import mask_numbers, redact

ID_NUMBER = "33010619900307123X"
MOBILE = "13957112468"
CARD = "6222 0212 3456 7890 123"


@pytest.mark.parametrize(("text", "gone", "shown"), [
    (f"我的身份证号是{ID_NUMBER}。", ID_NUMBER, "330***********123X"),
    ("老身份证330106900307123也能用", "330106900307123", "330********7123"),
    (f"手机{MOBILE}，打不通就打+86 139-5711-2468", MOBILE, "139****2468"),
    ("手机 139 5711 2468", "5711", "139****2468"),
    (f"退款请打到银行卡{CARD}", "3456", "**** **** **** 0123"),
    ("卡号6217000010001234567", "6217000010001234567", "4567"),
    ("座机0571-87654321", "87654321", "0571-****4321"),
])
def test_numbers_are_masked(text, gone, shown):
    out = redact(text)
    assert gone not in out and gone.replace(" ", "") not in out.replace(" ", "")
    assert shown in out


@pytest.mark.parametrize(("text", "gone", "shown"), [
    ("我叫张伟，想问补贴的事", "张伟", "张*"),
    ("联系人：欧阳娜娜", "欧阳娜娜", "欧阳**"),
    ("法定代表人李明华反映门口路灯坏了", "李明华", "李**"),
    ("请转告王建国先生尽快回电", "王建国", "王**先生"),
    ("我叫王国庆", "王国庆", "王**"),
    ("已电话联系张建华，核对材料", "张建华", "张**"),  # no cue: the tagger finds the name
    ("向阳街道的王小明说路灯坏了", "王小明", "向阳街道的王**说"),
])
def test_names_introduced_as_names_are_masked(text, gone, shown):
    out = redact(text)
    assert gone not in out and shown in out


@pytest.mark.parametrize("text", [
    "园区门口人行道砖坏了好几块；另外想问高新技术企业认定什么时候申报。",
    "我是杭州某某科技有限公司的，想了解研发费用加计扣除",
    "本人想办营业执照变更，需要什么材料？",
    "联系人：王先生",
    "你好，谢谢！",
    "我们公司门口的井盖坏了",
    "滞纳金按日加收万分之五吗？",
    "我是广东一所大学的大四学生，能申请求职补贴吗？",
    "黄龙体育中心附近停车难",
    "2026年11月23日提交的XH20261123-0042号工单",
])
def test_ordinary_request_text_is_left_alone(text):
    assert redact(text) == text


def test_masking_is_idempotent():
    text = f"我叫张伟，身份证{ID_NUMBER}，手机{MOBILE}，卡号{CARD}，座机0571-87654321"
    once = redact(text)
    assert redact(once) == once
    assert mask_numbers(once) == once


def test_logs_keep_no_personal_numbers_or_names():
    """Whatever a module logs, message arguments and tracebacks included, comes out redacted."""
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("kiosk.test-privacy")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.info("visitor said %r", f"我叫张伟，电话{MOBILE}")
        try:
            raise ValueError(f"bad id {ID_NUMBER}")
        except ValueError:
            log.exception("request failed for %s", MOBILE)
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert MOBILE not in out and ID_NUMBER not in out and "张伟" not in out
    assert "139****2468" in out and "ValueError" in out
