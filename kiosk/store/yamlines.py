"""Reading source files with limits, and YAML loading that remembers line numbers, so validation errors can say
`file:line: reason`.

Sources come from deployers and may be wrong in any way: a file too large to be a policy, a stray byte that is not
UTF-8, or YAML whose aliases nest into billions of nodes ("billion laughs"). Each is refused quickly with its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"
MAX_SOURCE_BYTES = 2_000_000  # the largest public document is ~35 KB; anything this size is not a source
MAX_YAML_NODES = 100_000  # nodes after expanding aliases; the largest sample file has a few thousand


class SourceError(Exception):
    """A problem in a source file, located precisely enough for an editor to jump to it."""

    def __init__(self, path: Path | str, line: int, reason: str):
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


def read_source(path: Path, rel: Path | str) -> str:
    """The text of a source file, refused with a located reason when too large or not UTF-8."""
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise SourceError(rel, 1, f"文件太大（{size // 1024} KB），源文件不能超过 {MAX_SOURCE_BYTES // 1_000_000} MB")
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(rel, line, f"不是 UTF-8 文本（第 {exc.start + 1} 字节：{exc.reason}），请另存为 UTF-8") from None


class _LineLoader(yaml.SafeLoader):
    def compose_document(self) -> yaml.Node | None:
        node = super().compose_document()
        if node is not None:
            _check_expansion(node)
        return node


class _TooLarge(yaml.YAMLError):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand into more than MAX_YAML_NODES nodes, before building anything.

    Aliases make the parsed graph share nodes, so the size it would have written out is counted once per node.
    """
    sizes: dict[int, int] = {}
    busy: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in busy:
            raise _TooLarge(node.start_mark.line + 1, "别名引用了包含它自己的内容")
        busy.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        busy.discard(key)
        if total > MAX_YAML_NODES:
            raise _TooLarge(node.start_mark.line + 1,
                            f"别名（& 和 *）展开后超过 {MAX_YAML_NODES} 个节点，请不要层层嵌套引用别名")
        sizes[key] = total
        return total

    size(root)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str, path: Path | str, first_line: int = 1) -> Any:
    """Parse YAML; every mapping gets ``__line__`` (1-based, in the file) and syntax errors become SourceError."""
    if len(text) > MAX_SOURCE_BYTES:
        raise SourceError(path, first_line, f"YAML 太长（{len(text)} 字符），不能超过 {MAX_SOURCE_BYTES} 字符")
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except _TooLarge as exc:
        raise SourceError(path, exc.line + first_line - 1, exc.reason) from None
    except RecursionError:
        raise SourceError(path, first_line, "YAML 嵌套层数太多") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + first_line) if mark else first_line
        raise SourceError(path, line, f"YAML 格式错误：{getattr(exc, 'problem', None) or exc}") from None
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, dict):
        if LINE_KEY in data:
            data[LINE_KEY] += offset
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, list):
        for value in data:
            _shift_lines(value, offset)


def strip_lines(data: Any) -> Any:
    """The same data without line annotations, for storing as JSON."""
    if isinstance(data, dict):
        return {k: strip_lines(v) for k, v in data.items() if k != LINE_KEY}
    if isinstance(data, list):
        return [strip_lines(v) for v in data]
    return data
