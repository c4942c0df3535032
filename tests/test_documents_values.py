"""Registered capital, dates and business terms as printed on licences."""

from __future__ import annotations

import pytest
from support_licences import capital_in_words

from kiosk.documents.values import chinese_number, normalise_term, parse_capital, parse_date


@pytest.mark.parametrize(
    ("printed", "yuan"),
    [
        ("壹佰万元整", 1_000_000),
        ("伍拾万元", 500_000),
        ("100万元人民币", 1_000_000),
        ("人民币壹仟万元", 10_000_000),
        ("贰仟伍佰万元整", 25_000_000),
        ("壹佰零伍万元整", 1_050_000),
        ("拾万元整", 100_000),
        ("500.5万元", 5_005_000),
        ("1,000万元", 10_000_000),
        ("1.5亿元", 150_000_000),
        ("壹亿贰仟万元", 120_000_000),
        ("300000元", 300_000),
        ("叁万伍仟元", 35_000),
    ],
)
def test_capital_in_yuan(printed, yuan):
    amount = parse_capital(printed)
    assert amount.currency == "CNY"
    assert amount.value == pytest.approx(yuan)


def test_foreign_currency_is_kept_apart():
    amount = parse_capital("500万美元")
    assert amount.currency == "USD" and amount.value == pytest.approx(5_000_000)


@pytest.mark.parametrize("printed", ["", "元整", "人民币", "零万元"])
def test_capital_without_amount(printed):
    assert parse_capital(printed).value is None


def test_financial_numerals_round_trip():
    for wan in (1, 10, 50, 100, 105, 1000, 1010, 2500, 9999):
        assert parse_capital(capital_in_words(wan)).value == pytest.approx(wan * 10_000), capital_in_words(wan)


def test_chinese_number_plain():
    assert chinese_number("二十八") == 28
    assert chinese_number("十八") == 18
    assert chinese_number("abc") is None


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("2015年06月18日", "2015-06-18"),
        ("2015年6月8日", "2015-06-08"),
        ("2015-6-18", "2015-06-18"),
        ("2015 年 06 月 18 日", "2015-06-18"),
        ("二〇一五年六月十八日", "2015-06-18"),
        ("2O15年O6月l8日", "2015-06-18"),  # OCR look-alikes inside a date
        ("2015年13月40日", None),
        ("长期", None),
    ],
)
def test_dates(printed, iso):
    assert parse_date(printed) == iso


def test_business_term():
    assert normalise_term("2015年06月18日 至 长期") == "2015-06-18至长期"
    assert normalise_term("2015年06月18日至2045年06月17日") == "2015-06-18至2045-06-17"
    assert normalise_term("长期") == "长期"
