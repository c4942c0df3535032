"""统一社会信用代码: GB 32100 check character, validation, and checksum-confirmed OCR repair."""

from __future__ import annotations

import random

import pytest

from kiosk.documents.credit_code import (
    CHARSET,
    check_char,
    confusion_variants,
    is_valid,
    make_code,
    org_code_ok,
    read_code,
)

# The worked example of GB 32100-2015.
STANDARD_EXAMPLE = "91350100M000100Y43"


def test_standard_example_is_valid():
    assert check_char(STANDARD_EXAMPLE[:17]) == "3"
    assert is_valid(STANDARD_EXAMPLE)


def test_made_codes_pass_both_checks():
    rng = random.Random(3)
    for _ in range(200):
        code = make_code("9", "1", "330106", "".join(rng.choice(CHARSET) for _ in range(8)))
        assert is_valid(code) and org_code_ok(code)


@pytest.mark.parametrize("bad", ["", "9135010", STANDARD_EXAMPLE[:-1] + "4", STANDARD_EXAMPLE + "0", "9135O100M000100Y43"])
def test_invalid_codes(bad):
    assert not is_valid(bad)


def test_every_forced_lookalike_is_repaired():
    code = make_code("9", "1", "330106", "MA2B5C0D")
    variants = confusion_variants(code)
    assert variants, "the code should contain 0, 1, 2 or 5"
    for variant in variants:
        reading = read_code(variant)
        assert reading.valid and reading.repaired and reading.code == code, variant


def test_full_width_and_spaces_are_cleaned():
    reading = read_code("９１３５ ０１００-Ｍ０００１００Ｙ４３")
    assert reading.valid and not reading.repaired and reading.code == STANDARD_EXAMPLE


def test_confusable_in_organisation_code_repaired_only_when_both_checks_agree():
    code = make_code("9", "1", "330106", "MA8B3C4D")
    assert code[10] == "8"
    misread = code[:10] + "B" + code[11:]  # 8 read as B: both are legitimate characters
    reading = read_code(misread)
    assert reading.valid and reading.repaired and reading.code == code


def test_wrong_check_character_is_reported_not_fixed():
    rng = random.Random(5)
    for _ in range(500):
        code = make_code("9", "1", "330106", "".join(rng.choice(CHARSET) for _ in range(8)))
        wrong = code[:17] + rng.choice([c for c in CHARSET if c != code[17]])
        reading = read_code(wrong)
        assert not reading.valid and not reading.repaired and reading.code == wrong


def test_wrong_length_is_invalid():
    reading = read_code("91350100M000100Y4")
    assert not reading.valid and reading.code == "91350100M000100Y4"
