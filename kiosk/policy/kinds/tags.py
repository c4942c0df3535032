"""``tags``: what the enterprise is or has (高新技术企业, 软件业, 租赁场地经营): required, any of, excluded."""

from __future__ import annotations

import numpy as np

from kiosk.policy.kinds.base import ConditionKind
from kiosk.policy.verdict import Question, Status, tri


class Tags(ConditionKind):
    name = "tags"
    tests = ("require", "require_any", "exclude")  # any mix of the three is one condition
    order = 10

    def parse(self, node, taxonomy, report, line):
        fields = {}
        for key in (k for k in self.tests if k in node):
            values = node[key] if isinstance(node[key], list) else [node[key]]
            ids = []
            for v in values:
                tag_id = taxonomy.resolve_tag(str(v))
                if tag_id is None:
                    report(node, f"“{key}”中的未知标签“{v}”（见 kiosk/policy/taxonomy.yaml）")
                ids.append(tag_id or "")
            if not ids:
                report(node, f"“{key}”不能为空")
            fields[key] = tuple(ids)
        return fields

    def status(self, leaf, profile, taxonomy) -> Status:
        unknown = False
        for t in leaf.require:
            v = profile.tag(t)
            if v is False:
                return Status.NOT_MET
            unknown |= v is None
        if leaf.require_any:
            values = [profile.tag(t) for t in leaf.require_any]
            if not any(values):
                if all(v is False for v in values):
                    return Status.NOT_MET
                unknown = True
        for t in leaf.exclude:
            v = profile.tag(t)
            if v:
                return Status.NOT_MET
            unknown |= v is None
        return Status.UNKNOWN if unknown else Status.MET

    def vector(self, leaf, register, today):
        met = np.ones(len(register), dtype=bool)
        for t in leaf.require:
            met &= register.tag(t)
        if leaf.require_any:
            met &= np.logical_or.reduce([register.tag(t) for t in leaf.require_any])
        for t in leaf.exclude:
            met &= ~register.tag(t)
        return met, ~met  # the register is closed-world: a tag it lacks is a no

    def explain(self, leaf, profile, taxonomy, status):
        parts: list[tuple[Status, str, str]] = []  # each tag test's own verdict, wording and source
        for t in leaf.require:
            v = profile.tag(t)
            parts.append((tri(v), _phrase(taxonomy, t, v), profile.tag_source(t)))
        if leaf.require_any:
            values = {t: profile.tag(t) for t in leaf.require_any}
            hit = [t for t, v in values.items() if v]
            listing = "、".join(taxonomy.tags[t].name for t in leaf.require_any)
            if hit:
                parts.append((Status.MET, _phrase(taxonomy, hit[0], True), profile.tag_source(hit[0])))
            elif all(v is False for v in values.values()):
                parts.append((Status.NOT_MET, f"不属于{listing}中的任何一项", profile.tag_source(leaf.require_any[0])))
            else:
                parts.append((Status.UNKNOWN, f"是否属于{listing}之一", ""))
        for t in leaf.exclude:
            v = profile.tag(t)
            parts.append((tri(None if v is None else not v), _phrase(taxonomy, t, v), profile.tag_source(t)))
        if status is Status.NOT_MET:
            bad = next(p for p in parts if p[0] is Status.NOT_MET)
            return f"贵单位{bad[1]}", bad[2]
        if status is Status.UNKNOWN:
            return "还不知道贵单位" + "、".join(p[1] for p in parts if p[0] is Status.UNKNOWN), ""
        sources = {p[2] for p in parts if p[2]}
        return "贵单位" + "，".join(p[1] for p in parts), (sources.pop() if len(sources) == 1 else "")

    def question(self, leaf, taxonomy) -> Question:
        if leaf.key in taxonomy.tags:
            return Question(leaf.key, leaf.question or _tag_question(taxonomy, leaf.key), "yesno", leaf.key)
        return super().question(leaf, taxonomy)

    def key(self, leaf) -> str:
        """For a single tag the answer is the tag itself; otherwise a yes/no answer says the condition holds."""
        tags = leaf.require + leaf.require_any + leaf.exclude
        if len(tags) == 1:
            return tags[0]
        parts = [f"{name}:{','.join(ids)}" for name, ids in
                 (("require", leaf.require), ("any", leaf.require_any), ("exclude", leaf.exclude)) if ids]
        return "tags:" + ";".join(parts)


def _phrase(tax, tag_id: str, value: bool | None) -> str:
    """How a tag reads after 贵单位: 是高新技术企业 / 属于软件和信息技术服务业 / 位于西溪街道 / 租赁场地经营."""
    tag = tax.tags[tag_id]
    if tag.category in ("status", "operation", "founder"):
        return {True: tag.name, False: f"没有“{tag.name}”的情况", None: f"是否{tag.name}"}[value]
    verb = {"industry_section": "属于", "industry_division": "属于", "sector": "属于", "street": "位于"}.get(
        tag.category, "是")
    negative = {"属于": "不属于", "位于": "不在", "是": "不是"}[verb]
    return {True: f"{verb}{tag.name}", False: f"{negative}{tag.name}", None: f"是否{verb}{tag.name}"}[value]


def _tag_question(tax, tag_id: str) -> str:
    tag = tax.tags[tag_id]
    if tag.category in ("industry_section", "industry_division", "sector"):
        return f"贵单位是否属于{tag.name}？"
    if tag.category == "street":
        return f"贵单位是否注册在{tag.name}？"
    if tag.category == "founder":
        return f"请问{tag.name}吗？"
    if tag.category in ("status", "operation"):
        return f"贵单位是否{tag.name}？"
    return f"贵单位是否为{tag.name}？"
