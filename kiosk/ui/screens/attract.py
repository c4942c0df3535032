"""The attract screen: 西小服 waves, and three big ways in — hold to talk, type a question, scan a licence."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from kiosk.ui.avatar import Avatar
from kiosk.ui.chips import ElidedButton, chip_row
from kiosk.ui.screens.base import Context, Screen
from kiosk.ui.widgets import IconButton, SpeechBubble, label

SAMPLE_QUESTIONS = ["开公司要准备哪些材料？", "有哪些研发补贴？", "高新技术企业怎么认定？"]


class AttractScreen(Screen):
    name = "attract"
    title = "首页"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        body = QHBoxLayout()
        body.setSpacing(48)
        self.column.addLayout(body, 1)

        left = QVBoxLayout()
        bubble = SpeechBubble(margins=30)
        bubble.box.addWidget(label("您好！我是西小服", "h2"))
        bubble.box.addWidget(label("政策、办事、诉求，都可以问我。"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(bubble, 6)
        row.addStretch(1)
        left.addLayout(row)
        self.avatar = Avatar()
        self.avatar.set_state("waving")
        left.addWidget(self.avatar, 1)
        body.addLayout(left, 5)

        right = QVBoxLayout()
        right.setSpacing(16)
        right.addStretch(1)
        right.addWidget(label("有什么可以帮您？", "h1"))
        right.addWidget(label("按住下面的按钮直接说话，或者点一点开始。", "muted"))
        self.talk = IconButton("  按住说话", "mic", "tile-primary", icon_px=60)
        self.talk.setToolTip("按住说话，松开结束")
        self.talk.pressed.connect(lambda: ctx.navigate("conversation", listen=True))
        right.addWidget(self.talk)
        grid = QGridLayout()
        grid.setSpacing(20)
        self.type_q = IconButton("  点我提问", "keyboard", "tile", lambda: ctx.navigate("conversation", keyboard=True),
                                 icon_px=48)
        self.scan = IconButton("  扫描营业执照", "scan", "tile", lambda: ctx.navigate("scan"), icon_px=48)
        grid.addWidget(self.type_q, 0, 0)
        grid.addWidget(self.scan, 0, 1)
        more = [("  办事诉求", "clipboard", lambda: ctx.navigate("request")),
                ("  进度查询", "search", lambda: ctx.navigate("request", track=True)),
                ("  一件事指南", "checklist", lambda: ctx.navigate("guide"))]
        row = QHBoxLayout()
        row.setSpacing(20)
        for text, icon_name, go in more:
            b = IconButton(text, icon_name, None, go, icon_px=40)
            b.setMinimumHeight(1)
            row.addWidget(b)
        right.addLayout(grid)
        right.addLayout(row)
        right.addSpacing(6)
        right.addWidget(label("大家常问", "h3"))
        holder, chips = chip_row(14)
        for q in SAMPLE_QUESTIONS:
            chips.addWidget(ElidedButton(q, None, "chip", lambda q=q: ctx.navigate("conversation", ask=q)))
        right.addWidget(holder)
        right.addStretch(1)
        body.addLayout(right, 7)

    def entered(self, **kwargs) -> None:
        self.avatar.set_state("waving")

    def engines_changed(self) -> None:
        """Without a voice, typing is the way in: 按住说话 goes, 点我提问 becomes the big button."""
        no_voice = self.ctx.bridge.unavailable("voice")
        self.talk.setVisible(not no_voice)
        self.type_q.setProperty("role", "tile-primary" if no_voice else "tile")
        self.type_q.style().polish(self.type_q)
        self.type_q.retint(self.ctx.theme())
