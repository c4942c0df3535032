"""Scanning a business licence: take or import a picture, check the recognised fields, then match policies."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import data_dir
from kiosk.ui.adapter import Unavailable
from kiosk.ui.screens.base import Context, Screen
from kiosk.ui.session import mask_id
from kiosk.ui.viewmodels import SCAN_FIELDS, ScanView
from kiosk.ui.widgets import Card, IconButton, IconLabel, clear, label

# short fields share a row, so the whole licence fits beside its picture
FORM_ROWS = [("name",), ("credit_code",), ("type", "legal_representative"), ("registered_capital_yuan", "established"),
             ("address",), ("street", "industry_tags"), ("business_scope",)]
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
CHOICES = 6  # newest scans offered by 选择扫描件


def scanner_inbox() -> Path:
    """Where a document scanner drops its images for the kiosk to pick up."""
    return data_dir() / "scanner_inbox"


def inbox_images() -> list[Path]:
    """The scanner's images, newest first."""
    inbox = scanner_inbox()
    if not inbox.is_dir():
        return []
    files = [p for p in inbox.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def empty_inbox() -> None:
    """Delete every scan waiting in the inbox: a scan belongs to the visitor who made it, never the next one."""
    for path in inbox_images():
        path.unlink(missing_ok=True)


class ScanScreen(Screen):
    name = "scan"
    title = "扫描证照"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.column.addWidget(label("扫描营业执照，看看能享受哪些政策", "h1"))
        body = QHBoxLayout()
        body.setSpacing(36)
        self.column.addLayout(body, 1)

        left = Card(margins=28)
        self.preview = label("", wrap=False)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 240)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)  # the picture fits the card
        self.hint = QVBoxLayout()
        hint_icon = IconLabel("scan", 140, "brand")
        self.hint.addWidget(hint_icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.hint_text = label("请把营业执照正本或副本正面朝上\n放在下方扫描区，然后点“拍照识别”")
        self.hint_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.addWidget(self.hint_text)
        left.box.addStretch(1)
        left.box.addLayout(self.hint)
        left.box.addWidget(self.preview, 4)
        self.choices = QVBoxLayout()
        self.choices.setSpacing(10)
        left.box.addLayout(self.choices)
        left.box.addStretch(1)
        buttons = QHBoxLayout()
        self.camera_button = IconButton(" 拍照识别", "camera", "primary", self.capture)
        self.import_button = IconButton(" 导入扫描件", "image", None, self.import_latest)
        # only the scanner's own folder is offered: a file dialog would let the public browse the PC
        self.file_button = IconButton(" 选择扫描件", "doc", None, self.choose_file)
        buttons.addWidget(self.camera_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.file_button)
        left.box.addLayout(buttons)
        body.addWidget(left, 5)

        right = Card(margins=32, spacing=12)
        head = QHBoxLayout()
        head.addWidget(label("请核对识别结果", "h2"), 1)
        self.valid_badge = label("", "badge-muted", wrap=False)
        head.addWidget(self.valid_badge)
        right.box.addLayout(head)
        self.status = label("识别后，结果会显示在这里；如有错字可以直接修改。", "muted")
        right.box.addWidget(self.status)
        # on a short screen the fields scroll inside the card; the confirm button below them stays in view
        form = QWidget()
        grid = QGridLayout(form)
        grid.setContentsMargins(0, 0, 8, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        self.fields: dict[str, QLineEdit] = {}
        names = dict(SCAN_FIELDS)
        for row, keys in enumerate(FORM_ROWS):
            for i, key in enumerate(keys):
                edit = QLineEdit()
                edit.setAccessibleName(names[key])
                edit.setPlaceholderText(names[key])
                edit.setToolTip(names[key])
                self.fields[key] = edit
                grid.addWidget(label(names[key], "muted", wrap=False), row, i * 2)
                grid.addWidget(edit, row, i * 2 + 1, 1, 3 if len(keys) == 1 else 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        fields_area = QScrollArea()
        fields_area.setWidgetResizable(True)
        fields_area.setFrameShape(QFrame.Shape.NoFrame)
        fields_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        fields_area.setWidget(form)
        fields_area.setMinimumHeight(120)
        right.box.addWidget(fields_area, 1)
        self.confirm = IconButton(" 确认无误，查看可享政策", "award", "primary", self.confirm_fields)
        right.box.addWidget(self.confirm)
        body.addWidget(right, 6)
        self.reset()

    def entered(self, **_) -> None:
        if not self.ctx.bridge.ready("ocr"):
            self.status.setText("证照识别正在准备；您也可以直接在右边填写企业信息。")

    def reset(self) -> None:
        empty_inbox()
        clear(self.choices)
        for edit in self.fields.values():
            edit.clear()
        self.preview.clear()
        self.preview.hide()
        self._show_hint(True)
        self.valid_badge.hide()
        self.confirm.setEnabled(True)
        self.status.setText("识别后，结果会显示在这里；如有错字可以直接修改。")

    def _show_hint(self, on: bool) -> None:
        for i in range(self.hint.count()):
            self.hint.itemAt(i).widget().setVisible(on)

    # -- getting an image ----------------------------------------------------------------------------------
    def capture(self) -> None:
        self.status.setText("正在拍照…")
        self.ctx.bridge.run(self._grab_camera, self.for_this_visitor(self._have_image), self._failed)

    def _grab_camera(self) -> Path:
        try:
            import cv2
        except ImportError as exc:
            raise Unavailable("没有找到摄像头，请点“导入扫描件”或请工作人员协助。") from exc
        cam = cv2.VideoCapture(0)
        try:
            ok, frame = cam.read() if cam.isOpened() else (False, None)
        finally:
            cam.release()
        if not ok or frame is None:
            raise Unavailable("没有找到摄像头，请点“导入扫描件”或请工作人员协助。")
        path = self._temp_path(".png")
        cv2.imwrite(str(path), frame)
        return path

    def import_latest(self) -> None:
        files = inbox_images()
        if not files:
            self.ctx.toast("扫描仪里还没有新的图片，请先在扫描仪上扫描")
            return
        self._use_scan(files[0])

    def choose_file(self) -> None:
        """The newest scans as buttons named by the time they were scanned."""
        files = inbox_images()[:CHOICES]
        if not files:
            self.ctx.toast("扫描仪里还没有新的图片，请先在扫描仪上扫描")
            return
        clear(self.choices)
        self._show_hint(False)
        self.preview.hide()
        self.choices.addWidget(label("请选择要识别的扫描件", "h3"))
        for n, path in enumerate(files, 1):
            when = time.strftime("%H:%M:%S", time.localtime(path.stat().st_mtime))
            self.choices.addWidget(IconButton(f" 扫描件 {n}（{when} 扫描）", "image", None,
                                              lambda p=path: self._use_scan(p)))

    def _use_scan(self, path: Path) -> None:
        """The scan now belongs to this visitor's session: the wipe deletes it with everything else."""
        clear(self.choices)
        if path not in self.ctx.session.temp_files:
            self.ctx.session.temp_files.append(path)
        self._have_image(path)

    def _temp_path(self, suffix: str) -> Path:
        folder = data_dir() / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkstemp(suffix=suffix, dir=folder)[1])
        self.ctx.session.temp_files.append(path)
        return path

    def _have_image(self, path: Path) -> None:
        data = path.read_bytes() if path.is_file() else b""
        image = QImage.fromData(data)
        if image.isNull():
            self._failed("这个文件不是可以识别的图片，请换一张营业执照照片。")
            return
        self.ctx.session.scan_image = data
        self._show_hint(False)
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        self.preview.show()
        self.status.setText("正在识别，请稍候…")
        started = time.monotonic()
        self.ctx.bridge.run(lambda: self.ctx.bridge.adapter.scan(path),
                              self.for_this_visitor(lambda view: self.show_result(view, time.monotonic() - started)),
                              self.for_this_visitor(self._failed))

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self.ctx.toast(message)

    # -- result --------------------------------------------------------------------------------------------
    def show_result(self, view: ScanView, seconds: float = 0.0) -> None:
        if view.kind == "id_card":
            self.status.setText("这是身份证：号码已隐藏，图片不会保存。办理企业政策请扫描营业执照。")
            number = str(view.fields.get("id_number", ""))
            self.fields["name"].setText(str(view.fields.get("name", "")))
            self.fields["credit_code"].setText(mask_id(number))
            self.ctx.session.scan_image = None
            return
        if view.kind != "business_licence":
            self.status.setText("没有认出营业执照，请把执照放平、避免反光后再试一次。")
            return
        for key, edit in self.fields.items():
            value = view.fields.get(key, "")
            edit.setText(", ".join(value) if isinstance(value, list | tuple) else str(value or ""))
            edit.setCursorPosition(0)  # show the start of long values
        self.ctx.session.scan_fields = dict(view.fields)
        ok = view.credit_code_valid
        self.valid_badge.setProperty("role", "badge-ok" if ok else "badge-warn")
        self.valid_badge.setText("信用代码校验通过" if ok else "信用代码请核对")
        self.valid_badge.style().polish(self.valid_badge)
        self.valid_badge.show()
        self.fields["credit_code"].setProperty("state", "" if ok else "invalid")
        self.fields["credit_code"].style().polish(self.fields["credit_code"])
        took = f"（用时 {seconds:.1f} 秒）" if seconds else ""
        self.status.setText(f"识别完成{took}，请核对；如有错字可以直接修改。")

    def confirm_fields(self) -> None:
        fields = {k: e.text().strip() for k, e in self.fields.items() if e.text().strip()}
        if not fields.get("name") and not fields.get("credit_code"):
            self.ctx.toast("请先扫描营业执照，或填写企业名称")
            return
        self.ctx.session.scan_fields = fields
        self.ctx.navigate("policies", fields=fields)

    def stage_demo(self, records: dict) -> None:
        from kiosk.ui.screenshot_stage import licence_image

        image = licence_image(records["scan"])
        self._show_hint(False)
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            640, 448, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        self.preview.show()
        self.show_result(records["scan"], 0.7)

