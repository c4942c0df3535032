"""The web office (Starlette, server-rendered Jinja2 pages, no JavaScript): login, the work queue, one item and
its actions, the barometer with CSV export and FAQ drafts, and the same data as JSON for scripts.

Every handler is ``async`` and does its (short) SQLite work inline, so requests run one at a time on the event
loop and the request file's single connection is never used by two threads; only the deliberately slow password
check of a login runs on a worker thread (the accounts file is locked around each statement). Access is checked in ``Work`` for
items and by role here for pages; CSRF tokens guard every form and API change made with a session. The halls'
kiosks use ``/api/kiosk/*`` with a bearer token of their own instead (no cookie, so no CSRF to guard against); a
missing, unknown or revoked token is refused and written to the audit log, never the token itself.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from kiosk.errors import STORAGE, FriendlyError, storage_message
from kiosk.office import barometer as figures
from kiosk.office import charts, halls
from kiosk.office.accounts import ROLES, AccountError, Accounts, Session
from kiosk.office.kiosk_tokens import KioskTokens
from kiosk.office.questionlog import QuestionLog
from kiosk.office.work import ACTIONS, BUCKETS, Forbidden, NotFound, Work
from kiosk.requests.lifecycle import InvalidTransition
from kiosk.requests.service import RequestService

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
COOKIE, LOGIN_COOKIE = "office_session", "office_login"
MAX_BODY = 64 * 1024
MAX_PUSH_BODY = 256 * 1024  # a batch of a hall's events; the kiosk sends batches below this
KIOSK_REFUSED = "一体机凭证无效或已停用，请向中心管理员申请新的凭证。"
NOT_FOUND, FORBIDDEN, LOGIN_FIRST = "没有找到这个事项，或您无权查看。", "您的角色不能使用这一页。", "请先登录。"
BAD_CSRF = "页面已过期或来源不明，请刷新页面后重试。"
DONE = {"accept": "已接单。", "note": "备注已添加。", "transfer": "已转派。", "resolve": "已办结，答复已送达企业。"}
REFUSED = (FriendlyError, InvalidTransition)  # both carry words for the officer in .friendly
HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'",
           "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-store"}


@dataclass
class Office:
    work: Work
    accounts: Accounts
    questions: QuestionLog
    drafts: Path
    kiosks: KioskTokens
    secure_cookies: bool = False


class Problem(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescapes .html
templates.env.globals.update(ROLES=ROLES, BUCKETS=BUCKETS)


def office(request: Request) -> Office:
    return request.app.state.office


def address(request: Request) -> str:
    return request.client.host if request.client else ""


def current(request: Request) -> Session | None:
    return office(request).accounts.session(request.cookies.get(COOKIE))


def page(request: Request, name: str, status: int = 200, **context) -> Response:
    response = templates.TemplateResponse(request, name, {"session": current(request), **context}, status_code=status)
    response.headers.update(HEADERS)
    return response


def api(data: object, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=HEADERS)


async def _form(request: Request, session: Session | None) -> dict:
    body = await _body(request)
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    expected = session.csrf if session else request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(form.get("csrf", ""), expected):
        raise Problem(403, BAD_CSRF)
    return form


async def _json(request: Request, session: Session | None, limit: int = MAX_BODY) -> dict:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Problem(415, "请以 JSON 提交（Content-Type: application/json）。")
    if session is not None and not secrets.compare_digest(request.headers.get("x-csrf-token", ""), session.csrf):
        raise Problem(403, BAD_CSRF)
    try:
        data = json.loads(await _body(request, limit) or b"{}")
    except ValueError:
        raise Problem(400, "提交的内容不是有效的 JSON。") from None
    if not isinstance(data, dict):
        raise Problem(400, "提交的内容应为一个 JSON 对象。")
    return data


async def _body(request: Request, limit: int = MAX_BODY) -> bytes:
    length = request.headers.get("content-length") or "0"
    if not length.isdigit():
        raise Problem(400, "提交的内容长度不对。")
    if int(length) > limit:
        raise Problem(413, "提交的内容太大。")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Problem(413, "提交的内容太大。")
    return body


def _need(request: Request, json_api: bool) -> Session:
    session = current(request)
    if session is None:
        raise Problem(401, LOGIN_FIRST) if json_api else HTTPException(303, headers={"Location": "/login"})
    return session


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
    session = _need(request, False)
    return RedirectResponse("/queue" if session.user.sees_items else "/barometer", 303)


async def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", csrf=token, error="")
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=office(request).secure_cookies)
    return response


async def login_form(request: Request) -> Response:
    form = await _form(request, None)
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
    session = _need(request, False)
    await _form(request, session)
    office(request).accounts.logout(session.token)
    office(request).accounts.audit(session.user.name, address(request), "logout", "")
    response = RedirectResponse("/login", 303)
    response.delete_cookie(COOKIE)
    return response


async def queue_page(request: Request) -> Response:
    session = _need(request, False)
    view = office(request).work.queue(session.user, _bucket(request))
    return page(request, "queue.html", view=view)


async def item_page(request: Request) -> Response:
    session = _need(request, False)
    o = office(request)
    item = o.work.item(session.user, request.path_params["ref"])
    done = DONE.get(request.query_params.get("done", ""), "")
    return page(request, "item.html", item=item, units=o.work.units(), done=done, error="")


async def item_action_form(request: Request) -> Response:
    session = _need(request, False)
    o, ref, action = office(request), request.path_params["ref"], request.path_params["action"]
    form = await _form(request, session)
    try:
        o.work.act(session.user, ref, action, form)
    except REFUSED as exc:
        item = o.work.item(session.user, ref)
        return page(request, "item.html", 400, item=item, units=o.work.units(), done="", error=exc.friendly)
    o.accounts.audit(session.user.name, address(request), f"item.{action}", ref, form.get("to", ""))
    return RedirectResponse(f"/items/{ref}?done={action}", 303)


async def barometer_page(request: Request) -> Response:
    session = _need(request, False)
    b = _barometer(request, session)
    svgs = {"section": charts.bars(b.by_section, "诉求数量（按专区）"),
            "category": charts.bars(b.by_category[:12], "诉求数量（按类别，前 12 类）"),
            "street": charts.bars(b.by_street, "诉求数量（按镇街）"),
            "week": charts.columns(b.by_week, "每周诉求数量（按周一日期）"),
            "refusal": charts.bars([(t["topic"], t["refused"]) for t in b.topics if t["refused"]], "未答问题（按主题）")}
    return page(request, "barometer.html", b=b, svgs=svgs, draft=None)


async def barometer_csv(request: Request) -> Response:
    session = _need(request, False)
    b = _barometer(request, session)
    office(request).accounts.audit(session.user.name, address(request), "barometer.csv", f"{b.days}天")
    return Response("\ufeff" + figures.to_csv(b), media_type="text/csv; charset=utf-8",
                    headers={**HEADERS, "Content-Disposition": f'attachment; filename="barometer-{b.days}d.csv"'})


async def draft_faq(request: Request) -> Response:
    session = _need(request, False)
    if session.user.role not in ("centre", "editor"):
        raise Forbidden
    form = await _form(request, session)
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
    data = await _json(request, None)
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
    session = _need(request, True)
    view = office(request).work.queue(session.user, _bucket(request))
    return api({"bucket": view.bucket, "counts": view.counts, "items": view.rows})


async def api_item(request: Request) -> Response:
    session = _need(request, True)
    return api(office(request).work.item(session.user, request.path_params["ref"]))


async def api_action(request: Request) -> Response:
    session = _need(request, True)
    o, ref, action = office(request), request.path_params["ref"], request.path_params["action"]
    if action not in ACTIONS:
        raise NotFound
    data = await _json(request, session)
    try:
        row = o.work.act(session.user, ref, action, data)
    except REFUSED as exc:
        raise Problem(400, exc.friendly) from None
    o.accounts.audit(session.user.name, address(request), f"item.{action}", ref, str(data.get("to", ""))[:40])
    return api({"ok": True, "message": DONE[action], "item": row})


async def api_barometer(request: Request) -> Response:
    session = _need(request, True)
    return api(_barometer(request, session).to_json())


# -- the halls' kiosks ---------------------------------------------------------------------------------------
def _hall(request: Request) -> str:
    """The hall whose kiosk sent this request, from its bearer token; anything else is refused and audited."""
    o = office(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    hall = o.kiosks.hall(token.strip()) if scheme.lower() == "bearer" else None
    if hall is None:
        o.accounts.audit("一体机", address(request), "kiosk.refused", request.url.path,
                         "没有凭证" if not token else "凭证无效或已停用")
        raise Problem(401, KIOSK_REFUSED)
    return hall


async def kiosk_push(request: Request) -> Response:
    hall = _hall(request)
    data = await _json(request, None, MAX_PUSH_BODY)
    events = data.get("events")
    if not isinstance(events, list) or len(events) > halls.MAX_EVENTS:
        raise Problem(400, f"请提交 events：不超过 {halls.MAX_EVENTS} 条记录的列表。")
    o = office(request)
    result = halls.receive(o.work.service, hall, events)
    o.accounts.audit(f"一体机 {hall}", address(request), "kiosk.push", hall,
                     f"新收 {len(result.accepted)} 条，重复 {len(result.duplicates)} 条，拒收 {len(result.refused)} 条")
    return api(result.to_dict())


async def kiosk_updates(request: Request) -> Response:
    hall = _hall(request)
    since = request.query_params.get("since", "0")
    if not since.isdigit() or len(since) > 18:
        raise Problem(400, "since 应为不小于 0 的整数。")
    return api(halls.updates(office(request).work.service, hall, int(since)))


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
               secure_cookies: bool = False) -> Starlette:
    """The office app; the halls' kiosk tokens are kept in the accounts' file."""
    routes = [
        Route("/", home), Route("/login", login_page), Route("/login", login_form, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]), Route("/queue", queue_page),
        Route("/items/{ref}", item_page), Route("/items/{ref}/{action}", item_action_form, methods=["POST"]),
        Route("/barometer", barometer_page), Route("/barometer.csv", barometer_csv),
        Route("/barometer/draft", draft_faq, methods=["POST"]),
        Route("/api/login", api_login, methods=["POST"]), Route("/api/queue", api_queue),
        Route("/api/items/{ref}", api_item), Route("/api/items/{ref}/{action}", api_action, methods=["POST"]),
        Route("/api/barometer", api_barometer),
        Route("/api/kiosk/push", kiosk_push, methods=["POST"]), Route("/api/kiosk/updates", kiosk_updates),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    handlers = {Problem: on_problem, NotFound: on_not_found, Forbidden: on_forbidden, HTTPException: on_http,
                FriendlyError: on_error, InvalidTransition: on_error, sqlite3.Error: on_error, OSError: on_error, Exception: on_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    kiosks = KioskTokens(accounts.path, accounts.clock)
    app.state.office = Office(Work(service), accounts, questions, drafts, kiosks, secure_cookies)
    return app
