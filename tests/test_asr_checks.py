"""What a transcript says about itself: comparable text, degenerate decodes, and which decode is kept."""

from __future__ import annotations

import pytest

from kiosk.engines.asr_checks import (
    Decode,
    char_error_rate,
    choose,
    comparable,
    cut_to_duration,
    filler_only,
    hotword_share,
    longest_loop,
    respellable,
    strays,
    suspect,
)

HOTWORDS = ["专精特新", "小巨人", "加计扣除"]


@pytest.mark.parametrize(("a", "b"), [("换一首歌。", "换一首歌"), ("ＡＢＣ１２３，", "abc123"), ("对吗?", "对吗？"),
                                      ("这 是 一 个", "这是一个")])
def test_comparable_ignores_punctuation_width_and_spaces(a: str, b: str) -> None:
    assert comparable(a) == comparable(b)
    assert char_error_rate(a, b) == 0


def test_char_error_rate_counts_edits_over_the_reference() -> None:
    assert char_error_rate("换一首歌", "换一首哥") == 0.25
    assert char_error_rate("换一首歌", "") == 1.0


@pytest.mark.parametrize("text", ["专精特新小巨人专精特新小巨人专精特新小巨人", "我要我要我要我要我要", "加计扣除，加计扣除。"])
def test_loops_are_found(text: str) -> None:
    assert longest_loop(text) >= 8


@pytest.mark.parametrize("text", ["谢谢谢谢", "这并不是告别，这是一个篇章的结束", "研发费用加计扣除怎么申请"])
def test_speech_is_not_a_loop(text: str) -> None:
    assert longest_loop(text) < 8


def test_hotword_share() -> None:
    assert hotword_share("专精特新小巨人", HOTWORDS) == (1.0, 2)
    share, occurrences = hotword_share("请问专精特新企业有什么奖励", HOTWORDS)
    assert occurrences == 1 and share < 0.4


@pytest.mark.parametrize("text", ["哦嗯", "嗯…", "啊？", "", "哈哈"])
def test_filler_only(text: str) -> None:
    assert filler_only(text)


@pytest.mark.parametrize("text", ["嗯，换一首歌", "好吧", "哦，公积金怎么取"])
def test_words_are_not_filler(text: str) -> None:
    assert not filler_only(text)


@pytest.mark.parametrize(
    ("text", "seconds", "reason"),
    [
        ("专精特新小巨人专精特新小巨人专精特新小巨人", 6.0, "repeated block"),
        ("今天天气很好我们去公园散步吧今天天气很好", 1.5, "too many characters for the audio"),
        ("专精特新小巨人", 3.0, "mostly hotwords"),
        ("请问专精特新企业有什么奖励", 3.0, ""),
        ("加计扣除", 1.5, ""),  # one term said on its own is a question, not the prompt written back
    ],
)
def test_suspect(text: str, seconds: float, reason: str) -> None:
    assert suspect(Decode(text, -0.3), seconds, HOTWORDS) == reason


def test_a_repetitive_decode_is_suspect_by_its_compression_ratio() -> None:
    assert suspect(Decode("好的", -0.2, compression_ratio=3.1), 2.0) == "compression ratio"


def test_the_biased_decode_is_kept_only_when_sound_and_as_confident() -> None:
    plain = Decode("请问加急扣除怎么申请", -0.40)
    assert choose(plain, Decode("请问加计扣除怎么申请", -0.30), 3.0, HOTWORDS)[0].text == "请问加计扣除怎么申请"
    assert choose(plain, Decode("请问加计扣除怎么申请", -0.50), 3.0, HOTWORDS)[0] is plain
    looping = Decode("专精特新小巨人专精特新小巨人专精特新小巨人", -0.05)
    kept, why = choose(Decode("甚至出现交易几乎停滞的情况", -0.6), looping, 4.0, HOTWORDS)
    assert kept.text == "甚至出现交易几乎停滞的情况" and "repeated block" in why


@pytest.mark.parametrize(
    ("plain", "biased", "reason"),
    [
        ("请问加急扣除怎么申请", "请问加计扣除怎么申请。", ""),
        ("我只能点一旁的小飞但也都在喘太喘的喘", "国主缓店预判的消防达亚洲菜餐菜饭店投诉", "differs beyond its hotwords"),
        ("今天天气很好", "今天投诉很好", "hotword not heard"),
    ],
)
def test_a_biased_decode_may_only_respell_what_was_heard_as_hotwords(plain: str, biased: str, reason: str) -> None:
    assert strays(plain, biased, ["加计扣除", "消防", "投诉", "开饭店"]) == reason


def test_output_is_cut_to_the_audio_duration() -> None:
    assert cut_to_duration("专精特新小巨人专精特新小巨人专精特新小巨人。", 3.0) == "专精特新小巨人。"
    assert cut_to_duration("一二三四五六七八九十" * 3, 1.0) == "一二三四五六七八九十"
    assert cut_to_duration("换一首歌。", 1.0) == "换一首歌。"


def test_respellable_hotwords_sound_like_a_stretch_not_yet_written() -> None:
    assert respellable("射爆卡照片上传后多久审核好", ["社保", "公积金"]) == ["社保"]
    assert respellable("社保卡照片上传后多久审核好", ["社保", "公积金"]) == []  # already written
    assert respellable("今天天气很好", ["社保", "公积金"]) == []
    assert respellable("", ["社保"]) == []
