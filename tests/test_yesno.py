"""One reading of yes and no: a policy question and a guide question take the same answers the same way."""

from __future__ import annotations

import pytest

from kiosk.guides import parse_answer
from kiosk.guides.model import Question
from kiosk.policy.values import parse_bool


@pytest.fixture(scope="module")
def yes_no_question():
    return Question("rented", "场地是租的吗？", "yesno")


@pytest.mark.parametrize(("text", "value"), [
    ("是的", True), ("符合", True), ("需要", True), ("有两个", True), ("已经办了", True),
    ("不需要", False), ("不满足", False), ("没有", False), ("否。", False),
])
def test_policy_and_guide_answers_read_alike(text, value, yes_no_question) -> None:
    assert parse_bool(text) is value
    assert parse_answer(yes_no_question, text) is value


def test_neither_is_refused_by_both(yes_no_question) -> None:
    with pytest.raises(ValueError):
        parse_bool("也许吧")
    with pytest.raises(ValueError):
        parse_answer(yes_no_question, "也许吧")
