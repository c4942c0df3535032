"""`kiosk match`: which policies fit an enterprise and why; the district batch and its push outbox."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.cli.terminal import KioskError, print_json


def register(sub) -> None:
    p = sub.add_parser("match", help="政策匹配：营业执照或企业画像 → 可享受的政策及原因；全区批量推送",
                       description="按政策条件匹配企业，逐条说明满足、不满足或待确认，并给出追问。")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--scan", metavar="IMAGE", help="营业执照照片")
    src.add_argument("--profile", metavar="FILE", help="企业画像 JSON（也可用 kiosk scan --json 的输出）")
    src.add_argument("--batch", action="store_true", help="全区企业库批量匹配并生成推送短信")
    src.add_argument("--outbox", action="store_true", help="查看推送发件箱")
    src.add_argument("--check", action="store_true", help="检查 policies_db/conditions 与演示内容中的条件文件")
    p.add_argument("--answer", metavar="KEY=VALUE", action="append", default=[],
                   help="回答追问，如 rd_ratio=4.2 或 qual_gaoxin=是（可重复）")
    p.add_argument("--all", action="store_true", help="文本输出中也列出不符合的政策及原因")
    p.add_argument("--rules", metavar="DIR", help="从条件文件夹读取（默认：内容库，未建库时读 policies_db/conditions）")
    p.add_argument("--size", type=int, help="批量：企业数（默认 176000，生成的样例企业库）")
    p.add_argument("--seed", type=int, default=2026, help="批量：样例企业库的随机种子")
    p.add_argument("--full", action="store_true", help="批量：全部政策重新匹配（默认只匹配新增或修改的政策）")
    p.add_argument("--no-notify", action="store_true", help="批量：只统计，不写推送发件箱")
    p.add_argument("--limit", type=int, default=5, help="发件箱：显示最近几条")
    p.add_argument("--today", type=_day, help="按这一天判断政策是否有效、申报是否开放（YYYY-MM-DD，默认今天）")
    p.add_argument("--json", action="store_true", help="JSON 输出")
    p.set_defaults(func=run)


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，而不是“{text}”") from None


def run(args: argparse.Namespace) -> int:
    if args.check:
        return _check(args)
    if args.outbox:
        return _outbox(args)
    rules = _rules(args)
    if args.batch:
        return _batch(args, rules)
    return _match(args, rules)


def _documents(args: argparse.Namespace) -> dict:
    """The store's documents by id, which say when each policy applies; none without a store."""
    if not args.kiosk.store_built():
        return {}
    return {d.id: d for d in args.kiosk.store.documents()}


def _rules(args: argparse.Namespace):
    from kiosk.policy.conditions import default_dirs, load_dir, load_store

    if args.rules:
        folder = Path(args.rules)
        if not folder.is_dir():
            raise KioskError(f"找不到条件文件夹：{folder}")
        ruleset = load_dir(folder)
    elif args.kiosk.store_built():
        from kiosk.policy.conditions import CONDITIONS_DIR, DEMO_CONDITIONS_DIR

        store = args.kiosk.store
        ruleset = load_store(store)
        if CONDITIONS_DIR.is_dir():
            folders = [CONDITIONS_DIR, *([DEMO_CONDITIONS_DIR] if store.has_demo_content() else [])]
            folder = load_dir(folders, check_docs=False)
            if {r.digest for r in folder.rules} != {r.digest for r in ruleset.rules}:
                print("提示：内容库中的政策条件与 policies_db/conditions 不一致，请运行 kiosk db build 更新"
                      "（或用 --rules policies_db/conditions 直接读取文件夹）。", file=sys.stderr)
    else:
        ruleset = load_dir(default_dirs(args.kiosk.settings.demo_content))
    for err in ruleset.errors:
        print(f"警告：{err}", file=sys.stderr)
    if not ruleset.rules:
        raise KioskError("没有可用的政策条件。请检查 policies_db/conditions（kiosk match --check）。")
    return ruleset


