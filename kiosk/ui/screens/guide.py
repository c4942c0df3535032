"""One-thing guides: pick a procedure, answer a few questions, get the tailored checklist and print it."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.ui.chips import ElidedButton
from kiosk.ui.screens.base import Context, Screen
from kiosk.ui.viewmodels import GuideMaterial, GuideView, PrintOut
from kiosk.ui.widgets import SAMPLE_WORD, Card, IconButton, IconLabel, clear, label, scroll_column


class GuideScreen(Screen):
    name = "guide"
    title = "一件事指南"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.column.addWidget(label("一件事指南：一次告知，一次办好", "h1"))
        body = QHBoxLayout()
        body.setSpacing(32)
        self.column.addLayout(body, 1)
        self.menu_area, self.menu = scroll_column(14)
        body.addWidget(self.menu_area, 3)
        self.area, self.detail = scroll_column(18)
        body.addWidget(self.area, 8)
        self.guides: list[GuideView] = []
        self.current: GuideView | None = None
        self.answers: dict[str, bool] = {}
        self._menu_buttons: dict[str, ElidedButton] = {}

    def entered(self, **_) -> None:
        if not self.guides:
            self.ctx.bridge.run(self.ctx.bridge.adapter.guides, self.show_menu, self._unavailable)

    def reset(self) -> None:
        self.answers.clear()
        self.current = None
        clear(self.detail)
        self.detail.addStretch(1)
        for b in self._menu_buttons.values():
            b.setChecked(False)

    def _unavailable(self, message: str) -> None:
        clear(self.detail)
        card = Card(margins=36)
        card.box.addWidget(label(message))
        self.detail.addWidget(card)
        self.detail.addStretch(1)

    def show_menu(self, guides: list[GuideView]) -> None:
        self.guides = guides
        clear(self.menu)
        self._menu_buttons.clear()
        for g in guides:
            b = ElidedButton(g.title, "checklist", "menu", lambda g=g: self.open(g.id))  # never wider than the menu
            b.setCheckable(True)
            self._menu_buttons[g.id] = b
            self.menu.addWidget(b)
        self.menu.addStretch(1)
        if guides and self.current is None:
            self._intro()

    def _intro(self) -> None:
        clear(self.detail)
        card = Card("soft", margins=36)
        card.box.addWidget(label("请在左边选一件要办的事", "h2"))
        card.box.addWidget(label("我会问您两三个问题，然后列出需要准备的材料、去哪些窗口、多久能办好。"))
        self.detail.addWidget(card)
        self.detail.addStretch(1)

    def open(self, guide_id: str) -> None:
        for gid, b in self._menu_buttons.items():
            b.setChecked(gid == guide_id)
        self.answers.clear()
        self._tailor(guide_id)

    def _tailor(self, guide_id: str) -> None:
        answers = dict(self.answers)
        self.ctx.bridge.run(lambda: self.ctx.bridge.adapter.tailor(guide_id, answers),
                              self.for_this_visitor(self.show_guide),
                              self._unavailable)

    def set_answer(self, key: str, value: bool) -> None:
        self.answers[key] = value
        if self.current:
            self._tailor(self.current.id)

    def show_guide(self, g: GuideView) -> None:
        self.current = g
        clear(self.detail)
        head = Card(margins=30, spacing=10)
        title = QHBoxLayout()
        title.addWidget(label(g.title, "h2"), 1)
        if g.sample:  # said where the visitor starts reading, not below the list
            title.addWidget(label(SAMPLE_WORD, "badge-muted", wrap=False))
        title.addWidget(IconButton(" 打印办事清单", "print", "primary", self.print_checklist))
        head.box.addLayout(title)
        if g.summary:
            head.box.addWidget(label(g.summary, "muted"))
        if g.total_days:
            line = QHBoxLayout()
            line.addWidget(IconLabel("clock", 32))
            line.addWidget(label(f"办理时间：{g.total_days}"), 1)
            head.box.addLayout(line)
        self.detail.addWidget(head)
        if g.questions:
            qs = Card("soft", margins=26, spacing=10)
            qs.box.addWidget(label("先回答几个问题，清单会随之调整", "h3"))
            for key, text in g.questions:
                row = QHBoxLayout()
                row.addWidget(label(text), 1)
                for value, word in ((True, "是"), (False, "否")):
                    b = IconButton(word, None, "chip", lambda k=key, v=value: self.set_answer(k, v))
                    b.setCheckable(True)
                    b.setChecked(self.answers.get(key) is value)
                    row.addWidget(b)
                qs.box.addLayout(row)
            self.detail.addWidget(qs)
        listed = g.checklist(self.answers)
        materials = [m for m in listed if not m.pending]
        pending = [m for m in listed if m.pending]
        mats = Card(margins=28, spacing=8)
        mats.box.addWidget(label(f"需要准备的材料（{len(materials)} 份）", "h3"))
        self._materials(mats, materials, "check", "ok")
        if pending:
            mats.box.addWidget(label(f"回答上面的问题后才能确定的材料（{len(pending)} 份）", "h3"))
            self._materials(mats, pending, "question", "warn")
        self.detail.addWidget(mats)
        steps = Card(margins=28, spacing=8)
        steps.box.addWidget(label("办理步骤", "h3"))
        for i, s in enumerate(g.steps, 1):
            col = QVBoxLayout()
            col.setSpacing(2)
            col.addWidget(label(f"{i}. {s.title}"))
            where = " · ".join(x for x in (s.department, s.window, s.days) if x)
            if where:
                col.addWidget(label(where, "muted"))
            steps.box.addLayout(col)
        self.detail.addWidget(steps)
        self.detail.addStretch(1)

    def _materials(self, card: Card, materials: list[GuideMaterial], icon: str, tone: str) -> None:
        muted = self.ctx.theme().palette.muted
        for m in materials:
            row = QHBoxLayout()
            row.addWidget(IconLabel(icon, 30, tone))
            note = f"　<span style='color:{muted}'>{html.escape(m.note)}</span>" if m.note else ""
            row.addWidget(label(html.escape(m.name) + note), 1)
            card.box.addLayout(row)

    def print_checklist(self) -> None:
        if not self.current:
            return
        guide_id, answers = self.current.id, dict(self.answers)

        def done(out: PrintOut) -> None:
            self.ctx.session.temp_files.append(out.path)
            self.ctx.toast("办事清单已送到打印机，请在打印机出口取件" if out.printed else
                           "本机暂时不能打印。请用手机拍下这份清单，或到 1 号综合窗口请工作人员打印。")

        self.ctx.bridge.run(lambda: self.ctx.bridge.adapter.print_guide(guide_id, answers),
                              self.for_this_visitor(done), self.ctx.toast)

    def stage_demo(self, records: dict) -> None:
        g = records["guide"]
        self.show_menu(records["guides"])
        self._menu_buttons[g.id].setChecked(True)
        self.answers = dict(records["answers"])
        self.show_guide(g)
