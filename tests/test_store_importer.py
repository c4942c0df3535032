"""The importer: validation with file:line, atomic swaps, incremental rebuilds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kiosk.knowledge.segment import TOKENIZER
from kiosk.store import Store
from kiosk.store.importer import BuildError, build

POLICY = """---
title: 测试区研发补助办法（样例）
issuer: 测试区科学技术局
level: 区
doc_number: 测科〔2025〕1号
published: 2025-03-01
department: sec_tech
topics: [研发补助]
sample: true
---
# 测试区研发补助办法（样例）

## 第一章 总则

第一条 为支持企业研发，制定本办法。

第二条 研发投入占营业收入比例不低于3%的企业，按增量的10%给予补助，最高50万元。

## 第二章 申报

第三条 每年4月在亲清在线平台申报。
"""

DEPARTMENTS = """departments:
  - id: sec_tech
    kind: section
    name: 科技创新服务专区
    phone: 0571-00000001
    keywords: [研发, 科技]
  - id: street_test
    kind: street
    name: 测试街道
"""

FAQ = """sample: true
department: sec_tech
items:
  - q: 研发补助什么时候申报？
    a: 每年4月在亲清在线平台申报。
  - q: 研发补助找哪个窗口？
    a: 科技创新服务专区。
"""

CORPUS = """# 来源: 测试
# 标题: 测试市就业见习办法
# 说明: 测试

第一条 见习期限一般为3个月至6个月。
第二条 见习补贴按每人每月1000元发放。
"""


def write_sources(root: Path) -> Path:
    (root / "policies").mkdir(parents=True)
    (root / "faq").mkdir()
    (root / "policies" / "t_yanfa.md").write_text(POLICY, encoding="utf-8")
    (root / "departments.yaml").write_text(DEPARTMENTS, encoding="utf-8")
    (root / "faq" / "keji.yaml").write_text(FAQ, encoding="utf-8")
    (root / "t_jianxi.txt").write_text(CORPUS, encoding="utf-8")
    return root


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    return write_sources(tmp_path / "src")


def test_build_reads_every_kind_of_source(sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    report = build(db, [sources], tokenizer=TOKENIZER)
    assert report.errors == []
    assert report.counts["documents"] == 2 and report.counts["faqs"] == 2 and report.counts["departments"] == 2
    store = Store(db)
    doc = store.document("t_yanfa.md")
    assert doc and doc.level == "区" and doc.doc_number == "测科〔2025〕1号" and doc.sample
    passages = store.passages("t_yanfa.md")
    assert [p.article for p in passages] == ["第一条", "第二条", "第三条"]
    assert passages[1].heading == "第一章 总则" and passages[2].heading == "第二章 申报"
    assert "最高50万元" in passages[1].text
    jianxi = store.document("t_jianxi.txt")
    assert jianxi and jianxi.title == "测试市就业见习办法"
    assert store.department("sec_tech").phone == "0571-00000001"
    assert [d.id for d in store.departments("street")] == ["street_test"]


def test_rebuild_is_idempotent_and_incremental(sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    build(db, [sources], tokenizer=TOKENIZER)
    again = build(db, [sources], tokenizer=TOKENIZER)
    assert again.read == [] and again.skipped == 4
    (sources / "t_jianxi.txt").write_text(CORPUS.replace("1000元", "1200元"), encoding="utf-8")
    changed = build(db, [sources], tokenizer=TOKENIZER)
    assert changed.read == ["t_jianxi.txt"]
    assert "1200元" in Store(db).passages("t_jianxi.txt")[1].text
    (sources / "faq" / "keji.yaml").unlink()
    build(db, [sources], tokenizer=TOKENIZER)
    assert Store(db).faqs() == []


@pytest.mark.parametrize(
    ("path", "content", "line", "reason"),
    [
        ("faq/keji.yaml", FAQ.replace("    a: 科技创新服务专区。\n", ""), 6, "缺少必填字段“a”"),
        ("faq/keji.yaml", FAQ.replace("  - q: 研发补助找哪个窗口？", "  - q: [未闭合"), 7, "YAML 格式错误"),
        ("policies/t_yanfa.md", POLICY.replace("level: 区", "level: 县"), 2, "“level”应为"),
        ("policies/t_yanfa.md", POLICY.replace("published: 2025-03-01", "published: 三月一日"), 2, "YYYY-MM-DD"),
        ("policies/t_yanfa.md", POLICY.replace("department: sec_tech", "department: sec_nowhere"), 2, "sec_nowhere"),
        ("policies/t_yanfa.md", POLICY.split("# 测试区研发补助办法（样例）\n\n")[0], 11, "正文为空"),
        ("departments.yaml", DEPARTMENTS.replace("kind: street", "kind: village"), 7, "“kind”应为"),
    ],
)
def test_malformed_source_fails_with_file_line_and_keeps_the_store(
    sources: Path, tmp_path: Path, path: str, content: str, line: int, reason: str
) -> None:
    db = tmp_path / "k.db"
    build(db, [sources], tokenizer=TOKENIZER)
    before = digest(db)
    (sources / path).write_text(content, encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(db, [sources], tokenizer=TOKENIZER)
    message = "\n".join(err.value.report.errors)
    assert f"{path}:{line}:" in message and reason in message
    assert digest(db) == before
    assert not (tmp_path / "k.db.building").exists()
    assert Store(db).document("t_yanfa.md") is not None


def test_non_utf8_file_is_reported(sources: Path, tmp_path: Path) -> None:
    (sources / "t_gbk.txt").write_bytes("# 标题: 编码错误".encode("gbk"))
    with pytest.raises(BuildError, match="t_gbk.txt:1: 不是 UTF-8"):
        build(tmp_path / "k.db", [sources], tokenizer=TOKENIZER)


def test_garbage_store_file_is_rebuilt(sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    db.write_bytes(b"this is not a database" * 100)
    report = build(db, [sources], tokenizer=TOKENIZER)
    assert report.counts["documents"] == 2


def test_default_store_holds_the_corpus_and_sample_data(store: Store) -> None:
    from kiosk import config

    corpus = config.REPO_ROOT.parent / "shared" / "corpus"
    ids = {d.id for d in store.documents()}
    if corpus.is_dir():
        assert {p.name for p in corpus.iterdir() if p.suffix in (".md", ".txt")} <= ids
    sample = [d for d in store.documents() if d.sample and d.level == "区"]
    assert len(sample) >= 40
    assert len(store.faqs()) >= 300
    assert len(store.services()) >= 100
    assert len(store.departments("section")) == 8
    assert len(store.departments("street")) == 12
    assert len(store.guides()) >= 5
