"""`kiosk request`: submit an enterprise's request, check its progress, and the staff's handling commands."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from kiosk.cli.terminal import KioskError, print_json
from kiosk.requests.lifecycle import LABELS


def register(sub) -> None:
    p = sub.add_parser("request", help="企业诉求：提交、查询进度、接单办结、评价、催办、统计")
    rs = p.add_subparsers(dest="request_command", metavar="ACTION")
    p.set_defaults(func=lambda args: p.print_help() or 2)
    as_json = argparse.ArgumentParser(add_help=False)  # options several actions share
    as_json.add_argument("--json", action="store_true", help="输出 JSON")
    handled = argparse.ArgumentParser(add_help=False)
    handled.add_argument("--by", default="工作人员", help="经办人")
    handled.add_argument("--note", default="", help="说明")

    s = rs.add_parser("submit", help="提交诉求，自动拆分事项并派单", parents=[as_json])
    s.add_argument("--text", required=True, help="诉求内容")
    s.add_argument("--company", required=True, help="企业名称")
    s.add_argument("--phone", required=True, help="联系手机或带区号的固话")
    s.add_argument("--address", default="", help="企业地址（属地事项据此派给镇街）")
    s.add_argument("--channel", default="cli", help="来源：kiosk-voice | kiosk-text | form | cli")
    s.add_argument("--no-consent", action="store_true", help="企业不同意记录联系方式并转交部门")
    s.add_argument("--qr", type=Path, metavar="PNG", help="把工单二维码存为 PNG")
    s.add_argument("--llm", action="store_true", help="用本地大模型拆分事项（较慢；未安装时用规则）")
    s.set_defaults(func=_submit)

    s = rs.add_parser("status", help="凭工单号和手机号后四位查询进度", parents=[as_json])
    s.add_argument("ticket")
    s.add_argument("--phone-last4", required=True)
    s.set_defaults(func=_status)

    s = rs.add_parser("list", help="列出事项（工作人员）", parents=[as_json])
    s.add_argument("--state", help="submitted|dispatched|accepted|in_progress|resolved|rated|closed")
    s.add_argument("--section", help="专区编号，如 sec_talent")
    s.add_argument("--department", help="部门编号，如 unit_rsj、street_xixi")
    s.add_argument("--overdue", action="store_true", help="只看超期未办结的")
    s.set_defaults(func=_list)

    for action, help_text in (("accept", "接单"), ("start", "开始办理"), ("resolve", "办结"), ("close", "关闭")):
        s = rs.add_parser(action, help=f"{help_text}（工单号或事项号，如 XH20261123-0042-1）", parents=[handled, as_json])
        s.add_argument("ref")
        s.set_defaults(func=_act, action=action)

    s = rs.add_parser("transfer", help="转派给其他部门或下沉到镇街", parents=[handled, as_json])
    s.add_argument("ref")
    s.add_argument("--to", required=True, dest="department", help="部门编号")
    s.set_defaults(func=_transfer)

    s = rs.add_parser("note", help="添加办理备注")
    s.add_argument("ref")
    s.add_argument("text")
    s.add_argument("--by", default="工作人员")
    s.set_defaults(func=_note)

    s = rs.add_parser("rate", help="企业评价（1-5分，1-2分将重新办理）", parents=[as_json])
    s.add_argument("ref")
    s.add_argument("--phone-last4", required=True)
    s.add_argument("--score", type=int, required=True)
    s.add_argument("--comment", default="")
    s.set_defaults(func=_rate)

    s = rs.add_parser("remind", help="无参数：超期催办与升级督办；带工单号：企业催单", parents=[as_json])
    s.add_argument("ref", nargs="?")
    s.add_argument("--phone-last4")
    s.set_defaults(func=_remind)

    s = rs.add_parser("stats", help="各部门办理情况：按时办结率、平均评分", parents=[as_json])
    s.set_defaults(func=_stats)

    s = rs.add_parser("export", help="把待同步记录追加导出为 JSON lines")
    s.add_argument("file", type=Path)
    s.set_defaults(func=_export)

    s = rs.add_parser("push", help="把待同步记录推送到区平台")
    s.add_argument("--endpoint", help="默认取 config.toml 的 push_endpoint")
    s.set_defaults(func=_push)

    s = rs.add_parser("sync", help="与区办公台同步：推送本厅的诉求记录，取回办理进度和答复")
    s.add_argument("--office", help="区办公台地址，默认取 config.toml 的 office_url（凭证只从 office_token 读取）")
    s.set_defaults(func=_sync)

    s = rs.add_parser("import", help="导入区平台的状态更新（JSON lines）")
    s.add_argument("file", type=Path)
    s.set_defaults(func=_import)


def _service(args: argparse.Namespace, use_llm: bool = False):
    """The kiosk's request service; with ``use_llm`` one whose requests the local language model splits."""
    kiosk = args.kiosk
    llm = None
    if use_llm:
        from kiosk.engines.llm import try_load

        llm, why = try_load(kiosk.settings.llm_model)
        if llm is None:
            print(f"大模型不可用（{why}），改用规则拆分。", file=sys.stderr)
    return kiosk.request_service(llm)


