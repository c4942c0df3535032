"""Starting the kiosk at login, full screen and supervised: an XDG autostart entry or a systemd user unit.

Both are written to the user's own configuration folder (``$XDG_CONFIG_HOME``, by default ``~/.config``), so no
system file changes. The autostart entry runs ``kiosk run --fullscreen --supervise``: the supervisor restarts the
window after a crash and shows a calm "正在恢复" screen meanwhile. The systemd unit lets systemd restart it
(``Restart=on-failure``) and starts it with the graphical session.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

APP_ID = "xixiaofu-kiosk"
DESKTOP_NAME = f"{APP_ID}.desktop"
UNIT_NAME = f"{APP_ID}.service"


def config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def kiosk_command() -> list[str]:
    """How to start this very installation of the kiosk, whichever prefix or virtualenv it lives in."""
    return [sys.executable, "-m", "kiosk"]


def _data_env() -> list[str]:
    # A deployer who keeps the data elsewhere (KIOSK_DATA_DIR) keeps it there at login too.
    return [f"{k}={os.environ[k]}" for k in ("KIOSK_DATA_DIR", "KIOSK_MODELS_DIR") if os.environ.get(k)]


def desktop_entry() -> str:
    env = _data_env()
    command = shlex.join((["env", *env] if env else []) + [*kiosk_command(), "run", "--fullscreen", "--supervise"])
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=西小服",
        "Comment=企业服务一体机（登录后全屏启动）",
        f"Exec={command}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "X-GNOME-Autostart-Delay=3",
        "",
    ])


def systemd_unit() -> str:
    lines = [
        "[Unit]",
        "Description=西小服 企业服务一体机",
        "PartOf=graphical-session.target",
        "After=graphical-session.target",
        "",
        "[Service]",
        f"ExecStart={shlex.join([*kiosk_command(), 'run', '--fullscreen'])}",
        # A crash restarts the window; leaving through staff mode (exit status 0) does not.
        "Restart=on-failure",
        "RestartSec=2",
        "StartLimitIntervalSec=0",
        *[f"Environment={e}" for e in _data_env()],
        "",
        "[Install]",
        "WantedBy=graphical-session.target",
        "",
    ]
    return "\n".join(lines)


def paths() -> dict[str, Path]:
    home = config_home()
    return {"xdg": home / "autostart" / DESKTOP_NAME, "systemd": home / "systemd" / "user" / UNIT_NAME}


def _wanted_link() -> Path:
    """What ``systemctl --user enable`` would make: the unit wanted by the graphical session."""
    return config_home() / "systemd" / "user" / "graphical-session.target.wants" / UNIT_NAME


def install(kind: str = "xdg") -> Path:
    """Write the autostart entry (``xdg``) or the user unit (``systemd``); the other kind is removed, so the
    kiosk never starts twice."""
    target = paths()[kind]
    remove()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(desktop_entry() if kind == "xdg" else systemd_unit(), encoding="utf-8")
    if kind == "systemd":
        _wanted_link().parent.mkdir(parents=True, exist_ok=True)
        _wanted_link().symlink_to(target)
    return target


def remove() -> list[Path]:
    removed = []
    _wanted_link().unlink(missing_ok=True)
    for path in paths().values():
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed
