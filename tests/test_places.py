"""Places named in questions and documents: every division of the national register, and which document speaks
for which place."""

from __future__ import annotations

import pytest

from kiosk.knowledge.ask import AskService
from kiosk.knowledge.places import covers, places_in
from kiosk.store import Store


def test_any_province_city_or_county_of_the_register_is_a_place() -> None:
    assert places_in("广州南沙区对在区内企业实习的港澳大学生有补贴吗") == {"广州", "南沙"}
    assert places_in("甘肃省平凉市政务服务中心如何应对疫情") == {"甘肃", "平凉"}
    assert places_in("内江市近期去过武汉的人") == {"内江", "武汉"}
    assert places_in("广西壮族自治区红十字会") == {"广西"}


def test_a_bare_city_name_counts_only_as_a_word_of_its_own() -> None:
    assert places_in("中山大学的毕业生可以申请吗") == set()
    assert places_in("两份材料大同小异") == set()
    assert places_in("我们准备把工厂搬到中山") == {"中山"}
    # bare county names are everyday words; the county is named with its suffix
    assert places_in("和平解决劳动争议") == set()
    assert places_in("天津和平区的企业") == {"天津", "和平"}


def test_a_document_speaks_for_the_places_inside_its_own() -> None:
    assert covers({"四川"}, {"成都"})  # a provincial rule applies in its cities
    assert covers({"湖北"}, {"武汉"})
    assert covers({"天河"}, {"广州"})  # a district's rule is one of its city's
    assert not covers({"天河"}, {"南沙"})  # but not another district's
    assert not covers({"天河"}, {"广州", "南沙"})  # "广州南沙区" asks about 南沙
    assert not covers({"江苏"}, {"湖北"})
    assert covers({"中国"}, {"平凉"})


def test_a_name_shared_by_several_divisions_has_each_of_their_parents() -> None:
    # 西湖区 is a district of 杭州 and of 南昌
    assert covers({"杭州"}, {"西湖"}) and covers({"江西"}, {"西湖"})
    assert not covers({"广东"}, {"西湖"})


@pytest.fixture(scope="module")
def service(default_store_path) -> AskService:
    return AskService(Store(default_store_path))


def test_another_districts_figure_does_not_answer(service: AskService) -> None:
    asked = "南沙区人才公寓本批次一共有多少套？"
    hits = service.retriever.search(asked, k=6)
    tianhe = [h for h in hits if h.doc_id == "gz_tianhe_rencai_gongyu_2025.txt"]
    assert tianhe and not any(h.place_ok for h in tianhe)
    answer, _ = service.ask(asked)
    assert "66套" not in answer.text
    # the district's own question is answered from the same document
    answer, _ = service.ask("天河区人才公寓本批次一共有多少套？")
    assert not answer.refused and "66套" in answer.text


def test_the_answerability_place_feature_reads_which_place_the_evidence_speaks_for() -> None:
    from kiosk.knowledge.features import _place_missing

    assert _place_missing({"东城"}, "北京市疫情防控期间，各社区实行封闭式管理。") == 0.0
    assert _place_missing({"南沙"}, "天河区对入驻企业给予每人每月3000元实习补贴。") == 1.0
    assert _place_missing({"南沙"}, "国家对实习补贴另有规定。") == 1.0  # "国家" names no place a local figure is for
    assert _place_missing(set(), "天河区对入驻企业给予补贴。") == 0.0
