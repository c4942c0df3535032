"""Drafting conditions from text written in the usual government style: measures listed under headings, thresholds
with （含）, second bounds and parts of amounts, alternatives joined by 或, and names that are not the applicant's."""

from __future__ import annotations

from kiosk.content.drafting import draft_rule
from kiosk.content.drafting.leaves import find_leaves
from kiosk.content.drafting.sentences import after_tier, stating
from kiosk.policy.conditions import parse_rule
from kiosk.store.records import Passage


def _bare(leaves: list[dict]) -> list[dict]:
    """The leaves without the words and clause they were read from (groups kept, their members bare too)."""
    out = []
    for leaf in leaves:
        node = {k: v for k, v in leaf.items() if k not in ("text", "clause")}
        if "any_of" in node:
            node["any_of"] = _bare(node["any_of"])
        out.append(node)
    return out


def _facts(sentence: str) -> list[tuple[str, str, object]]:
    return [(leaf["fact"], leaf["op"], leaf["value"]) for leaf in find_leaves(sentence, "一") if "fact" in leaf]


def test_thresholds_as_government_texts_word_them():
    assert _facts("对参保职工30人（含）以下的企业，裁员率放宽至不超过企业职工总数20%。") == [
        ("insured_employees", "<=", 30)]
    assert _facts("对年度内家政服务人员月平均在岗人数达到30人以上的家政服务企业，给予补贴。") == [("employees", ">=", 30)]
    assert _facts("上年度主营业务收入在500万元（含）至5000万元（不含）之间。") == [
        ("revenue", ">=", "500万元"), ("revenue", "<", "5000万元")]
    assert _facts("同时符合年度应纳税所得额不超过300万元、从业人数不超过300人等条件的企业。") == [("employees", "<=", 300)]
    # a second bound names no measure of its own: it is the first one's
    assert _facts("企业成立满2年且不超过5年。") == [("age_years", ">=", 2), ("age_years", "<=", 5)]
    # an aside with one bound is a bound for some; one with a bound and a rate sets the rate for some
    assert _facts("月平均在岗30人以上（粤东粤西粤北地区为20人以上）。") == [("employees", ">=", 30), ("employees", ">=", 20)]
    assert _facts("新招用人员达到在职职工20%（超过100人的企业为10%）。") == []


def test_bounds_on_part_of_an_amount_and_taxable_income_are_not_thresholds():
    assert _facts("年应纳税所得额不超过100万元的部分，减按25%计入应纳税所得额。") == []
    assert _facts("在职职工超过100人的比例下调为10%。") == []
    assert _facts("按不低于20%的比例录用见习人员。") == []  # the ratio asked for itself names no measure
    assert _facts("上年度纳税总额（不含个人所得税）不低于100万元。") == [("tax_paid", ">=", "100万元")]


def test_conditions_joined_by_or_are_one_any_of_group():
    assert _bare(find_leaves("从业人员100人以下或营业收入2000万元以下的企业。", "一")) == [{"any_of": [
        {"fact": "employees", "op": "<=", "value": 100}, {"fact": "revenue", "op": "<=", "value": "2000万元"}]}]
    assert _bare(find_leaves("属于国家高新技术企业或上年度纳税总额不低于500万元的企业。", "一")) == [{"any_of": [
        {"require": ["qual_gaoxin"]}, {"fact": "tax_paid", "op": ">=", "value": "500万元"}]}]
    assert _bare(find_leaves("上年度营业收入不低于10亿元，或在区内纳税不低于3000万元。", "一")) == [{"any_of": [
        {"fact": "revenue", "op": ">=", "value": "10亿元"}, {"fact": "tax_paid", "op": ">=", "value": "3000万元"}]}]
    # 且 joins conditions that must all hold
    assert len(find_leaves("营业收入2000万元以上且参保职工不少于20人。", "一")) == 2


def test_names_that_are_not_the_applicant_s_own():
    assert find_leaves("人力资源服务机构为重点用工企业、高新技术企业介绍员工的，给予补贴。", "八") == []
    assert find_leaves("对疫情期间为承租房屋的高新技术企业减免租金的企业，给予补贴。", "四") == []
    assert find_leaves("单位和个体工商户将自产的货物无偿捐赠的，免征增值税。", "三") == []
    assert find_leaves("对受疫情影响的企业，不将其列入经营异常名录。", "十") == []
    # a founder's group after a hiring verb is whom the applicant hires
    assert _bare(find_leaves("小微企业招用毕业2年内高校毕业生的，给予社会保险补贴。", "五")) == [
        {"require_any": ["size_micro", "size_small"]}, {"require": ["op_hire_graduates"]}]
    assert _bare(find_leaves("对符合条件的中小企业，给予贴息。", "五")) == [
        {"require_any": ["size_medium", "size_micro", "size_small"]}]


def test_a_paragraph_of_measures_states_only_what_an_applicant_receives():
    text = ("扩大小微企业出口信用保险覆盖面。设立高新技术企业人才服务专员。支持科研攻关。"
            "对认定的高新技术企业减按15%的税率征收企业所得税。"
            "对参保职工30人（含）以下的企业，裁员率放宽至不超过企业职工总数20%。")
    assert [s for s in stating(text, listed=False)] == [
        "对认定的高新技术企业减按15%的税率征收企业所得税。", "对参保职工30人（含）以下的企业，裁员率放宽至不超过企业职工总数20%。"]
    # in an article, or in a list its lead says lists conditions, every sentence may state one
    assert len(list(stating("上年度营业收入不超过3000万元。", listed=True))) == 1


