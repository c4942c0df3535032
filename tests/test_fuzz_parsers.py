"""Every parser that reads text from outside, fed random input: a result or a located, plain-words refusal,
never a crash. Short here (KIOSK_FUZZ_EXAMPLES, default 40 per parser); `benchmarks/fuzz.py` runs them longer."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.errors import FriendlyError

EXAMPLES = int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "40"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("KIOSK_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# Text that looks like what reaches the kiosk: Chinese, digits, punctuation, full-width forms, emoji, controls.
MIXED = st.text(st.one_of(HAN, st.characters(codec="utf-8", exclude_categories=("Cs",)),
                          st.sampled_from(list("0123456789１２３。，、：；？！（）%%元万年月日第条款-—·\n\t "))),
                max_size=200)
WORDS = st.sampled_from(["营业执照", "开办企业", "社保", "贴息", "最高", "多少", "怎么办", "需要什么材料", "西湖区", "2025年",
                         "三十日", "百分之七十", "？", "，", "我叫张伟", "13812345678"])
QUESTIONS = st.one_of(MIXED, st.lists(WORDS, max_size=12).map("".join))


@pytest.fixture(scope="module")
def ask_service(default_store_path: Path):
    from kiosk.knowledge.ask import AskService
    from kiosk.store import Store

    store = Store(default_store_path)
    yield AskService(store)
    store.close()


@fuzz
@given(question=QUESTIONS)
def test_any_question_gets_an_answer_or_a_refusal(ask_service, question: str) -> None:
    answer, timings = ask_service.ask(question)
    assert isinstance(answer.text, str)
    assert all(v >= 0 for v in timings.values())


LICENCE_LABELS = ["营业执照", "统一社会信用代码", "名称", "类型", "法定代表人", "经营范围", "注册资本", "成立日期", "住所",
                  "营业期限", "登记机关", "91330106MA2XXXXX0X", "有限责任公司", "2019年03月12日", "壹佰万元整"]
OCR_LINES = st.lists(st.one_of(MIXED, st.lists(st.sampled_from(LICENCE_LABELS), max_size=4).map("".join)),
                     max_size=30)


@fuzz
@given(lines=OCR_LINES)
def test_any_ocr_text_gives_licence_fields_or_nothing(lines: list[str]) -> None:
    from kiosk.documents.licence import parse_licence
    from kiosk.documents.scan import read_document

    fields = parse_licence(lines)
    assert isinstance(fields, dict)
    result = read_document(lines)
    assert result is not None


SOURCE_KINDS = {"policies/fuzz.md": "policy", "faq/fuzz.yaml": "faq", "services/fuzz.yaml": "services",
                "departments.yaml": "departments", "guides/fuzz.yaml": "guides", "conditions/fuzz.yaml": "conditions",
                "fuzz.md": "corpus"}
YAMLISH = st.lists(st.one_of(MIXED, st.sampled_from(["---", "title: 测试", "id: x", "- q: 问", "  a: 答", "&a [*a, *a]",
                                                     "effective: 2025-13-40", "windows:", "  - 2025-01-01", "faqs:",
                                                     "items:", "departments:", "name:", "conditions:", "第一条 内容"])),
                   max_size=30).map("\n".join)


@fuzz
@given(rel=st.sampled_from(sorted(SOURCE_KINDS)), text=YAMLISH, raw=st.binary(max_size=64))
def test_any_source_file_parses_or_is_refused_at_a_line(tmp_path: Path, rel: str, text: str, raw: bytes) -> None:
    from kiosk.store.sources import parse_source
    from kiosk.store.yamlines import SourceError

    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    for data in (text.encode("utf-8"), raw + text.encode("utf-8")):
        path.write_bytes(data)
        try:
            parse_source(path, rel, SOURCE_KINDS[rel])
        except SourceError as exc:
            assert exc.line >= 1 and exc.reason
            assert exc.line <= data.count(b"\n") + 1


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | MIXED,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(MIXED, inner, max_size=4),
                           max_leaves=12)
UPDATES = st.fixed_dictionaries({"key": MIXED, "item": st.one_of(MIXED, st.just("XH20260101-0001-1")),
                                 "action": st.sampled_from(["resolve", "accept", "transfer", "note", "reopen", "drop"])},
                                optional={"actor": JSON_VALUES, "note": JSON_VALUES, "department": JSON_VALUES})
OUTBOX_LINES = st.lists(st.one_of(UPDATES.map(lambda u: json.dumps(u, ensure_ascii=False)),
                                  JSON_VALUES.map(json.dumps), MIXED.map(lambda t: t.replace("\n", " "))), max_size=8)


@pytest.fixture
def requests_service(tmp_path: Path):
    from support_requests import departments

    from kiosk.requests.service import RequestService

    service = RequestService.open(departments(), path=tmp_path / "requests.db")
    yield service
    service.close()


@fuzz
@given(lines=OUTBOX_LINES)
def test_any_platform_update_file_applies_or_reports_each_line(requests_service, tmp_path: Path,
                                                               lines: list[str]) -> None:
    from kiosk.requests.outbox import import_updates

    path = tmp_path / "updates.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = import_updates(requests_service, path)
    assert report.applied + report.duplicates + len(report.errors) <= len([x for x in lines if x.strip()])
    assert all(e.startswith("updates.jsonl:") for e in report.errors)


CONFIG_LINES = st.lists(st.one_of(
    st.tuples(st.sampled_from(["idle_reset_seconds", "refusal_threshold", "staff_pin", "tts_speed", "demo_content",
                               "push_endpoint", "office_url", "office_token", "tts_voice", "dense_rerank",
                               "unknown_key"]),
              st.one_of(st.integers(-10 ** 6, 10 ** 6).map(str), st.floats(allow_nan=False).map(repr),
                        MIXED.map(json.dumps), st.sampled_from(["true", "false", "[1, 2]", "{a = 1}", '"135790"'])))
    .map(lambda kv: f"{kv[0]} = {kv[1]}"), MIXED), max_size=8)


@fuzz
@given(lines=CONFIG_LINES)
def test_any_config_file_loads_or_names_what_to_fix(tmp_path: Path, lines: list[str]) -> None:
    from kiosk.config import CONFIG_NAME, ConfigError, Settings

    path = tmp_path / CONFIG_NAME
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        Settings.load(path)
    except ConfigError as exc:
        assert isinstance(exc, FriendlyError) and CONFIG_NAME in exc.friendly
        assert "Traceback" not in exc.friendly and str(tmp_path) not in exc.friendly


def test_a_note_with_a_unicode_line_separator_is_one_update(requests_service, tmp_path: Path) -> None:
    from kiosk.requests.outbox import import_updates

    path = tmp_path / "updates.jsonl"
    update = {"key": "k1", "item": "XH20260101-0001-1", "action": "note", "note": "第一行\u2028第二行\x85第三行"}
    path.write_text(json.dumps(update, ensure_ascii=False) + "\n", encoding="utf-8")
    report = import_updates(requests_service, path)
    assert len(report.errors) == 1 and "不是有效的状态更新" not in report.errors[0]  # read whole: the item is unknown
