"""`kiosk doctor`: check that this machine can serve visitors; one plain line per problem with its fix."""

from __future__ import annotations

import sys

from kiosk.cli.terminal import print_json


def register(sub) -> None:
    p = sub.add_parser("doctor", help="体检：模型、设备、字体、磁盘、数据库、设置、密码、时钟、区办公台同步")
    p.add_argument("--json", action="store_true", help="输出 JSON（ok、problems、checks）")
    p.add_argument("--quick", action="store_true", help="只比对模型文件大小，不做 sha256 校验（几秒钟内完成）")
    p.set_defaults(func=handle)


def handle(args) -> int:
    from kiosk import doctor

    report = doctor.run(checksums=not args.quick)
    if args.json:
        print_json(report.as_json())
    else:
        sys.stdout.write("\n".join(report.lines()) + "\n")
    return 0 if report.ok else 1
