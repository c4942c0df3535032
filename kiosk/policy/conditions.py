"""Policy conditions as reviewable data: the model, the loader and the validator.

A rule file (``policies_db/conditions/*.yaml``, format in its README) states what an enterprise must be or have
for one policy, every condition tied to the clause it comes from. The loader reads the files directly (with line
numbers, for `file:line` errors) or the dicts the store hands out; both pass through the same validator.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from kiosk import config
from kiosk.policy import kinds
from kiosk.policy.taxonomy import Taxonomy, load_taxonomy
from kiosk.store.demo import DEMO_DIR, SAMPLE_MARK, default_pack
from kiosk.store.yamlines import LINE_KEY, SourceError, load_yaml, read_source, strip_lines

CONDITIONS_DIR = config.REPO_ROOT / "policies_db" / "conditions"
DEMO_CONDITIONS_DIR = DEMO_DIR / "conditions"  # the demo pack's invented policies
SMS_LIMIT = 70  # one Chinese SMS segment
SMS_TEMPLATE = "【西小服】{mark}贵单位可能符合「{name}」条件。{apply}"

_RULE_KEYS = {"policy", "id", "item", "title", "sms_name", "apply", "how_to_apply", "department", "sample",
              "conditions", "examples", "note", LINE_KEY}
_LEAF_KEYS = {"text", "clause", "doc", "question", "note", LINE_KEY}  # and the keys its kind reads
_GROUP_KEYS = {"all_of", "any_of", "text", "clause", "doc", "note", LINE_KEY}


@dataclass(frozen=True)
class Leaf:
    """One checkable condition of one kind (`kinds`), which reads it from the rule file and decides it. The fields
    below ``question`` belong to the kinds the kiosk ships with; a kind added since keeps its own in ``params``."""

    text: str
    clause: str
    doc: str
    kind: str  # the name of its kind in `kinds.KINDS`
    question: str = ""
    require: tuple[str, ...] = ()
    require_any: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fact: str = ""
    op: str = ""
    value: float = 0.0
    regions: tuple[str, ...] = ()
    after: date | None = None  # established on or after
    before: date | None = None  # established on or before
    ask: str = ""
    line: int = 0
    params: Any = None  # what a kind without fields of its own here read from the node (hashable)

    @cached_property
    def key(self) -> str:
        """What a visitor's answer settles: a tag id, an ask id, or a description like 'rd_ratio>=3' (its kind
        says which)."""
        return kinds.kind_of(self).key(self)


@dataclass(frozen=True)
class Group:
    mode: str  # all | any
    children: tuple[Leaf | Group, ...]
    text: str = ""
    clause: str = ""
    doc: str = ""
    line: int = 0


@dataclass(frozen=True)
class Rule:
    """The conditions of one policy (or one support item of a policy document)."""

    id: str
    policy: str  # document id, as answers cite it
    title: str
    root: Group
    item: str = ""
    sms_name: str = ""
    apply: str = ""  # short: where and when to apply, fits in the SMS
    how_to_apply: str = ""  # full, for the kiosk screen
    department: str = ""
    sample: bool = False
    examples: tuple[dict[str, Any], ...] = ()
    source: str = ""
    line: int = 0
    digest: str = ""  # changes whenever the rule's content changes; drives incremental batch matching

    def leaves(self) -> list[Leaf]:
        out: list[Leaf] = []
        stack: list[Leaf | Group] = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, Group):
                stack.extend(reversed(node.children))
            else:
                out.append(node)
        return out

    def sms(self) -> str:
        return sms_text(self.sms_name, self.apply, self.sample)


def sms_text(name: str, apply: str, sample: bool) -> str:
    """The push message; an invented policy's carries the sample mark, so nobody acts on it as official."""
    return SMS_TEMPLATE.format(mark=f"（{SAMPLE_MARK}）" if sample else "", name=name, apply=apply)


@dataclass
class RuleSet:
    rules: list[Rule] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


class _Errors:
    """Collects `file:line: reason` messages for one source."""

    def __init__(self, source: str):
        self.source = source
        self.items: list[str] = []

    def add(self, node: Any, reason: str, fallback: int = 0) -> None:
        line = node.get(LINE_KEY, fallback) if isinstance(node, dict) else fallback
        where = f"{self.source}:{line}" if line else self.source
        self.items.append(f"{where}: {reason}")


