"""`kiosk doctor` names each seeded fault with its fix, and passes a machine with none."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest

from kiosk import doctor
from kiosk.cli import main

MODEL_BYTES = b"GGUF" + bytes(range(256)) * 8
DEVICES = [{"name": "USB 麦克风", "max_input_channels": 1, "max_output_channels": 0},
           {"name": "HDMI 音箱", "max_input_channels": 0, "max_output_channels": 2}]


def _statvfs(free_bytes: int):
    real = os.statvfs("/")
    values = list(real)
    values[0] = values[1] = 4096  # f_bsize, f_frsize
    values[4] = free_bytes // 4096  # f_bavail
    return lambda _path: os.statvfs_result(values)


def healthy_machine(**changes) -> doctor.Machine:
    parts = {"statvfs": _statvfs(20 * 1024 ** 3), "now": time.time, "audio_devices": lambda: DEVICES,
             "cameras": lambda: ["/dev/video0"]}
    return doctor.Machine(**{**parts, **changes})


@pytest.fixture
def healthy(kiosk_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default_store_path: Path) -> Path:
    """A deployed machine: its own copy of the store, a changed PIN, one small model installed and intact."""
    store = kiosk_env / "kiosk.db"
    shutil.copyfile(default_store_path, store)
    monkeypatch.setenv("KIOSK_DB", str(store))
    (kiosk_env / "config.toml").write_text('staff_pin = "135790"\n', encoding="utf-8")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(f"""
