"""Intake: splitting a request into items, classifying and routing each, and refusing bad input politely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support_requests import departments

from kiosk.requests.intake import SPLIT_GRAMMAR, Intake, LlmSplitter, RuleSplitter
from kiosk.requests.routing import Router
from kiosk.requests.validate import RequestError, clean_company, clean_text, normalize_phone, parse_ref
from kiosk.store.records import Department

LABELLED = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "requests_labelled.tsv"


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(departments())


def test_three_matters_become_three_routed_items(router):
    text = "你好，我们公司门口的路灯坏了一个多月了，晚上很黑。另外想问一下高新技术企业怎么申报，还有我们缺工，想招20个普工。谢谢"
    items = Intake(router).process(text, "杭州市西湖区转塘街道云栖小镇")
    assert [i.text for i in items] == [
        "我们公司门口的路灯坏了一个多月了，晚上很黑",
        "想问一下高新技术企业怎么申报",
        "我们缺工，想招20个普工",
    ]
    lamp, hitech, hiring = (i.route for i in items)
    assert (lamp.section, lamp.department, lamp.tier) == (None, "street_zhuantang", "street")
    assert (hitech.section, hitech.department) == ("sec_tech", "unit_kjj")
    assert (hiring.section, hiring.department) == ("sec_talent", "unit_rsj")


def test_context_clauses_stay_with_their_matter(router):
    # "since last month" and "every time it rains" carry no topic: they belong to the drain complaint.
    items = RuleSplitter(router).split("我们楼下的下水道堵了，从上个月开始，每次下雨都积水；公积金缴存基数怎么调整")
    assert items == ["我们楼下的下水道堵了，从上个月开始，每次下雨都积水", "公积金缴存基数怎么调整"]


def test_numbered_list_is_split(router):
    items = RuleSplitter(router).split("1、营业执照地址变更怎么办 2、发票领用 3、员工社保怎么交")
    assert len(items) == 3
    assert [router.route(i).department for i in items] == ["unit_scjg", "unit_sw", "unit_rsj"]


def test_pleasantries_alone_are_not_items(router):
    assert RuleSplitter(router).split("您好，麻烦了。想咨询融资贷款。谢谢！") == ["想咨询融资贷款"]


def test_territorial_goes_to_the_street_of_the_address(router):
    route = router.route("公司大门口的井盖松动了", "杭州市西湖区古墩路600号")
    assert (route.tier, route.department, route.section) == ("street", "street_gudang", None)
    # The same words without an address the router can place: the intake section finds the street.
    unknown = router.route("公司大门口的井盖松动了", "")
    assert unknown.department == "sec_market" and not unknown.confident


def test_district_name_does_not_pick_xihu_street(router):
    # 西湖区 contains 西湖, the short name of 西湖街道: every address would match it if it were not removed.
    assert router.street_for("杭州市西湖区文三路90号").id == "street_cuiyuan"
    assert router.street_for("杭州市西湖区某路1号") is None


def test_noise_without_place_is_still_territorial_when_it_is_disturbance(router):
    assert router.route("隔壁工地晚上施工扰民", "杭州市西湖区文新路155号").department == "street_wenxin"


def test_routing_only_to_departments_that_exist():
    fixture = [
        Department("sec_policy", "section", "政策服务专区", keywords=("政策",)),
        Department("sec_market", "section", "营商环境专区"),
    ]
    route = Router(fixture).route("研发补助还没到账")
    # unit_czj is not among the fixtures, so the section itself takes the matter.
    assert (route.section, route.department) == ("sec_policy", "sec_policy")


def test_unknown_matter_goes_to_intake_section_for_review(router):
    route = router.route("我想反映一个情况")
    assert route.section == "sec_market" and not route.confident


def test_routing_accuracy_on_labelled_set(router):
    rows = [line.rstrip("\n").split("\t") for line in LABELLED.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert len(rows) >= 60
    correct = sum(
        (r.section or "-", r.department) == (section, dept)
        for text, address, section, dept in rows
        for r in [router.route(text, address)]
    )
    assert correct / len(rows) >= 0.9


def test_llm_splitter_used_when_grounded(router):
    calls = []

    def complete(prompt: str) -> str:
        calls.append(prompt)
        return json.dumps({"items": ["门口路灯坏了", "高新技术企业怎么申报"]}, ensure_ascii=False)

    splitter = LlmSplitter(complete, RuleSplitter(router))
    assert splitter.split("门口路灯坏了，高新技术企业怎么申报") == ["门口路灯坏了", "高新技术企业怎么申报"]
    assert "门口路灯坏了" in calls[0]


@pytest.mark.parametrize("reply", ["not json", '{"other": 1}', '{"items": ["帮我申请一百万补贴并减免全部税款"]}'])
def test_llm_splitter_falls_back_on_bad_or_invented_output(router, reply):
    splitter = LlmSplitter(lambda prompt: reply, RuleSplitter(router))
    assert splitter.split("门口路灯坏了。另外想贷款") == ["门口路灯坏了", "想贷款"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "不能为空"), ("   ", "不能为空"), ("好" * 10_000, "超过了2000字"), ("傻逼", "文明"), ("啊", "太短")],
)
def test_bad_text_is_refused_with_a_friendly_message(text, message):
    with pytest.raises(RequestError, match=message):
        clean_text(text)


def test_abuse_is_masked_but_the_matter_kept():
    text, masked = clean_text("你们这帮混蛋，门口路灯坏了一个月没人修")
    assert masked and "混蛋" not in text and "路灯坏了" in text


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "+86 138-1234-5678", "0571-87101001"])
def test_phones_accepted(phone):
    assert normalize_phone(phone).isdigit()


@pytest.mark.parametrize("phone", ["", "12345", "23812345678", "1381234567x", "010-12"])
def test_bad_phones_refused(phone):
    with pytest.raises(RequestError, match="手机号格式不对"):
        normalize_phone(phone)


def test_company_and_refs():
    assert clean_company(" 杭州 云栖(科技)有限公司 ") == "杭州云栖（科技）有限公司"
    with pytest.raises(RequestError):
        clean_company("x")
    assert parse_ref("xh20261123-0042") == ("XH20261123-0042", None)
    assert parse_ref("XH20261123-0042-2") == ("XH20261123-0042", 2)
    with pytest.raises(RequestError, match="工单号格式不对"):
        parse_ref("12345")


def test_llm_splitter_that_drops_a_matter_is_overruled(router):
    # Seen from the 0.5B model: the shop-sign question silently vanished.
    reply = json.dumps({"items": ["想开一家奶茶店", "食品经营许可怎么办"]}, ensure_ascii=False)
    splitter = LlmSplitter(lambda prompt: reply, RuleSplitter(router))
    assert splitter.split("想开一家奶茶店，食品经营许可怎么办，门头店招要不要审批") == [
        "想开一家奶茶店，食品经营许可怎么办", "门头店招要不要审批"]


def test_llm_splitter_from_a_chat_model_uses_the_grammar(router):
    class FakeModel:
        def stream(self, turns, *, max_tokens=160, temperature=0.2, grammar=None):
            self.turns, self.grammar = turns, grammar
            yield '{"items": ["想贷款"'
            yield "]}"

    model = FakeModel()
    splitter = LlmSplitter.from_model(model, RuleSplitter(router))
    assert splitter.split("想贷款") == ["想贷款"]
    assert model.grammar == SPLIT_GRAMMAR and model.turns[-1][1].endswith("想贷款")


def test_split_grammar_compiles_for_llama_cpp():
    llama_cpp = pytest.importorskip("llama_cpp")
    assert llama_cpp.LlamaGrammar.from_string(SPLIT_GRAMMAR, verbose=False) is not None


def test_ordinals_that_are_not_a_list_do_not_split(router):
    assert RuleSplitter(router).split("第一次来办事，想问营业执照怎么办") == ["第一次来办事，想问营业执照怎么办"]
    assert len(RuleSplitter(router).split("第一，营业执照怎么办；第二，发票怎么领")) == 2
