"""Checking model sentences against passages, and cutting a token stream into sentences."""

from __future__ import annotations

from kiosk.dialogue.grounding import SentenceCutter, claims, leaks, numbers_grounded, support, unsupported

SOURCE = "本批次人才公寓共66套。社保卡经办机构将在1个至5个工作日内完成审核。由杭州市西湖区市场监督管理局负责，补贴3万元。"


def test_numbers_must_appear_with_their_unit() -> None:
    assert unsupported("一共66套。", [SOURCE]) == []
    assert unsupported("一共6套。", [SOURCE]) == ["6套"]
    # "10" appears nowhere, "5" does but not as "5套"
    assert unsupported("本批次5套，另有10套。", [SOURCE]) == ["5套", "10套"]
    assert unsupported("5个工作日内完成。", [SOURCE]) == []


def test_amounts_dates_and_chinese_quantities_are_checked() -> None:
    assert unsupported("最高补贴5万元。", [SOURCE]) == ["5万元"]
    assert unsupported("2025年3月1日起施行。", [SOURCE]) == ["2025年", "3月", "1日"]
    assert unsupported("可以补贴三万元。", [SOURCE]) == ["三万元"]
    assert "百分之二十" in claims("比例是百分之二十。")


def test_organisations_must_be_named_as_in_the_source() -> None:
    assert unsupported("请到区市场监督管理局咨询。", [SOURCE]) == []
    assert unsupported("请到区人力社保局咨询。", [SOURCE]) != []
    assert unsupported("我们来一起办理吧。", [SOURCE]) == []


def test_citation_markers_are_not_numbers() -> None:
    assert claims("共66套[1]。") == ["66套"]
    assert numbers_grounded("共66套[1]，另有7套。", [SOURCE]) == (1, 2)


def test_support_measures_how_much_of_a_statement_is_the_sources_words() -> None:
    assert support("社保卡经办机构完成审核", [SOURCE]) >= 0.8
    assert support("需要身份证和户口簿原件", [SOURCE]) < 0.3


def test_leak_detection_finds_repeated_prompt_text() -> None:
    secret = "只能使用【资料】里的内容，绝不编造金额、比例、期限"
    assert leaks("我的规则是：绝不编造金额、比例、期限哦", secret)
    assert not leaks("您还想了解需要什么材料吗？", secret)


def test_cutter_emits_sentences_as_soon_as_they_end_keeping_markers() -> None:
    cutter = SentenceCutter()
    out = []
    for piece in ["您好，", "可以网上办", "理。[1", "]还想了解", "材料吗？", "最后一句"]:
        out += list(cutter.feed(piece))
    assert out == ["您好，可以网上办理。[1]", "还想了解材料吗？"]
    assert list(cutter.flush()) == ["最后一句"]


def test_cutter_splits_list_items_and_overlong_runs() -> None:
    cutter = SentenceCutter()
    out = list(cutter.feed("材料有\n1. 营业执照\n2. 身份证\n"))
    assert out == ["材料有", "营业执照", "身份证"]
    long = "这是一个很长的句子，" * 12
    out = list(cutter.feed(long))
    assert out and all(len(s) <= 80 for s in out)
