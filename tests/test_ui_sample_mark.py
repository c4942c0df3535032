"""Sample content is called by one word, 样例, on every screen (the badge included), and the badge and the 样例
marks are drawn at WCAG AA contrast in both palettes, measured on the pixels the window draws."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel
from support_ui import ScriptedAdapter, make_window, settle, shown_widgets
from test_ui_access import contrast

from kiosk.store.demo import SAMPLE_MARK
from kiosk.ui.app import render

SCREENS = ("attract", "conversation", "scan", "policies", "request", "guide", "staff")
OTHER_WORDS = ("演示", "示例", "样本", "demo")


class DemoStore(ScriptedAdapter):
    def demo_content(self) -> bool:
        return True


def drawn_contrast(widget) -> float:
    """The contrast between a widget's fill (its commonest colour) and the colour drawn farthest from it."""
    image = widget.grab().toImage()
    counts: dict[str, int] = {}
    for y in range(image.height()):
        for x in range(image.width()):
            colour = f"#{image.pixel(x, y) & 0xFFFFFF:06X}"
            counts[colour] = counts.get(colour, 0) + 1
    fill = max(counts, key=counts.get)
    return max(contrast(fill, c) for c in counts)


def test_one_word_for_sample_content_on_every_screen(qtbot, tmp_path):
    window = make_window(qtbot, DemoStore())
    for name in SCREENS:
        render(window, name, tmp_path / f"{name}.png")
        settle(window)
        texts = [w.text() for w in shown_widgets(window, QLabel) + shown_widgets(window, QAbstractButton)]
        assert window.demo_badge.isVisible() and SAMPLE_MARK in window.demo_badge.text(), name
        assert not [t for t in texts if any(word in t for word in OTHER_WORDS)], name


@pytest.mark.parametrize("high_contrast", [False, True], ids=["normal", "high-contrast"])
def test_the_badge_and_the_sample_marks_are_drawn_at_aa_contrast(qtbot, tmp_path, high_contrast):
    window = make_window(qtbot, DemoStore())
    render(window, "policies", tmp_path / "policies.png", high_contrast=high_contrast)
    settle(window)
    marks = [w for w in shown_widgets(window, QLabel) if w.text() == SAMPLE_MARK]
    assert marks  # the store's demo policies carry the mark
    for widget in [window.demo_badge, *marks[:3]]:
        assert drawn_contrast(widget) >= 4.5, (widget.text(), drawn_contrast(widget))


def test_a_sample_sources_mark_survives_a_narrow_card(qtbot):
    from support_ui import CITATION

    from kiosk.ui.chat import KioskBubble

    make_window(qtbot, size=(1366, 768))
    bubble = KioskBubble(lambda c: None)
    qtbot.addWidget(bubble)
    bubble.add_citations((CITATION,))
    bubble.resize(420, 400)
    bubble.show()
    settle_widget = bubble.findChildren(QAbstractButton)[0]
    qtbot.waitUntil(lambda: settle_widget.width() < 420)
    assert SAMPLE_MARK in settle_widget.text() and settle_widget.text().endswith("…")  # elided, mark kept
