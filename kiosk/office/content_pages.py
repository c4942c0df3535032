"""The editors' document pages: upload a file and confirm what was read from it, see a document's passages beside
its source text and merge, split, retitle or correct their words, publish, and roll back to any version. Open to
editors and the centre's administrator only; every change is written to the audit log and is a version in the
content library.

Reading a file and publishing are slow and touch no office connection, so they run on a worker thread.
"""

from __future__ import annotations

import hashlib
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from kiosk.content import passages
from kiosk.content.errors import ContentError
from kiosk.content.formats import read_file
from kiosk.content.library import LABELS, POLICIES, Preview
from kiosk.office.accounts import Session
from kiosk.office.contentdesk import ContentDesk, Staged
from kiosk.office.upload import read_upload
from kiosk.office.web import HEADERS, Problem, address, check_csrf, editor, office, page, read_form

META_FIELDS = ("title", "doc_number", "issuer", "level", "published", "effective", "expires")
LEVELS = ("国家", "省", "市", "区")
OPERATIONS = {"merge": "合并", "split": "拆分", "retitle": "修改标题", "edit": "修改文字"}
NO_DOCUMENT = "没有找到这份文件，它可能已被删除或回滚。"
STALE = "这份文件刚被改动过（可能是其他编辑），页面已刷新，请核对后再操作。"
SCANNED = "原件是扫描图片，这里无法显示原文文字；段落是导入时用文字识别读出的，请对照纸质原件核对。"
DONE = {"imported": "已导入并发布，一体机几秒内即按新内容回答。", "replaced": "已替换原文件并发布，一体机几秒内即按新内容回答。",
        "metadata": "文件信息已保存（尚未发布）。", "merge": "已合并（尚未发布）。", "split": "已拆分（尚未发布）。",
        "retitle": "段落标题已修改（尚未发布）。", "edit": "段落文字已修改（尚未发布）。",
        "published": "已发布，一体机几秒内即按新内容回答。", "rolledback": "已回滚并发布。", "discarded": "已放弃这次上传，没有导入任何内容。"}


def desk(request: Request) -> ContentDesk:
    return office(request).content


def audit(request: Request, session: Session, action: str, target: str, detail: str = "") -> None:
    office(request).accounts.audit(session.user.name, address(request), f"content.{action}", target, detail)


def plain(flag: str) -> str:
    """A flag without the command-line option it names (the office asks in a form field instead)."""
    return re.sub(r"（[^）]*--[^）]*）", "", flag)


def done_message(request: Request) -> str:
    return DONE.get(request.query_params.get("done", ""), "")


