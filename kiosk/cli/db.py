"""`kiosk db build|info`: build the content store from its sources and show what is in it."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from kiosk import config
from kiosk.cli.terminal import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="构建或查看政策库")
    dsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    b = dsub.add_parser("build", help="从 policies_db/ 和公开语料构建政策库（增量）")
    b.add_argument("--full", action="store_true", help="忽略已有数据，全部重建")
    b.add_argument("--source", action="append", type=Path,
                   help="源文件夹（可多次给出；默认 policies_db 与公开语料）；给出时只读这些文件，不含演示内容")
    demo = b.add_mutually_exclusive_group()
    demo.add_argument("--demo", action="store_true", default=None,
                      help="同时载入演示内容（policies_db/demo，样例数据）")
    demo.add_argument("--no-demo", dest="demo", action="store_false", help="只读真实文件，不载入演示内容")
    b.add_argument("--db", type=Path, help="政策库文件（默认在数据目录）")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=_build)
    i = dsub.add_parser("info", help="显示政策库的内容统计")
    i.add_argument("--db", type=Path)
    i.add_argument("--json", action="store_true")
    i.add_argument("--today", type=_day, help="按这一天计算有效期（YYYY-MM-DD，默认今天）")
    i.set_defaults(func=_info)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，而不是“{text}”") from None


def _build(args: argparse.Namespace) -> int:
    from rich.console import Console

    from kiosk.knowledge.segment import TOKENIZER
    from kiosk.store.demo import DEMO_BADGE
    from kiosk.store.importer import BuildError, build

    path = args.db or config.store_path()
    console = Console(stderr=True)
    pack = _demo_pack(args, bool(args.source))
    try:
        with console.status("正在构建政策库…") as status:
            report = build(path, args.source or config.sources_dirs(), full=args.full,
                           progress=lambda key: status.update(f"正在读取 {key}"), demo=pack, tokenizer=TOKENIZER)
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
                    "counts": report.counts, "demo_content": pack is not None,
                    "department_directory": report.counts["departments"] > 0})
    else:
        demo = f"，含{DEMO_BADGE}" if pack else "，不含演示内容"
        console.print(f"政策库已更新：{path}（读取 {len(report.read)} 个文件，{report.skipped} 个未变{demo}）")
        _print_counts(console, report.counts)
        _note_directory(console, report.counts)
    return 0


def _demo_pack(args: argparse.Namespace, named_sources: bool):
    """The demo pack to build in: as asked; else none for named sources (they hold only the documents given),
    and for the default sources as `demo_content` says."""
    from kiosk.store.demo import DEMO_DIR

    if args.demo is not None:
        return DEMO_DIR if args.demo else None
    return None if named_sources else args.kiosk.demo_pack()


def _info(args: argparse.Namespace) -> int:
    from rich.console import Console

    from kiosk.store.demo import DEMO_BADGE
    from kiosk.store.importer import counts as store_counts
    from kiosk.store.validity import expired_on, expiring

    store = args.kiosk.store
    counts = store_counts(store.conn)
    today = args.today or date.today()
    documents = store.documents()
    soon = [d for d in documents if expiring(d, today, EXPIRY_NOTICE_DAYS)]
    expired = [d for d in documents if expired_on(d, today)]
    demo = store.has_demo_content()
    if args.json:
        print_json({"db": str(store.path), "counts": counts, "demo_content": demo,
                    "department_directory": counts["departments"] > 0,
                    "expiring": [{"id": d.id, "title": d.title, "expires": d.expires} for d in soon],
                    "expired": [{"id": d.id, "title": d.title, "expires": d.expires} for d in expired]})
        return 0
    console = Console()
    _print_counts(console, counts)
    if demo:
        console.print(f"  已载入{DEMO_BADGE}（样例数据，kiosk db build --no-demo 可去除）")
    _note_directory(console, counts)
    console.print(f"  {EXPIRY_NOTICE_DAYS} 天内到期：{len(soon)} 份" + ("" if soon else "（无）"))
    for d in sorted(soon, key=lambda d: d.expires):
        console.print(f"    {d.expires}  {d.title}（{d.id}）", markup=False, highlight=False, soft_wrap=True)
    console.print(f"  已失效：{len(expired)} 份")
    return 0


def _note_directory(console, counts: dict[str, int]) -> None:
    from kiosk.store.records import HALL_DESK

    if not counts["departments"]:
        console.print(NO_DIRECTORY.format(desk=HALL_DESK.name), markup=False, highlight=False, soft_wrap=True)


EXPIRY_NOTICE_DAYS = 30
# Staff must know why every request lands at one window, and how to change that.
NO_DIRECTORY = ("  没有部门目录：企业诉求都先交{desk}，由工作人员转交负责的部门。"
                "把本区的 departments.yaml 放进 policies_db/（格式见 policies_db/README.md）后"
                "运行 kiosk db build，就会按部门分派。")

LABELS = {"documents": "政策法规文件", "sample_policies": "其中样例政策", "passages": "可引用段落", "faqs": "常见问答",
          "services": "办事事项", "departments": "部门与镇街", "streets": "其中镇街", "guides": "一件事指南",
          "policy_conditions": "政策条件"}


def _print_counts(console, counts: dict[str, int]) -> None:
    for key, value in counts.items():
        console.print(f"  {LABELS.get(key, key)}：{value}")
