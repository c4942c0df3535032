"""The halls' kiosks' routes: ``/api/kiosk/push`` takes a batch of a hall's events, ``/api/kiosk/updates`` gives
back the office's replies since a given point, ``/api/kiosk/turns`` takes a batch of the hall's question log.

A kiosk sends a bearer token of its own instead of a session cookie (no cookie, so no CSRF to guard against); a
missing, unknown or revoked token is refused and written to the audit log, never the token itself.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kiosk.office import hall_turns, halls
from kiosk.office.web import Problem, address, api, json_body, office

MAX_PUSH_BODY = 256 * 1024  # a batch of a hall's events; the kiosk sends batches below this
KIOSK_REFUSED = "一体机凭证无效或已停用，请向中心管理员申请新的凭证。"


def hall_of(request: Request) -> str:
    """The hall whose kiosk sent this request, from its bearer token; anything else is refused and audited."""
    o = office(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    hall = o.kiosks.hall(token.strip()) if scheme.lower() == "bearer" else None
    if hall is None:
        o.accounts.audit("一体机", address(request), "kiosk.refused", request.url.path,
                         "没有凭证" if not token else "凭证无效或已停用")
        raise Problem(401, KIOSK_REFUSED)
    return hall


async def push(request: Request) -> Response:
    hall = hall_of(request)
    data = await json_body(request, None, MAX_PUSH_BODY)
    events = data.get("events")
    if not isinstance(events, list) or len(events) > halls.MAX_EVENTS:
        raise Problem(400, f"请提交 events：不超过 {halls.MAX_EVENTS} 条记录的列表。")
    o = office(request)
    result = halls.receive(o.work.service, hall, events)
    o.accounts.audit(f"一体机 {hall}", address(request), "kiosk.push", hall,
                     f"新收 {len(result.accepted)} 条，重复 {len(result.duplicates)} 条，拒收 {len(result.refused)} 条")
    return api(result.to_dict())


async def updates(request: Request) -> Response:
    hall = hall_of(request)
    since = request.query_params.get("since", "0")
    if not since.isdigit() or len(since) > 18:
        raise Problem(400, "since 应为不小于 0 的整数。")
    return api(halls.updates(office(request).work.service, hall, int(since)))


async def turns(request: Request) -> Response:
    hall = hall_of(request)
    data = await json_body(request, None, hall_turns.MAX_TURNS_BODY)
    sent = data.get("turns")
    if not isinstance(sent, list) or len(sent) > hall_turns.MAX_TURNS:
        raise Problem(400, f"请提交 turns：不超过 {hall_turns.MAX_TURNS} 条提问记录的列表。")
    o = office(request)
    result = hall_turns.receive(o.questions, hall, sent)
    o.accounts.audit(f"一体机 {hall}", address(request), "kiosk.turns", hall,
                     f"新收提问 {len(result.accepted)} 条，更新评价 {len(result.updated)} 条，重复 {len(result.duplicates)}"
                     f" 条，过期 {len(result.expired)} 条，拒收 {len(result.refused)} 条")
    return api(result.to_dict())


ROUTES = [Route("/api/kiosk/push", push, methods=["POST"]), Route("/api/kiosk/updates", updates),
          Route("/api/kiosk/turns", turns, methods=["POST"])]
