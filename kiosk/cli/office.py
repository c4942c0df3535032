"""`kiosk office`: the district's web office — first administrator, accounts, and the server."""

from __future__ import annotations

import argparse
import sys

from kiosk.cli.terminal import KioskError

MAX_PASSWORD_BYTES = 1024


def register(sub) -> None:
    p = sub.add_parser("office", help="部门和镇街的网上办公台、企业服务晴雨表")
    os_ = p.add_subparsers(dest="office_command", metavar="ACTION")
    p.set_defaults(func=lambda args: p.print_help() or 2)

    s = os_.add_parser("init", help="第一次使用：创建中心管理员（密码从标准输入读取）")
    s.add_argument("--admin", required=True, help="管理员用户名")
    s.add_argument("--password-stdin", action="store_true", required=True, help="从标准输入读取密码")
    s.set_defaults(func=_init)

    s = os_.add_parser("user", help="账号管理")
    us = s.add_subparsers(dest="user_command", metavar="ACTION")
    s.set_defaults(func=lambda args: s.print_help() or 2)
    a = us.add_parser("add", help="添加账号（密码从标准输入读取）")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=["centre", "department", "street", "editor", "leader"])
    a.add_argument("--unit", default="", help="所属单位编号，例如 street_cuiyuan、sec_talent、unit_rsj")
    a.add_argument("--password-stdin", action="store_true", required=True, help="从标准输入读取密码")
    a.set_defaults(func=_user_add)

    s = os_.add_parser("kiosk", help="各大厅一体机的接入凭证：添加、列出、停用")
    ks = s.add_subparsers(dest="kiosk_command", metavar="ACTION")
    s.set_defaults(func=lambda args: s.print_help() or 2)
    k = ks.add_parser("add", help="接入一台一体机：凭证只显示这一次")
    k.add_argument("name", help="大厅或一体机名称，例如 hall_xixi")
    k.set_defaults(func=_kiosk_add)
    k = ks.add_parser("list", help="列出已接入的一体机")
    k.set_defaults(func=_kiosk_list)
    k = ks.add_parser("revoke", help="停用一台一体机的凭证")
    k.add_argument("name")
    k.set_defaults(func=_kiosk_revoke)

    s = os_.add_parser("digest", help="把各单位今日待办摘要放入发件箱（每天运行一次，重复运行不重复发送）")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_digest)

    s = os_.add_parser("report", help="生成给中心领导的晴雨表周报（PDF）")
    s.add_argument("--week", help="周次，例如 2026-W05；不填则为上一个完整的周")
    s.add_argument("--out", required=True, help="PDF 文件保存到哪里，例如 周报.pdf")
    s.set_defaults(func=_report)

    s = os_.add_parser("copy-to", help="把本机办公台的工单、账号和问答记录复制到 PostgreSQL 数据库（换用数据库服务器时）")
    s.add_argument("database", help="PostgreSQL 数据库地址，例如 postgresql://office:密码@db.example/kiosk")
    s.set_defaults(func=_copy_to)

    s = os_.add_parser("serve", help="启动办公台网站")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8700)
    s.set_defaults(func=_serve)


def _password() -> str:
    data = sys.stdin.buffer.read(MAX_PASSWORD_BYTES + 1)
    if len(data) > MAX_PASSWORD_BYTES:
        raise KioskError("密码太长。")
    try:
        return data.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise KioskError("密码不是 UTF-8 文本。") from None


def _init(args: argparse.Namespace) -> int:
    from kiosk.office.accounts import Accounts

    accounts = Accounts(args.kiosk.settings.office_database or None)
    if accounts.has_users():
        raise KioskError("办公台已经初始化过了；添加账号请用 kiosk office user add。")
    accounts.add_user(args.admin, _password(), "centre", by="kiosk office init")
    print(f"已创建中心管理员 {args.admin}。用 kiosk office serve 启动办公台。")
    return 0


def _user_add(args: argparse.Namespace) -> int:
    from kiosk.office.accounts import UNIT_KINDS, Accounts

    accounts = Accounts(args.kiosk.settings.office_database or None)
    if not accounts.has_users():
        raise KioskError("请先用 kiosk office init --admin 名字 --password-stdin 创建管理员。")
    if args.unit:
        kinds = {d.id: d.kind for d in args.kiosk.departments()}
        if args.unit not in kinds:
            raise KioskError(f"没有单位“{args.unit}”，请用部门文件中的编号，例如 street_cuiyuan、sec_talent。")
        allowed = UNIT_KINDS.get(args.role)
        if allowed and kinds[args.unit] not in allowed:
            raise KioskError(f"{args.unit} 不是{'镇街' if args.role == 'street' else '部门或专区'}，与角色 {args.role} 不符。")
    accounts.add_user(args.name, _password(), args.role, args.unit, by="kiosk office user add")
    print(f"已添加账号 {args.name}（{args.role}{' ' + args.unit if args.unit else ''}）。")
    return 0


