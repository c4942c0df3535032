"""Source files are read with limits: alias bombs and oversized files fail fast with a clear reason, and a bad
byte is reported on its own line."""

from __future__ import annotations

import time

import pytest

from kiosk.knowledge.segment import TOKENIZER
from kiosk.store.importer import BuildError, build
from kiosk.store.yamlines import MAX_SOURCE_BYTES

DEPARTMENTS = "departments:\n  - id: unit_a\n    kind: unit\n    name: 区甲局\n"


def alias_bomb(levels: int = 10, width: int = 10) -> str:
    """The "billion laughs": each level repeats the one before ``width`` times (10**10 strings from ~1.2 KB)."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "items:\n  - q: 问\n    a: 答\n" + "\n".join(lines) + "\n"


def sources(tmp_path, name: str, content: str | bytes):
    root = tmp_path / "src"
    (root / "faq").mkdir(parents=True)
    (root / "departments.yaml").write_text(DEPARTMENTS, encoding="utf-8")
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return root


def test_an_alias_bomb_fails_fast_with_a_clear_message(tmp_path):
    bomb = alias_bomb()
    assert len(bomb.encode()) < 1400  # about the size of the file that once ran for minutes
    root = sources(tmp_path, "faq/bomb.yaml", bomb)
    started = time.perf_counter()
    with pytest.raises(BuildError) as caught:
        build(tmp_path / "kiosk.db", [root], tokenizer=TOKENIZER)
    assert time.perf_counter() - started < 5
    [error] = caught.value.report.errors
    assert error.startswith("faq/bomb.yaml:") and "别名" in error
    assert not (tmp_path / "kiosk.db").exists()


def test_a_self_referencing_alias_is_refused(tmp_path):
    root = sources(tmp_path, "faq/loop.yaml", "items: &x\n  - q: 问\n    a: 答\n    more: *x\n")
    with pytest.raises(BuildError) as caught:
        build(tmp_path / "kiosk.db", [root], tokenizer=TOKENIZER)
    assert "faq/loop.yaml" in caught.value.report.errors[0]


def test_an_oversized_source_is_refused_before_reading(tmp_path):
    root = sources(tmp_path, "huge.md", "# 标题\n" + "第一条 内容。\n" * (MAX_SOURCE_BYTES // 10))
    with pytest.raises(BuildError) as caught:
        build(tmp_path / "kiosk.db", [root], tokenizer=TOKENIZER)
    assert caught.value.report.errors[0].startswith("huge.md:1:") and "太大" in caught.value.report.errors[0]


def test_a_bad_byte_is_reported_on_its_own_line(tmp_path):
    head = "---\ntitle: 测试政策\nissuer: 区甲局\nlevel: 区\n---\n".encode()
    body = "".join(f"第{n}条 内容。\n" for n in range(1, 7)).encode()
    content = head + body + "第七条 坏字节".encode() + b"\xff\n"
    assert content.count(b"\n", 0, content.index(b"\xff")) + 1 == 12
    root = sources(tmp_path, "policies/bad.md", content)
    with pytest.raises(BuildError) as caught:
        build(tmp_path / "kiosk.db", [root], tokenizer=TOKENIZER)
    assert caught.value.report.errors[0].startswith("policies/bad.md:12:")
