"""Questions in several parts, answers from documents no longer in force, and what a refusal suggests."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from kiosk.dialogue.answering import GroundedAnswerer
from kiosk.events import AnswerDone, Citation
from kiosk.knowledge.answer import Answer, compose
from kiosk.knowledge.ask import AskService
from kiosk.knowledge.parts import combine, split_parts, which_part
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


def test_asking_which_part_counts_in_words_so_its_only_figures_are_the_visitors() -> None:
    parts = ["2025年的指标有多少个？", "3月几号开始申报？", "要交哪些材料？"]
    whole = Answer("q", "抱歉。", True, 0.1)
    answers = [_answer("甲", "a.md"), Answer("q", "抱歉。", True, 0.1), _answer("丙", "b.md")]
    asked = which_part("".join(parts), parts, answers, whole)
    assert asked.refused and not asked.citations and asked.sentences == [asked.text]
    assert re.findall(r"\d+", asked.text) == re.findall(r"\d+", "".join(parts))
    assert all(p.rstrip("？") in asked.text for p in parts) and "三件事" in asked.text
    assert asked.suggestions == [parts[0], parts[2]]  # the parts the store answers, a tap away
    assert "两件事" in which_part("甲？乙？", parts[:2], answers[:2], whole).text


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
    assert "失效" not in before.text and "期满" not in before.text
    note = after.sentences[0]  # spoken first, too
    assert after.text.startswith(note) and "仅供参考" in note
    assert after.text.endswith(before.text), "the facts are still answered"
    # the note cites the document's own words on when it applied, and states no figure they do not hold
    marked = {int(n) for n in re.findall(r"\[(\d+)\]", note)}
    cited = [c for c in after.citations if c.n in marked]
    assert cited and all(c.source == before.citations[0].source for c in cited)
    document = real.store.document_text(cited[0].source)
    assert all(line in document for c in cited for line in c.text.split("\n"))
    figures = re.findall(r"\d+(?:\.\d+)?", re.sub(r"\[\d+\]", "", note))
    assert figures and all(f in "".join(c.text for c in cited) for f in figures)
    assert [c.n for c in after.citations] == list(range(1, len(after.citations) + 1))


def test_a_refusal_cites_the_documents_it_suggests(real: AskService) -> None:
    question = "天河区对港澳青年创办的企业有什么租金补贴？"
    hits = real.retriever.search(question, k=6)
    never = replace(real.model, threshold=1.01)  # no evidence is ever judged to answer
    refusal = compose(question, hits, real.store, real.retriever, model=never)
    assert refusal.refused and refusal.citations
    assert len({c.source for c in refusal.citations}) == len(refusal.citations), "one citation per document"
    events = list(GroundedAnswerer().stream(refusal, "auto"))
    done, hint = events[-1], events[-2].text
    assert isinstance(done, AnswerDone) and done.refused and done.citations == tuple(refusal.citations)
    named = re.findall(r"《(.+?)》", hint)
    assert named == [c.title for c in refusal.citations]
    source = "".join(c.text for c in refusal.citations)
    assert all(title in source for title in named)
    assert all(n in source for n in re.findall(r"\d+(?:\.\d+)?", hint))


def test_a_question_about_something_no_document_covers_is_referred(real_store_path) -> None:
    service = AskService(Store(real_store_path), Retriever(Store(real_store_path)))
    answer, _ = service.ask("深圳前海的跨境电商企业申请海外仓补贴最高能拿多少？")
    assert answer.refused and "没有找到" in answer.text
