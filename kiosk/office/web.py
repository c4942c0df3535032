"""What every office page shares: the app's state, the signed-in session, pages and JSON with the security headers,
bounded form and JSON bodies checked against the session's CSRF token, and the plain refusal a handler raises."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from kiosk.office.accounts import ROLES, Accounts, Session
from kiosk.office.contentdesk import ContentDesk
from kiosk.office.kiosk_tokens import KioskTokens
from kiosk.office.questionlog import QuestionLog
from kiosk.office.work import BUCKETS, Forbidden, Work

HERE = Path(__file__).parent
COOKIE, LOGIN_COOKIE = "office_session", "office_login"
MAX_BODY = 64 * 1024
NOT_FOUND, FORBIDDEN, LOGIN_FIRST = "没有找到这个事项，或您无权查看。", "您的角色不能使用这一页。", "请先登录。"
BAD_CSRF = "页面已过期或来源不明，请刷新页面后重试。"
HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'",
           "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-store"}


@dataclass
class Office:
    work: Work
    accounts: Accounts
    questions: QuestionLog
    drafts: Path
    content: ContentDesk
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


def check_csrf(session: Session | None, request: Request, sent: str) -> None:
    expected = session.csrf if session else request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(sent, expected):
        raise Problem(403, BAD_CSRF)


async def read_form(request: Request, session: Session | None) -> dict:
    body = await body_of(request, MAX_BODY)
    fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    check_csrf(session, request, fields.get("csrf", ""))
    return fields


async def json_body(request: Request, session: Session | None, limit: int = MAX_BODY) -> dict:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Problem(415, "请以 JSON 提交（Content-Type: application/json）。")
    if session is not None and not secrets.compare_digest(request.headers.get("x-csrf-token", ""), session.csrf):
        raise Problem(403, BAD_CSRF)
    try:
        data = json.loads(await body_of(request, limit) or b"{}")
    except ValueError:
        raise Problem(400, "提交的内容不是有效的 JSON。") from None
    if not isinstance(data, dict):
        raise Problem(400, "提交的内容应为一个 JSON 对象。")
    return data


async def body_of(request: Request, limit: int, too_large: str = "提交的内容太大。") -> bytes:
    length = request.headers.get("content-length") or "0"
    if not length.isdigit():
        raise Problem(400, "提交的内容长度不对。")
    if int(length) > limit:
        raise Problem(413, too_large)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Problem(413, too_large)
    return bytes(body)


def need(request: Request, json_api: bool = False) -> Session:
    session = current(request)
    if session is None:
        raise Problem(401, LOGIN_FIRST) if json_api else HTTPException(303, headers={"Location": "/login"})
    return session


def editor(request: Request) -> Session:
    """The session of someone who keeps the content: an editor or the centre's administrator."""
    session = need(request)
    if not session.user.edits_content:
        raise Forbidden
    return session
