"""Colours, type sizes and the Qt style sheet of the kiosk.

One brand colour (West Lake teal), a calm bright background and large type. Every size is given for a
1920×1080 screen and scaled to the window, so the layout stays coherent from 800×600 to 4K; elderly mode
enlarges type, high-contrast mode swaps the palette for black on white with strong outlines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

TOUCH_PX = 48  # the smallest target a finger hits reliably, whatever the window's scale
FONT_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei"]


@dataclass(frozen=True)
class Palette:
    brand: str = "#12877F"
    brand_dark: str = "#0B5F59"
    brand_soft: str = "#E3F4F1"
    bg: str = "#F4F8F7"
    card: str = "#FFFFFF"
    text: str = "#1D2B29"
    muted: str = "#56676A"
    line: str = "#D5E2DF"
    ok: str = "#1A7A43"  # white text on ok, warn and bad passes WCAG AA (4.5:1) at any size
    warn: str = "#A35F00"
    bad: str = "#C2413B"
    visitor_bubble: str = "#12877F"
    visitor_text: str = "#FFFFFF"


HIGH_CONTRAST = Palette(
    brand="#00554F", brand_dark="#000000", brand_soft="#FFFFFF", bg="#FFFFFF", card="#FFFFFF", text="#000000",
    muted="#1A1A1A", line="#000000", ok="#005A1E", warn="#7A4300", bad="#9B0000", visitor_bubble="#000000",
    visitor_text="#FFFFFF",
)


@dataclass(frozen=True)
class Theme:
    palette: Palette = Palette()
    scale: float = 1.0
    elderly: bool = False
    high_contrast: bool = False

    def px(self, size_at_1080p: float) -> int:
        """A length in pixels for the current window; type grows a quarter in elderly mode."""
        return max(1, round(size_at_1080p * self.scale * (1.25 if self.elderly else 1.0)))

    def dim(self, size_at_1080p: float) -> int:
        """A length that is not type (padding, radius, height): scaled to the window only. Elderly mode makes
        the type larger and boxes grow with it; growing every box as well pushes the screen off the window."""
        return max(1, round(size_at_1080p * self.scale))

    def touch(self, size_at_1080p: float) -> int:
        """A length for something a finger taps: scaled like `dim`, never below `TOUCH_PX`."""
        return max(TOUCH_PX, self.dim(size_at_1080p))

    def with_window(self, width: int, height: int) -> Theme:
        scale = min(width / 1920, height / 1080)
        return replace(self, scale=min(2.2, max(0.62, scale)))

    def with_modes(self, elderly: bool, high_contrast: bool) -> Theme:
        return replace(self, elderly=elderly, high_contrast=high_contrast,
                       palette=HIGH_CONTRAST if high_contrast else Palette())


def badge_colours(p: Palette) -> dict[str, tuple[str, str, str]]:
    """Text, fill and outline of each badge role; 样例 (badge-muted) is an outlined pill in both palettes."""
    return {"badge-ok": ("#FFFFFF", p.ok, p.ok), "badge-warn": ("#FFFFFF", p.warn, p.warn),
            "badge-bad": ("#FFFFFF", p.bad, p.bad), "badge-muted": (p.text, p.card, p.muted)}


def style_sheet(theme: Theme) -> str:
    p, px, dim, touch = theme.palette, theme.px, theme.dim, theme.touch
    border = 3 if theme.high_contrast else 1
    return f"""
* {{ font-family: {", ".join(f'"{f}"' for f in FONT_FAMILIES)}; color: {p.text}; }}
QWidget#root, QStackedWidget, QScrollArea, QScrollArea > QWidget > QWidget {{ background: {p.bg}; }}
QLabel {{ font-size: {px(26)}px; background: transparent; }}
QLabel[role="h1"] {{ font-size: {px(52)}px; font-weight: 700; color: {p.text}; }}
QLabel[role="h2"] {{ font-size: {px(36)}px; font-weight: 700; }}
QLabel[role="h3"] {{ font-size: {px(29)}px; font-weight: 700; }}
QLabel[role="muted"] {{ font-size: {px(24)}px; color: {p.muted}; }}
QLabel[role="brand"] {{ font-size: {px(34)}px; font-weight: 800; color: {p.brand_dark}; }}
QLabel[role="big-number"] {{ font-size: {px(60)}px; font-weight: 800; color: {p.brand_dark}; letter-spacing: 2px; }}
QLabel[role="badge-ok"], QLabel[role="badge-warn"], QLabel[role="badge-bad"], QLabel[role="badge-muted"] {{
  font-size: {px(22)}px; font-weight: 700; padding: {dim(4)}px {dim(14)}px; border-radius: {dim(16)}px; }}
{"".join(f'QLabel[role="{role}"] {{ background: {bg}; color: {fg}; border: {border}px solid {edge}; }}{chr(10)}'
         for role, (fg, bg, edge) in badge_colours(p).items())}
