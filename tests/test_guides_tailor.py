"""One-thing guides: the data is complete and consistent, conditions tailor the checklist, names are found."""

from __future__ import annotations

import pytest
from support_requests import REPO, departments

from kiosk.guides import AnswerError, Catalog, GuideError, parse_answer, parse_answers, tailor
from kiosk.guides.conditions import evaluate_answers
from kiosk.guides.model import parse_guide


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_folder(REPO / "policies_db" / "demo" / "guides")


def test_six_procedures_with_steps_materials_and_questions(catalog):
    ids = {g.id for g in catalog.guides}
    assert {"kai_canguan", "qiye_kuasheng_qianyi", "xiangmu_kaigong", "gongzu_fang", "qiye_zhuxiao"} <= ids
    assert len(ids) >= 6
    known = {d.id for d in departments()}
    for g in catalog.guides:
        assert g.sample and g.summary.before and g.summary.after
        assert g.questions and g.steps and g.materials
        assert any(m.when for m in g.materials), g.id
        for s in g.steps:
            assert s.department in known, (g.id, s.department)
        assert g.where in known
        # Every question changes something, or it would be a question asked for nothing.
        used = " ".join(x.when for x in (*g.steps, *g.materials))
        assert all(q.id in used for q in g.questions), g.id


def test_restaurant_small_and_large(catalog):
    g = catalog.find("开餐馆")
    small = tailor(g, parse_answers(g, "area=120,rented=是,signboard=否,staff=否"))
    assert len(small.materials) == 8 and small.promised_days == 1  # the headline figure: 8 documents, 1 day
    assert "fire" not in {s.id for s in small.steps}
    large = tailor(g, parse_answers(g, "area=320,rented=是,signboard=是,staff=是"))
    names = {m.name for m in large.materials}
    assert "消防安全检查告知承诺书" in names and "店招设计效果图（标明尺寸和位置）" in names
    assert {"fire", "sign", "insurance"} <= {s.id for s in large.steps}
    assert len(large.materials) == 13


def test_unanswered_questions_leave_materials_pending(catalog):
    g = catalog.find("开餐馆")
    partial = tailor(g, {"area": 100.0})
    assert {q.id for q in partial.unanswered} == {"rented", "signboard", "staff"}
    pending = {m.name for m in partial.pending}
    assert {"经营场所租赁合同", "经营场所产权证明"} <= pending
    assert "消防安全检查告知承诺书" not in pending  # answered: 100 m² is below the threshold


def test_deregistration_simple_versus_liquidation(catalog):
    g = catalog.find("公司注销")
    simple = tailor(g, {"simple": True, "invoices": False, "staff": False})
    full = tailor(g, {"simple": False, "invoices": True, "staff": True})
    assert simple.promised_days < full.promised_days
    assert "经确认的清算报告" in {m.name for m in full.materials}
    assert "经确认的清算报告" not in {m.name for m in simple.materials}


@pytest.mark.parametrize(
    ("name", "guide_id"),
    [("开个饭店", "kai_canguan"), ("开饭店", "kai_canguan"), ("我想申请公租房", "gongzu_fang"),
     ("公司要迁到西湖区", "qiye_kuasheng_qianyi"), ("xiangmu_kaigong", "xiangmu_kaigong"), ("开民宿", "kai_minsu")],
)
def test_find_by_how_people_say_it(catalog, name, guide_id):
    assert catalog.find(name).id == guide_id


def test_find_nothing_for_unrelated(catalog):
    assert catalog.find("买飞机票") is None
    assert catalog.find("") is None


def test_conditions():
    answers = {"area": 320.0, "rented": False}
    thresholds = {"area": 300.0}
    assert evaluate_answers("area", answers, thresholds) is True
    assert evaluate_answers("area > 500", answers, thresholds) is False
    assert evaluate_answers("not rented", answers, thresholds) is True
    assert evaluate_answers("area and rented", answers, thresholds) is False
    assert evaluate_answers("rented or area", answers, thresholds) is True
    assert evaluate_answers("staff", answers, thresholds) is None
    assert evaluate_answers("staff or area", answers, thresholds) is True
    assert evaluate_answers("staff and rented", answers, thresholds) is False


@pytest.mark.parametrize(("text", "value"), [("是", True), ("是的", True), ("有", True), ("不需要", False),
                                              ("没有", False), ("否", False), ("yes", True), ("N", False)])
def test_yes_no_answers(catalog, text, value):
    q = catalog.find("开餐馆").question("rented")
    assert parse_answer(q, text) is value


def test_number_answers(catalog):
    q = catalog.find("开餐馆").question("area")
    assert parse_answer(q, "大概320平方米") == 320.0
    assert parse_answer(q, "１５０") == 150.0
    with pytest.raises(AnswerError, match="数字"):
        parse_answer(q, "挺大的")
    with pytest.raises(AnswerError, match="是"):
        parse_answer(catalog.find("开餐馆").question("rented"), "也许吧")


def test_bad_answer_spec_names_the_questions(catalog):
    with pytest.raises(AnswerError, match="area、rented"):
        parse_answers(catalog.find("开餐馆"), "size=3")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"materials": [{"name": "x", "step": "s", "when": "nosuch"}]}, "不存在的问题 nosuch"),
        ({"materials": [{"name": "x", "step": "s", "when": "a >>> 3"}]}, "看不懂的条件"),
        ({"materials": [{"name": "x", "step": "elsewhere"}]}, "step elsewhere 不存在"),
        ({"questions": [{"id": "a", "text": "面积？", "type": "number"}]}, "需要 threshold"),
        ({"steps": []}, "缺少 steps"),
    ],
)
def test_malformed_guides_are_reported(change, message):
    raw = {"id": "g", "name": "测试", "questions": [{"id": "a", "text": "有吗？", "type": "yesno"}],
           "steps": [{"id": "s", "name": "办理", "department": "unit_scjg"}],
           "materials": [{"name": "身份证", "step": "s", "when": "a"}]}
    raw.update(change)
    with pytest.raises(GuideError, match=message):
        parse_guide(raw)


def test_store_serves_the_same_guides(tmp_path, catalog):
    import shutil

    from kiosk.knowledge.segment import TOKENIZER
    from kiosk.store import Store
    from kiosk.store.importer import build

    sources = tmp_path / "src"
    shutil.copytree(REPO / "policies_db" / "demo" / "guides", sources / "guides")
    shutil.copy(REPO / "policies_db" / "demo" / "departments.yaml", sources)
    build(tmp_path / "kiosk.db", [sources], tokenizer=TOKENIZER)
    from_store = Catalog.from_store(Store.open(tmp_path / "kiosk.db"))
    assert sorted(g.id for g in from_store.guides) == sorted(g.id for g in catalog.guides)
    assert from_store.find("开餐馆") == catalog.find("开餐馆")
