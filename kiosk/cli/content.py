"""`kiosk content add|list|show|history|diff|rollback|remove|passage|conditions`: staff keep the content current."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import config
from kiosk.cli.terminal import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("content", help="导入、修改、发布和回滚政策文件")
    csub = p.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    a = csub.add_parser("add", help="导入 PDF、Word、网页或文本文件并发布")
    a.add_argument("files", nargs="+", type=Path, metavar="FILE")
    for flag, key, text in (("--title", "title", "标题"), ("--number", "doc_number", "文号"),
                            ("--issuer", "issuer", "发文机关"), ("--effective", "effective", "施行日期 YYYY-MM-DD"),
                            ("--expires", "expires", "失效日期 YYYY-MM-DD"), ("--published", "published", "发布日期")):
        a.add_argument(flag, dest=key, help=f"{text}（不填则从正文识别）")
    a.add_argument("--level", help="国家 / 省 / 市 / 区（不填则从发文机关推断）")
    a.add_argument("--replace", default="", metavar="DOC_ID", help="用这个文件替换已导入的文件")
    _common(a)
    a.set_defaults(func=_add)
    ls = csub.add_parser("list", help="列出已导入的文件")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    sh = csub.add_parser("show", help="显示一份导入文件的信息和段落")
    sh.add_argument("doc_id")
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(func=_show)
    h = csub.add_parser("history", help="列出所有版本（谁、何时、改了什么）")
    h.add_argument("--json", action="store_true")
    h.set_defaults(func=_history)
    d = csub.add_parser("diff", help="显示某一版的改动")
    d.add_argument("version", type=int)
    d.set_defaults(func=_diff)
    r = csub.add_parser("rollback", help="回到某一版并发布")
    r.add_argument("version", type=int)
    _common(r)
    r.set_defaults(func=_rollback)
    rm = csub.add_parser("remove", help="删除一份导入文件并发布")
    rm.add_argument("doc_id")
    _common(rm)
    rm.set_defaults(func=_remove)
    ps = csub.add_parser("passage", help="合并、拆分段落，修改段落标题或改正段落文字，并发布")
    ps.add_argument("operation", choices=("merge", "split", "retitle", "edit"))
    ps.add_argument("doc_id")
    ps.add_argument("number", type=int, help="第几段（从 1 数起；merge 时与下一段合并）")
    ps.add_argument("--at", default="", help="split：从这段文字之前拆开")
    ps.add_argument("--heading", help="retitle：新的段落标题")
    ps.add_argument("--article", help="retitle / split：条目编号，如 第三条")
    ps.add_argument("--text", help="edit：改正后的整段文字（写 - 则从标准输入读取）")
    _common(ps)
    ps.set_defaults(func=_passage)
    c = csub.add_parser("conditions", help="从正文起草一份政策的申报条件（YAML，供审核）")
    c.add_argument("doc_id")
    c.add_argument("--accept", action="store_true", help="采用这份草稿（加入 kiosk match）并发布")
    c.add_argument("--by", default="", help="操作人")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_conditions)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", default="", help="操作人（记入版本记录；默认当前登录用户）")
    p.add_argument("--json", action="store_true")


def _library():
    from kiosk.content.library import Library

    return Library(config.content_dir())


def _publish(args: argparse.Namespace) -> dict:
    from kiosk.content.publish import publish
    from kiosk.knowledge.segment import TOKENIZER

    config.content_dir().joinpath("source").mkdir(parents=True, exist_ok=True)
    kiosk = args.kiosk
    done = publish(kiosk.store_path, config.sources_dirs(), demo=kiosk.demo_pack(), tokenizer=TOKENIZER)
    return {"seconds": round(done.seconds, 2), "documents": done.counts.get("documents", 0),
            "passages": done.counts.get("passages", 0)}


def page_reader(kiosk):
    """OCR for scanned PDF pages, loaded only when a page needs it; None from it when no recogniser is installed."""

    def read(image) -> list[str] | None:
        from kiosk.engines import ocr

        try:
            engine = kiosk.ocr
        except ocr.OcrUnavailable:
            return None
        return [line.text for line in engine.read(image, budget_s=60.0).lines]

    return read


def _add(args: argparse.Namespace) -> int:
    from kiosk.content.errors import ContentError
    from kiosk.content.publish import store_documents

    library = _library()
    overrides = {k: getattr(args, k) for k in ("title", "doc_number", "issuer", "effective", "expires", "published",
                                                "level")}
    known = store_documents(config.store_path())
    done, failed = [], []
    for path in args.files:
        try:
            imported = library.add(path, overrides, args.by, page_reader(args.kiosk), args.replace, known)
        except ContentError as exc:
            failed.append({"file": path.name, "message": exc.friendly,
                           **({"existing": exc.existing_id} if hasattr(exc, "existing_id") else {})})
            continue
        done.append((path, imported))
    published = _publish(args) if done else None
    if args.json:
        print_json({"ok": not failed, "failed": failed, "published": published,
                    "imported": [{"file": f.name, "id": i.id, "title": i.title, "passages": i.passages,
                                  "replaced": i.replaced or None, "flags": i.flags, "notes": i.notes,
                                  "proposed": i.proposal, "version": i.version} for f, i in done]})
    else:
        for _, i in done:
            print(f"已导入《{i.title}》：编号 {i.id}，{i.passages} 段" + (f"（替换 {i.replaced}）" if i.replaced else ""))
            for line in [*i.flags, *i.notes]:
                print(f"  请核对：{line}")
        for f in failed:
            print(f"未导入：{f['message']}")
        if published:
            print(f"已发布：政策库共 {published['documents']} 份文件、{published['passages']} 段，"
                  f"用时 {published['seconds']} 秒；运行中的一体机会在几秒内换用新内容。")
    return 0 if not failed else 1


def _list(args: argparse.Namespace) -> int:
    entries = _library().entries()
    rows = [{"id": k, "title": v["title"], "doc_number": v.get("doc_number", ""), "original": v["original_name"],
             "format": v["format"], "flags": v.get("flags", [])} for k, v in sorted(entries.items())]
    if args.json:
        print_json({"documents": rows})
        return 0
    if not rows:
        print("还没有导入任何文件（kiosk content add FILE 导入）。")
    for r in rows:
        print(f"{r['id']}  《{r['title']}》 {r['doc_number']}  原件：{r['original']}"
              + ("  [待核对]" if r["flags"] else ""))
    return 0


def _show(args: argparse.Namespace) -> int:
    library = _library()
    meta, cuts = library.cut(args.doc_id)
    entry = library.entries()[args.doc_id]
    if args.json:
        print_json({"id": args.doc_id, "meta": meta, "flags": entry.get("flags", []), "original": entry["original"],
                    "passages": [{"n": n, "article": c.article, "heading": c.heading, "text": c.text}
                                 for n, c in enumerate(cuts, 1)]})
        return 0
    print(f"《{meta.get('title')}》 {meta.get('doc_number', '')}  {meta.get('issuer', '')}")
    for n, c in enumerate(cuts, 1):
        print(f"[{n}] {c.article} {c.heading}".rstrip())
        print(f"    {c.text[:120]}" + ("…" if len(c.text) > 120 else ""))
    return 0


def _history(args: argparse.Namespace) -> int:
    versions = _library().history.versions()
    if args.json:
        print_json({"versions": [{"version": v.number, "who": v.who, "when": v.when, "action": v.action,
                                  "summary": v.summary, "changed": list(v.changed)} for v in versions]})
        return 0
    for v in versions:
        print(f"第 {v.number} 版  {v.when}  {v.who}  {v.summary}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    print(_library().history.diff(args.version))
    return 0


def _rollback(args: argparse.Namespace) -> int:
    version = _library().rollback(args.version, args.by)
    return _done(args, {"version": version.number, "summary": version.summary})


def _remove(args: argparse.Namespace) -> int:
    version = _library().remove(args.doc_id, args.by)
    return _done(args, {"version": version.number if version else None, "summary": f"删除 {args.doc_id}"})


def _passage(args: argparse.Namespace) -> int:
    from kiosk.content import passages

    library = _library()
    meta, cuts = library.cut(args.doc_id)
    index = args.number - 1
    if args.operation == "merge":
        cuts = passages.merge(cuts, index)
    elif args.operation == "split":
        cuts = passages.split(cuts, index, args.at, args.article or "")
    elif args.operation == "edit":
        text = sys.stdin.read() if args.text == "-" else args.text or ""
        cuts = passages.edit_text(cuts, index, text)
    else:
        cuts = passages.retitle(cuts, index, args.heading, args.article)
    count = library.save_cut(args.doc_id, meta, cuts, args.by, f"{args.operation} 第 {args.number} 段《{meta.get('title')}》")
    return _done(args, {"id": args.doc_id, "passages": count})


def _done(args: argparse.Namespace, result: dict) -> int:
    published = _publish(args)
    if args.json:
        print_json({"ok": True, **result, "published": published})
    else:
        print(f"{result.get('summary') or '已保存'}；已发布（{published['seconds']} 秒）。")
    return 0


def _conditions(args: argparse.Namespace) -> int:
    from kiosk.content.drafting import accept, draft_rule, to_yaml

    store = args.kiosk.store
    document = store.document(args.doc_id)
    if document is None:
        from kiosk.content.errors import ContentError

        raise ContentError(f"政策库里没有编号为“{args.doc_id}”的文件。")
    draft = draft_rule(document.id, document.title, store.passages(document.id))
    if args.accept:
        rel = accept(_library(), draft, args.by)
        return _done(args, {"summary": f"已采用，保存为 {rel}", "file": rel})
    if args.json:
        print_json(draft)
    else:
        print(to_yaml(draft))
    return 0
