"""Questions in several parts, and answers from documents no longer in force."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.events import Citation
from kiosk.knowledge.answer import Answer, compose
from kiosk.knowledge.ask import AskService
from kiosk.knowledge.parts import combine, split_parts
from kiosk.knowledge.retrieve import Retriever
from kiosk.store import Store


def test_a_question_splits_at_its_question_marks() -> None:
    assert split_parts("个人创业担保贷款最高能贷多少？贴息比例是多少？") == [
        "个人创业担保贷款最高能贷多少？", "贴息比例是多少？"]
    assert split_parts("产假多少天？") == ["产假多少天？"]
    # a bare "多少？" is not a question of its own
    assert split_parts("停工留薪期一般多久？多少？") == ["停工留薪期一般多久？多少？"]


def _answer(text: str, source: str) -> Answer:
    citation = Citation(1, source, f"《{source}》", "第一条", "全文")
    return Answer("q", f"{text}[1]", False, 0.8, citations=[citation], sentences=[f"{text}[1]"])


def test_parts_share_one_list_of_citations() -> None:
    answer = combine("甲？乙？丙？", [_answer("甲是一", "a.md"), _answer("乙是二", "b.md"), _answer("丙是三", "a.md")])
    assert not answer.refused
    assert [c.n for c in answer.citations] == [1, 2]
    assert [c.source for c in answer.citations] == ["a.md", "b.md"]
    assert answer.text == "甲是一[1]乙是二[2]丙是三[1]"


@pytest.fixture(scope="module")
def real(real_store_path) -> AskService:
    return AskService(Store(real_store_path))


def test_both_parts_of_a_question_are_answered(real: AskService) -> None:
    answer, _ = real.ask("市场主体歇业最长可以多久？电子居住证审核要几天？")
    assert not answer.refused
    assert answer.text.index("3年") < answer.text.index("5个工作日")
    sources = [c.source for c in answer.citations]
    assert "cn_shichang_zhuti_dengji_tiaoli.txt" in sources and "gz_dianzi_juzhuzheng.txt" in sources
    assert sorted(c.n for c in answer.citations) == list(range(1, len(sources) + 1))


def test_a_follow_up_is_not_answered_twice(real: AskService) -> None:
    answer, _ = real.ask("那需要什么材料？", previous="市场主体歇业最长可以多久？")
    assert answer.text.count("3年") <= 1


def test_an_answer_from_an_expired_policy_says_so_first(real: AskService) -> None:
    question = "天河区对港澳青年创办的企业有什么租金补贴？"
    hits = real.retriever.search(question, k=6)
    before = compose(question, hits, real.store, real.retriever, today=date(2025, 1, 1))
    after = compose(question, hits, real.store, real.retriever, today=date(2026, 12, 2))
    assert not before.refused and before.citations[0].source == "gz_tianhe_gangao_qingnian_2023.txt"
    assert "失效" not in before.text
    assert after.text.startswith("该政策已于2026年9月7日失效")
    assert after.sentences[0].startswith("该政策已于")  # spoken first, too


def test_a_question_about_something_no_document_covers_is_referred(real_store_path) -> None:
    service = AskService(Store(real_store_path), Retriever(Store(real_store_path)))
    answer, _ = service.ask("深圳前海的跨境电商企业申请海外仓补贴最高能拿多少？")
    assert answer.refused and "没有找到" in answer.text
