"""FAQ pairs and service items (事项) as staff fill them in: validated field by field, saved as a version.

The office's forms call these functions; every problem names the field it is about, in plain words. The
records are written to ``faq/staff.yaml`` and ``services/staff.yaml`` in the content source, the same formats
as policies_db (see its README), so the store reads them like any other source.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from kiosk.content.errors import ContentError
from kiosk.content.library import Library, who_default

FAQ_FILE = "faq/staff.yaml"
SERVICE_FILE = "services/staff.yaml"
SERVICE_FIELDS = ("id", "name", "department", "window", "materials", "legal_limit_days", "promised_limit_days",
                  "fee", "online", "keywords")
FIELD_NAMES = {"q": "问题", "a": "回答", "department": "负责部门", "refs": "依据", "id": "编号", "name": "事项名称",
               "window": "办理窗口", "materials": "所需材料", "legal_limit_days": "法定时限",
               "promised_limit_days": "承诺时限", "fee": "收费", "online": "网上办理", "keywords": "关键词"}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{FIELD_NAMES.get(self.field, self.field)}：{self.message}"


class FormError(ContentError):
    def __init__(self, errors: list[FieldError]):
        super().__init__("请修改后再保存：" + "；".join(map(str, errors)))
        self.errors = errors


def _text(data: Mapping[str, Any], key: str, errors: list[FieldError], required: bool = False,
          limit: int = 2000) -> str:
    value = data.get(key)
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.append(FieldError(key, "不能为空"))
    elif len(text) > limit:
        errors.append(FieldError(key, f"最多{limit}个字，现在有{len(text)}个字"))
    return text


def _list(data: Mapping[str, Any], key: str, errors: list[FieldError]) -> list[str]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = re.split(r"[\n、，,；;]", value)
    if not isinstance(value, list):
        errors.append(FieldError(key, "应为一项一行的列表"))
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def _department(data: Mapping[str, Any], errors: list[FieldError], departments: Collection[str],
                required: bool) -> str:
    value = _text(data, "department", errors, required)
    if value and departments and value not in departments:
        errors.append(FieldError("department", f"没有“{value}”这个部门，请从部门列表中选择"))
    return value


def validate_faq(data: Mapping[str, Any], departments: Collection[str] = ()) -> dict[str, Any]:
    """A clean FAQ pair, or FormError naming every field that is wrong."""
    errors: list[FieldError] = []
    item: dict[str, Any] = {"q": _text(data, "q", errors, True, 200), "a": _text(data, "a", errors, True)}
    if (department := _department(data, errors, departments, False)):
        item["department"] = department
    refs = _list(data, "refs", errors)
    for ref in refs:
        if not re.fullmatch(r"[\w.\-]+\.(?:md|txt)(?:#\S+)?", ref):
            errors.append(FieldError("refs", f"“{ref}”应写成 文件编号#条目，例如 xh_keji.md#第五条"))
    if refs:
        item["refs"] = refs
    if errors:
        raise FormError(errors)
    return item


def validate_service(data: Mapping[str, Any], departments: Collection[str] = ()) -> dict[str, Any]:
    """A clean service item (事项), or FormError naming every field that is wrong."""
    errors: list[FieldError] = []
    item: dict[str, Any] = {"name": _text(data, "name", errors, True, 60)}
    item["id"] = _text(data, "id", errors) or _service_id(item["name"])
    if item["id"] and not re.fullmatch(r"[A-Za-z0-9_]+", item["id"]):
        errors.append(FieldError("id", "只能用字母、数字和下划线"))
    item["department"] = _department(data, errors, departments, True)
    for key in ("window", "fee", "online"):
        if (value := _text(data, key, errors, limit=200)):
            item[key] = value
    for key in ("materials", "keywords"):
        if (values := _list(data, key, errors)):
            item[key] = values
    for key in ("legal_limit_days", "promised_limit_days"):
        value = data.get(key)
        if value in (None, ""):
            continue
        try:
            days = int(str(value).strip())
        except ValueError:
            errors.append(FieldError(key, f"应填工作日天数（整数），不是“{value}”"))
            continue
        if not 0 <= days <= 365:
            errors.append(FieldError(key, "应在 0 到 365 个工作日之间（0 表示即办）"))
        item[key] = days
    legal, promised = item.get("legal_limit_days"), item.get("promised_limit_days")
    if isinstance(legal, int) and isinstance(promised, int) and promised > legal:
        errors.append(FieldError("promised_limit_days", f"承诺时限（{promised}天）不应长于法定时限（{legal}天）"))
    if errors:
        raise FormError(errors)
    return {k: item[k] for k in SERVICE_FIELDS if k in item}


def _service_id(name: str) -> str:
    from kiosk.content.library import slug

    return "svc_" + slug(name, words=4) if name else ""


# saving ----------------------------------------------------------------------------------------------------
def faqs(library: Library) -> list[dict[str, Any]]:
    return _items(library, FAQ_FILE)


def services(library: Library) -> list[dict[str, Any]]:
    return _items(library, SERVICE_FILE)


def save_faq(library: Library, data: Mapping[str, Any], index: int | None = None, who: str = "",
             departments: Collection[str] = ()) -> int:
    """Add a pair (``index`` None) or replace pair ``index``; returns its index."""
    item = validate_faq(data, departments)
    with library.history.locked():
        items = faqs(library)
        if index is None:
            items.append(item)
            index = len(items) - 1
        else:
            _check_index(items, index, "问答")
            items[index] = item
        _write(library, FAQ_FILE, items, "常见问答（窗口整理）", who, f"保存问答“{item['q']}”")
    return index


def delete_faq(library: Library, index: int, who: str = "") -> None:
    with library.history.locked():
        items = faqs(library)
        _check_index(items, index, "问答")
        removed = items.pop(index)
        _write(library, FAQ_FILE, items, "常见问答（窗口整理）", who, f"删除问答“{removed['q']}”")


def save_service(library: Library, data: Mapping[str, Any], who: str = "",
                 departments: Collection[str] = ()) -> str:
    """Add a service item, or replace the one with the same ``id``; returns the id."""
    item = validate_service(data, departments)
    with library.history.locked():
        items = [s for s in services(library) if s["id"] != item["id"]]
        items.append(item)
        _write(library, SERVICE_FILE, items, "办事事项（窗口整理）", who, f"保存事项“{item['name']}”")
    return item["id"]


def delete_service(library: Library, service_id: str, who: str = "") -> None:
    with library.history.locked():
        items = services(library)
        kept = [s for s in items if s["id"] != service_id]
        if len(kept) == len(items):
            raise ContentError(f"没有编号为“{service_id}”的事项。")
        _write(library, SERVICE_FILE, kept, "办事事项（窗口整理）", who, f"删除事项 {service_id}")


def _check_index(items: list, index: int, what: str) -> None:
    if not 0 <= index < len(items):
        raise ContentError(f"没有第 {index + 1} 条{what}：现有 {len(items)} 条。")


def _items(library: Library, rel: str) -> list[dict[str, Any]]:
    path = library.source / rel
    if not path.is_file():
        return []
    return list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("items") or [])


def _write(library: Library, rel: str, items: list[dict[str, Any]], title: str, who: str, summary: str) -> None:
    path = library.source / rel
    if items:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump({"title": title, "items": items}, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
    library.history.commit(library.source, who or who_default(), "修改", summary)
