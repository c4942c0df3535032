"""Binary input where text or an image is expected gets a plain message, never an empty "出错了：" or a hang."""

from __future__ import annotations

import os
import subprocess
import sys

from support_requests import REPO


def kiosk(*args: str | bytes, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], stdin=stdin, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120, check=False)


def plain(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode("utf-8")
    assert result.returncode == 1, err
    assert "Traceback" not in err and "出错了：\n" not in err and "Errno" not in err
    return err


def test_ask_batch_from_dev_zero():
    err = plain(kiosk("ask", "--batch", "/dev/zero", "--engine", "extractive"))
    assert "问题文件" in err


def test_ask_batch_of_binary_bytes(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_bytes(bytes(range(256)) * 4)
    assert "UTF-8" in plain(kiosk("ask", "--batch", str(path), "--engine", "extractive"))


def test_scan_from_dev_zero():
    with open("/dev/zero", "rb") as zero:
        err = plain(kiosk("scan", "-", stdin=zero))
    assert "图片" in err


def test_request_submit_with_binary_text():
    garbage = bytes(range(128, 256)) + b"\x01\x02"
    err = plain(kiosk("request", "submit", "--text", garbage, "--company", "杭州测试科技有限公司",
                      "--phone", "13812345678"))
    assert "无法识别的字符" in err


def test_ask_with_binary_question():
    err = plain(kiosk("ask", bytes(range(128, 256)), "--engine", "extractive"))
    assert "无法识别的字符" in err
