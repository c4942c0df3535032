"""`kiosk ask`: answer one question, or a file of them, from the store, with citations.

``--engine auto`` (default) uses the local language model when one is installed and loads, ``llm`` asks for it
(and says so on stderr when it cannot be had), ``extractive`` never loads it. Either way the facts come from the
passages; the JSON's ``engine`` says which path answered and ``timings_ms.first_token`` when the model spoke.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli.terminal import KioskError, print_json, read_limited, text_argument, text_from_bytes

MAX_BATCH_BYTES = 5_000_000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="回答一个问题（带出处）")
    p.add_argument("question", nargs="?", help="问题；与 --batch 二选一")
    p.add_argument("--batch", type=Path, help="每行一个问题的文本文件")
    p.add_argument("--json", action="store_true", help="输出 JSON（批量时每行一个对象）")
    p.add_argument("--engine", choices=["auto", "llm", "extractive"], default="auto",
                   help="auto：装了语言模型就用；llm：要求用语言模型；extractive：只用政策原文")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.events import AnswerDone, AnswerLead, AnswerSentence

    if args.batch:
        questions = [q.strip() for q in _read_batch(args.batch).splitlines()]
        questions = [q for q in questions if q]
    elif args.question is not None:
        questions = [text_argument(args.question, "问题")]
    else:
        raise KioskError("请给出一个问题，例如：kiosk ask \"开公司需要什么材料？\"")
    manager = args.kiosk.manager(args.engine, quiet=args.engine != "llm")
    for question in questions:
        answer, timings, events = manager.ask(question)
        done = None
        for event in events:
            if isinstance(event, AnswerDone):
                done = event
            elif not args.json and isinstance(event, AnswerLead | AnswerSentence):
                sys.stdout.write(event.text)
                sys.stdout.flush()
        timings = {**timings, "first_token": None, **done.timings_ms}
        if args.json:
            print_json({**answer.to_json(), "answer": done.answer, "engine": done.engine, "timings_ms": timings})
        else:
            sys.stdout.write("\n")
            _print_sources(answer)
    return 0


def _read_batch(path: Path) -> str:
    try:
        with path.open("rb") as f:
            data = read_limited(f, MAX_BATCH_BYTES, f"问题文件太大，请分成 {MAX_BATCH_BYTES // 1_000_000} MB 以内的几个文件。")
    except OSError:
        raise KioskError(f"无法读取问题文件 {path.name}，请确认文件存在并且可以读取。") from None
    return text_from_bytes(data, "问题文件")


def _print_sources(answer) -> None:
    out = sys.stdout
    for c in answer.citations:
        label = "相关文件" if answer.refused else "出处"
        sample = "（样例数据）" if c.sample else ""
        out.write(f"  [{c.n}] {label}：《{c.title}》{c.article}{sample}\n")
    out.flush()
