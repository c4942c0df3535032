"""扫码带走: an answer and its sources leave on the visitor's phone inside a QR code, with no server."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from support_ui import CITATION, make_window, settle

from kiosk.events import Citation
from kiosk.ui.chat import KioskBubble
from kiosk.ui.takeaway import CUT, MAX_BYTES, takeaway_text


def decode(widget) -> str:
    """Read the code as a phone would, from the pixels the kiosk draws."""
    image = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * height)
    gray = pixels.reshape(height, image.bytesPerLine())[:, :width].copy()
    text = cv2.QRCodeDetectorAruco().detectAndDecode(gray)[0]
    return text or cv2.QRCodeDetector().detectAndDecode(gray)[0]


def test_the_text_holds_question_answer_title_and_document_number():
    text = takeaway_text("研发补贴有多少？", "经认定的区级研发中心，给予一次性奖励20万元[1]。", [CITATION])
    assert "问：研发补贴有多少？" in text
    assert "答：经认定的区级研发中心，给予一次性奖励20万元[1]。" in text
    sample = Citation(1, "d", "研发中心奖励办法（样例）", "第五条", "", "西政办〔2024〕12号", True)
    assert "[1]《研发中心奖励办法》 第五条 西政办〔2024〕12号（样例）" in takeaway_text("问", "答", [sample])
    assert "[1]《西湖区关于支持企业研发创新的若干政策（示例）》 第五条 西政办〔2024〕12号" in text


def test_a_long_answer_is_shortened_and_its_sources_are_kept():
    sources = [Citation(n, f"doc{n}", f"第{n}份很长的政策文件标题关于支持企业发展的若干意见", "第三条", "",
                        f"西政发〔2025〕{n}号") for n in (1, 2, 3)]
    answer = "企业符合条件的，可以申请补助。" * 80
    text = takeaway_text("能补多少？", answer, sources)
    assert len(text.encode()) <= MAX_BYTES
    assert CUT in text
    assert all(f"西政发〔2025〕{n}号" in text for n in (1, 2, 3))


def test_a_phone_reads_the_answer_and_its_sources_off_the_screen(qtbot):
    window = make_window(qtbot, size=(1366, 768))
    window.navigate("conversation")
    conv = window.current()
    conv.ask("研发补贴有多少？")
    settle(window)
    bubble = conv.area.widget().findChildren(KioskBubble)[-1]
    assert bubble.takeaway is not None and bubble.takeaway.code is None  # nothing drawn until asked
    qtbot.mouseClick(bubble.takeaway.button, Qt.MouseButton.LeftButton)
    code = bubble.takeaway.code
    assert code is not None and code.isVisible()  # at once, while its modules are made off the UI thread
    qtbot.waitUntil(lambda: bool(code.matrix), timeout=5000)
    settle(window)
    assert code.width() >= 300 and code.width() / len(code.matrix) >= 4  # modules a phone camera resolves
    view = conv.area.viewport()

    def on_screen() -> bool:
        return view.rect().contains(QRect(code.mapTo(view, QPoint(0, 0)), code.size()))

    qtbot.waitUntil(on_screen, timeout=3000)  # the whole code on screen to scan, once laid out
    read = decode(code)
    assert read == bubble.takeaway.text
    assert "给予一次性奖励20万元" in read and "西政办〔2024〕12号" in read and "研发补贴有多少？" in read
    qtbot.mouseClick(bubble.takeaway.button, Qt.MouseButton.LeftButton)
    assert not code.isVisible()  # folded away again
