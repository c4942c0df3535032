"""`kiosk screenshot`: render one screen offscreen, in a realistic state, to a PNG (for docs and checks)."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli.run import parse_size
from kiosk.cli.terminal import KioskError

SCREENS = ("attract", "conversation", "scan", "policies", "request", "guide", "staff")


def register(sub) -> None:
    p = sub.add_parser("screenshot", help="把某个界面渲染成 PNG 图片")
    p.add_argument("--screen", required=True, choices=SCREENS, help="界面")
    p.add_argument("--out", required=True, help="输出 PNG 文件")
    p.add_argument("--size", default="1920x1080", help="窗口大小，默认 1920x1080")
    p.add_argument("--elderly", action="store_true", help="长辈模式（大字）")
    p.add_argument("--high-contrast", action="store_true", help="高对比度")
    p.set_defaults(func=handle)


def handle(args) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise KioskError(f"输出文件需要以 .png 结尾：{out}")
    size = parse_size(args.size)
    from kiosk.ui.app import screenshot

    try:
        path = screenshot(args.screen, out, size, elderly=args.elderly, high_contrast=args.high_contrast)
    except OSError as exc:
        raise KioskError(f"无法写入图片 {out}：{exc}") from exc
    print(f"已保存 {path}")
    return 0
