"""Condition files: validation with file:line, the default set, and its coverage of the store's documents."""

from __future__ import annotations

from pathlib import Path

from kiosk.policy.conditions import CONDITIONS_DIR, DEMO_CONDITIONS_DIR, load_dir, load_store
from kiosk.policy.eligibility import check_examples

GOOD = """\
policy: xh_test.md
title: 测试政策
sms_name: 测试政策
apply: 亲清在线申报
how_to_apply: 每年4月在亲清在线申报。
conditions:
  - text: 注册在西湖区
    clause: 第二条
    region: [西湖区]
"""


# the real rule files and the demo pack's: the default store holds both
ALL_DIRS = [CONDITIONS_DIR, DEMO_CONDITIONS_DIR]


def write(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "conditions"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_good_file_loads(tmp_path):
    rules = load_dir(write(tmp_path, "a.yaml", GOOD), check_docs=False)
    assert rules.errors == [] and rules.rules[0].id == "xh_test" and rules.rules[0].root.children[0].line == 7


def test_errors_name_file_and_line(tmp_path):
    bad = GOOD + """\
  - text: 高新技术企业
    clause: 第三条
    require: [qual_gaoxinn]
  - text: 研发占比
    fact: rd_ratio
    op: "=>"
    value: 三个点
  - any_of: []
  - text: 两种检验
    clause: 第五条
    fact: revenue
    op: ">="
    value: 1
    region: [西湖区]
"""
    errors = load_dir(write(tmp_path, "bad.yaml", bad), check_docs=False).errors
    joined = "\n".join(errors)
    assert "bad.yaml:10: “require”中的未知标签“qual_gaoxinn”" in joined
    assert "bad.yaml:13: 缺少“clause”" in joined
    assert "bad.yaml:13: “op”应为" in joined and "bad.yaml:13: “value”不是数值" in joined
    assert "bad.yaml:17: “any_of”需要至少一个条件" in joined
    assert "bad.yaml:18: 一个条件只能有一种检验" in joined


def test_yaml_syntax_error_and_unknown_document_and_long_sms(tmp_path):
    folder = write(tmp_path, "syntax.yaml", "policy: [unclosed\n")
    write(tmp_path, "missing.yaml", GOOD.replace("xh_test.md", "nope.md"))
    write(tmp_path, "long.yaml", GOOD.replace("sms_name: 测试政策", "sms_name: " + "很长的政策名称" * 8)
          .replace("xh_test.md", "xh_keji_yanfa_touru_buzhu.md"))
    errors = load_dir(folder).errors
    assert any(e.startswith("conditions/syntax.yaml:") or "syntax.yaml:2: YAML 格式错误" in e for e in errors)
    assert any("missing.yaml:1: 找不到政策文件“nope.md”" in e for e in errors)
    assert any("long.yaml:1: 短信共" in e for e in errors)


def test_duplicate_rule_ids_are_reported(tmp_path):
    folder = write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD)
    result = load_dir(folder, check_docs=False)
    assert len(result.rules) == 1 and any("重复" in e for e in result.errors)


def test_default_conditions_are_valid_and_their_examples_pass():
    rules = load_dir(ALL_DIRS)
    assert rules.errors == []
    assert len(rules.rules) >= 20
    assert check_examples(rules.rules) == []
    for rule in rules.rules:
        assert all(leaf.clause for leaf in rule.leaves()), rule.id
        assert len(rule.sms()) <= 70


def test_explanations_agree_with_statuses_on_the_examples():
    from kiosk.policy.eligibility import Matcher
    from kiosk.policy.profile import EnterpriseProfile

    rules = load_dir(ALL_DIRS).rules
    matcher = Matcher(rules)
    verdict = {"met": "满足", "not_met": "不满足", "unknown": "待确认"}

    def walk(conditions):
        for c in conditions:
            if c.explanation:
                assert c.explanation.startswith(verdict[c.status] + "："), c.explanation
            walk(c.children)

    profiles = [EnterpriseProfile.from_dict(e["profile"]) for r in rules for e in r.examples]
    for profile in profiles:
        for match in matcher.match(profile):
            walk(match.conditions)
            assert [q.key for q in match.questions] == list(dict.fromkeys(q.key for q in match.questions))


def test_store_rules_match_the_folder(store):
    from_store = load_store(store)
    assert from_store.errors == []
    assert {r.id for r in from_store.rules} == {r.id for r in load_dir(ALL_DIRS).rules}


def test_every_store_document_has_conditions_or_a_documented_reason(store):
    covered = {r.policy for r in load_dir(ALL_DIRS).rules}
    readme = (CONDITIONS_DIR / "README.md").read_text(encoding="utf-8")
    missing = [d.id for d in store.documents() if d.id not in covered and f"`{d.id}`" not in readme]
    assert missing == []
