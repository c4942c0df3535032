"""Each condition kind on its own: one verdict for an enterprise and for the register, the explanation of that
verdict, and the question that settles it."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.policy.conditions import Leaf
from kiosk.policy.kinds import KINDS, kind_of
from kiosk.policy.profile import EnterpriseProfile
from kiosk.policy.register import generate
from kiosk.policy.taxonomy import load_taxonomy
from kiosk.policy.verdict import Status

TODAY = date(2026, 12, 2)
LEAVES = {
    "tags": Leaf("高新技术企业，非个体户", "第二条", "x.md", "tags", require=("qual_gaoxin",),
                 exclude=("own_individual",)),
    "fact": Leaf("研发投入占比不低于3%", "第三条", "x.md", "fact", fact="rd_ratio", op=">=", value=3.0),
    "region": Leaf("注册在西溪街道", "第二条", "x.md", "region", regions=("street_xixi",)),
    "established": Leaf("2020年以后成立", "第二条", "x.md", "established", after=date(2020, 1, 1)),
    "ask": Leaf("租用园区场地", "第四条", "x.md", "ask", question="是否租用园区场地？", ask="rent_park"),
}
WORDS = {Status.MET: "满足", Status.NOT_MET: "不满足", Status.UNKNOWN: "待确认"}


def test_every_kind_has_a_sample_here() -> None:
    assert set(LEAVES) == set(KINDS)


@pytest.fixture(scope="module")
def register():
    return generate(600, seed=3)


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_single_and_batch_verdicts_agree(name, register) -> None:
    tax = load_taxonomy()
    leaf = LEAVES[name]
    kind = kind_of(leaf)
    met, not_met = kind.vector(leaf, register, TODAY)
    assert not (met & not_met).any()
    for i in range(len(register)):
        want = Status.MET if met[i] else Status.NOT_MET if not_met[i] else Status.UNKNOWN
        assert kind.status(leaf, register.profile(i).snapshot(tax, TODAY), tax) is want, i


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_an_unknown_enterprise_is_asked_and_told_why(name) -> None:
    tax = load_taxonomy()
    leaf = LEAVES[name]
    kind = kind_of(leaf)
    view = EnterpriseProfile().snapshot(tax, TODAY)
    assert kind.status(leaf, view, tax) is Status.UNKNOWN
    detail, source = kind.explain(leaf, view, tax, Status.UNKNOWN)
    assert detail and source == ""
    question = kind.question(leaf, tax)
    assert question.key == leaf.key and question.text.endswith("？")


def test_the_explanation_names_the_deciding_fact() -> None:
    tax = load_taxonomy()
    leaf = LEAVES["established"]
    kind = kind_of(leaf)
    profile = EnterpriseProfile()
    profile.set_fact("established", "2019-05-01", "document", "营业执照", tax)
    view = profile.snapshot(tax, TODAY)
    assert kind.status(leaf, view, tax) is Status.NOT_MET
    detail, source = kind.explain(leaf, view, tax, Status.NOT_MET)
    assert "2019-05-01" in detail and "2020-01-01" in detail and source == "document"
