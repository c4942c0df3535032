"""`kiosk run` and `kiosk screenshot` on the command line: friendly refusals and the no-display fallback."""

from __future__ import annotations

import pytest

from kiosk.cli import main


def test_screenshot_refuses_a_non_png_name(capsys):
    assert main(["screenshot", "--screen", "attract", "--out", "shot.jpg"]) == 1
    assert ".png" in capsys.readouterr().err


def test_bad_window_size_is_a_friendly_message(capsys):
    assert main(["run", "--size", "huge"]) == 1
    err = capsys.readouterr().err
    assert "宽x高" in err and "Traceback" not in err


def test_run_without_a_display_falls_back_to_the_console(monkeypatch, capsys):
    for var in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(var, raising=False)
    calls = []
    monkeypatch.setattr("kiosk.cli.run._console", lambda: calls.append("console") or 0)
    assert main(["run"]) == 0
    assert calls == ["console"]
    assert "文字问答模式" in capsys.readouterr().err


@pytest.mark.slow
def test_the_console_fallback_gets_the_kiosk_like_any_command(monkeypatch, capsys):
    import io

    from kiosk.cli.run import _console

    monkeypatch.setattr("sys.stdin", io.StringIO("/退出\n"))
    assert _console() == 0
    assert "再见" in capsys.readouterr().out


def test_screenshot_command_writes_the_screen(tmp_path, capsys):
    out = tmp_path / "guide.png"
    assert main(["screenshot", "--screen", "guide", "--out", str(out), "--size", "1280x720"]) == 0
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
