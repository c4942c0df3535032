"""Three-valued eligibility: all_of / any_of / unknown, ranking, follow-up questions and answers."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.policy.conditions import parse_rule
from kiosk.policy.eligibility import Matcher, Status, answer, best_questions
from kiosk.policy.profile import EnterpriseProfile


def rule(conditions, policy="xh_test.md", **extra):
    raw = {"policy": policy, "title": extra.pop("title", "测试政策"), "sms_name": "测试政策", "apply": "亲清在线申报",
           "how_to_apply": "每年4月在亲清在线申报。", "conditions": conditions, **extra}
    parsed, errors = parse_rule(raw, "test.yaml")
    assert not errors, errors
    return parsed


REGION = {"text": "注册在西湖区", "clause": "第二条", "region": ["西湖区"]}
GAOXIN = {"text": "高新技术企业", "clause": "第三条", "require": ["qual_gaoxin"]}
RD = {"text": "研发占比不低于3%", "clause": "第三条", "fact": "rd_ratio", "op": ">=", "value": "3%",
      "question": "贵公司上年度研发费用占营收比例是否超过3%？"}
EITHER = {"any_of": [
    {"text": "专精特新中小企业", "clause": "第四条", "require": ["qual_zjtx"]},
    {"text": "营业收入不低于2000万元", "clause": "第四条", "fact": "revenue", "op": ">=", "value": "2000万元"},
]}


def profile(**data) -> EnterpriseProfile:
    return EnterpriseProfile.from_dict(data)


def test_all_met_explains_every_condition_with_clause_and_source():
    m = Matcher([rule([REGION, GAOXIN, RD])]).match(
        profile(tags=["street_xixi", "qual_gaoxin"], facts={"rd_ratio": 4.5}))[0]
    assert m.status == "met" and m.questions == []
    assert [c.status for c in m.conditions] == [Status.MET] * 3
    assert "西溪街道" in m.conditions[0].explanation and "第二条" in m.conditions[0].explanation
    assert "4.5%" in m.conditions[2].explanation and "您的回答" in m.conditions[2].explanation


def test_one_unknown_is_one_step_with_the_authored_question():
    m = Matcher([rule([REGION, GAOXIN, RD])]).match(profile(tags=["street_xixi", "qual_gaoxin"]))[0]
    assert m.status == "one_step"
    assert [q.text for q in m.questions] == ["贵公司上年度研发费用占营收比例是否超过3%？"]
    assert m.conditions[2].status is Status.UNKNOWN and "待确认" in m.conditions[2].explanation


def test_not_met_wins_over_unknown_in_all_of():
    m = Matcher([rule([REGION, GAOXIN, RD])]).match(profile(facts={"district": "萧山区"}))[0]
    assert m.status == "not_met" and m.questions == []
    assert m.conditions[0].status is Status.NOT_MET and "萧山区" in m.conditions[0].explanation


def test_any_of_met_by_one_branch_unknown_until_then_not_met_when_all_fail():
    matcher = Matcher([rule([EITHER])])
    assert matcher.match(profile(tags=["qual_zjtx"]))[0].status == "met"
    open_case = matcher.match(profile())[0]
    assert open_case.status == "one_step"  # one answer (either branch) settles it
    assert open_case.questions[0].key == "qual_zjtx"  # the first cheapest branch
    assert matcher.match(profile(not_tags=["qual_zjtx"], facts={"revenue": "1500万"}))[0].status == "not_met"
    half = matcher.match(profile(not_tags=["qual_zjtx"]))[0]
    assert half.status == "one_step" and half.questions[0].fact == "revenue"


def test_nested_groups_count_the_fewest_answers():
    nested = [REGION, {"all_of": [GAOXIN, RD]}, EITHER]
    m = Matcher([rule(nested)]).match(profile(tags=["street_xixi"]))[0]
    assert m.status == "unknown"
    assert len(m.questions) == 3  # gaoxin, rd_ratio, and one branch of the any_of
    group = m.to_dict()["conditions"][1]
    assert group["status"] == "unknown" and len(group["children"]) == 2


def test_exclusive_category_settles_other_tags():
    excl = {"text": "个体工商户除外", "clause": "第二条", "exclude": ["own_individual"]}
    m = Matcher([rule([excl])]).match(profile(tags=["own_private"]))[0]
    assert m.status == "met"
    assert Matcher([rule([excl])]).match(profile())[0].status == "one_step"


def test_ranking_met_then_one_step_then_unknown_then_not_met():
    rules = [rule([REGION], policy="a.md", title="丁"), rule([GAOXIN, RD], policy="b.md", title="丙"),
             rule([RD], policy="c.md", title="乙"), rule([{**REGION, "region": ["萧山区"]}], policy="d.md", title="甲")]
    ranked = Matcher(rules).match(profile(tags=["street_xixi"]))
    assert [m.status for m in ranked] == ["met", "one_step", "unknown", "not_met"]


def test_answer_number_yes_no_and_tag_move_the_policy_to_met():
    r = rule([REGION, GAOXIN, RD])
    matcher = Matcher([r])
    p = profile(tags=["street_xixi"])
    answer(p, "qual_gaoxin", "是")
    q = matcher.match(p)[0].questions[0]
    assert q.key == "rd_ratio>=3" and q.fact == "rd_ratio"
    answer(p, q.key, "是")  # a yes to the threshold question, without the number
    assert matcher.match(p)[0].status == "met"
    p2 = profile(tags=["street_xixi", "qual_gaoxin"])
    answer(p2, q.fact, "2.5%")
    assert matcher.match(p2)[0].status == "not_met"
    assert p2.facts["rd_ratio"].source == "visitor"


def test_answer_rejects_unreadable_values():
    with pytest.raises(ValueError):
        answer(profile(), "qual_gaoxin", "也许吧")
    with pytest.raises(ValueError):
        answer(profile(), "rd_ratio", "很多")


def test_age_and_registration_window_use_the_evaluation_date():
    age = {"text": "注册满1年", "clause": "第三条", "fact": "age_years", "op": ">=", "value": 1}
    window = {"text": "2024年以后成立", "clause": "第二条", "established": {"from": "2024-01-01"}}
    r = rule([age, window])
    p = profile(facts={"established": "2024-03-01"})
    assert Matcher([r], today=date(2025, 6, 1)).match(p)[0].status == "met"
    early = Matcher([r], today=date(2024, 9, 1)).match(p)[0]
    assert early.status == "not_met" and "6个月" in early.conditions[0].explanation


def test_ask_condition_is_settled_only_by_an_answer():
    ask = {"text": "申请前连续3个月为员工缴纳社保", "clause": "1、（2）", "ask": "insured_3_months",
           "question": "贵单位申请前是否已连续3个月为员工缴纳社保？"}
    matcher = Matcher([rule([ask])])
    p = profile()
    assert matcher.match(p)[0].questions[0].text == "贵单位申请前是否已连续3个月为员工缴纳社保？"
    answer(p, "insured_3_months", "有")
    assert matcher.match(p)[0].status == "met"


def test_match_json_shape():
    d = Matcher([rule([REGION, RD])]).match(profile(tags=["street_xixi"]))[0].to_dict()
    assert {"policy", "title", "status", "conditions", "how_to_apply"} <= set(d)
    assert set(d["conditions"][0]) >= {"text", "status", "clause", "explanation", "question"}
    assert d["conditions"][1]["question"] == "贵公司上年度研发费用占营收比例是否超过3%？"


def test_best_questions_prefer_the_answer_that_settles_most_policies():
    rules = [rule([REGION, RD], policy="a.md"), rule([RD, GAOXIN], policy="b.md"), rule([GAOXIN], policy="c.md"),
             rule([{**RD, "fact": "rd_ratio"}, REGION], policy="d.md")]
    ranked = best_questions(Matcher(rules).match(profile(tags=["street_xixi"])))
    assert ranked[0][0].key == "rd_ratio>=3" and ranked[0][1] == 2  # settles a.md and d.md
    assert [q.key for q, _ in ranked] == ["rd_ratio>=3", "qual_gaoxin"]


def test_street_condition_is_unknown_when_only_the_district_is_known():
    streets = {"text": "位于三墩镇或蒋村街道", "clause": "第七条", "region": ["street_sandun", "street_jiangcun"]}
    matcher = Matcher([rule([streets])])
    district_only = matcher.match(profile(facts={"district": "西湖区"}))[0]
    assert district_only.status == "one_step" and "还不知道在哪个镇街" in district_only.conditions[0].explanation
    assert matcher.match(profile(tags=["street_jiangcun"]))[0].status == "met"
    assert matcher.match(profile(tags=["street_xixi"]))[0].status == "not_met"
    assert matcher.match(profile(facts={"district": "滨江区"}))[0].status == "not_met"
    p = profile(facts={"district": "西湖区"})
    answer(p, district_only.questions[0].key, "三墩镇")
    assert matcher.match(p)[0].status == "met" and p.tags["street_sandun"].source == "visitor"
    with pytest.raises(ValueError):
        answer(p, "district", "火星")