[[model]]
name = "tiny-llm"
role = "llm"
default = true
entry = "model.gguf"
[[model.file]]
path = "model.gguf"
size = {len(MODEL_BYTES)}
sha256 = "{hashlib.sha256(MODEL_BYTES).hexdigest()}"
""", encoding="utf-8")
    monkeypatch.setenv("KIOSK_MODEL_MANIFEST", str(manifest))
    models = tmp_path / "models"
    (models / "llm" / "tiny-llm").mkdir(parents=True)
    (models / "llm" / "tiny-llm" / "model.gguf").write_bytes(MODEL_BYTES)
    monkeypatch.setenv("KIOSK_MODELS_DIR", str(models))
    return kiosk_env


def problems(report: doctor.Report, check: str) -> list[str]:
    return [f"{f.message}。{f.fix}" for f in report.problems if f.check == check]


def test_a_ready_machine_passes_every_check(healthy: Path) -> None:
    report = doctor.run(healthy_machine())
    assert report.ok, report.lines()
    assert {f.check for f in report.findings} == {"config", "pin", "databases", "disk", "models", "font", "devices",
                                                   "clock"}


def test_corrupted_store_and_request_files_are_named(healthy: Path) -> None:
    from kiosk.requests.repo.file import requests_path

    store = healthy / "kiosk.db"
    data = bytearray(store.read_bytes())
    data[100:4096 * 3] = b"\xff" * (4096 * 3 - 100)  # the header and the first pages: not a database any more
    store.write_bytes(bytes(data))
    conn = sqlite3.connect(requests_path())
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    conn.execute("CREATE INDEX tx ON t(x)")
    conn.commit()
    conn.close()
    raw = bytearray(requests_path().read_bytes())
    raw[4096 * 3: 4096 * 3 + 3000] = b"\x00\x13" * 1500  # a damaged page in the middle
    requests_path().write_bytes(bytes(raw))
    found = problems(doctor.run(healthy_machine(), only=["databases"]), "databases")
    assert any("政策库已损坏" in p and "kiosk db build --full" in p for p in found), found
    assert any("诉求库已损坏" in p and "请勿删除" in p for p in found), found


def test_missing_store_is_named_with_the_build_command(healthy: Path) -> None:
    (healthy / "kiosk.db").unlink()
    assert problems(doctor.run(healthy_machine(), only=["databases"]), "databases") == ["政策库还没有生成。运行 kiosk db build"]


def test_an_altered_model_fails_its_checksum_and_a_deleted_one_is_missing(healthy: Path, tmp_path: Path) -> None:
    model = tmp_path / "models" / "llm" / "tiny-llm" / "model.gguf"
    altered = bytearray(MODEL_BYTES)
    altered[100] ^= 0xFF  # same size: only the checksum can tell
    model.write_bytes(bytes(altered))
    assert not problems(doctor.run(healthy_machine(), checksums=False, only=["models"]), "models")
    found = problems(doctor.run(healthy_machine(), only=["models"]), "models")
    assert found and "tiny-llm" in found[0] and "损坏" in found[0] and "kiosk models install tiny-llm" in found[0]
    model.unlink()
    found = problems(doctor.run(healthy_machine(), only=["models"]), "models")
    assert found and "没有安装" in found[0] and "kiosk models import" in found[0]


def test_the_default_pin_is_named(healthy: Path) -> None:
    (healthy / "config.toml").write_text("demo_content = false\n", encoding="utf-8")
    found = problems(doctor.run(healthy_machine(), only=["pin"]), "pin")
    assert found and "出厂默认值" in found[0] and "已停用" in found[0] and "staff_pin" in found[0]


def test_a_bad_config_names_the_file_and_key_and_unknown_keys_are_named(healthy: Path) -> None:
    (healthy / "config.toml").write_text('staff_pin = "135790"\nidle_reset_seconds = 2\n', encoding="utf-8")
    found = problems(doctor.run(healthy_machine(), only=["config", "pin"]), "config")
    assert found and "config.toml" in found[0] and "idle_reset_seconds" in found[0]
    (healthy / "config.toml").write_text('staff_pin = "135790"\nidle_reset_secs = 60\n', encoding="utf-8")
    found = problems(doctor.run(healthy_machine(), only=["config"]), "config")
    assert found and "idle_reset_secs" in found[0] and "idle_reset_seconds" in found[0]


def test_a_nearly_full_disk_is_named(healthy: Path) -> None:
    found = problems(doctor.run(healthy_machine(statvfs=_statvfs(40 * 1024 ** 2)), only=["disk"]), "disk")
    assert found and "40 MB" in found[0]


def test_a_clock_set_back_is_named(healthy: Path) -> None:
    found = problems(doctor.run(healthy_machine(now=lambda: datetime(2021, 3, 1).timestamp()), only=["clock"]),
                     "clock")
    assert found and "2021-03-01" in found[0] and "校准" in found[0]


def test_missing_microphone_speaker_and_camera_are_named(healthy: Path) -> None:
    report = doctor.run(healthy_machine(audio_devices=lambda: [], cameras=lambda: []), only=["devices"])
    found = problems(report, "devices")
    assert [p.split("。")[0] for p in found] == ["没有找到麦克风", "没有找到扬声器", "没有找到摄像头或扫描仪，访客无法扫描营业执照"]

    def no_portaudio():
        raise OSError("PortAudio library not found")

    found = problems(doctor.run(healthy_machine(audio_devices=no_portaudio), only=["devices"]), "devices")
    assert found and "libportaudio2" in found[0]


def test_a_font_without_chinese_glyphs_is_named(healthy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.guides.fonts import find_cjk_font

    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.fail("the DejaVu font (fonts-dejavu-core) is needed as a font without Chinese glyphs")
    monkeypatch.setenv("KIOSK_CJK_FONT", str(latin))
    find_cjk_font.cache_clear()
    try:
        found = problems(doctor.run(healthy_machine(), only=["font"]), "font")
    finally:
        find_cjk_font.cache_clear()
    assert found and "DejaVuSans.ttf" in found[0] and "fonts-noto-cjk" in found[0]


def test_a_hall_that_never_reached_its_office_or_not_for_a_day_is_named(healthy: Path) -> None:
    from kiosk.requests.office_sync import SYNCED_AT
    from kiosk.requests.repo.db import RequestDB

    assert doctor.run(healthy_machine(), only=["office"]).findings == []  # no office configured: nothing to say
    (healthy / "config.toml").write_text('staff_pin = "135790"\noffice_url = "http://192.168.1.20:8700"\n'
                                         f'office_token = "xk_{"a" * 40}"\n', encoding="utf-8")
    found = problems(doctor.run(healthy_machine(), only=["office"]), "office")
    assert found == ["还没有与区办公台同步成功过。检查网络和 config.toml 中的 office_url、office_token，"
                     "再运行 kiosk request sync 查看原因"]
    db = RequestDB(healthy / "requests.db")
    with db.transaction():
        db.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (SYNCED_AT, "2026-12-02T09:30:00"))
    db.close()
    evening = datetime(2026, 12, 2, 18, 0).timestamp()
    report = doctor.run(healthy_machine(now=lambda: evening), only=["office"])
    assert report.ok and "上次与区办公台同步成功：2026-12-02 09:30:00" in report.lines()[0]
    two_days_on = datetime(2026, 12, 4, 10, 0).timestamp()
    found = problems(doctor.run(healthy_machine(now=lambda: two_days_on), only=["office"]), "office")
    assert found and found[0].startswith("超过一天没有与区办公台同步成功（上次 2026-12-02 09:30:00）")


def test_cli_prints_one_line_per_problem_and_exits_non_zero(healthy: Path, capsys) -> None:
    (healthy / "config.toml").write_text("demo_content = false\n", encoding="utf-8")
    (healthy / "kiosk.db").write_bytes(b"not a database at all" * 100)
    assert main(["doctor", "--json", "--quick"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert not out["ok"]
    checks = {p["check"] for p in out["problems"]}
    assert {"pin", "databases"} <= checks
    assert all(p["fix"] for p in out["problems"])
    assert main(["doctor", "--quick"]) == 1
    text = capsys.readouterr().out
    assert "✗ 政策库已损坏" in text and "解决办法：运行 kiosk db build --full" in text
    assert "Traceback" not in text and "sqlite" not in text.lower()


def test_staff_status_page_shows_each_problem_with_its_fix(qtbot, healthy: Path) -> None:
    from support_ui import TEST_PIN, make_window, settle

    (healthy / "kiosk.db").write_bytes(b"not a database at all" * 100)
    window = make_window(qtbot)
    window.navigate("staff")
    staff = window.current()
    for d in TEST_PIN:
        staff.pin_key(d)
    staff.pin_key("确定")
    staff.show_page(2)
    qtbot.waitUntil(lambda: "项正常" in staff.doctor.summary.text(), timeout=20000)
    settle(window)
    shown = " ".join(w.text() for w in staff.doctor.findChildren(type(staff.pin_message)))
    assert "政策库已损坏" in shown and "kiosk db build --full" in shown
    assert "个问题需要处理" in staff.doctor.summary.text()
