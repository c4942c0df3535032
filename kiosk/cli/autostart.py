"""`kiosk install-autostart [--systemd] [--remove]`: start the kiosk full screen, supervised, at login."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("install-autostart", help="登录后自动全屏启动（XDG 自启动或 systemd 用户服务），--remove 取消")
    p.add_argument("--systemd", action="store_true", help="写 systemd 用户服务（崩溃后由 systemd 重启）；默认写 XDG 自启动项")
    p.add_argument("--remove", action="store_true", help="取消开机自启动")
    p.set_defaults(func=handle)


def handle(args) -> int:
    from kiosk import autostart

    if args.remove:
        removed = autostart.remove()
        sys.stdout.write("已取消开机自启动。\n" if removed else "本来就没有设置开机自启动。\n")
        return 0
    path = autostart.install("systemd" if args.systemd else "xdg")
    sys.stdout.write(f"已设置开机自启动：{path}\n")
    if args.systemd:
        sys.stdout.write("下次登录时生效；现在就启动可运行 systemctl --user daemon-reload && "
                         f"systemctl --user start {autostart.UNIT_NAME}\n")
    else:
        sys.stdout.write("下次登录桌面时，西小服会全屏启动；只有在工作人员模式（输入密码后）才能关闭。\n")
    return 0