def parse_rule(raw: dict[str, Any], source: str, taxonomy: Taxonomy | None = None,
               known_docs: set[str] | None = None, titles: dict[str, str] | None = None) -> tuple[Rule | None, list[str]]:
    """Validate one rule record; returns the rule (None if it has errors) and the error messages."""
    taxonomy = taxonomy or load_taxonomy()
    errors = _Errors(source)
    line = raw.get(LINE_KEY, 0)
    for key in raw:
        if key not in _RULE_KEYS:
            errors.add(raw, f"未知字段“{key}”（可用：policy, id, item, title, sms_name, apply, how_to_apply, conditions, examples）")
    policy = str(raw.get("policy") or "").strip()
    if not policy:
        errors.add(raw, "缺少“policy”（政策文件名，如 xh_keji_yanfa_touru_buzhu.md）")
    elif known_docs is not None and policy not in known_docs:
        errors.add(raw, f"找不到政策文件“{policy}”")
    title = str(raw.get("title") or (titles or {}).get(policy) or "").strip()
    if not title:
        errors.add(raw, "缺少“title”（政策名称）")
    for key in ("sms_name", "apply", "how_to_apply"):
        if not str(raw.get(key) or "").strip():
            errors.add(raw, f"缺少“{key}”")
    sms = sms_text(str(raw.get("sms_name") or ""), str(raw.get("apply") or ""), bool(raw.get("sample")))
    if len(sms) > SMS_LIMIT:
        errors.add(raw, f"短信共{len(sms)}字，超过{SMS_LIMIT}字，请缩短 sms_name 或 apply：{sms}")
    conditions = raw.get("conditions")
    root: Group | None = None
    if not isinstance(conditions, list | dict) or not conditions:
        errors.add(raw, "缺少“conditions”（条件列表，默认须全部满足）")
    else:
        node = conditions if isinstance(conditions, dict) and ("all_of" in conditions or "any_of" in conditions) \
            else {"all_of": conditions if isinstance(conditions, list) else [conditions], LINE_KEY: line}
        parsed = _parse_node(node, policy, taxonomy, errors, line)
        root = parsed if isinstance(parsed, Group) else Group("all", (parsed,), line=line) if parsed else None
    examples = raw.get("examples") or []
    if not isinstance(examples, list):
        errors.add(raw, "“examples”应为列表")
        examples = []
    for ex in examples:
        if not isinstance(ex, dict) or "profile" not in ex or ex.get("expect") not in ("met", "one_step", "unknown",
                                                                                       "not_met"):
            errors.add(ex if isinstance(ex, dict) else raw,
                       "每个示例需要 profile 和 expect（met / one_step / unknown / not_met）", line)
    if errors.items or root is None:
        return None, errors.items
    item = str(raw.get("item") or "").strip()
    rule_id = str(raw.get("id") or "").strip() or (Path(policy).stem + (f"/{item}" if item else ""))
    clean = strip_lines(raw)
    digest = hashlib.sha256(json.dumps(clean, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
    return Rule(
        id=rule_id, policy=policy, title=title, root=root, item=item, sms_name=str(raw["sms_name"]).strip(),
        apply=str(raw["apply"]).strip(), how_to_apply=str(raw["how_to_apply"]).strip(),
        department=str(raw.get("department") or ""), sample=bool(raw.get("sample")),
        examples=tuple(strip_lines(e) for e in examples), source=source, line=line, digest=digest[:16],
    ), []


def _parse_node(node: Any, doc: str, taxonomy: Taxonomy, errors: _Errors, parent_line: int) -> Leaf | Group | None:
    if not isinstance(node, dict):
        errors.add(None, f"条件应为映射（text/clause/…），不是“{node}”", parent_line)
        return None
    line = node.get(LINE_KEY, parent_line)
    doc = str(node.get("doc") or doc)
    groups = [k for k in ("all_of", "any_of") if k in node]
    if groups:
        if len(groups) > 1 or any(k in node for k in kinds.all_tests()):
            errors.add(node, "一个条件只能是 all_of、any_of 或单项条件之一")
            return None
        for key in node:
            if key not in _GROUP_KEYS:
                errors.add(node, f"条件组中的未知字段“{key}”")
        children_raw = node[groups[0]]
        if not isinstance(children_raw, list) or not children_raw:
            errors.add(node, f"“{groups[0]}”需要至少一个条件")
            return None
        children = [_parse_node(c, doc, taxonomy, errors, line) for c in children_raw]
        if any(c is None for c in children):
            return None
        return Group("all" if groups[0] == "all_of" else "any", tuple(children), str(node.get("text") or ""),
                     str(node.get("clause") or ""), doc, line)
    return _parse_leaf(node, doc, taxonomy, errors, line)


def _parse_leaf(node: dict[str, Any], doc: str, taxonomy: Taxonomy, errors: _Errors, line: int) -> Leaf | None:
    """The common fields here; the rest, and its checks, from the one kind the node's tests select."""
    before = len(errors.items)
    known = _LEAF_KEYS | kinds.leaf_keys()
    for key in node:
        if key not in known:
            errors.add(node, f"未知字段“{key}”")
    text, clause = str(node.get("text") or "").strip(), str(node.get("clause") or "").strip()
    if not text:
        errors.add(node, "缺少“text”（条件的原文或概述）")
    if not clause:
        errors.add(node, "缺少“clause”（出自哪一条，如 第三条）")
    tests = [k for k in kinds.all_tests() if k in node]
    if not tests:
        errors.add(node, f"缺少检验项：{' / '.join(kinds.all_tests())} 之一")
        return None
    chosen = kinds.kinds_among(tests)
    if len(chosen) > 1:
        errors.add(node, f"一个条件只能有一种检验（现在有：{', '.join(tests)}），请拆成多个条件")
        return None
    kind = chosen[0]
    fields: dict[str, Any] = {"text": text, "clause": clause, "doc": doc, "line": line, "kind": kind.name,
                              "question": str(node.get("question") or "").strip()}
    fields.update(kind.parse(node, taxonomy, errors.add, line))
    if len(errors.items) > before:
        return None
    return Leaf(**fields)


def _known_docs() -> set[str]:
    docs: set[str] = set()
    for folder in [*config.sources_dirs(), DEMO_DIR]:
        docs.update(p.name for p in folder.glob("*") if p.suffix in (".md", ".txt"))
        docs.update(p.name for p in (folder / "policies").glob("*.md"))
    return {d for d in docs if d.lower() != "readme.md" and not d.startswith(".")}


def uncovered(rules: list[Rule], directory: Path = CONDITIONS_DIR) -> list[str]:
    """Source documents with neither a rule nor a line in the folder's README saying why they have none."""
    readme = directory / "README.md"
    explained = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    covered = {r.policy for r in rules}
    return sorted(d for d in _known_docs() if d not in covered and f"`{d}`" not in explained)


def load_dir(directory: Path | Sequence[Path] = CONDITIONS_DIR, taxonomy: Taxonomy | None = None,
             known_docs: set[str] | None = None, check_docs: bool = True) -> RuleSet:
    """Read every rule file in a folder (or several), with `file:line` errors; rules with errors are left out.
    Rules read from the demo pack are sample data whatever the file says."""
    taxonomy = taxonomy or load_taxonomy()
    if check_docs and known_docs is None:
        known_docs = _known_docs()
    result = RuleSet()
    folders = [Path(directory)] if isinstance(directory, str | Path) else [Path(d) for d in directory]
    paths = [p for folder in folders for p in sorted(folder.glob("*.y*ml"))]
    for path in paths:
        rel = _display(path)
        try:
            data = load_yaml(read_source(path, rel), rel)
        except SourceError as exc:
            result.errors.append(str(exc))
            continue
        demo = path.resolve().is_relative_to(DEMO_DIR.resolve())
        for raw in _records(data, rel, result.errors):
            rule, errs = parse_rule({**raw, "sample": True} if demo else raw, rel, taxonomy, known_docs)
            result.errors.extend(errs)
            if rule:
                result.rules.append(rule)
    _check_unique(result)
    return result


def load_store(store: Any, taxonomy: Taxonomy | None = None) -> RuleSet:
    """Read the rules the store imported (`Store.policy_rules()`), checked against its documents."""
    taxonomy = taxonomy or load_taxonomy()
    titles = {d.id: d.title for d in store.documents()}
    result = RuleSet()
    for raw in store.policy_rules():
        rule, errs = parse_rule(raw, f"conditions[{raw.get('policy')}]", taxonomy, set(titles), titles)
        result.errors.extend(errs)
        if rule:
            result.rules.append(rule)
    _check_unique(result)
    return result


def default_dirs(demo_content: bool = True) -> list[Path]:
    """The rule folders the default store is built from: the real ones, and the demo pack's when it is on."""
    return [CONDITIONS_DIR, *([DEMO_CONDITIONS_DIR] if default_pack(demo_content) else [])]


def load_rules(store: Any = None, directory: Path | None = None) -> RuleSet:
    """The default rule set: from the store when one is given, else straight from the conditions folders."""
    if store is not None and directory is None:
        return load_store(store)
    return load_dir(directory or default_dirs())


def _records(data: Any, source: str, errors: list[str]) -> list[dict[str, Any]]:
    if isinstance(data, dict) and isinstance(data.get("policies"), list):
        records = data["policies"]
    elif isinstance(data, list):
        records = data
    elif isinstance(data, dict):
        records = [data]
    else:
        errors.append(f"{source}:1: 文件应为一条规则（policy: …）或规则列表")
        return []
    good = []
    for r in records:
        if isinstance(r, dict):
            good.append(r)
        else:
            errors.append(f"{source}:1: 规则应为映射，不是“{r}”")
    return good


def _check_unique(result: RuleSet) -> None:
    seen: dict[str, Rule] = {}
    for rule in list(result.rules):
        if rule.id in seen:
            result.errors.append(f"{rule.source}:{rule.line}: 规则 id“{rule.id}”与 {seen[rule.id].source} 重复"
                                 "（同一政策有多项支持时请写 item）")
            result.rules.remove(rule)
        else:
            seen[rule.id] = rule


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.REPO_ROOT))
    except ValueError:
        return str(path)
