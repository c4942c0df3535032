"""`kiosk run`: start the kiosk's touch screen; without a display, the text console instead."""

from __future__ import annotations

import os
import sys

from kiosk.supervise import SUPERVISED_ENV


def register(sub) -> None:
    p = sub.add_parser("run", help="启动一体机界面（默认窗口模式，--fullscreen 全屏）")
    p.add_argument("--fullscreen", action="store_true", help="全屏（展厅一体机）")
    p.add_argument("--size", default="1920x1080", help="窗口大小，例如 1280x720（窗口模式）")
    p.add_argument("--supervise", action="store_true",
                   help="看护模式：界面意外退出时显示“正在恢复”并自动重启（开机自启用的就是这个）")
    p.set_defaults(func=handle)


def parse_size(text: str) -> tuple[int, int]:
    from kiosk.cli.terminal import KioskError

    try:
        w, h = (int(x) for x in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise KioskError(f"窗口大小应写成 宽x高，例如 1280x720：{text}") from None
    if not (320 <= w <= 8192 and 240 <= h <= 8192):
        raise KioskError(f"窗口大小超出范围（320x240 到 8192x8192）：{text}")
    return w, h


def handle(args) -> int:
    size = parse_size(args.size)
    if args.supervise:
        from kiosk.supervise import main

        return main(fullscreen=args.fullscreen, size=args.size)
    from kiosk.ui.app import display_available

    if not display_available():
        sys.stderr.write("没有检测到显示器，已改为文字问答模式（有屏幕时运行 kiosk run 即可打开触摸界面）。\n")
        return _console()
    from kiosk.ui.app import run

    if not os.environ.get(SUPERVISED_ENV):  # under the supervisor, the output goes to its log instead
        from kiosk.logs import log_to_file

        log_to_file("kiosk.log")
    return run(fullscreen=args.fullscreen, size=size)


def _console() -> int:
    from kiosk.cli import parse

    args = parse(["console"])
    return int(args.func(args) or 0)
