"""Checks on the sample FAQ pairs (policies_db/demo/faq/*.yaml) and service items
(policies_db/demo/services/*.yaml).

These files are edited by hand. The tests guard the documented format (policies_db/README.md), the promises
made about sample data (every file marked, every department real, every service actionable), and the topics
the samples must leave alone: figures that only official sources may state, and the subjects of the real
public documents in ../shared/corpus, which must answer those questions themselves.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

DB = Path(__file__).resolve().parents[1] / "policies_db" / "demo"
CORPUS = DB.parents[2] / "shared" / "corpus"
FAQ_FILES = sorted((DB / "faq").glob("*.yaml"))
SERVICE_FILES = sorted((DB / "services").glob("*.yaml"))

# Invented figures for these would be read out as if official: national tax rules, wage floors, graduate subsidies.
FORBIDDEN_TERMS = ("加计扣除", "最低工资", "生活补贴", "硕士", "博士")
# Subjects of the real Guangzhou documents in the shared corpus: sample answers must not compete with them.
CORPUS_TOPICS = ("积分入户", "社保卡", "创业担保", "人才公寓", "生育津贴", "失业保险", "失业金", "养老金",
                 "养老保险", "居住证", "见习", "港澳青年", "歇业", "产假")
REQUIRED_SERVICE_FIELDS = ("id", "name", "department", "window", "materials", "legal_limit_days",
                           "promised_limit_days", "fee", "online", "keywords")
SENTENCE_END = re.compile(r"[。！？]")


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def department_ids() -> set[str]:
    return {d["id"] for d in load(DB / "departments.yaml")["departments"]}


def faq_items() -> list[tuple[str, dict[str, Any], str]]:
    """(file name, item, effective department) for every FAQ pair."""
    out = []
    for path in FAQ_FILES:
        data = load(path)
        for item in data["items"]:
            out.append((path.name, item, item.get("department", data.get("department", ""))))
    return out


def service_items() -> list[tuple[str, dict[str, Any]]]:
    return [(path.name, item) for path in SERVICE_FILES for item in load(path)["items"]]


def test_counts_meet_the_default_corpus_promise():
    assert len(FAQ_FILES) >= 5 and len(SERVICE_FILES) >= 5
    assert len(faq_items()) >= 300
    assert len(service_items()) >= 100


@pytest.mark.parametrize("path", FAQ_FILES + SERVICE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file_is_marked_sample(path: Path):
    assert load(path)["sample"] is True


def test_service_ids_are_unique_and_prefixed():
    ids = [item["id"] for _, item in service_items()]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(re.fullmatch(r"svc_[a-z0-9_]+", i) for i in ids)


def test_services_are_actionable():
    """A visitor told about a service must learn where to go, what to bring, how long it takes and what it costs."""
    for name, item in service_items():
        where = f"{name}: {item.get('id')}"
        for key in REQUIRED_SERVICE_FIELDS:
            assert item.get(key) not in (None, "", []), f"{where} lacks {key}"
        assert "窗口" in item["window"], where
        assert isinstance(item["materials"], list) and all(isinstance(m, str) and m for m in item["materials"]), where
        legal, promised = item["legal_limit_days"], item["promised_limit_days"]
        assert isinstance(legal, int) and isinstance(promised, int), where
        assert 1 <= promised <= legal, where
        assert len(item["keywords"]) >= 2, where


def test_departments_exist():
    known = department_ids()
    for name, item in service_items():
        assert item["department"] in known, f"{name}: {item['id']} → {item['department']}"
    for name, item, department in faq_items():
        assert department in known, f"{name}: {item['q']} → {department!r}"


def test_faq_pairs_are_short_and_unique():
    questions = [item["q"] for _, item, _ in faq_items()]
    assert len(questions) == len(set(questions)), sorted({q for q in questions if questions.count(q) > 1})
    for name, item, _ in faq_items():
        q, a = item["q"], item["a"]
        assert isinstance(q, str) and q.endswith(("？", "?")) and len(q) <= 30, f"{name}: {q}"
        sentences = [s for s in SENTENCE_END.split(a) if s.strip()]
        assert 1 <= len(sentences) <= 3 and len(a) <= 160, f"{name}: {q}"


def test_no_sample_text_states_forbidden_figures_or_competes_with_the_corpus():
    texts = [(f"{name}: {item['q']}", item["q"] + item["a"]) for name, item, _ in faq_items()]
    texts += [(f"{name}: {item['id']}", yaml.safe_dump(item, allow_unicode=True)) for name, item in service_items()]
    for where, text in texts:
        for term in FORBIDDEN_TERMS + CORPUS_TOPICS:
            assert term not in text, f"{where} mentions {term}"
    for _, item, _ in faq_items():
        assert "%" not in item["a"] and "％" not in item["a"], item["q"]


def test_refs_point_at_real_articles():
    for name, item, _ in faq_items():
        for ref in item.get("refs", []):
            doc, _, article = ref.partition("#")
            path = CORPUS / doc if (CORPUS / doc).exists() else DB / "policies" / doc
            assert path.exists(), f"{name}: {ref}"
            assert not article or re.search(rf"^{article}\s", path.read_text(encoding="utf-8"), re.M), f"{name}: {ref}"


def test_service_windows_match_their_department_building():
    """A section's services are in the enterprise service centre, a unit's in the government service centre."""
    for _, item in service_items():
        dept = item["department"]
        if dept.startswith("sec_"):
            assert item["window"].startswith("西湖区企业综合服务中心"), item["id"]
        elif dept != "unit_sfj":
            assert item["window"].startswith("西湖区政务服务中心"), item["id"]


def test_store_serves_the_samples(store):
    """The built store carries every sample service and FAQ pair, marked as sample."""
    services = {s.id: s for s in store.services()}
    for _, item in service_items():
        svc = services[item["id"]]
        assert svc.sample and svc.window == item["window"]
        assert svc.promised_limit_days == item["promised_limit_days"]
        assert list(svc.materials) == item["materials"]
    stored = {f.question: f for f in store.faqs()}
    for _, item, department in faq_items():
        faq = stored[item["q"]]
        assert faq.sample and faq.answer == item["a"] and faq.department == department
