"""The web office (Starlette, server-rendered Jinja2 pages, no JavaScript): login, the work queue, one item and
its actions, the barometer with CSV and XLSX export, the weekly PDF report and FAQ drafts, and the same data as
JSON for scripts. The editors'
content pages are in ``content_pages``, ``content_forms`` and ``content_conditions``; what every page shares is in ``web``.

Every handler is ``async`` and does its (short) SQLite work inline, so requests run one at a time on the event
loop and the request file's single connection is never used by two threads; only the deliberately slow password
check of a login runs on a worker thread (the accounts file is locked around each statement), as do reading an
uploaded file and publishing, which touch no office connection. Access is checked in ``Work`` for items and by
role here for pages; CSRF tokens guard every form and API change made with a session. The halls' kiosks use
``/api/kiosk/*`` (in ``hall_routes``) with a bearer token of their own instead.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kiosk.errors import STORAGE, FriendlyError, storage_message
from kiosk.office import barometer as figures
from kiosk.office import charts, content_conditions, content_forms, content_pages, export, hall_routes, report_pdf
from kiosk.office.accounts import AccountError, Accounts, Session
from kiosk.office.contentdesk import ContentDesk
from kiosk.office.kiosk_tokens import KioskTokens
from kiosk.office.questionlog import QuestionLog
from kiosk.office.web import (
    COOKIE,
    FORBIDDEN,
    HEADERS,
    HERE,
    LOGIN_COOKIE,
    NOT_FOUND,
    Office,
    Problem,
    address,
    api,
    json_body,
    need,
    office,
    page,
    read_form,
)
from kiosk.office.work import ACTIONS, BUCKETS, Forbidden, NotFound, Work
from kiosk.requests.lifecycle import InvalidTransition
from kiosk.requests.service import RequestService

log = logging.getLogger(__name__)
DONE = {"accept": "已接单。", "note": "备注已添加。", "transfer": "已转派。", "resolve": "已办结，答复已送达企业。"}
REFUSED = (FriendlyError, InvalidTransition)  # both carry words for the officer in .friendly
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _days(request: Request) -> int:
    raw = request.query_params.get("days", str(figures.DEFAULT_DAYS))
    if not raw.isdigit() or not 1 <= int(raw) <= figures.MAX_DAYS:
        raise Problem(400, f"统计天数应为 1 到 {figures.MAX_DAYS} 之间的整数。")
    return int(raw)


def _bucket(request: Request) -> str:
    bucket = request.query_params.get("bucket", "open")
    if bucket not in BUCKETS:
        raise Problem(400, f"没有这个队列，可选：{'、'.join(BUCKETS)}。")
    return bucket


def _barometer(request: Request, session: Session) -> figures.Barometer:
    if not session.user.sees_barometer:
        raise Forbidden
    o = office(request)
    return figures.collect(o.work.service, o.questions, _days(request))


# -- pages -------------------------------------------------------------------------------------------------
async def home(request: Request) -> Response:
    session = need(request)
    return RedirectResponse("/queue" if session.user.sees_items else "/barometer", 303)


async def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", csrf=token, error="")
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=office(request).secure_cookies)
    return response


async def login_form(request: Request) -> Response:
    form = await read_form(request, None)
    try:
        session = await run_in_threadpool(office(request).accounts.login, form.get("username", ""),
                                          form.get("password", ""), address(request))
    except AccountError as exc:
        token = request.cookies.get(LOGIN_COOKIE, "")
        return page(request, "login.html", 400, csrf=token, error=exc.friendly)
    response = RedirectResponse("/", 303)
    _set_session(request, response, session)
    return response


def _set_session(request: Request, response: Response, session: Session) -> None:
    response.set_cookie(COOKIE, session.token, httponly=True, samesite="strict", secure=office(request).secure_cookies)


async def logout(request: Request) -> Response:
    session = need(request)
    await read_form(request, session)
    office(request).accounts.logout(session.token)
    office(request).accounts.audit(session.user.name, address(request), "logout", "")
    response = RedirectResponse("/login", 303)
    response.delete_cookie(COOKIE)
    return response


async def queue_page(request: Request) -> Response:
    session = need(request)
    view = office(request).work.queue(session.user, _bucket(request))
    return page(request, "queue.html", view=view)


async def item_page(request: Request) -> Response:
    session = need(request)
    o = office(request)
    item = o.work.item(session.user, request.path_params["ref"])
    done = DONE.get(request.query_params.get("done", ""), "")
    return page(request, "item.html", item=item, units=o.work.units(), done=done, error="")


async def item_action_form(request: Request) -> Response:
    session = need(request)
    o, ref, action = office(request), request.path_params["ref"], request.path_params["action"]
    form = await read_form(request, session)
    try:
        o.work.act(session.user, ref, action, form)
    except REFUSED as exc:
        item = o.work.item(session.user, ref)
        return page(request, "item.html", 400, item=item, units=o.work.units(), done="", error=exc.friendly)
    o.accounts.audit(session.user.name, address(request), f"item.{action}", ref, form.get("to", ""))
    return RedirectResponse(f"/items/{ref}?done={action}", 303)


async def barometer_page(request: Request) -> Response:
    session = need(request)
    b = _barometer(request, session)
    svgs = {"section": charts.bars(b.by_section, "诉求数量（按专区）"),
            "category": charts.bars(b.by_category[:12], "诉求数量（按类别，前 12 类）"),
            "street": charts.bars(b.by_street, "诉求数量（按镇街）"),
            "week": charts.columns(b.by_week, "每周诉求数量（按周一日期）"),
            "refusal": charts.bars([(t["topic"], t["refused"]) for t in b.topics if t["refused"]], "未答问题（按主题）")}
    return page(request, "barometer.html", b=b, svgs=svgs, draft=None)


async def barometer_csv(request: Request) -> Response:
    session = need(request)
    b = _barometer(request, session)
    office(request).accounts.audit(session.user.name, address(request), "barometer.csv", f"{b.days}天")
    return Response("\ufeff" + figures.to_csv(b), media_type="text/csv; charset=utf-8",
                    headers={**HEADERS, "Content-Disposition": f'attachment; filename="barometer-{b.days}d.csv"'})


async def barometer_xlsx(request: Request) -> Response:
    session = need(request)
    b = _barometer(request, session)
    office(request).accounts.audit(session.user.name, address(request), "barometer.xlsx", f"{b.days}天")
    return Response(export.to_xlsx(b), media_type=XLSX,
                    headers={**HEADERS, "Content-Disposition": f'attachment; filename="barometer-{b.days}d.xlsx"'})


async def weekly_pdf(request: Request) -> Response:
    """``?week=2026-W05``; without it, the last complete week."""
    session = need(request)
    if not session.user.sees_barometer:
        raise Forbidden
    o = office(request)
    today = o.work.service.clock().date()
    raw = request.query_params.get("week")
    try:
        monday = report_pdf.parse_week(raw) if raw else report_pdf.last_week(today)
    except report_pdf.BadWeek as exc:
        raise Problem(400, exc.friendly) from None
    b = figures.collect_week(o.work.service, o.questions, monday)
    # drawing the pages touches no database, so it runs off the event loop and other officers are not held up
    pdf = await run_in_threadpool(report_pdf.render, b, monday, today)
    week = report_pdf.week_name(monday)
    o.accounts.audit(session.user.name, address(request), "barometer.pdf", week)
    return Response(pdf, media_type="application/pdf",
                    headers={**HEADERS, "Content-Disposition": f'attachment; filename="barometer-{week}.pdf"'})


async def draft_faq(request: Request) -> Response:
    session = need(request)
    if session.user.role not in ("centre", "editor"):
        raise Forbidden
    form = await read_form(request, session)
    b = _barometer(request, session)
    group = next((g for g in b.unanswered if g["topic"] == form.get("topic")), None)
    if group is None:
        raise Problem(404, "这个主题下没有未答问题。")
    o = office(request)
    text = figures.faq_draft(group)
    o.drafts.mkdir(parents=True, exist_ok=True)
    path = o.drafts / f"draft-{len(list(o.drafts.glob('draft-*.yaml'))) + 1:04d}.yaml"
    path.write_text(text, encoding="utf-8")
    o.accounts.audit(session.user.name, address(request), "faq.draft", group["topic"], path.name)
    svgs: dict[str, str] = {}
    return page(request, "barometer.html", b=b, svgs=svgs, draft={"topic": group["topic"], "text": text,
                                                                   "file": path.name})


# -- JSON ----------------------------------------------------------------------------------------------------
async def api_login(request: Request) -> Response:
    data = await json_body(request, None)
    name, password = data.get("username"), data.get("password")
    if not isinstance(name, str) or not isinstance(password, str):
        raise Problem(400, "请提供 username 和 password。")
    try:
        session = await run_in_threadpool(office(request).accounts.login, name, password, address(request))
    except AccountError as exc:
        raise Problem(401, exc.friendly) from None
    response = api({"user": session.user.name, "role": session.user.role, "unit": session.user.unit,
                    "csrf": session.csrf})
    _set_session(request, response, session)
    return response


async def api_queue(request: Request) -> Response:
    session = need(request, True)
    view = office(request).work.queue(session.user, _bucket(request))
    return api({"bucket": view.bucket, "counts": view.counts, "items": view.rows})


async def api_item(request: Request) -> Response:
    session = need(request, True)
    return api(office(request).work.item(session.user, request.path_params["ref"]))


async def api_action(request: Request) -> Response:
    session = need(request, True)
    o, ref, action = office(request), request.path_params["ref"], request.path_params["action"]
    if action not in ACTIONS:
        raise NotFound
    data = await json_body(request, session)
    try:
        row = o.work.act(session.user, ref, action, data)
    except REFUSED as exc:
        raise Problem(400, exc.friendly) from None
    o.accounts.audit(session.user.name, address(request), f"item.{action}", ref, str(data.get("to", ""))[:40])
    return api({"ok": True, "message": DONE[action], "item": row})


async def api_barometer(request: Request) -> Response:
    session = need(request, True)
    return api(_barometer(request, session).to_json())


# -- failures ------------------------------------------------------------------------------------------------
def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _failure(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return api({"error": message}, status)
    return page(request, "message.html", status, message=message)


async def on_problem(request: Request, exc: Problem) -> Response:
    return _failure(request, exc.status, exc.message)


async def on_not_found(request: Request, exc: Exception) -> Response:
    return _failure(request, 404, NOT_FOUND)


async def on_forbidden(request: Request, exc: Exception) -> Response:
    return _failure(request, 403, FORBIDDEN)


async def on_http(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 303 and exc.headers:
        return RedirectResponse(exc.headers["Location"], 303)
    return _failure(request, exc.status_code, NOT_FOUND if exc.status_code == 404 else "请求无法处理。")


async def on_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, REFUSED):
        return _failure(request, 400, exc.friendly)
    if isinstance(exc, sqlite3.Error | OSError):
        return _failure(request, 503, storage_message(exc) or STORAGE)
    log.exception("office request failed")
    return _failure(request, 500, "出错了，这次操作没有完成，请稍后再试。")


def create_app(service: RequestService, accounts: Accounts, questions: QuestionLog, drafts: Path,
               secure_cookies: bool = False, content: ContentDesk | None = None) -> Starlette:
    """``content`` is what the editors' pages import into and publish to; by default this machine's content
    folder and store. The halls' kiosk tokens are kept in the accounts' file."""
    routes = [
        Route("/", home), Route("/login", login_page), Route("/login", login_form, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]), Route("/queue", queue_page),
        Route("/items/{ref}", item_page), Route("/items/{ref}/{action}", item_action_form, methods=["POST"]),
        Route("/barometer", barometer_page), Route("/barometer.csv", barometer_csv),
        Route("/barometer.xlsx", barometer_xlsx), Route("/barometer/weekly.pdf", weekly_pdf),
        Route("/barometer/draft", draft_faq, methods=["POST"]),
        Route("/api/login", api_login, methods=["POST"]), Route("/api/queue", api_queue),
        Route("/api/items/{ref}", api_item), Route("/api/items/{ref}/{action}", api_action, methods=["POST"]),
        Route("/api/barometer", api_barometer), *content_pages.ROUTES, *content_forms.ROUTES,
        *content_conditions.ROUTES, *hall_routes.ROUTES,
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    handlers = {Problem: on_problem, NotFound: on_not_found, Forbidden: on_forbidden, HTTPException: on_http,
                FriendlyError: on_error, InvalidTransition: on_error, sqlite3.Error: on_error, OSError: on_error, Exception: on_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.office = Office(Work(service), accounts, questions, drafts, content or ContentDesk.here(),
                              KioskTokens(accounts.path, accounts.clock), secure_cookies)
    return app
