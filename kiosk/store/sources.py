"""Reading source files into records: the public corpus, sample policies, FAQs, services, departments, guides
and eligibility conditions. Every problem is a SourceError with the file and line."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.store.chunking import split_passages
from kiosk.store.demo import DEMO_PREFIX, sample_title
from kiosk.store.records import Department, Document, ServiceItem
from kiosk.store.validity import Window, parse_validity, parse_window
from kiosk.store.yamlines import LINE_KEY, SourceError, load_yaml, read_source, strip_lines

LEVELS = ("国家", "省", "市", "区")
DEPARTMENT_KINDS = ("section", "unit", "street")
PREFIX_LEVEL = {"cn": "国家", "zj": "省", "gd": "省", "gz": "市", "hz": "市", "hzs": "市", "xh": "区"}
DISTRICT_RE = re.compile(r"(西湖|滨江|萧山|天河|上城|拱墅|余杭|越秀|海珠|白云|黄埔|番禺)区|_(xihu|binjiang|xiaoshan|tianhe)_")
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fa5]{1,12}〔\d{4}〕\d+号")


@dataclass
class ParsedPassage:
    kind: str  # passage | faq | service
    article: str
    heading: str
    text: str
    title: str = ""  # indexed with the title weight (FAQ question, service name)


@dataclass
class ParsedSource:
    """Everything one source file contributes to the store."""

    path: str
    kind: str
    documents: list[tuple[Document, str, list[ParsedPassage]]] = field(default_factory=list)
    faqs: list[dict[str, Any]] = field(default_factory=list)
    services: list[ServiceItem] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    guides: list[dict[str, Any]] = field(default_factory=list)
    conditions: list[dict[str, Any]] = field(default_factory=list)
    # (line, department id) pairs to check once all departments are known
    department_refs: list[tuple[int, str]] = field(default_factory=list)

    @property
    def demo(self) -> bool:
        """Whether the file belongs to the demo pack: everything in it is sample data."""
        return self.path.startswith(DEMO_PREFIX)

    def sample(self, declared: Any) -> bool:
        return self.demo or bool(declared)


def classify(rel: str) -> str | None:
    """What kind of source a path (relative to its source folder or the demo pack) is, or None to skip it."""
    parts = Path(rel.removeprefix(DEMO_PREFIX)).parts
    name = parts[-1]
    if name.lower() == "readme.md" or name.startswith("."):
        return None
    folder = parts[0] if len(parts) > 1 else ""
    suffix = Path(name).suffix.lower()
    if name in ("departments.yaml", "departments.yml"):
        return "departments"
    if folder in ("faq", "services", "guides", "conditions") and suffix in (".yaml", ".yml"):
        return folder
    if folder == "policies" and suffix == ".md":
        return "policy"
    if not folder and suffix in (".md", ".txt"):
        return "corpus"
    return None


def parse_source(path: Path, rel: str, kind: str) -> ParsedSource:
    text = read_source(path, rel)
    parsed = ParsedSource(rel, kind)
    PARSERS[kind](parsed, text)
    return parsed


def _level_for(doc_id: str, title: str, declared: str = "") -> str:
    if declared:
        return declared
    if DISTRICT_RE.search(title) or DISTRICT_RE.search(f"_{doc_id}"):
        return "区"
    return PREFIX_LEVEL.get(doc_id.split("_", 1)[0], "")


def _parse_corpus(parsed: ParsedSource, text: str) -> None:
    """Public documents: `.md` laws (`# 标题`, `## 第一章`, `第一条`) and `.txt` pages with `# 标题:` headers."""
    lines = text.splitlines()
    doc_id = Path(parsed.path).name
    title, origin, body_start = "", "", 0
    for i, line in enumerate(lines[:12]):
        stripped = line.strip()
        if stripped.startswith("# 来源"):
            origin = stripped.split(":", 1)[-1].strip()
            body_start = i + 1
        elif stripped.startswith("# 标题"):
            title = re.split(r"[:：]", stripped, maxsplit=1)[-1].strip()
            body_start = i + 1
        elif stripped.startswith("# 说明"):
            body_start = i + 1
        elif stripped.startswith("# ") and not title:
            title = stripped[2:].strip()
            body_start = i + 1
    if not title:
        raise SourceError(parsed.path, 1, "缺少标题：第一行应为“# 来源: …”，随后是“# 标题”或“# 标题: …”")
    body = lines[body_start:]
    m = DOC_NUMBER_RE.search(title)
    validity = parse_validity("\n".join(body))
    document = Document(
        id=doc_id, title=title, level=_level_for(doc_id, title), doc_number=m.group(0) if m else "",
        source=origin, effective=_iso(validity.effective), expires=_iso(validity.expires), windows=validity.windows,
    )
    passages = [ParsedPassage("passage", c.article, c.heading, c.text) for c in split_passages(body, body_start + 1)]
    if not passages:
        raise SourceError(parsed.path, body_start + 1, "正文为空，无法切分出段落")
    parsed.documents.append((document, "\n".join(body).strip(), passages))


def _front_matter(parsed: ParsedSource, text: str) -> tuple[dict[str, Any], list[str], int]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise SourceError(parsed.path, 1, "缺少 YAML 头：文件应以“---”开头")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise SourceError(parsed.path, 1, "YAML 头没有以“---”结束") from None
    meta = load_yaml("\n".join(lines[1:end]), parsed.path, first_line=2)
    if not isinstance(meta, dict):
        raise SourceError(parsed.path, 2, "YAML 头应为“键: 值”形式")
    return meta, lines[end + 1 :], end + 2


def _require(meta: dict[str, Any], keys: tuple[str, ...], path: str) -> None:
    for key in keys:
        if not str(meta.get(key) or "").strip():
            raise SourceError(path, meta.get(LINE_KEY, 1), f"缺少必填字段“{key}”")


def _date(meta: dict[str, Any], key: str, path: str) -> str:
    value = meta.get(key)
    if value in (None, ""):
        return ""
    text = str(value)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise SourceError(path, meta.get(LINE_KEY, 1), f"“{key}”应为 YYYY-MM-DD 日期，而不是“{text}”")
    return text


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _windows(meta: dict[str, Any], path: str, line: int) -> tuple[Window, ...]:
    """Front-matter ``windows``: “2025-04-01~2025-04-30”, “2025年4月1日至4月30日” or “每年4月1日至4月30日”."""
    windows = []
    for text in _str_list(meta.get("windows"), path, line, "windows"):
        window = parse_window(text)
        if window is None:
            raise SourceError(path, line, f"“windows”中的“{text}”不是申报时间段（如 2025-04-01~2025-04-30 或 每年4月1日至4月30日）")
        windows.append(window)
    return tuple(windows)


def _str_list(value: Any, path: str, line: int, key: str) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise SourceError(path, line, f"“{key}”应为文字列表")
    return tuple(str(v) for v in value)


def _parse_policy(parsed: ParsedSource, text: str) -> None:
    meta, body, body_line = _front_matter(parsed, text)
    _require(meta, ("title", "issuer", "level"), parsed.path)
    line = meta.get(LINE_KEY, 2)
    if meta["level"] not in LEVELS:
        raise SourceError(parsed.path, line, f"“level”应为 {'/'.join(LEVELS)} 之一，而不是“{meta['level']}”")
    doc_id = Path(parsed.path).name
    sample = parsed.sample(meta.get("sample"))
    # the front matter overrides what the text says about when the document applies
    stated = parse_validity("\n".join(body))
    windows = _windows(meta, parsed.path, line) if meta.get("windows") is not None else stated.windows
    document = Document(
        id=doc_id, title=sample_title(str(meta["title"]), sample), issuer=str(meta["issuer"]), level=str(meta["level"]),
        doc_number=str(meta.get("doc_number") or ""), published=_date(meta, "published", parsed.path),
        effective=_date(meta, "effective", parsed.path) or _iso(stated.effective),
        expires=_date(meta, "expires", parsed.path) or _iso(stated.expires), windows=windows,
        region=str(meta.get("region") or ""), department=str(meta.get("department") or ""),
        topics=_str_list(meta.get("topics"), parsed.path, line, "topics"), source=parsed.path, sample=sample,
    )
    if document.department:
        parsed.department_refs.append((line, document.department))
    chunks = split_passages(body, body_line)
    chunks = [c for c in chunks if c.text.lstrip("# ").strip() != document.title]
    if not chunks:
        raise SourceError(parsed.path, body_line, "正文为空：请按“第一条 ……”逐条书写")
    passages = [ParsedPassage("passage", c.article, c.heading, c.text) for c in chunks]
    parsed.documents.append((document, "\n".join(body).strip(), passages))


def _items(parsed: ParsedSource, text: str, key: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = load_yaml(text, parsed.path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise SourceError(parsed.path, 1, f"文件应包含“{key}:”列表")
    items = data[key]
    for item in items:
        if not isinstance(item, dict):
            raise SourceError(parsed.path, data.get(LINE_KEY, 1), f"“{key}”中的每一项都应为“键: 值”形式")
    return data, items


def _collection_document(parsed: ParsedSource, title: str, sample: bool, full_text: str,
                         passages: list[ParsedPassage]) -> None:
    document = Document(id=parsed.path, title=title, source=parsed.path, sample=sample)
    parsed.documents.append((document, full_text, passages))


def _parse_faq(parsed: ParsedSource, text: str) -> None:
    data, items = _items(parsed, text, "items")
    sample = parsed.sample(data.get("sample"))
    default_department = str(data.get("department") or "")
    if default_department:
        parsed.department_refs.append((data[LINE_KEY], default_department))
    passages = []
    for n, item in enumerate(items, 1):
        _require(item, ("q", "a"), parsed.path)
        department = str(item.get("department") or default_department)
        if item.get("department"):
            parsed.department_refs.append((item[LINE_KEY], department))
        refs = _str_list(item.get("refs"), parsed.path, item[LINE_KEY], "refs")
        question, answer = str(item["q"]).strip(), str(item["a"]).strip()
        parsed.faqs.append({"question": question, "answer": answer, "department": department, "refs": refs,
                            "sample": sample})
        passages.append(ParsedPassage("faq", f"问{n}", "常见问题", answer, title=question))
    title = sample_title(str(data.get("title") or "常见问题解答"), sample)
    full = "\n".join(f"问：{f['question']}\n答：{f['answer']}" for f in parsed.faqs)
    _collection_document(parsed, title, sample, full, passages)


def _parse_services(parsed: ParsedSource, text: str) -> None:
    data, items = _items(parsed, text, "items")
    sample = parsed.sample(data.get("sample"))
    passages = []
    for item in items:
        _require(item, ("id", "name", "department"), parsed.path)
        line = item[LINE_KEY]
        limits = {}
        for key in ("legal_limit_days", "promised_limit_days"):
            value = item.get(key)
            if value is not None and not isinstance(value, int):
                raise SourceError(parsed.path, line, f"“{key}”应为整数（工作日）")
            limits[key] = value
        service = ServiceItem(
            id=str(item["id"]), name=str(item["name"]), department=str(item["department"]),
            window=str(item.get("window") or ""), materials=_str_list(item.get("materials"), parsed.path, line, "materials"),
            fee=str(item.get("fee") or ""), online=str(item.get("online") or ""),
            keywords=_str_list(item.get("keywords"), parsed.path, line, "keywords"), sample=sample, **limits,
        )
        parsed.department_refs.append((line, service.department))
        parsed.services.append(service)
        passages.append(ParsedPassage("service", service.name, "办事指南", service_text(service),
                                      title=" ".join((service.name, *service.keywords))))
    _collection_document(parsed, sample_title(str(data.get("title") or "办事事项指南"), sample), sample,
                         "\n".join(p.text for p in passages), passages)


def service_text(service: ServiceItem) -> str:
    """The citable description of a service item, read aloud as is."""
    parts = [f"办理“{service.name}”"]
    if service.window:
        parts.append(f"请到{service.window}")
    if service.materials:
        parts.append("需要准备：" + "、".join(service.materials))
    if service.promised_limit_days is not None:
        limit = "即办" if service.promised_limit_days == 0 else f"承诺{service.promised_limit_days}个工作日内办结"
        if service.legal_limit_days is not None:
            limit += f"（法定时限{service.legal_limit_days}个工作日）"
        parts.append(limit)
    if service.fee:
        parts.append(f"收费：{service.fee}")
    if service.online:
        parts.append(f"网上办理：{service.online}")
    return "。".join(p.rstrip("。；;，, ") for p in parts) + "。"


def _parse_departments(parsed: ParsedSource, text: str) -> None:
    data, items = _items(parsed, text, "departments")
    sample = parsed.sample(data.get("sample"))
    for item in items:
        _require(item, ("id", "kind", "name"), parsed.path)
        line = item[LINE_KEY]
        if item["kind"] not in DEPARTMENT_KINDS:
            raise SourceError(parsed.path, line, f"“kind”应为 {'/'.join(DEPARTMENT_KINDS)} 之一")
        parsed.departments.append(Department(
            id=str(item["id"]), kind=str(item["kind"]), name=str(item["name"]), phone=str(item.get("phone") or ""),
            window=str(item.get("window") or ""), hours=str(item.get("hours") or ""),
            address=str(item.get("address") or ""), duties=str(item.get("duties") or ""),
            keywords=_str_list(item.get("keywords"), parsed.path, line, "keywords"), sample=sample,
        ))
    passages = [ParsedPassage("department", d.name, "部门与镇街", department_text(d), title=" ".join((d.name, *d.keywords)))
                for d in parsed.departments]
    _collection_document(parsed, sample_title("部门与镇街联系方式", sample), sample,
                         "\n".join(p.text for p in passages), passages)


def department_text(dep: Department) -> str:
    """The citable contact card of a department or town/street."""
    parts = [f"{dep.name}"]
    if dep.address:
        parts.append(f"地址：{dep.address}")
    if dep.window:
        parts.append(f"窗口：{dep.window}")
    if dep.phone:
        parts.append(f"电话：{dep.shown_phone}")
    if dep.hours:
        parts.append(f"办公时间：{dep.hours}")
    if dep.duties:
        parts.append(f"负责：{dep.duties}")
    return "。".join(p.rstrip("。；;，, ") for p in parts) + "。"


def _records(parsed: ParsedSource, text: str, plural: str, key: str) -> list[dict[str, Any]]:
    data = load_yaml(text, parsed.path)
    if isinstance(data, dict) and isinstance(data.get(plural), list):
        records = data[plural]
    elif isinstance(data, list):
        records = data
    else:
        records = [data]
    for record in records:
        if not isinstance(record, dict) or not str(record.get(key) or "").strip():
            line = record.get(LINE_KEY, 1) if isinstance(record, dict) else 1
            raise SourceError(parsed.path, line, f"每一项都需要“{key}”字段")
    return records


def _parse_guides(parsed: ParsedSource, text: str) -> None:
    for record in _records(parsed, text, "guides", "id"):
        if not str(record.get("name") or "").strip():
            raise SourceError(parsed.path, record[LINE_KEY], "缺少必填字段“name”")
        parsed.guides.append(_demo_marked(parsed, strip_lines(record)))


def _parse_conditions(parsed: ParsedSource, text: str) -> None:
    parsed.conditions.extend(_demo_marked(parsed, strip_lines(r)) for r in _records(parsed, text, "policies", "policy"))


def _demo_marked(parsed: ParsedSource, record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "sample": True} if parsed.demo else record


PARSERS = {
    "corpus": _parse_corpus, "policy": _parse_policy, "faq": _parse_faq, "services": _parse_services,
    "departments": _parse_departments, "guides": _parse_guides, "conditions": _parse_conditions,
}


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
