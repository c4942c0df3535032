"""What an answer states is findable in its source, and a question in parts that the store answers only in part
asks which part is meant."""

from __future__ import annotations

import pytest

from kiosk.knowledge.ask import AskService
from kiosk.store import Store
from kiosk.ui.chat import HIGHLIGHT, source_html


@pytest.fixture(scope="module")
def real(real_store_path) -> AskService:
    return AskService(Store(real_store_path))


@pytest.mark.parametrize("question", ["市场主体歇业最长可以多久？", "电子居住证审核要几天？"])
def test_the_source_highlights_the_sentences_the_answer_states(real: AskService, question: str) -> None:
    answer, _ = real.ask(question)
    assert not answer.refused
    quoted = [(c, q) for c in answer.citations for q in c.quoted]
    assert quoted, "no citation names the sentence the answer states"
    for citation, sentence in quoted:
        assert sentence in answer.text and sentence in citation.text
        _, body = source_html(citation)
        assert f'<span style="background:{HIGHLIGHT}">{sentence}</span>' in body
    # passages cited only as further reading highlight nothing
    stated = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", answer.text)}
    assert all(not c.quoted for c in answer.citations if c.n not in stated)


def test_a_question_answered_only_in_part_asks_which_part_is_meant(real: AskService) -> None:
    first = "市场主体歇业最长可以多久？"
    assert not real.ask(first)[0].refused
    assert real.ask("2030年杭州的人才公寓怎么申请？")[0].refused
    answer, _ = real.ask(first + "2030年杭州的人才公寓怎么申请？")
    assert answer.refused and not answer.citations
    assert "哪一件" in answer.text and "市场主体歇业" in answer.text and "人才公寓" in answer.text
    # the parts are counted in words: the only digits are the visitor's own
    assert __import__("re").findall(r"\d+", answer.text) == ["2030"]
    assert answer.suggestions == [first]
