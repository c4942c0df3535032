"""Checks on the sample content shipped in the demo pack policies_db/demo/: departments.yaml and policies/*.md.

These files are edited by hand, so the tests guard the documented format (policies_db/README.md) and the
promises made about sample data: every file is marked, every policy cites a real department, and the sample
documents stay silent on matters that must come from official sources.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

DB = Path(__file__).resolve().parents[1] / "policies_db" / "demo"
POLICY_FILES = sorted((DB / "policies").glob("*.md"))

REQUIRED_POLICY_FIELDS = ("title", "issuer", "level", "doc_number", "published", "effective", "expires", "region",
                          "department", "topics", "sample")
REQUIRED_DEPARTMENT_FIELDS = ("id", "kind", "name", "phone", "window", "hours", "address", "duties", "keywords")
XIHU_STREETS = {"北山街道", "西溪街道", "灵隐街道", "翠苑街道", "文新街道", "古荡街道", "西湖街道", "留下街道",
                "转塘街道", "蒋村街道", "三墩镇", "双浦镇"}
SECTION_IDS = {"sec_policy", "sec_talent", "sec_finance", "sec_tech", "sec_legal", "sec_market", "sec_project",
               "sec_startup"}
# Questions on these must stay unanswered by sample data: the kiosk would otherwise state invented figures for
# national tax rules, wage floors or graduate subsidies as if they were official.
FORBIDDEN_TERMS = ("加计扣除", "最低工资", "生活补贴", "硕士", "博士")

ARTICLE_RE = re.compile(r"^第([一二三四五六七八九十百]+)条", re.MULTILINE)
AMOUNT_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|%)")
PHONE_RE = re.compile(r"^0571-8\d{7}$")
DOC_NUMBER_RE = re.compile(r"^\S+〔20\d\d〕\d+号$")
DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int:
    """Value of a Chinese numeral up to 九十九 (enough for article numbers)."""
    if "十" not in text:
        return DIGITS[text]
    tens, _, units = text.partition("十")
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[units] if units else 0)


def split_front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path.name}: missing YAML front matter"
    header, sep, body = text[4:].partition("\n---\n")
    assert sep, f"{path.name}: front matter not closed by ---"
    meta = yaml.safe_load(header)
    assert isinstance(meta, dict), f"{path.name}: front matter is not a mapping"
    return meta, body


@pytest.fixture(scope="module")
def departments() -> list[dict]:
    data = yaml.safe_load((DB / "departments.yaml").read_text(encoding="utf-8"))
    assert data["sample"] is True
    return data["departments"]


@pytest.fixture(scope="module")
def policies() -> dict[str, tuple[dict, str]]:
    return {path.name: split_front_matter(path) for path in POLICY_FILES}


def test_departments_complete_and_unique(departments):
    ids = [d["id"] for d in departments]
    assert len(ids) == len(set(ids))
    for dep in departments:
        missing = [f for f in REQUIRED_DEPARTMENT_FIELDS if not dep.get(f)]
        assert not missing, f"{dep.get('id')}: missing {missing}"
        assert dep["kind"] in {"section", "unit", "street"}
        assert PHONE_RE.match(str(dep["phone"])), f"{dep['id']}: phone {dep['phone']}"
        assert 5 <= len(dep["keywords"]) <= 10, f"{dep['id']}: {len(dep['keywords'])} keywords"
    assert len({d["phone"] for d in departments}) == len(departments), "phone numbers should be distinct"


def test_eight_sections_and_twelve_streets(departments):
    assert {d["id"] for d in departments if d["kind"] == "section"} == SECTION_IDS
    streets = [d for d in departments if d["kind"] == "street"]
    assert {d["name"] for d in streets} == XIHU_STREETS
    for street in streets:
        assert {"属地", "道路", "井盖", "路灯", "环境卫生"} <= set(street["keywords"]), street["id"]


def test_enough_sample_policies(policies):
    district = [m for m, _ in policies.values() if m.get("level") == "区" and m.get("sample") is True]
    assert len(district) >= 40
    assert all(meta.get("sample") is True for meta, _ in policies.values())


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.stem)
def test_policy_format(path, departments):
    meta, body = split_front_matter(path)
    missing = [f for f in REQUIRED_POLICY_FIELDS if meta.get(f) in (None, "", [])]
    assert not missing, f"missing {missing}"
    assert meta["title"].endswith("（样例）")
    assert meta["level"] == {"xh": "区", "hzs": "市"}[path.stem.split("_")[0]]
    assert DOC_NUMBER_RE.match(meta["doc_number"]), meta["doc_number"]
    assert meta["department"] in {d["id"] for d in departments}
    assert isinstance(meta["topics"], list)
    dates = [meta["published"], meta["effective"], meta["expires"]]
    assert all(isinstance(d, dt.date) for d in dates)
    assert dates == sorted(dates)
    assert body.lstrip().startswith(f"# {meta['title']}\n")


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.stem)
def test_policy_articles_numbered_with_amounts(path):
    _, body = split_front_matter(path)
    numbers = [chinese_number(n) for n in ARTICLE_RE.findall(body)]
    assert 6 <= len(numbers) <= 12
    assert numbers == list(range(1, len(numbers) + 1)), "articles must run 第一条, 第二条, … without gaps"
    assert AMOUNT_RE.search(body), "no amount (元/万元/%) stated"
    assert re.search(r"咨询电话\S*0571-8\d{7}", body), "no 咨询电话 with a number"


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.stem)
def test_policy_avoids_official_only_matters(path):
    text = path.read_text(encoding="utf-8")
    found = [t for t in FORBIDDEN_TERMS if t in text]
    assert not found, f"sample policy mentions {found}"


def test_phone_numbers_in_policies_belong_to_departments(policies, departments):
    known = {d["phone"] for d in departments}
    for name, (_, body) in policies.items():
        unknown = set(re.findall(r"0571-8\d{7}", body)) - known
        assert not unknown, f"{name}: {unknown}"
