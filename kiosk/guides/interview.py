"""The guide desk the dialogue talks to: "开餐馆要办什么" → the reform's headline, a few questions, a checklist.

The desk remembers the guide being tailored and the question it asked, so a short answer ("三百平", "是的")
is read for that question; a visitor who names another procedure starts that one instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.events import ServiceReply
from kiosk.guides.catalog import Catalog
from kiosk.guides.model import Guide
from kiosk.guides.tailor import Answer, AnswerError, parse_answer, questions_to_ask, tailor
from kiosk.store.records import Department

SAY_MATERIALS = 4  # materials read out; the rest are on screen and on the printout


@dataclass
class _Pending:
    guide: Guide
    answers: dict[str, Answer] = field(default_factory=dict)


class GuideDesk:
    def __init__(self, catalog: Catalog, departments: dict[str, Department] | None = None):
        self.catalog = catalog
        self.departments = departments or {}
        self.pending: _Pending | None = None

    def reset(self) -> None:
        """Forget the guide being tailored: the UI calls this when the visitor leaves (idle reset)."""
        self.pending = None

    def guide(self, text: str) -> ServiceReply | None:
        if self.pending:
            question = questions_to_ask(self.pending.guide, self.pending.answers)[0]
            try:
                self.pending.answers[question.id] = parse_answer(question, text)
                return self._next()
            except AnswerError as exc:
                other = self.catalog.find(text)
                if other is None or other.id == self.pending.guide.id:
                    return ServiceReply([exc.friendly], follow_up=self._question_text(question))
        found = self.catalog.find(text)
        if found is None:
            self.pending = None
            return None
        self.pending = _Pending(found)
        s = found.summary
        opening = f"{found.name}："
        if s.before and s.after:
            opening += (f"以前要准备{s.before.get('documents')}份材料、{s.before.get('days')}个工作日，"
                        f"现在{s.after.get('documents')}份材料、{s.after.get('days')}个工作日就能办好。")
        sentences = [opening]
        if found.sample:
            sentences.append("以下为样例指南，具体以窗口告知为准。")
        if found.questions:
            sentences.append(f"我问您{len(found.questions)}个小问题，帮您把材料清单定下来。")
        reply = self._next()
        reply.sentences[:0] = sentences
        return reply

    def _question_text(self, q) -> str:
        return q.text if q.type == "number" else f"{q.text}请回答是或否。"

    def _next(self) -> ServiceReply:
        pending = self.pending
        left = questions_to_ask(pending.guide, pending.answers)
        if left:
            return ServiceReply([], follow_up=self._question_text(left[0]))
        self.pending = None
        checklist = tailor(pending.guide, pending.answers)
        names = [m.name for m in checklist.materials]
        said = "、".join(names[:SAY_MATERIALS]) + ("等" if len(names) > SAY_MATERIALS else "")
        sentences = [
            f"根据您的情况，共{len(checklist.steps)}个步骤，需要准备{len(names)}份材料，约{checklist.promised_days}个工作日办完。",
            f"材料有：{said}。",
        ]
        where = self.departments.get(pending.guide.where)
        if where:
            sentences.append(f"材料齐了到{where.name}一窗提交，{where.window}。")
        sentences.append("完整清单在屏幕上，可以打印带走，上面有二维码。")
        data = {"guide": checklist.to_dict({k: d.name for k, d in self.departments.items()})}
        return ServiceReply(sentences, suggestions=["打印清单"], data=data)