def _load_profile(args: argparse.Namespace):
    from kiosk.policy.profile import EnterpriseProfile, profile_from_scan

    if args.scan:
        path = Path(args.scan)
        if not path.is_file():
            raise KioskError(f"找不到图片：{path}")
        from kiosk.documents.scan import ScanError, scan_image
        from kiosk.engines.ocr import OcrUnavailable

        try:
            result = scan_image(path, args.kiosk.ocr)
        except (ScanError, OcrUnavailable) as exc:
            raise KioskError(exc.friendly) from exc
        if result.kind != "business_licence":
            raise KioskError("这张图片没有识别出营业执照。请把营业执照正本或副本平放、对准镜头后再试一次。")
        for warning in result.warnings:
            print(f"提示：{warning}", file=sys.stderr)
        if not result.credit_code_valid:
            print("提示：统一社会信用代码校验未通过，请核对执照；以下结果仅供参考。", file=sys.stderr)
        return profile_from_scan(result)
    path = Path(args.profile)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KioskError(f"找不到企业画像文件：{path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KioskError(f"企业画像文件不是有效的 JSON：{path}（{exc}）") from None
    if not isinstance(data, dict):
        raise KioskError("企业画像文件应是一个 JSON 对象，如 {\"tags\": [...], \"facts\": {...}}")
    try:
        return EnterpriseProfile.from_dict(data)
    except ValueError as exc:
        raise KioskError(f"企业画像文件有误：{exc}") from None


def _match(args: argparse.Namespace, ruleset) -> int:
    from kiosk.policy.eligibility import Matcher, answer

    profile = _load_profile(args)
    for item in args.answer:
        key, sep, value = item.rpartition("=")
        if not sep:
            raise KioskError(f"--answer 的格式是 键=值，如 rd_ratio=4.2，不是“{item}”")
        try:
            answer(profile, key.strip(), value.strip())
        except ValueError as exc:
            raise KioskError(f"无法记录回答“{item}”：{exc}") from None
    matches = Matcher(ruleset, today=args.today, documents=_documents(args)).match(profile)
    if args.json:
        from kiosk.policy.eligibility import best_questions

        print_json({"profile": profile.to_dict(), "matches": [m.to_dict() for m in matches],
                    "ask_first": [{**q.to_dict(), "settles": n} for q, n in best_questions(matches)]})
        return 0
    print(_render(profile, matches, args.all))
    return 0


_MARK = {"met": "✔", "not_met": "✘", "unknown": "?"}
_HEAD = {"met": "符合条件", "one_step": "再回答一个问题即可确定", "unknown": "还需确认几项"}


def _render(profile, matches, show_all: bool) -> str:
    from kiosk.policy.eligibility import best_questions
    from kiosk.policy.profile import SOURCE_NAMES
    from kiosk.policy.taxonomy import load_taxonomy
    from kiosk.policy.values import show

    tax = load_taxonomy()
    lines = [f"企业：{profile.name or '（未填写名称）'}" + (f"（{profile.credit_code}）" if profile.credit_code else "")]
    known = [f"{tax.tags[t].name}（{SOURCE_NAMES[f.source]}）" for t, f in profile.tags.items()
             if f.value and t in tax.tags and tax.tags[t].category != "industry_section"]
    for key, fact in profile.facts.items():
        spec = tax.facts.get(key)
        value = show(fact.value, spec.unit) if spec and spec.kind == "number" else fact.value
        known.append(f"{spec.name if spec else '所在地区'} {value}（{SOURCE_NAMES[fact.source]}）")
    lines.append("已知：" + ("、".join(known) if known else "暂无"))
    offered = [m for m in matches if m.availability.offered]
    for status in ("met", "one_step", "unknown"):
        group = [m for m in offered if m.status == status]
        if not group:
            continue
        lines += ["", f"【{_HEAD[status]}】{len(group)} 项"]
        for k, m in enumerate(group, 1):
            lines += _render_match(k, m, detail=status != "unknown")
    ask_first = best_questions(matches)
    if ask_first:
        lines += ["", "【建议先回答】"]
        for q, settles in ask_first:
            gain = f"（可确定 {settles} 项政策）" if settles else ""
            lines.append(f"   问：{q.text}{gain}  （回答：--answer {q.key}=…）")
    over = [m for m in matches if not m.availability.offered and m.status != "not_met"]
    if over:  # they would fit, but can no longer be applied for: said so, with the date
        lines += ["", f"【已失效或申报已截止】{len(over)} 项"]
        lines += [f"{k}. {m.title}" + (f" · {m.item}" if m.item else "") + f"：{m.availability.note}"
                  for k, m in enumerate(over, 1)]
    failed = [m for m in offered if m.status == "not_met"]
    if failed:
        lines += ["", f"【不符合】{len(failed)} 项" + ("" if show_all else "（加 --all 查看原因）")]
        if show_all:
            for k, m in enumerate(failed, 1):
                lines += _render_match(k, m, detail=True, only_failed=True)
    return "\n".join(lines)


def _render_match(k: int, m, detail: bool, only_failed: bool = False) -> list[str]:
    from kiosk.store.demo import sample_title

    lines = [f"{k}. {sample_title(m.title, m.sample)}" + (f" · {m.item}" if m.item else "")]
    if detail:
        for c in m.conditions:
            if only_failed and c.status != "not_met":
                continue
            lines.append(f"   {_MARK[str(c.status)]} {c.text}：{c.explanation or c.status}")
    for q in m.questions:
        lines.append(f"   问：{q.text}  （回答：--answer {q.key}=…）")
    if m.status in ("met", "one_step"):
        lines.append(f"   怎么申请：{m.how_to_apply}")
    if m.availability.note:
        lines.append(f"   申报时间：{m.availability.note}")
    return lines


def _batch(args: argparse.Namespace, ruleset) -> int:
    from kiosk.policy.batch import BatchMatcher, load_or_generate

    if args.size is not None and args.size < 1:
        raise KioskError("--size 应为正整数")
    register = load_or_generate(size=args.size, seed=args.seed)
    report = BatchMatcher(register).run(ruleset.rules, full=args.full, notify=not args.no_notify,
                                        documents=_documents(args), today=args.today)
    if args.json:
        print_json(report.to_dict())
        return 0
    print(f"企业库：{report.enterprises} 家（{report.register}）；政策 {len(report.rules)} 项，"
          f"重新匹配 {report.rematched} 项，沿用上次结果 {report.reused} 项，移除 {report.removed} 项；"
          f"用时 {report.seconds:.2f} 秒；新增推送 {report.notified} 条")
    print(f"{'符合':>8} {'差一问':>8} {'待确认':>8} {'新推送':>8}  政策")
    for r in sorted(report.rules, key=lambda r: -r.met):
        print(f"{r.met:>8} {r.one_step:>8} {r.unknown:>8} {r.notified:>8}  {r.title}"
              + ("" if r.rematched else "（未改动）") + (f"（{r.note}，不推送）" if r.note else ""))
    return 0


def _outbox(args: argparse.Namespace) -> int:
    from kiosk.policy.outbox import Outbox

    box = Outbox()
    stats = box.stats()
    recent = box.read(limit=max(args.limit, 0) or None) if args.limit else []
    if args.json:
        print_json({**stats, "recent": recent})
        return 0
    print(f"发件箱：{stats['path']}，共 {stats['total']} 条，待发送 {stats['pending']} 条")
    for note in recent:
        print(f"  → {note.get('enterprise', '')}：{note.get('text', '')}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kiosk import config
    from kiosk.policy.conditions import CONDITIONS_DIR, DEMO_CONDITIONS_DIR, load_dir, uncovered
    from kiosk.policy.eligibility import check_examples

    folder = Path(args.rules) if args.rules else CONDITIONS_DIR
    staff = config.content_dir() / "source" / "conditions"  # rules staff accepted with `kiosk content conditions`
    ruleset = load_dir(folder if args.rules else [CONDITIONS_DIR, DEMO_CONDITIONS_DIR,
                                                  *([staff] if staff.is_dir() else [])])
    ruleset.errors.extend(check_examples(ruleset.rules))
    missing = uncovered(ruleset.rules, folder)
    if args.json:
        print_json({"rules": len(ruleset.rules), "conditions": sum(len(r.leaves()) for r in ruleset.rules),
                    "errors": ruleset.errors, "documents_without_conditions": missing})
    else:
        for err in ruleset.errors:
            print(err)
        if missing:
            print("尚未编写条件、也未在 README 说明原因的文件：" + "、".join(missing))
        print(f"{len(ruleset.rules)} 项政策、{sum(len(r.leaves()) for r in ruleset.rules)} 个条件通过检查，"
              f"{len(ruleset.errors)} 处错误")
    return 1 if ruleset.errors else 0
