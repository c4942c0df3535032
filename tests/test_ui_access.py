"""Reachable and readable for everyone: touch targets of at least 48 px on every screen at the hall's smaller
screen, and badges (样例 included) at WCAG AA contrast in both palettes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QLineEdit
from support_ui import TEST_PIN, make_window, settle, shown_widgets

from kiosk.ui.theme import HIGH_CONTRAST, TOUCH_PX, Palette, badge_colours


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("palette", [Palette(), HIGH_CONTRAST], ids=["normal", "high-contrast"])
def test_badges_meet_aa_contrast(palette):
    for role, (text, fill, _edge) in badge_colours(palette).items():
        assert contrast(text, fill) >= 4.5, (role, text, fill)


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
def test_every_touch_target_is_at_least_48_px(qtbot, elderly):
    window = make_window(qtbot, size=(1366, 768))
    if elderly:
        window.toggle_elderly()
    small = []
    for name in ("attract", "conversation", "scan", "policies", "request", "guide", "staff"):
        window.navigate(name, **({"keyboard": True} if name == "conversation" else {}))
        settle(window)
        if name == "request":
            window.current().toggle_keyboard()
        if name == "staff":
            for d in TEST_PIN:
                window.current().pin_key(d)
            window.current().pin_key("确定")
        settle(window)
        for w in shown_widgets(window, QAbstractButton) + shown_widgets(window, QLineEdit):
            if w.height() < TOUCH_PX or w.width() < TOUCH_PX:
                small.append(f"{name}: {w.accessibleName() or w.text()!r} {w.width()}×{w.height()}")
        if name == "staff":
            table = window.current().table
            small += [f"staff queue row {r}: {table.rowHeight(r)}" for r in range(table.rowCount())
                      if table.rowHeight(r) < TOUCH_PX]
    assert not small, small
