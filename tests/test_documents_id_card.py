"""ID cards: recognised, number masked everywhere, nothing kept."""

from __future__ import annotations

from kiosk.documents.id_card import id_number_valid, looks_like_id_card, mask, mask_numbers, read_id_card
from kiosk.documents.scan import read_document

# GB 11643 check digit computed for 11010519491231002 → X (the standard's example).
NUMBER = "11010519491231002X"

CARD_LINES = [
    "姓名 张三",
    "性别 男 民族 汉",
    "出生 1949年12月31日",
    "住址 北京市朝阳区某某路1号",
    f"公民身份号码 {NUMBER}",
]


def test_checksum():
    assert id_number_valid(NUMBER)
    assert id_number_valid(NUMBER.lower())
    assert not id_number_valid("110105194912310021")
    assert not id_number_valid("11010519491231002")


def test_mask_shows_first_six_and_last_four():
    assert mask(NUMBER) == "110105********002X"
    assert mask_numbers(f"号码{NUMBER}。") == "号码110105********002X。"


def test_card_fields_and_masking():
    reading = read_id_card(CARD_LINES)
    f = reading.fields
    assert f["name"] == "张三" and f["sex"] == "男" and f["ethnicity"] == "汉"
    assert f["birth"] == "1949-12-31"
    assert f["address"] == "北京市朝阳区某某路1号"
    assert f["id_number_masked"] == "110105********002X" and f["id_number_valid"]
    assert NUMBER not in "".join(reading.text)


def test_document_of_an_id_card_never_carries_the_number():
    result = read_document(CARD_LINES)
    assert result.kind == "id_card"
    assert NUMBER not in str(result.to_json())
    assert any("不会保存" in w for w in result.warnings)


def test_back_side_is_an_id_card():
    assert looks_like_id_card(["中华人民共和国", "居民身份证", "签发机关 某某公安局", "有效期限 2010.01.01-2030.01.01"])


def test_plain_text_is_not_an_id_card():
    assert not looks_like_id_card(["我是中国人"])


def test_numbers_in_other_documents_are_masked_too():
    result = read_document(["报名表", f"身份证 {NUMBER}"])
    assert result.kind == "other"
    assert NUMBER not in "".join(result.text)