# -- the list and publishing -----------------------------------------------------------------------------------
async def index(request: Request, error: str = "", status: int = 200) -> Response:
    editor(request)
    d = desk(request)
    entries = d.library.entries()
    documents = [{"id": k, **v, "flags": [plain(f) for f in v.get("flags", [])]}
                 for k, v in sorted(entries.items(), key=lambda kv: kv[1]["title"])]
    pending = await run_in_threadpool(d.pending)
    return page(request, "content.html", status, documents=documents, pending=pending, done=done_message(request),
                error=error, limit=d.max_upload // 2**20)


async def publish_now(request: Request) -> Response:
    session = editor(request)
    form = await read_form(request, session)
    published = await run_in_threadpool(desk(request).publish)
    audit(request, session, "publish", "", f"{published.counts.get('documents', 0)} 份文件，{published.seconds:.1f} 秒")
    back = form.get("back", "")
    # only back to a content page of this office: the field is sent by the page, but never trusted as a URL
    back = back if re.fullmatch(r"/content(/documents/[\w.\-]+(/conditions)?|/faq|/services)?", back) else "/content"
    return RedirectResponse(f"{back}?done=published", 303)


# -- uploading ---------------------------------------------------------------------------------------------------
async def upload(request: Request) -> Response:
    session = editor(request)
    d = desk(request)
    sent = await read_upload(request, d.max_upload)
    check_csrf(session, request, sent.fields.get("csrf", ""))
    if not sent.name or not sent.data:
        return await index(request, "请先选择要上传的文件（PDF、Word .docx、网页 .html 或文本 .txt）。", 400)
    staged = d.stage(sent.name, sent.data)
    try:
        preview = await run_in_threadpool(d.preview, staged)
    except ContentError as exc:
        d.discard(staged.token)  # a file that cannot be imported is not kept
        audit(request, session, "refused", staged.path.name, exc.friendly)
        return await index(request, exc.friendly, 400)
    audit(request, session, "upload", staged.path.name, f"{len(sent.data)} 字节")
    return _preview_page(request, staged, preview, {})


async def staged_page(request: Request) -> Response:
    editor(request)
    d = desk(request)
    staged = d.staged(request.path_params["token"])
    return _preview_page(request, staged, await run_in_threadpool(d.preview, staged), {})


def _preview_page(request: Request, staged: Staged, preview: Preview, values: dict[str, str], error: str = "",
                  status: int = 200) -> Response:
    p = preview.proposal
    fields = {k: values.get(k, getattr(p, k)) for k in META_FIELDS}
    entries = desk(request).library.entries()
    duplicate = {"id": preview.duplicate, **entries[preview.duplicate]} if preview.duplicate in entries else None
    return page(request, "content_upload.html", status, staged=staged, preview=preview, fields=fields,
                labels=LABELS, levels=LEVELS, flags=[plain(f) for f in p.flags], duplicate=duplicate, error=error)


async def confirm(request: Request) -> Response:
    session = editor(request)
    form = await read_form(request, session)
    d = desk(request)
    staged = d.staged(request.path_params["token"])
    values = {k: form.get(k, "").strip() for k in META_FIELDS}
    replace = form.get("replace", "")
    if not values["title"]:
        error = "标题：不能为空，请填写文件的标题。"
    elif values["level"] not in LEVELS:
        error = "文件级别：请从 国家、省、市、区 中选择。"
    else:
        try:
            imported = await run_in_threadpool(d.add, staged, values, session.user.name, replace)
        except ContentError as exc:
            error = exc.friendly
        else:
            d.discard(staged.token)
            audit(request, session, "replace" if replace else "import", imported.id, f"《{imported.title}》{imported.passages} 段")
            published = await run_in_threadpool(d.publish)
            audit(request, session, "publish", imported.id, f"{published.seconds:.1f} 秒")
            done = "replaced" if replace else "imported"
            return RedirectResponse(f"/content/documents/{imported.id}?done={done}", 303)
    preview = await run_in_threadpool(d.preview, staged)
    return _preview_page(request, staged, preview, values, error, 400)


async def discard(request: Request) -> Response:
    session = editor(request)
    await read_form(request, session)
    token = request.path_params["token"]
    desk(request).discard(token)
    audit(request, session, "discard", token)
    return RedirectResponse("/content?done=discarded", 303)


# -- one document ----------------------------------------------------------------------------------------------
def document_of(request: Request) -> tuple[str, dict]:
    doc_id = request.path_params["doc_id"]
    entry = desk(request).library.entries().get(doc_id)
    if entry is None:
        raise Problem(404, NO_DOCUMENT)
    return doc_id, entry


def _revision(request: Request, doc_id: str) -> str:
    """A fingerprint of the document as stored: a form made from an older page is refused, not applied to the
    passages someone has since renumbered."""
    return hashlib.sha256(desk(request).library.document_path(doc_id).read_bytes()).hexdigest()[:16]


async def document_page(request: Request, error: str = "", status: int = 200) -> Response:
    editor(request)
    d = desk(request)
    doc_id, entry = document_of(request)
    meta, cuts = d.library.cut(doc_id)
    try:
        source = (await run_in_threadpool(read_file, d.library.root / entry["original"])).lines
        source_note = ""
    except ContentError:
        source, source_note = [], SCANNED
    pending = f"{POLICIES}/{doc_id}" in await run_in_threadpool(d.pending)
    return page(request, "content_document.html", status, doc_id=doc_id, entry=entry, meta=meta,
                cuts=[(c, passages.split_points(c.text)) for c in cuts], source=source, source_note=source_note,
                flags=[plain(f) for f in entry.get("flags", [])], labels=LABELS, levels=LEVELS,
                fields={k: str(meta.get(k) or ("区" if k == "level" else "")) for k in META_FIELDS},
                rev=_revision(request, doc_id), pending=pending, done=done_message(request), error=error)


async def original(request: Request) -> Response:
    editor(request)
    doc_id, entry = document_of(request)
    path = desk(request).library.root / entry["original"]
    if not path.is_file():
        raise Problem(404, "原件没有找到。")
    # always a download, never shown inline: an uploaded web page must not run in the office's origin
    return FileResponse(path, filename=entry["original_name"], content_disposition_type="attachment",
                        headers=HEADERS, media_type="application/octet-stream")


async def metadata(request: Request) -> Response:
    session = editor(request)
    form = await read_form(request, session)
    doc_id, _ = document_of(request)
    library = desk(request).library
    meta, _ = library.cut(doc_id)
    changes = {k: form.get(k, "").strip() for k in META_FIELDS
               if k in form and form.get(k, "").strip() != str(meta.get(k) or "")}
    if changes:
        try:
            await run_in_threadpool(library.update_metadata, doc_id, changes, session.user.name)
        except ContentError as exc:
            return await document_page(request, exc.friendly, 400)
        audit(request, session, "metadata", doc_id, "、".join(LABELS[k] for k in changes))
    return RedirectResponse(f"/content/documents/{doc_id}?done=metadata", 303)


async def passage(request: Request) -> Response:
    session = editor(request)
    form = await read_form(request, session)
    doc_id, _ = document_of(request)
    operation, number = request.path_params["operation"], request.path_params["number"]
    if operation not in OPERATIONS:
        raise Problem(404, NO_DOCUMENT)
    if form.get("rev", "") != _revision(request, doc_id):
        return await document_page(request, STALE, 409)
    library = desk(request).library
    meta, cuts = library.cut(doc_id)
    index = number - 1
    try:
        if operation == "merge":
            cuts = passages.merge(cuts, index)
        elif operation == "split":
            at = form.get("at_text", "").strip() or form.get("at", "")
            cuts = passages.split(cuts, index, at, form.get("article", "").strip())
        elif operation == "edit":
            # a browser sends a textarea's line breaks as CR LF; the stored text keeps plain line breaks
            cuts = passages.edit_text(cuts, index, form.get("text", "").replace("\r\n", "\n"))
        else:
            cuts = passages.retitle(cuts, index, form.get("heading", ""), form.get("article", ""))
        summary = f"{OPERATIONS[operation]}第 {number} 段《{meta.get('title')}》"
        await run_in_threadpool(library.save_cut, doc_id, meta, cuts, session.user.name, summary)
    except ContentError as exc:
        return await document_page(request, exc.friendly, 400)
    audit(request, session, operation, doc_id, f"第 {number} 段")
    return RedirectResponse(f"/content/documents/{doc_id}?done={operation}#p{min(number, len(cuts))}", 303)


# -- versions ------------------------------------------------------------------------------------------------------
async def history(request: Request) -> Response:
    editor(request)
    versions = list(reversed(desk(request).library.history.versions()))
    return page(request, "content_history.html", versions=versions, done=done_message(request))


async def version_page(request: Request) -> Response:
    editor(request)
    library = desk(request).library
    number = request.path_params["number"]
    try:
        version = library.history.get(number)
    except ContentError:
        raise Problem(404, "没有这一版。") from None
    diff = await run_in_threadpool(library.history.diff, number)
    return page(request, "content_version.html", version=version, diff=diff.splitlines())


async def rollback(request: Request) -> Response:
    session = editor(request)
    await read_form(request, session)
    d = desk(request)
    number = request.path_params["number"]
    version = await run_in_threadpool(d.library.rollback, number, session.user.name)
    audit(request, session, "rollback", f"第 {number} 版", f"成为第 {version.number} 版")
    published = await run_in_threadpool(d.publish)
    audit(request, session, "publish", f"第 {version.number} 版", f"{published.seconds:.1f} 秒")
    return RedirectResponse("/content/history?done=rolledback", 303)


ROUTES = [
    Route("/content", index), Route("/content/publish", publish_now, methods=["POST"]),
    Route("/content/upload", upload, methods=["POST"]),
    Route("/content/uploads/{token}", staged_page), Route("/content/uploads/{token}", confirm, methods=["POST"]),
    Route("/content/uploads/{token}/discard", discard, methods=["POST"]),
    Route("/content/documents/{doc_id}", document_page),
    Route("/content/documents/{doc_id}/original", original),
    Route("/content/documents/{doc_id}/metadata", metadata, methods=["POST"]),
    Route("/content/documents/{doc_id}/passages/{number:int}/{operation}", passage, methods=["POST"]),
    Route("/content/history", history), Route("/content/versions/{number:int}", version_page),
    Route("/content/versions/{number:int}/rollback", rollback, methods=["POST"]),
]
