"""`kiosk ask` and `kiosk db` as a user runs them: JSON contract, batch mode, friendly failures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kiosk.cli import main


def run_json(capsys, *argv: str) -> list[dict]:
    assert main(list(argv)) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_ask_json_contract(capsys) -> None:
    (out,) = run_json(capsys, "ask", "电子居住证审核要几天？", "--json", "--engine", "extractive")
    assert set(out) >= {"question", "answer", "refused", "confidence", "engine", "citations", "timings_ms"}
    assert out["engine"] == "extractive" and out["refused"] is False
    assert {"source", "title", "article", "text"} <= set(out["citations"][0])
    assert out["citations"][0]["source"] == "gz_dianzi_juzhuzheng.txt"


def test_batch_answers_one_object_per_line(tmp_path: Path, capsys) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("电子居住证审核要几天？\n\n杭州现在的最低工资标准是多少？\n😀\n", encoding="utf-8")
    outs = run_json(capsys, "ask", "--batch", str(questions), "--json", "--engine", "extractive")
    assert [o["question"] for o in outs] == ["电子居住证审核要几天？", "杭州现在的最低工资标准是多少？", "😀"]
    assert [o["refused"] for o in outs] == [False, True, True]


def test_missing_batch_file_is_a_friendly_error(tmp_path: Path, capsys) -> None:
    assert main(["ask", "--batch", str(tmp_path / "nope.txt"), "--json"]) == 1
    err = capsys.readouterr().err
    assert "无法读取问题文件" in err and "Traceback" not in err


def test_plain_output_lists_sources(capsys) -> None:
    assert main(["ask", "电子居住证审核要几天？", "--engine", "extractive"]) == 0
    out = capsys.readouterr().out
    assert "5个工作日" in out and "出处" in out


def test_db_build_reports_errors_as_file_line(tmp_path: Path) -> None:
    src = tmp_path / "src" / "faq"
    src.mkdir(parents=True)
    (src / "bad.yaml").write_text("items:\n  - q: 只有问题\n", encoding="utf-8")
    db = tmp_path / "k.db"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "db", "build", "--source", str(tmp_path / "src"), "--db", str(db), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "faq/bad.yaml:2: 缺少必填字段“a”" in json.loads(result.stdout)["errors"][0]
    assert not db.exists()
