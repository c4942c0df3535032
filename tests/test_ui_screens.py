"""Every screen renders in a realistic state, at 1080p, elderly and high-contrast, from 800×600 to 4K."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel
from support_ui import make_window

from kiosk.ui.app import render

SCREENS = ("attract", "conversation", "scan", "policies", "request", "guide", "staff")


def _distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 60)
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def test_every_screen_renders_at_1080p(qtbot, tmp_path):
    window = make_window(qtbot)
    for name in SCREENS:
        out = tmp_path / f"{name}.png"
        render(window, name, out)
        image = QImage(str(out))
        assert (image.width(), image.height()) == (1920, 1080), name  # nothing forced the window larger
        assert _distinct_colours(image) > 8, name  # drawn, not blank
        assert window.current().name == name


@pytest.mark.parametrize("size", [(800, 600), (3840, 2160)])
def test_small_and_4k_windows_stay_coherent(qtbot, tmp_path, size):
    window = make_window(qtbot, size=size)
    for name in ("attract", "conversation", "policies"):
        out = tmp_path / f"{name}.png"
        render(window, name, out)
        image = QImage(str(out))
        assert (image.width(), image.height()) == size, name
    body = window.theme.px(26)
    assert body >= (16 if size[0] < 1000 else 48)  # type scales with the window


def test_elderly_and_high_contrast_modes(qtbot, tmp_path):
    window = make_window(qtbot)
    normal = window.theme.px(26)
    render(window, "conversation", tmp_path / "elderly.png", elderly=True, high_contrast=True)
    assert window.theme.px(26) > normal
    assert window.theme.palette.text == "#000000"
    assert window.settings.elderly_speed < 1.0  # answers are also spoken (and mouthed) more slowly
    labels = window.current().findChildren(QLabel)
    assert all(label.font().family() for label in labels)


def test_body_text_is_at_least_24_px_at_1080p(qtbot):
    window = make_window(qtbot)
    assert window.theme.px(24) >= 24
    sheet = window.current().parentWidget().parentWidget().styleSheet()  # the screen's frame
    assert "font-size: 26px" in sheet  # the body size of QLabel


@pytest.mark.parametrize("demo", [True, False])
def test_demo_content_badge_stays_on_every_screen(qtbot, demo):
    from support_ui import ScriptedAdapter, settle

    from kiosk.store.demo import DEMO_BADGE

    class KioskAdapter(ScriptedAdapter):
        def demo_content(self) -> bool:
            return demo

    window = make_window(qtbot, KioskAdapter())
    for name in SCREENS:
        window.navigate(name)
        settle(window)
        assert window.demo_badge.isVisible() is demo and window.demo_badge.text() == DEMO_BADGE