def _registry(args: argparse.Namespace):
    """The office's accounts (for the audit log) and its kiosk tokens, once the administrator exists."""
    from kiosk.office.accounts import Accounts
    from kiosk.office.kiosk_tokens import KioskTokens

    accounts = Accounts(args.kiosk.settings.office_database or None)
    if not accounts.has_users():
        raise KioskError("请先用 kiosk office init --admin 名字 --password-stdin 创建管理员。")
    return accounts, KioskTokens(accounts.path)


def _kiosk_add(args: argparse.Namespace) -> int:
    accounts, kiosks = _registry(args)
    token = kiosks.add(args.name)
    accounts.audit("kiosk office kiosk add", "", "kiosk.add", args.name)
    print(f"已接入一体机 {args.name}。凭证只显示这一次，请写入该一体机数据目录的 config.toml：")
    print(f'office_token = "{token}"')
    return 0


def _kiosk_list(args: argparse.Namespace) -> int:
    records = _registry(args)[1].records()
    if not records:
        print("还没有接入一体机。用 kiosk office kiosk add 名称 接入。")
    for r in records:
        state = "有效" if r.active else f"已停用（{r.revoked_at[:16].replace('T', ' ')}）"
        print(f"{r.name}  {state}  凭证签发于 {r.created_at[:16].replace('T', ' ')}")
    return 0


def _kiosk_revoke(args: argparse.Namespace) -> int:
    accounts, kiosks = _registry(args)
    kiosks.revoke(args.name)
    accounts.audit("kiosk office kiosk revoke", "", "kiosk.revoke", args.name)
    print(f"已停用一体机 {args.name} 的凭证；它已推送的事项仍在办公台。")
    return 0


def _digest(args: argparse.Namespace) -> int:
    from kiosk.cli.terminal import print_json
    from kiosk.office.digest import queue_digests

    digests = queue_digests(args.kiosk.office_request_service())
    for d in digests:
        print_json(d) if args.json else print(d["message"])
    if not digests and not args.json:
        print("今天没有单位有在办事项。")
    return 0


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kiosk.office import barometer, report_pdf
    from kiosk.office.questionlog import QuestionLog

    service = args.kiosk.office_request_service()
    today = service.clock().date()
    try:
        monday = report_pdf.parse_week(args.week) if args.week else report_pdf.last_week(today)
    except report_pdf.BadWeek as exc:
        raise KioskError(exc.friendly) from None
    questions = QuestionLog(args.kiosk.settings.office_database or None, args.kiosk.settings.question_log_days)
    b = barometer.collect_week(service, questions, monday)
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(report_pdf.render(b, monday, today))
    except OSError as exc:
        raise KioskError(f"无法保存到 {out}：{exc.strerror or exc}。") from None
    week = report_pdf.week_name(monday)
    print(f"已生成 {week} 周报：{out}（诉求 {b.requests} 件，问答 {b.questions} 次）。")
    return 0


def _copy_to(args: argparse.Namespace) -> int:
    from kiosk import config, sqldb
    from kiosk.office.to_postgres import copy_office

    if not sqldb.is_postgres(args.database):
        raise KioskError("数据库地址应以 postgresql:// 开头，例如 postgresql://office:密码@db.example/kiosk。")
    copied = copy_office(config.data_dir(), args.database, args.kiosk.settings.question_log_days)
    print(f"已复制到 PostgreSQL（{sqldb.redacted(args.database)}）：工单库 {copied['requests']:,} 行，"
          f"账号库 {copied['office']:,} 行，问答记录库 {copied['questions']:,} 行。")
    print("在本机数据目录的 config.toml 中写入 office_database = \"该地址\"，再重新启动办公台；本机的文件未被改动。")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from kiosk.cli.content import page_reader
    from kiosk.office.contentdesk import ContentDesk
    from kiosk.office.server import serve

    if not 1 <= args.port <= 65535:
        raise KioskError("端口应为 1 到 65535 之间的数字。")
    print(f"办公台：http://{args.host}:{args.port}/login （Ctrl+C 停止）", flush=True)
    # the editors publish into the kiosk's own store, with the demo pack it was built with and the same OCR
    content = ContentDesk.here(args.kiosk.store_path, args.kiosk.demo_pack(), page_reader(args.kiosk))
    settings = args.kiosk.settings
    serve(args.kiosk.office_request_service(), settings.question_log_days, args.host, args.port, content,
          settings.office_database)
    return 0
