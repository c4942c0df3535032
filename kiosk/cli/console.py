"""`kiosk console`: talk to 西小服 in a terminal, the same dialogue the touch screen uses, answers streamed.

Type a question and press Enter. ``/重来`` (or ``/reset``) forgets the conversation, ``/退出`` (or ``/quit``,
Ctrl-D) leaves; Ctrl-C interrupts an answer in progress.
"""

from __future__ import annotations

import argparse
import sys
import threading

from kiosk.events import AnswerDone, AnswerLead, AnswerSentence, Notice

QUIT = {"/退出", "/quit", "/exit", "退出", "exit", "quit"}
RESET = {"/重来", "/reset", "/清空"}
WELCOME = "西小服：您好，我是西小服！问我惠企政策、办事流程，或者说说企业遇到的困难。（/重来 重新开始，/退出 离开）"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("console", help="文字对话（与触摸屏相同的对话流程）")
    p.add_argument("--engine", choices=["auto", "llm", "extractive"], default="auto",
                   help="auto：装了语言模型就用；extractive：只用政策原文")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    manager = args.kiosk.manager(args.engine, quiet=False)
    session = manager.new_session()
    out = sys.stdout
    out.write(WELCOME + "\n")
    while True:
        try:
            line = input("您：" if sys.stdin.isatty() else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            out.write("\n")
            break
        text = line.strip()
        if not text:
            continue
        if text in QUIT:
            break
        if text in RESET:
            session.reset()
            out.write("西小服：好的，我们重新开始。\n")
            continue
        cancel = threading.Event()
        try:
            show_turn(manager.respond(session, text, cancel=cancel), out)
        except KeyboardInterrupt:
            cancel.set()
            out.write("（已打断）\n")
    out.write("西小服：再见，欢迎随时来问我！\n")
    out.flush()
    return 0


def show_turn(events, out) -> None:
    """Print sentences as they arrive, then the sources."""
    out.write("西小服：")
    for event in events:
        if isinstance(event, AnswerLead | AnswerSentence):
            out.write(event.text)
            out.flush()
        elif isinstance(event, Notice):
            out.write(f"（{event.text}）")
        elif isinstance(event, AnswerDone):
            out.write("\n")
            label = "相关文件" if event.refused else "出处"
            for c in event.citations:
                out.write(f"  [{c.n}] {label}：《{c.title}》{c.article}\n")
            if event.suggestions:
                out.write("  您还可以问：" + " / ".join(event.suggestions) + "\n")
    out.flush()
