"""The demo pack: built in only when asked, never mixed into named sources, and marked 样例 wherever it shows."""

from __future__ import annotations

import json
import re

import pytest

from kiosk.cli import main
from kiosk.dialogue.answering import Extracted, GroundedAnswerer
from kiosk.events import AnswerDone, AnswerSentence, Citation
from kiosk.policy.conditions import DEMO_CONDITIONS_DIR, load_dir
from kiosk.store import Store
from kiosk.store.demo import SAMPLE_MARK

INVENTED_PHONE = re.compile(r"0571-871\d{5}")


@pytest.fixture
def real_store(real_store_path):
    s = Store(real_store_path)
    yield s
    s.close()


def test_real_sources_hold_no_demo_content(real_store):
    assert not real_store.has_demo_content()
    assert [d.id for d in real_store.documents(include_collections=True) if d.sample] == []
    assert real_store.departments() == [] and real_store.faqs() == [] and real_store.services() == []
    assert real_store.guides() == []
    texts = [real_store.document_text(d.id) for d in real_store.documents(include_collections=True)]
    rules = json.dumps(real_store.policy_rules(), ensure_ascii=False)
    assert not any(INVENTED_PHONE.search(t) for t in [*texts, rules])
    assert len(real_store.policy_rules()) > 0  # the real corpus's own rules stay


def test_demo_content_is_marked(store):
    assert store.has_demo_content()
    dep = store.department("sec_policy")
    assert dep.sample and f"电话 {dep.phone}（{SAMPLE_MARK}）" in dep.contact()
    faq_doc = next(d for d in store.documents(include_collections=True) if d.id.startswith("demo/faq/"))
    assert faq_doc.sample and SAMPLE_MARK in faq_doc.title
    policies = [d for d in store.documents() if d.source.startswith("demo/")]
    assert policies and all(d.sample and SAMPLE_MARK in d.title for d in policies)
    cards = [p.text for p in store.passages("demo/departments.yaml")]
    assert all(f"（{SAMPLE_MARK}）" in t for t in cards if "电话" in t)


def test_push_messages_of_demo_policies_carry_the_mark():
    rules = load_dir(DEMO_CONDITIONS_DIR).rules
    assert rules and all(r.sample for r in rules)
    assert all(r.sms().startswith(f"【西小服】（{SAMPLE_MARK}）") and len(r.sms()) <= 70 for r in rules)


def build_json(args, capsys) -> dict:
    assert main(["db", "build", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_build_flags_and_the_setting(tmp_path, kiosk_env, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "t_doc.txt").write_text("# 标题: 测试文件\n\n第一条 测试。\n", encoding="utf-8")
    # named sources: only the given documents, although demo_content defaults to on
    named = build_json(["--source", str(src), "--db", str(tmp_path / "a.db")], capsys)
    assert named["counts"]["documents"] == 1 and named["counts"]["departments"] == 0
    assert not any(k.startswith("demo/") for k in named["read"]) and named["demo_content"] is False
    with_demo = build_json(["--source", str(src), "--demo", "--db", str(tmp_path / "b.db")], capsys)
    assert with_demo["counts"]["sample_policies"] > 0 and with_demo["counts"]["departments"] > 0
    # default sources follow the setting; --no-demo wins over it
    default = build_json(["--db", str(tmp_path / "c.db")], capsys)
    assert any(k.startswith("demo/") for k in default["read"])
    no_demo = build_json(["--no-demo", "--db", str(tmp_path / "d.db")], capsys)
    assert not any(k.startswith("demo/") for k in no_demo["read"]) and no_demo["counts"]["sample_policies"] == 0
    (kiosk_env / "config.toml").write_text("demo_content = false\n", encoding="utf-8")
    off = build_json(["--db", str(tmp_path / "e.db")], capsys)
    assert not any(k.startswith("demo/") for k in off["read"])
    # switching the pack on later reads only the pack
    on = build_json(["--demo", "--db", str(tmp_path / "e.db")], capsys)
    assert on["read"] and all(k.startswith("demo/") for k in on["read"])
    assert main(["db", "info", "--json", "--db", str(tmp_path / "e.db")]) == 0
    assert json.loads(capsys.readouterr().out)["demo_content"] is True


def spoken(citation_sample: bool, refused: bool = False) -> list[str]:
    cite = Citation(1, "x.md", "测试办法", "第一条", "补助最高50万元。", sample=citation_sample)
    answer = Extracted("补助多少？", "补助最高50万元。[1]", refused, 0.9, [cite], ["补助最高50万元。[1]"])
    events = list(GroundedAnswerer().stream(answer, engine="extractive"))
    done = next(e for e in events if isinstance(e, AnswerDone))
    return [e.text for e in events if isinstance(e, AnswerSentence)] + [done.answer]


def test_answers_from_demo_content_say_so_aloud_first():
    sentences = spoken(True)
    assert SAMPLE_MARK in sentences[0] and SAMPLE_MARK in sentences[-1]
    assert all(SAMPLE_MARK not in s for s in spoken(False))


def test_a_refusal_that_names_a_demo_document_marks_it():
    cite = Citation(1, "x.md", "测试办法（样例）", "第一条", "补助最高50万元。", sample=True)
    answer = Extracted("补贴能拿几次？", "没有找到相关规定。", True, 0.1, [cite])
    events = list(GroundedAnswerer().stream(answer, engine="auto"))
    said = [e.text for e in events if isinstance(e, AnswerSentence)]
    assert said[0] == "没有找到相关规定。" and f"《测试办法》（{SAMPLE_MARK}）" in said[-1]
