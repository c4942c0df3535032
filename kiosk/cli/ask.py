"""`kiosk ask`: answer one question, or a file of them, from the store, with citations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli.common import KioskError, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="回答一个问题（带出处）")
    p.add_argument("question", nargs="?", help="问题；与 --batch 二选一")
    p.add_argument("--batch", type=Path, help="每行一个问题的文本文件")
    p.add_argument("--json", action="store_true", help="输出 JSON（批量时每行一个对象）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.knowledge.ask import AskService
    from kiosk.store import Store

    if args.batch:
        try:
            questions = [q.strip() for q in args.batch.read_text(encoding="utf-8").splitlines()]
        except (OSError, UnicodeDecodeError) as exc:
            raise KioskError(f"无法读取问题文件 {args.batch}：{exc}") from None
        questions = [q for q in questions if q]
    elif args.question is not None:
        questions = [args.question]
    else:
        raise KioskError("请给出一个问题，例如：kiosk ask \"开公司需要什么材料？\"")
    service = AskService(Store.open())
    for question in questions:
        answer, timings = service.ask(question)
        if args.json:
            print_json({**answer.to_json(), "timings_ms": timings})
        else:
            _print(answer)
    return 0


def _print(answer) -> None:
    out = sys.stdout
    out.write(answer.text + "\n")
    for c in answer.citations:
        label = "相关文件" if answer.refused else "出处"
        sample = "（样例数据）" if c.sample else ""
        out.write(f"  [{c.n}] {label}：《{c.title}》{c.article}{sample}\n")
    out.flush()
