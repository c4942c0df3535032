"""An uploaded file from a browser's multipart form, read within a size bound.

The body is split on its boundary by hand rather than with a multipart library: the office takes one file and a
few short fields, and the size is checked before and while the body is read, so nothing unbounded reaches memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message

from starlette.requests import Request

from kiosk.office.web import Problem, body_of

MARGIN = 64 * 1024  # the form's other fields and the part headers around the file


@dataclass
class Upload:
    fields: dict[str, str]
    name: str  # the file's name as the browser gave it; "" when no file was chosen
    data: bytes


async def read_upload(request: Request, limit: int) -> Upload:
    content_type = request.headers.get("content-type", "")
    message = Message()
    message["content-type"] = content_type
    boundary = message.get_param("boundary")
    if message.get_content_type() != "multipart/form-data" or not isinstance(boundary, str) or not boundary:
        raise Problem(400, "请通过页面上的“上传”按钮选择文件后提交。")
    too_large = f"文件太大：最多可以上传 {max(1, limit // 2**20)} MB，这次没有接收。请只上传政策文件本身（可拆分或压缩后再上传）。"
    body = await body_of(request, limit + MARGIN, too_large)
    upload = Upload({}, "", b"")
    for part in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if part.startswith(b"--"):
            break  # the closing boundary
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip():
                headers[key.strip()] = value.strip()
        name = headers.get_param("name", header="content-disposition")
        filename = headers.get_param("filename", header="content-disposition")
        if isinstance(filename, str):
            if len(content) > limit:
                raise Problem(413, too_large)
            upload.name, upload.data = filename, content
        elif isinstance(name, str):
            upload.fields[name] = content.decode("utf-8", "replace")
    return upload
