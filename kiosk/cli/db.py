"""`kiosk db build|info`: build the content store from its sources and show what is in it."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk import config
from kiosk.cli.common import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="构建或查看政策库")
    dsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    b = dsub.add_parser("build", help="从 policies_db/ 和公开语料构建政策库（增量）")
    b.add_argument("--full", action="store_true", help="忽略已有数据，全部重建")
    b.add_argument("--source", action="append", type=Path, help="源文件夹（可多次给出；默认 policies_db 与公开语料）")
    b.add_argument("--db", type=Path, help="政策库文件（默认在数据目录）")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=_build)
    i = dsub.add_parser("info", help="显示政策库的内容统计")
    i.add_argument("--db", type=Path)
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=_info)


def _build(args: argparse.Namespace) -> int:
    from rich.console import Console

    from kiosk.store.importer import BuildError, build

    path = args.db or config.store_path()
    console = Console(stderr=True)
    try:
        with console.status("正在构建政策库…") as status:
            report = build(path, args.source or config.sources_dirs(), full=args.full,
                           progress=lambda key: status.update(f"正在读取 {key}"))
    except BuildError as exc:
        if args.json:
            print_json({"ok": False, "errors": exc.report.errors})
        else:
            console.print("[red]政策库构建失败，原有数据未改动：[/red]")
            for line in exc.report.errors:
                console.print(f"  {line}", markup=False, highlight=False)
        return 1
    if args.json:
        print_json({"ok": True, "db": str(path), "read": report.read, "unchanged": report.skipped,
                    "counts": report.counts})
    else:
        console.print(f"政策库已更新：{path}（读取 {len(report.read)} 个文件，{report.skipped} 个未变）")
        _print_counts(console, report.counts)
    return 0


def _info(args: argparse.Namespace) -> int:
    from rich.console import Console

    from kiosk.store import Store
    from kiosk.store.importer import counts as store_counts

    store = Store.open(args.db)
    counts = store_counts(store.conn)
    if args.json:
        print_json({"db": str(store.path), "counts": counts})
    else:
        _print_counts(Console(), counts)
    return 0


LABELS = {"documents": "政策法规文件", "sample_policies": "其中样例政策", "passages": "可引用段落", "faqs": "常见问答",
          "services": "办事事项", "departments": "部门与镇街", "streets": "其中镇街", "guides": "一件事指南",
          "policy_conditions": "政策条件"}


def _print_counts(console, counts: dict[str, int]) -> None:
    for key, value in counts.items():
        console.print(f"  {LABELS.get(key, key)}：{value}")