QFrame#topbar {{ background: {p.card}; border-bottom: {border}px solid {p.line}; }}
QFrame#footer {{ background: transparent; }}
QFrame[role="card"] {{ background: {p.card}; border: {border}px solid {p.line}; border-radius: {dim(24)}px; }}
QFrame[role="soft"] {{ background: {p.brand_soft}; border: {border if theme.high_contrast else 0}px solid {p.line};
  border-radius: {dim(24)}px; }}
QPushButton {{ font-size: {px(26)}px; font-weight: 600; min-height: {touch(64)}px; padding: 0 {dim(26)}px;
  border-radius: {dim(32)}px; background: {p.card}; border: {max(2, border)}px solid {p.brand};
  color: {p.brand_dark}; }}
QPushButton:hover {{ background: {p.brand_soft}; }}
QPushButton:pressed {{ background: {p.line}; }}
QPushButton:focus {{ outline: none; border: {dim(4)}px solid {p.warn}; }}
QPushButton:disabled {{ color: {p.muted}; border-color: {p.line}; background: {p.bg}; }}
QPushButton[role="primary"] {{ background: {p.brand}; color: white; border: {border if theme.high_contrast else 0}px
  solid {p.brand_dark}; font-size: {px(30)}px; min-height: {touch(80)}px; border-radius: {dim(40)}px;
  padding: 0 {dim(40)}px; }}
QPushButton[role="primary"]:hover {{ background: {p.brand_dark}; }}
QPushButton[role="primary"]:focus {{ border: {dim(4)}px solid {p.warn}; }}
QPushButton[role="ghost"] {{ border: 0; background: transparent; min-height: {touch(56)}px; padding: 0 {dim(14)}px;
  font-size: {px(24)}px; color: {p.text}; }}
QPushButton[role="ghost"]:checked {{ background: {p.brand_soft}; color: {p.brand_dark}; }}
QPushButton[role="ghost"]:focus {{ border: {dim(3)}px solid {p.warn}; }}
QPushButton[role="chip"] {{ min-height: {touch(56)}px; border-radius: {dim(28)}px; font-size: {px(24)}px;
  background: {p.card}; border: {max(2, border)}px solid {p.brand}; color: {p.brand_dark}; padding: 0 {dim(22)}px; }}
QPushButton[role="chip"]:checked {{ background: {p.brand}; color: white; }}
QPushButton[role="chip"]:focus {{ border: {dim(4)}px solid {p.warn}; }}
QPushButton[role="menu"] {{ text-align: left; min-height: {touch(76)}px; border-radius: {dim(18)}px; font-size: {px(26)}px;
  font-weight: 700; background: {p.card}; border: {max(1, border)}px solid {p.line}; color: {p.text};
  padding: 0 {dim(20)}px; }}
QPushButton[role="menu"]:checked {{ background: {p.brand_soft}; border: {dim(3)}px solid {p.brand};
  color: {p.brand_dark}; }}
QPushButton[role="menu"]:focus {{ border: {dim(4)}px solid {p.warn}; }}
QPushButton[role="key"] {{ min-height: {touch(62)}px; min-width: {touch(62)}px; padding: 0; border-radius: {dim(12)}px;
  font-size: {px(28)}px; border: {border}px solid {p.line}; color: {p.text}; }}
QPushButton[role="candidate"] {{ min-height: {touch(56)}px; padding: 0 {dim(16)}px; border-radius: {dim(10)}px;
  font-size: {px(30)}px; border: 0; background: transparent; color: {p.text}; }}
