"""A web page saved from a government site: the article itself, without navigation, footers or scripts."""

from __future__ import annotations

import re

from kiosk.content.errors import ContentError
from kiosk.content.extracted import Extracted, table_rows

# Never content: code, styling, forms, embedded objects.
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "form",
             "button", "select", "input", "textarea", "link", "meta", "head")
# Page furniture by element name or by a class/id word (government CMS templates name their blocks this way).
FURNITURE_TAGS = ("nav", "header", "footer", "aside", "menu")
FURNITURE_RE = re.compile(r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|header|head|top|topbar|"
                          r"bottom|sidebar|side|share|toolbar|copyright|banner|search|login|links?|friendlink|"
                          r"related|pager|pagination|print|fontsize|location|position|dqwz)([\s_-]|$)", re.I)
BLOCKS = ("p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "table", "dd", "dt")
# The metadata government CMSs (TRS, 政府网站集约化平台) put in <meta>.
META_HINTS = {"articletitle": "title", "pubdate": "published", "contentsource": "issuer", "firstpubdate": "published"}
SCRIPT_ONLY = ("“{name}”的正文是由网页脚本显示的，保存下来的文件里没有正文文字，没有导入。"
               "请在浏览器中打开该页，复制正文另存为文本文件，或“另存为”完整网页后再导入。")


def read_html(data: bytes, name: str) -> Extracted:
    import lxml.html

    text = _decode(data)
    try:
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        raise ContentError(f"“{name}”不是可读的网页文件，没有导入。") from None
    hints = _meta_hints(root)
    scripts = len(root.xpath("//script")) + len(root.xpath("//@*[starts-with(name(), 'on')]"))
    for element in root.xpath("//" + " | //".join(DROP_TAGS)):
        element.drop_tree()
    title = " ".join((root.xpath("string(//h1)") or "").split())
    for element in root.xpath("//" + " | //".join(FURNITURE_TAGS)) + root.xpath("//*[@class or @id]"):
        if element.getparent() is not None and (element.tag in FURNITURE_TAGS or _furniture(element)):
            element.drop_tree()
    main = _main_block(root)
    if main is None:
        raise ContentError(SCRIPT_ONLY.format(name=name) if scripts else f"“{name}”里没有读到正文文字，没有导入。")
    lines = _lines(main)
    if title and title not in lines[:3]:
        lines.insert(0, title)
    hints.setdefault("title", title)
    notes = ["网页中的脚本已去除，只导入了正文文字。"] if scripts else []
    return Extracted(lines, "html", {k: v for k, v in hints.items() if v}, notes)


def _decode(data: bytes) -> str:
    head = data[:4096].decode("ascii", "replace")
    m = re.search(r"charset\s*=\s*[\"']?([\w-]+)", head, re.I)
    declared = (m.group(1).lower() if m else "utf-8").replace("gb2312", "gb18030").replace("gbk", "gb18030")
    for encoding in (declared, "utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", "replace")


def _meta_hints(root) -> dict[str, str]:
    hints: dict[str, str] = {}
    for meta in root.xpath("//meta[@name and @content]"):
        key = META_HINTS.get(meta.get("name", "").lower())
        if key and meta.get("content", "").strip():
            hints.setdefault(key, meta.get("content").strip())
    title = (root.xpath("string(//title)") or "").strip()
    if title and "title" not in hints:
        hints["title"] = re.split(r"\s*[-_|｜—]+\s*", title)[0]
    return hints


def _furniture(element) -> bool:
    words = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(FURNITURE_RE.search(words)) and _own_text(element) < 400


def _own_text(element) -> int:
    """Characters of text outside links: what a reader reads rather than clicks."""
    total = len("".join(element.itertext()).split())
    linked = sum(len("".join(a.itertext())) for a in element.iter("a"))
    return max(0, len("".join("".join(element.itertext()).split())) - linked) if total else 0


def _main_block(root):
    """The smallest block holding most of the page's reading text: the article."""
    body = root.find("body") if root.find("body") is not None else root
    whole = _own_text(body)
    if whole < 20:
        return None
    best = body
    for element in body.iter("div", "article", "section", "td", "main"):
        if _own_text(element) >= 0.8 * whole and _depth(element) > _depth(best):
            best = element
    return best


def _depth(element) -> int:
    return sum(1 for _ in element.iterancestors())


def _lines(block) -> list[str]:
    for table in list(block.iter("table")):
        rows = [[" ".join(c.text_content().split()) for c in tr.xpath("./th|./td")] for tr in table.iter("tr")]
        replacement = block.makeelement("div")
        for line in table_rows(rows):
            p = block.makeelement("p")
            p.text = line
            replacement.append(p)
        table.getparent().replace(table, replacement)
    for element in block.iter(*BLOCKS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    return [" ".join(line.split()) for line in block.text_content().split("\n") if line.strip()]
