"""Tailor a guide to one enterprise: ask the few questions, keep the steps and materials that apply."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kiosk.errors import FriendlyError
from kiosk.guides.conditions import evaluate_answers
from kiosk.guides.model import Guide, Material, Question, Step
from kiosk.yesno import yes_or_no

Answer = bool | float
_DIGITS = "零〇一二两三四五六七八九"
_UNITS = "十百千万"


def _chinese_number(text: str) -> int | None:
    """三百二十 → 320, 两千五 → 2500, 一百零五 → 105: how people say a floor area or a head count."""
    values = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    units = {"十": 10, "百": 100, "千": 1000}
    total, section, digit, last_unit, zero = 0, 0, None, 1, False
    for ch in text:
        if ch in "零〇":
            zero, digit = True, None
        elif ch in values:
            digit = values[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit, last_unit, zero = 0, None, 10000, False
        else:
            section += (1 if digit is None else digit) * units[ch]
            digit, last_unit, zero = None, units[ch], False
    if digit is not None:
        # 两千五 is 2500: a trailing digit counts in the unit below the last one said, unless 零 came between.
        section += digit if zero or last_unit <= 10 else digit * (last_unit // 10)
    result = total + section
    return result if result or zero else None


class AnswerError(FriendlyError, ValueError):
    """An answer that cannot be read for its question; ``friendly`` says what is expected."""


def parse_answer(question: Question, text: str) -> Answer:
    """A spoken or typed answer read for its question: yes/no, or a number (units and 约/大概 allowed)."""
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    t = t.strip("。.!！ ")
    if question.type == "number":
        m = re.search(r"-?\d+(?:\.\d+)?", t.replace(",", ""))
        if m:
            return float(m.group())
        spoken = re.search(f"[{_DIGITS}{_UNITS}]+", t)
        value = _chinese_number(spoken.group()) if spoken else None
        if value is None:
            raise AnswerError(f"请回答一个数字，例如 120{question.unit}。")
        return float(value)
    answer = yes_or_no(t)
    if answer is None:
        raise AnswerError("请回答“是”或“否”。")
    return answer


def parse_answers(guide: Guide, spec: str) -> dict[str, Answer]:
    """``area=320,rented=yes`` (the CLI's ``--answers``); unknown question ids are refused by name."""
    answers: dict[str, Answer] = {}
    for part in re.split(r"[,，;；]", spec or ""):
        if not part.strip():
            continue
        if "=" not in part:
            raise AnswerError(f"答案格式应为 问题编号=答案，例如 area=320：{part.strip()}")
        key, value = (s.strip() for s in part.split("=", 1))
        q = guide.question(key)
        if q is None:
            ids = "、".join(q.id for q in guide.questions)
            raise AnswerError(f"《{guide.name}》没有问题 {key}，可用的有：{ids}")
        answers[key] = parse_answer(q, value)
    return answers


@dataclass
class Checklist:
    guide: Guide
    answers: dict[str, Answer]
    steps: list[Step]
    materials: list[Material]
    pending: list[Material] = field(default_factory=list)  # depend on a question not answered yet
    unanswered: list[Question] = field(default_factory=list)

    @property
    def promised_days(self) -> int:
        """Working days end to end: steps that run alongside the one before add nothing."""
        total, block = 0, 0
        for step in self.steps:
            if step.parallel:
                block = max(block, step.limit_days)
            else:
                total += block
                block = step.limit_days
        return total + block

    def to_dict(self, department_names: dict[str, str] | None = None) -> dict:
        names = department_names or {}
        return {
            "guide": self.guide.id,
            "name": self.guide.name,
            "sample": self.guide.sample,
            "summary": {"text": self.guide.summary.text, "before": self.guide.summary.before,
                        "after": self.guide.summary.after},
            "answers": self.answers,
            "unanswered": [q.id for q in self.unanswered],
            "steps": [
                {"id": s.id, "name": s.name, "department": s.department,
                 "department_name": names.get(s.department, s.department), "window": s.window,
                 "limit_days": s.limit_days, "legal_days": s.legal_days, "parallel": s.parallel, "note": s.note}
                for s in self.steps
            ],
            "materials": [{"name": m.name, "step": m.step, "note": m.note} for m in self.materials],
            "pending_materials": [{"name": m.name, "when": m.when} for m in self.pending],
            "documents": len(self.materials),
            "promised_days": self.promised_days,
        }


def questions_to_ask(guide: Guide, answers: dict[str, Answer] | None = None) -> list[Question]:
    """The questions still open, in the guide's order (each one changes the list, or it would not be there)."""
    answers = answers or {}
    return [q for q in guide.questions if q.id not in answers]


def tailor(guide: Guide, answers: dict[str, Answer]) -> Checklist:
    thresholds = guide.thresholds
    steps, skipped = [], set()
    for s in guide.steps:
        if evaluate_answers(s.when, answers, thresholds) is False:
            skipped.add(s.id)
        else:
            steps.append(s)
    materials, pending = [], []
    for m in guide.materials:
        if m.step in skipped:
            continue
        applies = evaluate_answers(m.when, answers, thresholds)
        if applies is True:
            materials.append(m)
        elif applies is None:
            pending.append(m)
    return Checklist(guide, dict(answers), steps, materials, pending, questions_to_ask(guide, answers))
