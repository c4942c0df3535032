"""The editors' forms for FAQ pairs and service items (事项: materials, time limits, fee, window, online entry).

Validation is the content domain's (`kiosk.content.forms`): each problem is shown beside the field it names and
the editor's input is kept. A saved record is a version; it reaches the kiosk when published.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kiosk.content import forms
from kiosk.content.errors import ContentError
from kiosk.office.accounts import Session
from kiosk.office.content_pages import audit, desk
from kiosk.office.web import Problem, editor, office, page, read_form

FAQ_FIELDS = ("q", "a", "department", "refs")
SERVICE_FIELDS = ("id", "name", "department", "window", "materials", "legal_limit_days", "promised_limit_days", "fee",
                  "online", "keywords")
LISTS = {"faq": "/content/faq", "service": "/content/services"}
DONE = {"saved": "已保存（尚未发布）。", "deleted": "已删除（尚未发布）。", "published": "已发布，一体机几秒内即按新内容回答。"}


def _as_form(record: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    """A stored record as the form shows it: lists one item a line."""
    return {k: "\n".join(map(str, v)) if isinstance(v, list) else str(v if v is not None else "")
            for k in fields for v in [record.get(k)]}


def _departments(request: Request) -> list[tuple[str, str]]:
    return office(request).work.units()


async def _render(request: Request, kind: str, values: dict[str, str], key: str | None,
                  error: forms.FormError | None = None, status: int = 200) -> Response:
    library = desk(request).library
    pending = await run_in_threadpool(desk(request).pending)
    records = forms.faqs(library) if kind == "faq" else forms.services(library)
    return page(request, f"content_{kind}.html", status, records=records, back=LISTS[kind], pending=pending, values=values, key=key,
                departments=_departments(request), names=dict(_departments(request)), labels=forms.FIELD_NAMES,
                problems={e.field: e.message for e in error.errors} if error else {},
                error=error.friendly if error else "", done=DONE.get(request.query_params.get("done", ""), ""))


async def _save(request: Request, kind: str, key: str | None) -> Response:
    session = editor(request)
    form = await read_form(request, session)
    library = desk(request).library
    ids = {unit for unit, _ in _departments(request)}
    fields = FAQ_FIELDS if kind == "faq" else SERVICE_FIELDS
    values = {k: form.get(k, "") for k in fields}
    if kind == "service" and key is not None:
        values["id"] = key  # an item keeps its id when edited: a new id would leave the old item behind
    try:
        if kind == "faq":
            index = forms.save_faq(library, values, None if key is None else _index(request, key), session.user.name,
                                   ids)
            target = f"问答 {index + 1}"
        else:
            target = forms.save_service(library, values, session.user.name, ids)
    except forms.FormError as exc:
        return await _render(request, kind, values, key, exc, 400)
    audit(request, session, f"{kind}.save", target, values.get("q") or values.get("name", ""))
    return RedirectResponse(f"{LISTS[kind]}?done=saved", 303)


def _index(request: Request, key: str) -> int:
    index = int(key) - 1
    if not 0 <= index < len(forms.faqs(desk(request).library)):
        raise Problem(404, "没有这一条问答。")
    return index


async def _delete(request: Request, session: Session, kind: str, key: str) -> Response:
    await read_form(request, session)
    library = desk(request).library
    try:
        if kind == "faq":
            forms.delete_faq(library, _index(request, key), session.user.name)
        else:
            forms.delete_service(library, key, session.user.name)
    except ContentError as exc:
        raise Problem(404, exc.friendly) from None
    audit(request, session, f"{kind}.delete", key)
    return RedirectResponse(f"{LISTS[kind]}?done=deleted", 303)


# -- FAQ pairs ---------------------------------------------------------------------------------------------------
async def faq_list(request: Request) -> Response:
    editor(request)
    return await _render(request, "faq", {}, None)


async def faq_edit(request: Request) -> Response:
    editor(request)
    key = str(request.path_params["index"])
    index = _index(request, key)
    return await _render(request, "faq", _as_form(forms.faqs(desk(request).library)[index], FAQ_FIELDS), key)


async def faq_add(request: Request) -> Response:
    return await _save(request, "faq", None)


async def faq_save(request: Request) -> Response:
    return await _save(request, "faq", str(request.path_params["index"]))


async def faq_delete(request: Request) -> Response:
    return await _delete(request, editor(request), "faq", str(request.path_params["index"]))


# -- service items -----------------------------------------------------------------------------------------------
def _service(request: Request) -> dict[str, Any]:
    wanted = request.path_params["service_id"]
    found = next((s for s in forms.services(desk(request).library) if s.get("id") == wanted), None)
    if found is None:
        raise Problem(404, "没有这个事项。")
    return found


async def service_list(request: Request) -> Response:
    editor(request)
    return await _render(request, "service", {}, None)


async def service_edit(request: Request) -> Response:
    editor(request)
    item = _service(request)
    return await _render(request, "service", _as_form(item, SERVICE_FIELDS), item["id"])


async def service_add(request: Request) -> Response:
    return await _save(request, "service", None)


async def service_save(request: Request) -> Response:
    editor(request)
    return await _save(request, "service", _service(request)["id"])


async def service_delete(request: Request) -> Response:
    session = editor(request)
    return await _delete(request, session, "service", _service(request)["id"])


ROUTES = [
    Route("/content/faq", faq_list), Route("/content/faq", faq_add, methods=["POST"]),
    Route("/content/faq/{index:int}", faq_edit), Route("/content/faq/{index:int}", faq_save, methods=["POST"]),
    Route("/content/faq/{index:int}/delete", faq_delete, methods=["POST"]),
    Route("/content/services", service_list), Route("/content/services", service_add, methods=["POST"]),
    Route("/content/services/{service_id}", service_edit),
    Route("/content/services/{service_id}", service_save, methods=["POST"]),
    Route("/content/services/{service_id}/delete", service_delete, methods=["POST"]),
]
