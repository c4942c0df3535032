"""What the office's editor calls: passages merged, split and retitled; FAQ pairs and service items filled in.
Each change is a version and, once published, is what the store cites."""

from __future__ import annotations

import pytest
from support_content import POLICY, make_pdf

from kiosk.content import forms, passages
from kiosk.content.errors import ContentError
from kiosk.content.library import Library
from kiosk.content.publish import publish
from kiosk.knowledge.segment import TOKENIZER
from kiosk.store import Store


@pytest.fixture
def site(tmp_path, monkeypatch, kiosk_env):
    src = tmp_path / "src"
    src.mkdir()
    (src / "departments.yaml").write_text(
        "departments:\n  - {id: sec_tech, kind: section, name: 科技创新服务专区}\n", encoding="utf-8")
    monkeypatch.setenv("KIOSK_SOURCES", str(src))
    library = Library(kiosk_env / "content")
    imported = library.add(make_pdf(tmp_path / "p.pdf", POLICY), who="编辑甲")
    return tmp_path, library, imported.id


def _published(tmp_path, library) -> Store:
    from kiosk import config

    publish(tmp_path / "kiosk.db", config.sources_dirs(), tokenizer=TOKENIZER)
    return Store(tmp_path / "kiosk.db")


def test_merge_split_and_retitle_are_what_the_store_cites(site):
    tmp_path, library, doc_id = site
    meta, cuts = library.cut(doc_id)
    assert [c.article for c in cuts] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    cuts = passages.merge(cuts, 0)  # 第一条 and 第二条 become one passage
    cuts = passages.split(cuts, 1, "且上年度营业收入", article="第三条之二")
    cuts = passages.retitle(cuts, 0, heading="总则")
    library.save_cut(doc_id, meta, cuts, "编辑乙", "调整段落")
    stored = _published(tmp_path, library).passages(doc_id)
    assert [(p.article, p.heading) for p in stored] == [("第一条", "总则"), ("第三条", ""), ("第三条之二", ""),
                                                        ("第四条", ""), ("第五条", "")]
    assert stored[0].text == f"{POLICY[2]}\n{POLICY[3]}"
    assert stored[2].text.startswith("且上年度营业收入不超过2亿元")
    assert library.history.versions()[-1].who == "编辑乙"
    assert "+<!-- 段落: 第三条之二 |  -->" in library.history.diff(2)


def test_an_edit_survives_a_rebuild_and_rolls_back(site):
    tmp_path, library, doc_id = site
    meta, cuts = library.cut(doc_id)
    library.save_cut(doc_id, meta, passages.edit_text(cuts, 3, "第四条 补助最高不超过80万元。"), "编辑乙", "改正")
    assert "80万元" in _published(tmp_path, library).passages(doc_id)[3].text
    library.rollback(1)
    assert "50万元" in _published(tmp_path, library).passages(doc_id)[3].text


def test_passage_operations_refuse_what_cannot_be_done(site):
    _, library, doc_id = site
    _, cuts = library.cut(doc_id)
    with pytest.raises(ContentError, match="共有 5 段"):
        passages.merge(cuts, 4)
    with pytest.raises(ContentError, match="找不到"):
        passages.split(cuts, 0, "没有这句话")
    with pytest.raises(ContentError, match="不能为空"):
        passages.edit_text(cuts, 0, "  ")


def test_metadata_is_confirmed_or_corrected(site):
    tmp_path, library, doc_id = site
    library.update_metadata(doc_id, {"expires": "2026-12-31", "title": "西湖区研发投入补助办法"})
    document = _published(tmp_path, library).document(doc_id)
    assert (document.title, document.expires) == ("西湖区研发投入补助办法", "2026-12-31")
    with pytest.raises(ContentError, match="YYYY-MM-DD"):
        library.update_metadata(doc_id, {"effective": "明年"})
    with pytest.raises(ContentError, match="不能修改"):
        library.update_metadata(doc_id, {"sample": "true"})


def test_faq_form_names_each_wrong_field():
    with pytest.raises(forms.FormError) as caught:
        forms.validate_faq({"q": "", "a": "答案", "department": "sec_nowhere", "refs": "第五条"}, {"sec_tech"})
    fields = {e.field for e in caught.value.errors}
    assert fields == {"q", "department", "refs"}
    assert "问题：不能为空" in caught.value.friendly and "负责部门" in caught.value.friendly


def test_service_form_checks_limits():
    with pytest.raises(forms.FormError) as caught:
        forms.validate_service({"name": "研发补助申报", "department": "sec_tech", "legal_limit_days": "五天",
                                "promised_limit_days": 3}, {"sec_tech"})
    assert [e.field for e in caught.value.errors] == ["legal_limit_days"]
    with pytest.raises(forms.FormError, match="承诺时限"):
        forms.validate_service({"name": "研发补助申报", "department": "sec_tech", "legal_limit_days": 5,
                                "promised_limit_days": 10}, {"sec_tech"})
    with pytest.raises(forms.FormError, match="负责部门：不能为空"):
        forms.validate_service({"name": "研发补助申报"})


def test_faq_pairs_and_service_items_reach_the_store(site):
    tmp_path, library, _ = site
    index = forms.save_faq(library, {"q": "研发补助什么时候申报？", "a": "每年4月在线申报。", "department": "sec_tech"},
                           who="编辑丙", departments={"sec_tech"})
    service_id = forms.save_service(library, {"name": "研发投入补助申报", "department": "sec_tech",
                                              "materials": "营业执照、审计报告", "legal_limit_days": 20,
                                              "promised_limit_days": 10, "fee": "不收费"}, who="编辑丙")
    store = _published(tmp_path, library)
    assert [(f.question, f.department) for f in store.faqs()] == [("研发补助什么时候申报？", "sec_tech")]
    [service] = store.services()
    assert (service.id, service.materials, service.promised_limit_days) == (service_id, ("营业执照", "审计报告"), 10)
    forms.save_faq(library, {"q": "研发补助什么时候申报？", "a": "每年4月1日至30日在线申报。"}, index=index)
    forms.delete_service(library, service_id)
    store = _published(tmp_path, library)
    assert store.faqs()[0].answer == "每年4月1日至30日在线申报。" and store.services() == []
    assert [v.action for v in library.history.versions()] == ["导入", "修改", "修改", "修改", "修改"]
