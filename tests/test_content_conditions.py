"""Conditions drafted from a policy's text: each leaf in the conditions language, tied to its clause."""

from __future__ import annotations

import json

import pytest

from kiosk.content.drafting import draft_rule, to_yaml
from kiosk.policy.conditions import parse_rule
from kiosk.store.records import Passage

# An invented policy worded unlike the hand-written rules' documents.
ARTICLES = [
    ("第一条", "为推动企业成长为高新技术企业，根据《滨江区促进科技创新若干政策》（滨政〔2024〕5号），制定本细则。"),
    ("第二条", "本细则适用于登记注册在滨江区、成立满二年的企业，纳入失信被执行人名单的企业不得申报。"),
    ("第三条", "申报企业应当同时具备下列条件：（一）上一年度营业收入在500万元至5亿元之间；"
               "（二）研发费用占同期营业收入比例达到百分之五以上；（三）参保职工不少于二十人；"
               "（四）属于专精特新中小企业或科技型中小企业。"),
    ("第四条", "对研发人员占比不低于30%的企业，给予一次性奖励10万元；对注册资本1000万元以上的企业，补助比例提高到20%。"),
    ("第五条", "申报材料包括营业执照、审计报告等，受理部门为区科技局，咨询电话0571-00000000。"),
    ("第六条", "申报时间为每年5月1日至5月31日，逾期不予受理。"),
]


def _passages() -> list[Passage]:
    return [Passage(i, "bj_keji.md", i, article, "", text) for i, (article, text) in enumerate(ARTICLES)]


def _leaves(rule: dict) -> list[dict]:
    out, stack = [], list(rule["conditions"])
    while stack:
        node = stack.pop(0)
        stack[:0] = node.get("any_of") or node.get("all_of") or []
        if not ("any_of" in node or "all_of" in node):
            out.append(node)
    return out


def test_a_draft_states_the_conditions_with_their_clauses():
    rule = draft_rule("bj_keji.md", "滨江区科技企业培育细则", _passages())
    found = {(leaf["clause"], leaf.get("fact") or next(k for k in ("region", "require", "require_any", "exclude")
                                                       if k in leaf)): leaf for leaf in _leaves(rule)}
    assert found[("第二条", "region")]["region"] == ["滨江区"]
    assert (found[("第二条", "age_years")]["op"], found[("第二条", "age_years")]["value"]) == (">=", 2)
    assert found[("第二条", "exclude")]["exclude"] == ["status_dishonest"]
    low = [leaf for leaf in _leaves(rule) if leaf.get("fact") == "revenue"]
    assert [(leaf["op"], leaf["value"]) for leaf in low] == [(">=", "500万元"), ("<=", "5亿元")]
    assert all(leaf["clause"] == "第三条（一）" for leaf in low)
    assert (found[("第三条（二）", "rd_ratio")]["op"], found[("第三条（二）", "rd_ratio")]["value"]) == (">=", "5%")
    assert found[("第三条（三）", "insured_employees")]["value"] == 20
    assert set(found[("第三条（四）", "require_any")]["require_any"]) >= {"qual_zjtx", "qual_kjxzx"}
    assert found[("第四条", "rd_staff_ratio")]["value"] == "30%"


def test_aims_citations_higher_rates_and_procedure_are_not_conditions():
    rule = draft_rule("bj_keji.md", "滨江区科技企业培育细则", _passages())
    leaves = _leaves(rule)
    assert not [leaf for leaf in leaves if leaf["clause"] in ("第一条", "第五条", "第六条")]
    assert not [leaf for leaf in leaves if leaf.get("fact") == "registered_capital"]  # only raises the rate


def test_the_draft_loads_as_a_rule():
    rule = draft_rule("bj_keji.md", "滨江区科技企业培育细则", _passages())
    parsed, errors = parse_rule(rule, "draft", known_docs={"bj_keji.md"})
    assert errors == [] and len(parsed.leaves()) == len(_leaves(rule))
    assert "clause: 第三条（二）" in to_yaml(rule)
    assert rule["apply"] == "每年5月1日至5月31日申报"  # the window the text states, for the push message


def test_a_law_without_support_clauses_drafts_nothing():
    law = [Passage(1, "law.md", 0, "第一条", "", "用人单位应当依法为职工缴纳社会保险费。"),
           Passage(2, "law.md", 1, "第二条", "", "县级以上人民政府负责本行政区域内的社会保险工作。")]
    assert draft_rule("law.md", "某条例", law)["conditions"] == []


def test_cli_prints_the_draft_of_a_store_document(store, capsys):
    from kiosk.cli import main

    assert main(["content", "conditions", "xh_keji_yanfa_touru_buzhu.md", "--json"]) == 0
    rule = json.loads(capsys.readouterr().out)
    assert rule["policy"] == "xh_keji_yanfa_touru_buzhu.md"
    assert any(leaf.get("fact") == "rd_ratio" for leaf in _leaves(rule))
    assert main(["content", "conditions", "nothing.md"]) == 1
    assert "没有编号" in capsys.readouterr().err


