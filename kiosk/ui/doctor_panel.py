"""The staff screen's health panel: `kiosk doctor`'s findings, problems first, each with what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.ui.widgets import Card, IconButton, IconLabel, clear, label

SHOWN = 5  # problems listed on screen; the room a 1366×768 screen has beside the status card


class DoctorPanel(Card):
    """Runs the quick doctor (sizes, not checksums, so it takes seconds) on a worker thread when shown."""

    def __init__(self, ctx):
        super().__init__(margins=32, spacing=10)
        self.ctx = ctx
        head = QHBoxLayout()
        head.addWidget(label("本机体检", "h2"), 1)
        head.addWidget(IconButton("重新检查", "refresh", None, self.check))
        self.box.addLayout(head)
        self.summary = label("", "muted")
        self.box.addWidget(self.summary)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(8)
        self.box.addLayout(self.rows)
        self.box.addStretch(1)

    def check(self) -> None:
        from kiosk import doctor

        self.summary.setText("正在检查…")
        self.ctx.bridge.run(lambda: doctor.run(checksums=False), self.show_report, self.summary.setText)

    def show_report(self, report) -> None:
        clear(self.rows)
        for f in report.problems[:SHOWN]:
            row = QHBoxLayout()
            icon = IconLabel("cross", 26, "bad")
            icon.retint(self.ctx.theme())
            row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
            words = QVBoxLayout()
            words.setSpacing(2)
            words.addWidget(label(f.message))
            words.addWidget(label(f"解决办法：{f.fix}", "muted"))
            row.addLayout(words, 1)
            self.rows.addLayout(row)
        if len(report.problems) > SHOWN:
            self.rows.addWidget(label(f"……另有 {len(report.problems) - SHOWN} 个问题，请在命令行运行 kiosk doctor 查看", "muted"))
        fine = len(report.findings) - len(report.problems)
        self.summary.setText(f"{fine} 项正常" + ("，一体机可以正常服务。" if report.ok else
                                                  f"，{len(report.problems)} 个问题需要处理（命令行：kiosk doctor）。"))