def test_a_change_of_rate_covers_what_precedes_it():
    assert after_tier("补助比例提高到20%。") == ""
    assert after_tier("亏损最长结转年限由5年延长至8年，具备高新技术企业资格的企业可在10年内弥补。") == \
        "具备高新技术企业资格的企业可在10年内弥补。"


def test_a_measures_document_under_headings_drafts_each_measure():
    text = {
        "一、支持企业稳定岗位": "落实普惠金融定向降准政策，释放的资金重点支持民营企业和小微企业融资。"
                       "加大援企稳岗力度，对参保职工30人（含）以下的企业，裁员率放宽至不超过企业职工总数20%。",
        "四、鼓励创业带动就业": "鼓励建设农村电商服务站点，符合条件的按每个不超过10万元给予一次性补助。"
                       "初创企业经营者素质提升培训补助范围扩大至登记注册5年内有发展潜力企业的经营者。",
        "六、维护纳税人合法权益": "6.支持科研攻关。全力支持企业落实好高新技术企业所得税优惠税率等优惠政策。"
                         "（省人力资源社会保障厅、省退役军人事务厅负责）",
    }
    passages = [Passage(i, "n.txt", i, "", heading, body) for i, (heading, body) in enumerate(text.items())]
    rule = draft_rule("n.txt", "某省稳就业若干措施", passages)
    parsed, errors = parse_rule(rule, "draft", known_docs={"n.txt"})
    assert errors == []
    found = {(leaf.fact, leaf.op, leaf.value) if leaf.kind == "fact" else tuple(leaf.require + leaf.require_any)
             for leaf in parsed.leaves()}
    # the later grant under a heading naming an aim is a measure of its own, not a higher rate of the first
    assert found == {("insured_employees", "<=", 30), ("age_years", "<", 5), ("qual_gaoxin",)}
    # each measure is a support item of its own: meeting any one of them will do
    assert [len(node["any_of"]) for node in rule["conditions"]] == [3]


def test_a_paragraph_under_a_heading_naming_a_grant_is_one_support_item():
    text = {"五、一次性创业补贴": "高校毕业生创办的小微企业，正常经营满12个月。创办登记注册不满3年，可申请一次性创业补贴。",
            "六、创业租金补贴": "对租用经营场地的个体工商户，给予租金补贴。"}
    passages = [Passage(i, "g.txt", i, "", heading, body) for i, (heading, body) in enumerate(text.items())]
    first, second = draft_rule("g.txt", "高校毕业生创业扶持清单", passages)["conditions"][0]["any_of"]
    assert _bare(first["all_of"]) == [{"require": ["founder_graduate"]}, {"require_any": ["size_micro", "size_small"]},
                                      {"fact": "age_years", "op": ">=", "value": 1.0},
                                      {"fact": "age_years", "op": "<", "value": 3}]
    assert _bare([second]) == [{"require": ["own_individual"]}]


def test_definitions_and_titles_are_not_conditions():
    passages = [Passage(0, "law.md", 0, "", "", "某市人民政府关于支持中小企业共渡难关的若干意见\n各区人民政府："),
                Passage(1, "law.md", 1, "第二条", "", "本法所称中小企业，是指在中华人民共和国境内依法设立的企业。")]
    assert draft_rule("law.md", "某法", passages)["conditions"] == []


def _regions(title: str, opening: str, body: str) -> list[dict]:
    passages = [Passage(0, "r.txt", 0, "", "", opening), Passage(1, "r.txt", 1, "", "一、支持企业稳定岗位", body)]
    rule = draft_rule("r.txt", title, passages)
    assert not rule["conditions"] or parse_rule(rule, "draft", known_docs={"r.txt"})[1] == []
    return [leaf for leaf in rule["conditions"] if "region" in leaf]


GRANT = "对受疫情影响的中小企业，给予一次性稳岗补贴。"


def test_a_local_government_s_support_is_for_enterprises_of_its_place():
    # the issuer line names the district; its clauses say only “对…企业，给予”
    assert _regions("关于支持企业复工复产的若干意见", "中共杭州市西湖区委 杭州市西湖区人民政府\n各镇人民政府、街道办事处：",
                    GRANT) == [{"text": "中共杭州市西湖区委 杭州市西湖区人民政府", "clause": "发文机关", "region": ["西湖区"]}]
    assert _regions("杭州市萧山区人民政府关于支持企业复工复产的若干意见", "各镇人民政府、街道办事处：", GRANT) == [
        {"text": "杭州市萧山区人民政府关于支持企业复工复产的若干意见", "clause": "标题", "region": ["萧山区"]}]
    # a street names itself in full
    assert _regions("关于支持企业复工复产的若干措施", "西溪街道办事处\n各社区：", GRANT)[0]["region"] == ["street_xixi"]
    # a place the text states is not stated twice
    assert _regions("杭州市西湖区人民政府关于支持企业的若干意见", "各镇人民政府：",
                    "对注册在转塘街道的中小企业，给予一次性稳岗补贴。")[0]["region"] == ["street_zhuantang"]


def test_no_place_is_drafted_for_a_national_document_or_one_that_cannot_be_written():
    national = "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
    assert _regions("国务院办公厅关于支持企业复工复产的意见", national, GRANT) == []
    # a district of a city the conditions language knows only as a whole: the city would let in too much
    assert _regions("关于支持企业复工复产的若干意见", "中共宁波市海曙区委 宁波市海曙区人民政府", GRANT) == []
    # support for persons, and a local regulation, are not a local policy's support for enterprises
    assert _regions("杭州市萧山区人民政府关于人才落户的通知", "", "对符合条件的引进人才，给予落户积分。") == []
    assert _regions("杭州市企业工资集体协商条例", "杭州市人民代表大会常务委员会公告", GRANT) == []