def test_an_accepted_draft_joins_matching_and_the_check(tmp_path, monkeypatch, kiosk_env, capsys):
    from support_content import POLICY, make_pdf

    from kiosk.cli import main
    from kiosk.policy.conditions import load_store
    from kiosk.store import Store

    src = tmp_path / "src"
    src.mkdir()
    monkeypatch.setenv("KIOSK_SOURCES", str(src))
    monkeypatch.setenv("KIOSK_DB", str(tmp_path / "kiosk.db"))
    assert main(["content", "add", str(make_pdf(tmp_path / "p.pdf", POLICY)), "--json"]) == 0
    doc_id = json.loads(capsys.readouterr().out)["imported"][0]["id"]
    assert main(["content", "conditions", doc_id, "--accept", "--by", "审核员", "--json"]) == 0
    capsys.readouterr()
    [rule] = load_store(Store(tmp_path / "kiosk.db")).rules
    assert rule.policy == doc_id and any(leaf.fact == "rd_ratio" for leaf in rule.leaves())
    from kiosk.policy.conditions import CONDITIONS_DIR, DEMO_CONDITIONS_DIR, load_dir

    written = len(load_dir([CONDITIONS_DIR, DEMO_CONDITIONS_DIR]).rules)
    main(["match", "--check", "--json"])
    assert json.loads(capsys.readouterr().out)["rules"] == written + 1


def test_an_editor_s_review_edits_drops_and_names_the_leaf_and_field():
    from kiosk.content.drafting.review import ReviewError, review_leaves, reviewed

    rule = draft_rule("bj_keji.md", "滨江区科技企业培育细则", _passages())
    rule["conditions"].append({"any_of": [
        {"text": "认定为高新技术企业的", "clause": "第四条（一）", "require": ["qual_gaoxin"]},
        {"all_of": [{"text": "参保人数50人以上", "clause": "第四条（二）", "fact": "insured_employees", "op": ">=",
                     "value": 50},
                    {"text": "2023年1月1日以后成立", "clause": "第四条（二）", "established": {"from": "2023-01-01"}}]}]})
    leaves = review_leaves(rule)
    by = {(leaf.clause, leaf.kind): leaf for leaf in leaves}
    assert by[("第二条", "fact")].values == {"fact": "age_years", "op": ">=", "value": "2"}
    assert by[("第四条（一）", "tags")].alternative == 1 and by[("第四条（二）", "established")].alternative == 2
    assert by[("第四条（二）", "established")].values == {"from": "2023-01-01", "to": ""}
    rd, gaoxin = by[("第三条（二）", "fact")].number, by[("第四条（一）", "tags")].number
    decisions = {rd: {"fact": "rd_ratio", "op": ">", "value": "6%"}, gaoxin: None}
    done = reviewed(rule, decisions, {"sms_name": "滨江科技企业培育", "apply": "每年5月申报"})
    parsed, errors = parse_rule(done, "review", known_docs={"bj_keji.md"})
    assert errors == [] and len(parsed.leaves()) == len(leaves) - 1 and done["sms_name"] == "滨江科技企业培育"
    assert [(leaf.op, leaf.value) for leaf in parsed.leaves() if leaf.fact == "rd_ratio"] == [(">", 6.0)]
    assert len(done["conditions"][-1]["any_of"]) == 1  # the alternative whose only leaf was dropped is gone

    region = by[("第二条", "region")].number
    with pytest.raises(ReviewError) as refused:
        reviewed(rule, {rd: {"value": "很多"}, region: {"region": "火星"}}, {})
    found = {(p.number, p.field): str(p) for p in refused.value.problems}
    assert set(found) == {(rd, "value"), (region, "region")}
    assert found[(rd, "value")].startswith(f"第 {rd} 条条件的数值：") and "很多" in found[(rd, "value")]
    assert "未知地区“火星”" in found[(region, "region")] and "value" not in refused.value.friendly


def test_leaves_move_between_the_common_conditions_and_support_items():
    from kiosk.content.drafting.review import ReviewError, review_leaves, reviewed

    rule = draft_rule("bj_keji.md", "滨江区科技企业培育细则", _passages())
    rule["conditions"].append({"text": "符合以下任一支持项目的条件", "clause": "第四条", "any_of": [
        {"text": "认定为高新技术企业的", "clause": "第四条（一）", "require": ["qual_gaoxin"]},
        {"text": "参保人数50人以上", "clause": "第四条（二）", "fact": "insured_employees", "op": ">=", "value": 50}]})
    by = {leaf.clause: leaf for leaf in review_leaves(rule)}
    gaoxin, insured, region = by["第四条（一）"], by["第四条（二）"], next(
        leaf for leaf in review_leaves(rule) if leaf.kind == "region")
    assert (gaoxin.place, insured.place, region.place) == ("1.1", "1.2", "0")
    added = {"text": "2023年以后成立", "clause": "由编辑添加", "established": {"from": "2023-01-01"}}
    moves = {gaoxin.number: {**gaoxin.values, "place": "0"}, region.number: {**region.values, "place": "1.2"}}
    done = reviewed(rule, moves, {},
                    [(added, "1.new")], asks={})
    parsed, errors = parse_rule(done, "review", known_docs={"bj_keji.md"})
    assert errors == [] and len(parsed.leaves()) == len(review_leaves(rule)) + 1
    items = done["conditions"][-2]["any_of"]  # the emptied item 1 is gone; the region joins item 2's all_of
    assert [leaf["clause"] for leaf in items[0]["all_of"]] == ["第四条（二）", region.clause] and items[1] == added
    assert done["conditions"][-1]["clause"] == "第四条（一）"  # moved out: it holds for every applicant
    moved = {leaf.clause: leaf.place for leaf in review_leaves(done)}
    assert moved["第四条（一）"] == "0" and moved[region.clause] == "1.1" and moved["由编辑添加"] == "1.2"
    with pytest.raises(ReviewError) as refused:
        reviewed(rule, {gaoxin.number: {**gaoxin.values, "place": "3.1"}}, {}, [(added, "2.new")])
    assert set(map(str, refused.value.problems)) == {f"第 {gaoxin.number} 条条件的位置：请从列表中选择",
                                                     "添加的第 1 条条件的位置：请从列表中选择"}
