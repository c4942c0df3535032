"""Kiosk mode: start at login, full screen, closed only from staff mode; a watchdog that restarts after a crash
and covers the gap with a calm screen; rotating logs with personal data redacted."""

from __future__ import annotations

import configparser
import logging
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk import autostart
from kiosk.cli import main
from kiosk.supervise import Policy, Supervisor
from kiosk.ui.app import READY

PLANTED = "我叫张伟，身份证号330106199001011234，手机13812345678"


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def test_autostart_entry_starts_the_supervised_kiosk_full_screen(config_home: Path, capsys) -> None:
    assert main(["install-autostart"]) == 0
    entry = config_home / "autostart" / "xixiaofu-kiosk.desktop"
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.read(entry, encoding="utf-8")
    desktop = parsed["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"].endswith(f"{sys.executable} -m kiosk run --fullscreen --supervise")
    assert "KIOSK_DATA_DIR=" in desktop["Exec"]  # the data directory in use is kept at login
    assert "开机自启动" in capsys.readouterr().out


def test_systemd_unit_restarts_on_failure_and_replaces_the_autostart_entry(config_home: Path) -> None:
    assert main(["install-autostart"]) == 0
    assert main(["install-autostart", "--systemd"]) == 0
    assert not (config_home / "autostart" / "xixiaofu-kiosk.desktop").exists()  # never started twice
    unit = config_home / "systemd" / "user" / "xixiaofu-kiosk.service"
    parsed = configparser.ConfigParser(interpolation=None, strict=False)
    parsed.read(unit, encoding="utf-8")
    assert parsed["Service"]["Restart"] == "on-failure"
    assert parsed["Service"]["ExecStart"].endswith("-m kiosk run --fullscreen")
    assert parsed["Install"]["WantedBy"] == "graphical-session.target"
    wanted = config_home / "systemd" / "user" / "graphical-session.target.wants" / "xixiaofu-kiosk.service"
    assert wanted.resolve() == unit.resolve()
    assert main(["install-autostart", "--remove"]) == 0
    assert not unit.exists() and not wanted.is_symlink()
    assert autostart.remove() == []


def _child(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return [sys.executable, str(script), str(tmp_path / "runs")]


CRASH_ONCE = f"""
    import os, signal, sys
    from pathlib import Path
    runs = Path(sys.argv[1])
    n = int(runs.read_text()) + 1 if runs.exists() else 1
    runs.write_text(str(n))
    print("{READY}（第 %d 次）" % n, flush=True)
    print("访客输入：{PLANTED}", flush=True)
    if n == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    sys.exit(0)
"""


def test_supervisor_restarts_a_killed_kiosk_and_stops_when_it_is_closed_on_purpose(tmp_path: Path) -> None:
    events: list[str] = []
    supervisor = Supervisor(_child(tmp_path, CRASH_ONCE), on_down=lambda n: events.append(f"down{n}"),
                            on_up=lambda: events.append("up"), policy=Policy(backoff_s=0))
    assert supervisor.run() == 0
    assert supervisor.starts == 2
    assert events == ["up", "down1", "up"]


def test_repeated_crashes_are_spaced_out(tmp_path: Path) -> None:
    pauses: list[float] = []
    crash = "import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\nn = int(p.read_text()) + 1 if p.exists() else 1\n" \
            "p.write_text(str(n))\nsys.exit(0 if n > 6 else 3)\n"
    supervisor = Supervisor(_child(tmp_path, crash), policy=Policy(backoff_s=1, crash_limit=5, long_backoff_s=30),
                            sleep=pauses.append)
    assert supervisor.run() == 0
    assert pauses == [1, 1, 1, 1, 30, 30]


def test_child_output_reaches_a_rotating_log_redacted(tmp_path: Path, kiosk_env: Path) -> None:
    from kiosk.logs import file_handler

    handler = file_handler("kiosk.log", max_bytes=2000, backups=2)
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    try:
        Supervisor(_child(tmp_path, CRASH_ONCE), policy=Policy(backoff_s=0)).run()
        for i in range(40):
            logging.getLogger("kiosk.test").info("第 %d 条：%s", i, PLANTED)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    logs = sorted((kiosk_env / "logs").iterdir())
    assert [p.name for p in logs] == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]  # rotated, two kept
    text = "".join(p.read_text(encoding="utf-8") for p in logs)
    assert "一体机进程意外退出（被信号 SIGKILL 终止）" in text
    for secret in ("330106199001011234", "13812345678", "张伟"):
        assert secret not in text
    assert "138****5678" in text


def test_recovery_screen_covers_the_gap_after_a_crash(tmp_path: Path, qapp) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.recovering import TITLE, RecoveringScreen, run_with_recovery_screen

    back_after_a_second = f"""
import os, signal, sys, time
from pathlib import Path
runs = Path(sys.argv[1])
n = int(runs.read_text()) + 1 if runs.exists() else 1
runs.write_text(str(n))
if n == 1:
    os.kill(os.getpid(), signal.SIGKILL)
time.sleep(1.0)
print("{READY}", flush=True)
time.sleep(1.0)
"""
    seen: list[bool] = []

    def look() -> None:
        screens = [w for w in QApplication.topLevelWidgets() if isinstance(w, RecoveringScreen)]
        seen.append(any(w.isVisible() and w.title.text() == TITLE for w in screens))

    probe = QTimer()
    probe.timeout.connect(look)
    probe.start(50)
    supervisor = Supervisor(_child(tmp_path, back_after_a_second), policy=Policy(backoff_s=0))
    try:
        assert run_with_recovery_screen(supervisor, fullscreen=False) == 0
    finally:
        probe.stop()
    assert supervisor.starts == 2
    assert any(seen), "the recovery screen was never shown"
    first_shown = seen.index(True)
    assert not all(seen[first_shown:]), "the recovery screen stayed after the kiosk came back"


def test_full_screen_kiosk_closes_only_from_staff_mode(qtbot) -> None:
    from support_ui import TEST_PIN, make_window

    from kiosk.ui.kiosk_lock import lock

    window = make_window(qtbot)
    lock(window)
    window.show()  # as `kiosk run --fullscreen` does: lock, then show
    assert not window.close()  # Alt+F4 or the window manager's close button
    assert window.isVisible()
    window.navigate("staff")
    staff = window.current()
    quit_button = next(b for b in staff.findChildren(type(staff.tabs[0])) if b.text() == "关闭一体机")
    assert not quit_button.isVisibleTo(window)  # behind the PIN
    for d in TEST_PIN:
        staff.pin_key(d)
    staff.pin_key("确定")
    assert quit_button.isVisibleTo(window)
    quit_button.click()
    assert not window.isVisible()
