"""Retrieval and extractive answers on the default store: citations, refusals, follow-ups and hostile input."""

from __future__ import annotations

import re

import pytest

from kiosk.knowledge.ask import AskService
from kiosk.knowledge.normalize import normalize
from kiosk.knowledge.retrieve import Retriever
from kiosk.knowledge.segment import asks, key_terms
from kiosk.store import Store


@pytest.fixture(scope="module")
def service(default_store_path) -> AskService:
    return AskService(Store(default_store_path))


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", re.sub(r"\[\d+\]", "", text))


def test_colloquial_words_become_official_terms() -> None:
    assert "设立登记" in normalize("我想开公司")
    assert "就业补贴" in normalize("招人补贴有吗")
    assert "2万元" in normalize("两万块的补贴")
    assert normalize("😀😀😀") == ""


def test_a_question_word_with_what_it_asks_for_is_not_a_subject() -> None:
    # the words say what kind of answer is wanted; the subjects around them stay
    assert key_terms("什么样的企业算小微企业？需要几个工作日？何时开始申报？") == ["企业", "小微企业", "工作日", "开始", "申报"]
    assert asks("多少钱") and asks("什么时候") and asks("几个月")
    assert not asks("多少") and not asks("补贴") and not asks("什么情况下")


def test_search_returns_citable_passages(service: AskService) -> None:
    hits = service.retriever.search("就业见习基地的见习期一般是多久", k=3)
    assert hits and hits[0].doc_id == "gz_jiuye_jianxi_jidi_2019.txt"
    assert hits[0].article.startswith("第") and hits[0].title
    assert hits == sorted(hits, key=lambda h: -h.score)


@pytest.mark.parametrize(
    ("question", "source", "fact"),
    [
        ("电子居住证审核要几天？", "gz_dianzi_juzhuzheng.txt", "5个工作日"),
        ("市场主体歇业最长可以多久？", "cn_shichang_zhuti_dengji_tiaoli.txt", "3年"),
        ("天河区人才公寓本批次一共有多少套？", "gz_tianhe_rencai_gongyu_2025.txt", "66套"),
    ],
)
def test_answer_quotes_the_cited_passage(service: AskService, question: str, source: str, fact: str) -> None:
    answer, timings = service.ask(question)
    assert not answer.refused
    assert fact in answer.text
    assert source in [c.source for c in answer.citations]
    cited = "".join(c.text for c in answer.citations)
    assert all(n in cited for n in numbers(answer.text))
    assert re.search(r"\[1\]", answer.text)
    assert timings["total"] > 0


def test_sample_policy_answer_is_marked_sample(service: AskService) -> None:
    answer, _ = service.ask("西湖区茶馆茶楼提升改造有什么补助？")
    assert not answer.refused
    assert answer.citations[0].sample and "样例" in answer.citations[0].title


@pytest.mark.parametrize(
    "question",
    ["杭州现在的最低工资标准是多少？", "研发费用加计扣除现在能按多少比例扣？", "深圳开公司有补贴吗？多少钱？"],
)
def test_no_evidence_means_refusal_with_a_referral(service: AskService, question: str) -> None:
    answer, _ = service.ask(question)
    assert answer.refused
    assert "没有找到" in answer.text
    assert answer.department is not None and answer.department.name in answer.text


def test_follow_up_borrows_the_previous_topic(service: AskService) -> None:
    first, _ = service.ask("开茶馆有什么扶持？")
    follow, _ = service.ask("那需要什么材料？", previous="开茶馆有什么扶持？")
    assert not follow.refused
    assert {c.source for c in follow.citations} & {c.source for c in first.citations}


@pytest.mark.parametrize(
    "question",
    [
        "", "   ", "\n\t", "😀🎉🙏", "How do I register a company?", "公司 register 要多少 money",
        '"研发" AND NOT *', "NEAR(研发 补贴, 5)", "-补贴 +研发 (高新", "'; DROP TABLE passages; --",
        "补贴\" OR 1=1 --", "研发" * 10000,
    ],
)
def test_hostile_or_odd_input_gets_a_friendly_reply(service: AskService, question: str) -> None:
    before = service.store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    answer, _ = service.ask(question)
    assert isinstance(answer.text, str) and answer.text
    assert service.store.conn.execute("SELECT count(*) FROM passages").fetchone()[0] == before
    if not question.strip() or question == "😀🎉🙏":
        assert answer.refused and "有什么可以帮您" in answer.text


def test_long_paste_is_truncated_with_a_note(service: AskService) -> None:
    answer, _ = service.ask("电子居住证审核要几天？" + "啊" * 20000)
    assert "只看了前" in answer.text


def test_retriever_search_is_fast_enough_to_call_per_keystroke(default_store_path) -> None:
    # a functional guard, not a benchmark: the latency figures live in benchmarks/answers.py
    retriever = Retriever(Store(default_store_path))
    assert retriever.search("研发补助", k=5)
