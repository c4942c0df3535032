"""One-thing guides as records, parsed and checked from their YAML (format: policies_db/guides/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.errors import FriendlyError
from kiosk.guides.conditions import ConditionError, names


class GuideError(FriendlyError, ValueError):
    """A guide file that does not follow the format; the message names the guide and the field."""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    type: str  # 'yesno' | 'number'
    unit: str = ""
    threshold: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    department: str
    window: str = ""
    when: str = ""
    limit_days: int = 0  # promised working days; 0 means done on the spot
    legal_days: int | None = None
    parallel: bool = False  # runs alongside the step before it, so adds no time
    note: str = ""


@dataclass(frozen=True)
class Material:
    name: str
    step: str
    when: str = ""
    note: str = ""


@dataclass(frozen=True)
class Summary:
    text: str
    before: dict[str, int] = field(default_factory=dict)  # documents, days, visits
    after: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Guide:
    id: str
    name: str
    aliases: tuple[str, ...]
    summary: Summary
    questions: tuple[Question, ...]
    steps: tuple[Step, ...]
    materials: tuple[Material, ...]
    where: str = ""  # the department id where the bundle is applied for in one go
    sample: bool = False

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    @property
    def thresholds(self) -> dict[str, float]:
        return {q.id: q.threshold for q in self.questions if q.threshold is not None}


def _req(raw: dict, key: str, where: str) -> Any:
    value = raw.get(key)
    if value in (None, "", []):
        raise GuideError(f"{where}: 缺少 {key}")
    return value


def parse_guide(raw: dict[str, Any]) -> Guide:
    gid = str(_req(raw, "id", "指南"))
    where = f"指南 {gid}"
    questions = []
    for q in raw.get("questions") or []:
        qtype = str(q.get("type", "yesno")).replace("/", "").replace("yes_no", "yesno")
        if qtype not in ("yesno", "number"):
            raise GuideError(f"{where}: 问题 {q.get('id')} 的 type 只能是 yesno 或 number")
        threshold = q.get("threshold")
        if qtype == "number" and threshold is None:
            raise GuideError(f"{where}: 数字问题 {q.get('id')} 需要 threshold")
        questions.append(Question(
            id=str(_req(q, "id", where)), text=str(_req(q, "text", where)), type=qtype, unit=str(q.get("unit", "")),
            threshold=None if threshold is None else float(threshold), note=str(q.get("note", "")),
        ))
    qids = {q.id for q in questions}
    steps = [
        Step(
            id=str(_req(s, "id", where)), name=str(_req(s, "name", where)), department=str(_req(s, "department", where)),
            window=str(s.get("window", "")), when=str(s.get("when", "") or ""), limit_days=int(s.get("limit_days", 0)),
            legal_days=None if s.get("legal_days") is None else int(s["legal_days"]),
            parallel=bool(s.get("parallel", False)), note=str(s.get("note", "")),
        )
        for s in _req(raw, "steps", where)
    ]
    step_ids = {s.id for s in steps}
    materials = [
        Material(name=str(_req(m, "name", where)), step=str(m.get("step", "")), when=str(m.get("when", "") or ""),
                 note=str(m.get("note", "")))
        for m in _req(raw, "materials", where)
    ]
    for thing, label in [(s, f"步骤 {s.id}") for s in steps] + [(m, f"材料 {m.name}") for m in materials]:
        try:
            unknown = names(thing.when) - qids if thing.when else set()
        except ConditionError as exc:
            raise GuideError(f"{where}: {label} 的 when：{exc}") from None
        if unknown:
            raise GuideError(f"{where}: {label} 的 when 引用了不存在的问题 {', '.join(sorted(unknown))}")
    for m in materials:
        if m.step and m.step not in step_ids:
            raise GuideError(f"{where}: 材料 {m.name} 的 step {m.step} 不存在")
    summary_raw = raw.get("summary") or {}
    summary = Summary(
        text=str(summary_raw.get("text", "")),
        before={k: int(v) for k, v in (summary_raw.get("before") or {}).items()},
        after={k: int(v) for k, v in (summary_raw.get("after") or {}).items()},
    )
    return Guide(
        id=gid, name=str(_req(raw, "name", where)), aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        summary=summary, questions=tuple(questions), steps=tuple(steps), materials=tuple(materials),
        where=str(raw.get("where", "")), sample=bool(raw.get("sample", False)),
    )
