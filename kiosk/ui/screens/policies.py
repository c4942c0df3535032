"""Matched policies: fully met first, then those one answer away, each condition ticked, crossed or questioned."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.screens.base import Context, Screen
from kiosk.ui.viewmodels import PolicyView
from kiosk.ui.widgets import (
    SAMPLE_WORD,
    Card,
    Helper,
    IconButton,
    IconLabel,
    badge,
    clear,
    label,
    scroll_column,
    without_sample_word,
)

MARK = {"met": ("check", "ok"), "not_met": ("cross", "bad"), "unknown": ("question", "warn")}
CARDS = 12  # policy cards shown; the rest are counted, and the next step says who can go through them
CARDS_PER_TURN = 2


class PoliciesScreen(Screen):
    name = "policies"
    title = "可享政策"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.heading = label("可享政策", "h1")
        self.summary = label("", "muted")
        self.column.addWidget(self.heading)
        self.column.addWidget(self.summary)
        body = QHBoxLayout()
        body.setSpacing(36)
        self.column.addLayout(body, 1)
        self.helper = Helper("扫描营业执照后，我来帮您看看能享受哪些政策。")
        body.addWidget(self.helper, 3)
        self.area, self.list = scroll_column(22)
        body.addWidget(self.area, 9)
        self.fields: dict[str, str] = {}
        self.results: list[PolicyView] = []
        self._render = 0  # counts list renderings, so cards still being added for an older one stop
        self.rendering = False
        self.answered: set[str] = set()  # policies the visitor answered a question for: they stay in view

    def entered(self, fields: dict[str, str] | None = None, **_) -> None:
        if fields is not None:
            self.fields = dict(fields)
            self.ctx.session.answers.clear()
            self.answered.clear()
        if not self.fields:
            self.fields = dict(self.ctx.session.scan_fields)
        if not self.fields:
            self._message("还没有企业信息", "请先扫描营业执照，我再为您匹配政策。", "scan", "去扫描营业执照")
            return
        self.rematch()

    def reset(self) -> None:
        self._render += 1  # cards still being added belong to the last visitor
        self.fields, self.results = {}, []
        self.answered.clear()
        clear(self.list)
        self.list.addStretch(1)
        self.summary.setText("")

    def rematch(self) -> None:
        self.helper.avatar.set_state("thinking")
        self.summary.setText("正在逐条核对政策条件…")
        fields, answers = dict(self.fields), dict(self.ctx.session.answers)
        self.ctx.bridge.run(lambda: self.ctx.bridge.adapter.match(fields, answers),
                              self.for_this_visitor(self.show_results),
                              lambda msg: self._message("暂时无法匹配政策", msg, "conversation", "改为直接提问"))

    def answer(self, policy: str, key: str, value: bool) -> None:
        self.ctx.session.answers[key] = value
        self.answered.add(policy)
        self.rematch()

    # -- rendering -----------------------------------------------------------------------------------------
    def show_results(self, results: list[PolicyView]) -> None:
        self.results = results
        self.helper.avatar.set_state("idle")
        name = self.fields.get("name") or "贵单位"
        self.heading.setText(f"为「{name}」找到的政策")
        met = sum(r.status == "met" for r in results)
        near = sum(r.status in ("one_step", "unknown") for r in results)
        self.summary.setText(f"完全符合 {met} 项 · 回答几个问题就可能符合 {near} 项 · 共核对 {len(results)} 项政策")
        if near:
            self.helper.say(f"有 {near} 项还差一点信息。回答“是”或“否”，我马上重新判断。")
        elif met:
            self.helper.say("这些政策您都符合！点“怎么申请”看办理地点。")
        else:
            self.helper.say("暂时没有完全符合的政策。可以问问我，或到政策服务窗口咨询。")
        clear(self.list)
        self.list.addStretch(1)
        # a policy the visitor just answered about keeps its card, now showing why it does not fit
        shown = [r for r in results if r.status != "not_met" or r.id in self.answered]
        parts: list[Callable[[], QWidget]] = [lambda r=r: self._card(r) for r in shown[:CARDS]]
        ruled_out = [r for r in results if r.status == "not_met" and r.id in self.answered]
        if ruled_out:
            self.helper.say("根据您的回答，" + "、".join(f"《{r.title}》" for r in ruled_out[:2])
                            + "暂不符合，理由写在卡片里。")
        rest = [r for r in results if r.status == "not_met" and r.id not in self.answered]
        here = list(dict.fromkeys(r.title for r in rest if not r.elsewhere))  # one line per title
        elsewhere = len({r.title for r in rest if r.elsewhere})
        if here:
            parts.append(lambda: label(f"另有 {len(here)} 项暂不符合：" + "、".join(here[:6])
                                       + ("等" if len(here) > 6 else ""), "muted"))
        if elsewhere:
            parts.append(lambda: label(f"另有 {elsewhere} 项是其他地区的政策，不适用于贵单位。", "muted"))
        parts.append(lambda: self._next_step(len(shown) - CARDS))
        self._render += 1
        self._add_parts(parts, self._render)

    def _add_parts(self, parts: list[Callable[[], QWidget]], render: int) -> None:
        """A few cards per turn of the event loop: a dozen cards of rich text built at once would hold the
        screen still for half a second."""
        if render != self._render:
            return  # a newer result replaced this list
        for make in parts[:CARDS_PER_TURN]:
            self.list.insertWidget(self.list.count() - 1, make())
        self.rendering = bool(parts[CARDS_PER_TURN:])
        if self.rendering:
            QTimer.singleShot(0, lambda: self._add_parts(parts[CARDS_PER_TURN:], render))

    def _next_step(self, more: int) -> Card:
        """The end of the list says what to do now: nobody should be left reading and wondering."""
        card = Card("soft", margins=28, spacing=12)
        card.box.addWidget(label("下一步", "h3"))
        if more > 0:
            card.box.addWidget(label(f"还有 {more} 项需要更多信息才能判断，工作人员可以帮您逐项核对。"))
        else:
            card.box.addWidget(label("想申请，可以预约申报咨询，工作人员会联系您；也可以继续问我。"))
        row = QHBoxLayout()
        titles = [r.title for r in self.results if r.status in ("met", "one_step")][:3]
        ask = "预约政策申报咨询" + ("：" + "、".join(f"《{t}》" for t in titles) if titles else "")
        row.addWidget(IconButton(" 预约申报咨询", "clipboard", "primary",
                                 lambda: self.ctx.navigate("request", text=ask)))
        row.addWidget(IconButton(" 请工作人员核对", "person", None, self.ctx.call_staff))
        row.addWidget(IconButton(" 问问西小服", "chat", None, lambda: self.ctx.navigate("conversation", keyboard=True)))
        row.addStretch(1)
        card.box.addLayout(row)
        return card

    def _card(self, r: PolicyView) -> Card:
        card = Card(margins=28, spacing=12)
        head = QHBoxLayout()
        centre = Qt.AlignmentFlag.AlignVCenter
        head.addWidget(badge(r.status), 0, centre)
        head.addWidget(label(without_sample_word(r.title) if r.sample else r.title, "h3"), 1)
        if r.sample:
            head.addWidget(label(SAMPLE_WORD, "badge-muted", wrap=False), 0, centre)
        if r.benefit:
            head.addWidget(label(r.benefit, "h3", wrap=False), 0, centre)
        card.box.addLayout(head)
        muted = self.ctx.theme().palette.muted
        for c in r.conditions:
            row = QHBoxLayout()
            icon, tone = MARK.get(c.status, MARK["unknown"])
            row.addWidget(IconLabel(icon, 34, tone), 0, Qt.AlignmentFlag.AlignTop)
            line = html.escape(c.text)
            if c.explanation:
                line += f'　<span style="color:{muted}">{html.escape(c.explanation)}</span>'
            text = label(line)
            text.setTextFormat(Qt.TextFormat.RichText)
            row.addWidget(text, 1)
            card.box.addLayout(row)
        for key, question in r.questions[:2]:
            ask = Card("soft", margins=18, horizontal=True)
            ask.box.addWidget(IconLabel("question", 34, "warn"))
            ask.box.addWidget(label(question), 1)
            ask.box.addWidget(IconButton("是", "check", "primary", lambda k=key: self.answer(r.id, k, True)))
            ask.box.addWidget(IconButton("否", "cross", None, lambda k=key: self.answer(r.id, k, False)))
            card.box.addWidget(ask)
        if r.how_to_apply:
            card.box.addWidget(label(f"怎么申请：{r.how_to_apply}", "muted"))
        return card

    def _message(self, title: str, text: str, go: str, button: str) -> None:
        self.helper.avatar.set_state("idle")
        self.heading.setText(title)
        self.summary.setText("")
        self.helper.say(text)
        clear(self.list)
        card = Card(margins=36)
        card.box.addWidget(label(text))
        row = QHBoxLayout()
        row.addWidget(IconButton(button, "scan" if go == "scan" else "chat", "primary", lambda: self.ctx.navigate(go)))
        row.addStretch(1)
        card.box.addLayout(row)
        self.list.addWidget(card)
        self.list.addStretch(1)

    def stage_demo(self, records: dict) -> None:
        self.fields = dict(records["scan"].fields)
        self.show_results(records["policies"])
