"""Numbers as people say them meet numbers as documents print them."""

import pytest

from kiosk.knowledge.normalize import normalize
from kiosk.knowledge.numbers import amounts, arabic
from kiosk.knowledge.sentences import answers_type


@pytest.mark.parametrize(("spoken", "digits"), [
    ("三十日内", "30日内"),
    ("百分之七十", "70%"),
    ("百分之二十点五", "20.5%"),
    ("两万元", "2万元"),
    ("一千二百元", "1200元"),
    ("十二万元", "12万元"),
    ("二〇二五年三月一日", "2025年3月1日"),
    ("三个月至六个月", "3个月至6个月"),
    ("第十五条", "第15条"),
])
def test_numerals_read_as_digits(spoken: str, digits: str) -> None:
    assert arabic(spoken) == digits


@pytest.mark.parametrize("word", ["一般来说", "统一办理", "十分重要", "一些企业", "万一"])
def test_words_that_contain_numerals_stay_words(word: str) -> None:
    assert arabic(word) == word


def test_amounts_compare_however_written() -> None:
    assert amounts("补助两万元") == amounts("补助2万元") == amounts("补助20000元") == {"20000"}
    assert amounts("最高3.5万元") == {"35000"}


def test_question_and_document_meet_in_digits() -> None:
    assert "30日" in normalize("公司变更要在三十日内办吗")
    # the document prints the duration in characters, the visitor asks for a number of days
    assert answers_type(arabic("多少天内要去办？"), arabic("应当自作出变更决议之日起三十日内申请变更登记")) is True
