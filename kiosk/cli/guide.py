"""`kiosk guide NAME`: a one-thing guide tailored by a few questions, as text, JSON or a printable PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli.terminal import KioskError, print_json


def register(sub) -> None:
    p = sub.add_parser("guide", help="“一件事”办事指南：回答几个问题，得到量身定制的材料清单（可打印PDF）")
    p.add_argument("name", nargs="?", help="指南名称，如 开餐馆、企业注销；不填则列出全部")
    p.add_argument("--answers", help="不逐一提问，直接给出答案：area=320,rented=是")
    p.add_argument("--json", action="store_true")
    p.add_argument("--pdf", type=Path, metavar="OUT.pdf", help="生成可打印的PDF（含二维码）")
    p.set_defaults(func=_guide)


def _ask(guide, answers: dict, out) -> None:
    """Ask each open question on stdin; an empty line or end of input leaves it open."""
    from kiosk.guides import AnswerError, parse_answer, questions_to_ask

    for q in questions_to_ask(guide, answers):
        hint = f"（{q.unit}）" if q.type == "number" else "（是/否）"
        for _ in range(3):
            out.write(f"{q.text}{hint} ")
            out.flush()
            line = sys.stdin.readline()
            if not line:
                out.write("\n")
                return
            if not line.strip():
                break
            try:
                answers[q.id] = parse_answer(q, line)
                break
            except AnswerError as exc:
                out.write(exc.friendly + "\n")


def _guide(args: argparse.Namespace) -> int:
    from kiosk.guides import parse_answers, tailor

    catalog = args.kiosk.catalog
    if not args.name:
        if args.json:
            print_json([{"id": g.id, "name": g.name, "aliases": list(g.aliases)} for g in catalog.guides])
        else:
            for g in catalog.guides:
                print(f"{g.name}  （也可说：{'、'.join(g.aliases[:4])}）")
        return 0
    guide = catalog.find(args.name)
    if guide is None:
        raise KioskError(f"没有找到“{args.name}”的办事指南。现有：{'、'.join(catalog.names())}。")
    answers = parse_answers(guide, args.answers) if args.answers else {}
    if args.answers is None:
        _ask(guide, answers, sys.stderr if args.json else sys.stdout)
    checklist = tailor(guide, answers)
    departments = args.kiosk.departments_by_id()
    names = {k: d.name for k, d in departments.items()}
    pdf_path = None
    if args.pdf:
        from kiosk.guides.printout import render_pdf

        pdf_path = render_pdf(checklist, args.pdf, departments)
    if args.json:
        data = checklist.to_dict(names)
        if pdf_path:
            data["pdf"] = str(pdf_path)
        print_json(data)
        return 0
    _print_text(checklist, names)
    if pdf_path:
        print(f"\n已生成可打印的清单：{pdf_path}")
    return 0


def _print_text(checklist, names: dict[str, str]) -> None:
    g = checklist.guide
    print(f"\n{g.name}" + ("（样例数据）" if g.sample else ""))
    if g.summary.text:
        print(g.summary.text)
    b, a = g.summary.before, g.summary.after
    if b and a:
        print(f"改革前 {b.get('documents')}份材料、{b.get('days')}个工作日 → 现在 {a.get('documents')}份材料、{a.get('days')}个工作日")
    print(f"\n办理步骤（约{checklist.promised_days}个工作日）：")
    for n, s in enumerate(checklist.steps, start=1):
        limit = "当场办结" if s.limit_days == 0 else f"{s.limit_days}个工作日"
        where = names.get(s.department, s.department)
        print(f"  {n}. {s.name} — {where}{('，' + s.window) if s.window else ''}，{limit}")
    print(f"\n需要准备的材料（{len(checklist.materials)}份）：")
    for m in checklist.materials:
        print(f"  □ {m.name}")
    if checklist.pending:
        print("\n视情况需要：")
        for m in checklist.pending:
            print(f"  · {m.name}")