QPushButton[role="candidate"]:focus {{ border: {dim(3)}px solid {p.warn}; }}
QPushButton[role="tile"] {{ background: {p.card}; border: {max(1, border)}px solid {p.line};
  border-radius: {dim(28)}px; text-align: left; padding: 0 {dim(28)}px; min-height: {touch(120)}px;
  font-size: {px(32)}px; font-weight: 700; color: {p.text}; }}
QPushButton[role="tile"]:focus {{ border: {dim(4)}px solid {p.warn}; }}
QPushButton[role="tile-primary"] {{ background: {p.brand}; border: {border if theme.high_contrast else 0}px solid
  {p.brand_dark}; border-radius: {dim(28)}px; text-align: left; padding: 0 {dim(28)}px;
  min-height: {touch(150)}px; font-size: {px(38)}px; font-weight: 800; color: white; }}
QPushButton[role="tile-primary"]:focus {{ border: {dim(5)}px solid {p.warn}; }}
QLineEdit, QTextEdit, QPlainTextEdit, QComboBox {{ font-size: {px(28)}px; min-height: {touch(64)}px; padding: 0 {dim(16)}px;
  background: {p.card}; border: {max(2, border)}px solid {p.line}; border-radius: {dim(14)}px; }}
QTextEdit, QPlainTextEdit {{ padding: {dim(12)}px; }}
QLineEdit:focus, QTextEdit:focus, QPlainTextEdit:focus {{ border: {dim(3)}px solid {p.brand}; }}
QLineEdit[state="invalid"] {{ border: {dim(3)}px solid {p.bad}; }}
QCheckBox {{ font-size: {px(26)}px; spacing: {dim(14)}px; min-height: {touch(64)}px; }}
QCheckBox::indicator {{ width: {touch(48)}px; height: {touch(48)}px; }}
QTabBar::tab {{ font-size: {px(26)}px; padding: {dim(14)}px {dim(30)}px; min-height: {touch(40)}px;
  background: transparent; border-bottom: {dim(4)}px solid transparent; color: {p.muted}; }}
QTabBar::tab:selected {{ color: {p.brand_dark}; border-bottom: {dim(4)}px solid {p.brand}; font-weight: 700; }}
QTabWidget::pane {{ border: 0; }}
QTableWidget {{ font-size: {px(22)}px; background: {p.card}; border: {border}px solid {p.line};
  gridline-color: {p.line}; border-radius: {dim(12)}px; }}
QHeaderView::section {{ font-size: {px(22)}px; font-weight: 700; background: {p.brand_soft}; border: 0;
  padding: {dim(8)}px; }}
QScrollBar:vertical {{ width: {dim(14)}px; background: transparent; }}
QScrollBar::handle:vertical {{ background: {p.line}; border-radius: {dim(7)}px; min-height: {dim(40)}px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}
QFrame[role="visitor"] {{ background: {p.visitor_bubble}; border-radius: {dim(26)}px;
  border-bottom-right-radius: {dim(6)}px; }}
QFrame[role="visitor"] QLabel {{ color: {p.visitor_text}; font-size: {px(28)}px; }}
QFrame[role="visitor"][draft="true"] {{ background: {p.brand_soft}; border: {dim(2)}px dashed {p.brand}; }}
QFrame[role="visitor"][draft="true"] QLabel {{ color: {p.brand_dark}; }}
QPushButton[role="source"] {{ text-align: left; background: {p.bg}; border: {border}px solid {p.line};
  border-radius: {dim(14)}px; font-size: {px(23)}px; font-weight: 500; min-height: {touch(54)}px;
  padding: 0 {dim(18)}px; color: {p.text}; }}
QPushButton[role="source"]:focus {{ border: {dim(3)}px solid {p.warn}; }}
QLabel[role="caption"] {{ font-size: {px(30)}px; font-weight: 700; color: {p.brand_dark}; }}
QLabel[role="subtitle"] {{ font-size: {px(26)}px; font-weight: 600; color: {p.text}; background: {p.card};
  border: {border}px solid {p.line}; border-radius: {dim(14)}px; padding: {dim(10)}px {dim(14)}px; }}
QToolTip {{ font-size: {px(22)}px; }}
"""
