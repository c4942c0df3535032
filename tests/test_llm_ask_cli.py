"""`kiosk ask --engine` and `kiosk console` as a user runs them, with a tiny model, a broken one, or none."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from support_llm import write_tiny_gguf

from kiosk import modelstore
from kiosk.cli import main

QUESTION = "市场主体歇业最长可以多久？"


@pytest.fixture
def no_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_MODELS_DIR", str(tmp_path / "models"))
    return tmp_path / "models"


@pytest.fixture
def tiny_model(no_models: Path, tmp_path: Path) -> Path:
    pytest.importorskip("llama_cpp")
    source = write_tiny_gguf(tmp_path / "usb" / "tiny.gguf")
    modelstore.import_path(source.parent, role="llm", name="tiny")
    return modelstore.path_for("llm")


def ask(capsys, *argv: str) -> tuple[dict, str]:
    assert main(["ask", QUESTION, "--json", *argv]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def grounded(out: dict) -> bool:
    source = "".join(c["text"] for c in out["citations"])
    return all(n in source for n in re.findall(r"\d+(?:\.\d+)?", re.sub(r"\[\d+\]", "", out["answer"])))


def test_extractive_engine_keeps_the_contract(no_models: Path, capsys) -> None:
    out, _ = ask(capsys, "--engine", "extractive")
    assert out["engine"] == "extractive" and "3年" in out["answer"]
    assert out["timings_ms"]["first_token"] is None
    assert out["citations"][0]["source"] == "cn_shichang_zhuti_dengji_tiaoli.txt"


def test_llm_requested_but_not_installed_says_so_and_answers(no_models: Path, capsys) -> None:
    out, err = ask(capsys, "--engine", "llm")
    assert "语言模型不可用" in err and "kiosk models install" in err
    assert out["engine"] == "extractive" and "3年" in out["answer"]


def test_llm_engine_with_a_model_streams_and_stays_grounded(tiny_model: Path, capsys) -> None:
    out, _ = ask(capsys, "--engine", "llm")
    assert out["timings_ms"]["first_token"] > 0 and out["timings_ms"]["lead"] <= out["timings_ms"]["first_token"]
    assert "3年" in out["answer"] and grounded(out)
    assert out["engine"] in ("llm", "extractive")  # gibberish from the tiny model is dropped, never shown


def test_a_corrupt_model_falls_back_with_a_message(no_models: Path, tmp_path: Path, capsys) -> None:
    broken = tmp_path / "usb2" / "broken.gguf"
    broken.parent.mkdir()
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    modelstore.import_path(broken.parent, role="llm", name="broken")
    out, err = ask(capsys, "--engine", "llm")
    assert "无法加载" in err and "Traceback" not in err
    assert out["engine"] == "extractive" and "3年" in out["answer"]


def test_batch_mode_with_the_llm_engine_writes_one_object_per_line(tiny_model: Path, tmp_path: Path,
                                                                    capsys) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text(f"{QUESTION}\n\n今天天气怎么样\n{'社保' * 10000}\n", encoding="utf-8")
    assert main(["ask", "--batch", str(batch), "--json", "--engine", "llm"]) == 0
    outs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(outs) == 3 and not outs[0]["refused"] and outs[1]["refused"]
    assert outs[2]["answer"].startswith("（您的问题较长")


def test_console_streams_answers_and_handles_commands(no_models: Path, monkeypatch, capsys) -> None:
    lines = "你好\n市场主体歇业最长可以多久？\n那需要什么材料？\n\n/重来\n/退出\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert main(["console", "--engine", "extractive"]) == 0
    out = capsys.readouterr().out
    assert "西小服" in out and "3年" in out and "出处" in out and "重新开始" in out and "再见" in out