def _date(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M")


def _submit(args: argparse.Namespace) -> int:
    from kiosk.requests.service import SubmitForm
    from kiosk.requests.ticket_qr import qr_ascii, qr_png

    svc = _service(args, use_llm=args.llm)
    form = SubmitForm(args.text, args.company, args.phone, args.address, args.channel, consent=not args.no_consent)
    receipt = svc.submit(form)
    if args.qr:
        qr_png(receipt.qr_text, args.qr)
    if args.json:
        print_json(receipt.to_dict())
        return 0
    print(receipt.message)
    for item in receipt.items:
        print(f"  {item.ref}  {item.text}")
        print(f"      → {svc.department_name(item.department)}  {item.state_label}  时限 {_date(item.due_at)}")
    print(qr_ascii(receipt.qr_text))
    return 0


def _status(args: argparse.Namespace) -> int:
    svc = _service(args)
    view = svc.status(args.ticket, args.phone_last4, source="cli")
    now = svc.clock()
    if args.json:
        print_json({
            "ticket": view.ticket,
            "company": view.company,
            "phone": view.phone_masked,
            "created_at": view.created_at.isoformat(timespec="minutes"),
            "items": [i.to_dict(now) | {"department_name": svc.department_name(i.department)} for i in view.items],
            "events": [
                {"at": e.at.isoformat(timespec="minutes"), "item": e.item_ref, "actor": e.actor, "action": e.action,
                 "state": e.to_state, "note": e.note}
                for e in view.events
            ],
        })
        return 0
    print(f"工单 {view.ticket}  {view.company}  {view.phone_masked}  提交于 {_date(view.created_at)}")
    for i in view.items:
        late = "（已超期）" if i.is_overdue(now) else ""
        print(f"  {i.ref}  {i.state_label}{late}  {svc.department_name(i.department)}  时限 {_date(i.due_at)}")
        print(f"      {i.text}")
    print("办理记录：")
    for e in view.events:
        state = f" → {LABELS.get(e.to_state, e.to_state)}" if e.to_state else ""
        print(f"  {_date(e.at)}  {e.item_ref}  {e.actor}  {e.action}{state}  {e.note}")
    return 0


def _list(args: argparse.Namespace) -> int:
    svc = _service(args)
    items = svc.list_items(args.state, args.section, args.department, args.overdue)
    now = svc.clock()
    if args.json:
        print_json([i.to_dict(now) for i in items])
        return 0
    if not items:
        print("没有符合条件的事项。")
        return 0
    table = _table("事项号", "状态", "专区", "承办部门", "时限", "内容")
    for i in items:
        state = i.state_label + (" 超期" if i.is_overdue(now) else "") + (f" 督办{i.escalation}级" if i.escalation else "")
        table.add_row(i.ref, state, i.section or "-", svc.department_name(i.department), _date(i.due_at), i.text[:30])
    _print_table(table)
    return 0


def _table(*columns: str):
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for c in columns:
        table.add_column(c)
    return table


def _print_table(table) -> None:
    from rich.console import Console

    Console(width=160).print(table)


def _print_items(items, as_json: bool, now: datetime) -> None:
    if as_json:
        print_json([i.to_dict(now) for i in items])
        return
    for i in items:
        print(f"{i.ref}  {i.state_label}  {i.department}  时限 {_date(i.due_at)}")


def _act(args: argparse.Namespace) -> int:
    svc = _service(args)
    _print_items(svc.act(args.ref, args.action, args.by, args.note), args.json, svc.clock())
    return 0


def _transfer(args: argparse.Namespace) -> int:
    svc = _service(args)
    _print_items(svc.transfer(args.ref, args.department, args.by, args.note), args.json, svc.clock())
    return 0


def _note(args: argparse.Namespace) -> int:
    svc = _service(args)
    items = svc.note(args.ref, args.text, args.by)
    print(f"已添加备注：{', '.join(i.ref for i in items)}")
    return 0


def _rate(args: argparse.Namespace) -> int:
    svc = _service(args)
    items = svc.rate(args.ref, args.phone_last4, args.score, args.comment, source="cli")
    if args.json:
        print_json([i.to_dict(svc.clock()) for i in items])
        return 0
    if args.score <= 2:
        print("感谢您的评价。我们已安排重新办理，承办部门会尽快和您联系。")
    else:
        print("感谢您的评价！")
    return 0


def _remind(args: argparse.Namespace) -> int:
    svc = _service(args)
    if args.ref:
        if not args.phone_last4:
            raise KioskError("企业催单请同时提供登记手机号的后四位（--phone-last4）。")
        items = svc.chase(args.ref, args.phone_last4, source="cli")
        if args.json:
            print_json([i.to_dict(svc.clock()) for i in items])
        else:
            print(f"已为您催办，承办部门会尽快处理：{', '.join(i.ref for i in items)}")
        return 0
    done = svc.sweep()
    if args.json:
        print_json([{"item": ref, "action": action} for ref, action in done])
        return 0
    labels = {"remind": "催办", "escalate": "升级督办", "close": "自动关闭"}
    for ref, action in done:
        print(f"{ref}  {labels[action]}")
    print(f"共处理 {len(done)} 项。")
    return 0


def _stats(args: argparse.Namespace) -> int:
    svc = _service(args)
    rows = svc.stats()
    if args.json:
        print_json([r.to_dict() | {"name": svc.department_name(r.department)} for r in rows])
        return 0
    table = _table("部门", "总数", "在办", "超期", "办结", "按时办结率", "平均评分")
    for r in rows:
        rate = "-" if r.on_time_rate is None else f"{r.on_time_rate:.0%}"
        avg = "-" if r.average_rating is None else f"{r.average_rating:.1f}"
        table.add_row(svc.department_name(r.department), *(str(x) for x in (r.total, r.open, r.overdue, r.resolved)),
                      rate, avg)
    _print_table(table)
    return 0


def _export(args: argparse.Namespace) -> int:
    from kiosk.requests.outbox import export_jsonl

    n = export_jsonl(_service(args), args.file)
    print(f"已导出 {n} 条记录到 {args.file}")
    return 0


def _push(args: argparse.Namespace) -> int:
    from kiosk.requests.outbox import pending, push

    endpoint = args.endpoint or args.kiosk.settings.push_endpoint
    svc = _service(args)
    report = push(svc, endpoint)
    print(f"推送成功 {report.sent} 条，失败 {report.failed} 条，仍待推送 {pending(svc)['unpushed']} 条（下次再推）。")
    for e in report.errors[:10]:
        print(f"  {e}")
    return 0 if not report.failed else 1


def _sync(args: argparse.Namespace) -> int:
    from kiosk.office.questionlog import open_log
    from kiosk.requests.office_sync import sync

    settings = args.kiosk.settings
    questions = open_log(settings.question_log_days)  # as the kiosk opens it: the barometer counts its rows
    try:
        report = sync(_service(args), args.office or settings.office_url, settings.office_token, questions)
    finally:
        if questions is not None:
            questions.close()
    print(f"已推送 {report.sent} 条（办公台已有 {report.duplicates} 条），被拒收 {report.refused} 条；"
          f"提问记录送出 {report.turns_sent} 条；取回办理进度 {report.applied} 条。")
    for e in [*report.errors[:10], *report.notes]:
        print(f"  {e}")
    return 0 if not report.errors else 1


def _import(args: argparse.Namespace) -> int:
    from kiosk.requests.outbox import import_updates

    report = import_updates(_service(args), args.file)
    print(f"已导入 {report.applied} 条，重复跳过 {report.duplicates} 条，出错 {len(report.errors)} 条。")
    for e in report.errors[:20]:
        print(f"  {e}")
    return 0 if not report.errors else 1
