"""Charts for the barometer as plain SVG, drawn on the server: horizontal bars for counts by name, columns for
counts over weeks. Axis ticks are whole, distinct numbers (1, 2 or 5 × a power of ten apart). Every label is
escaped, since names and questions come from what people wrote."""

from __future__ import annotations

import math
from html import escape

BRAND = "#12877F"
MUTED = "#56676A"
GRID = "#DDE5E4"
FONT = "font-family=\"Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif\""


def ticks(top: float, most: int = 5) -> list[int]:
    """Whole-number ticks from 0 covering ``top``, at most ``most`` + 1 of them, never repeating."""
    if top <= 0:
        return [0, 1]
    raw = max(1.0, top / most)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, int(step))
    return list(range(0, int(math.ceil(top / step)) * step + 1, step))


def short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def bars(rows: list[tuple[str, int]], title: str, width: int = 640) -> str:
    """Horizontal bars, one per (name, count), largest first as given."""
    if not rows:
        return ""
    label_w, row_h, top_pad = 190, 30, 40
    height = top_pad + row_h * len(rows) + 30
    scale_ticks = ticks(max(n for _, n in rows))
    span = scale_ticks[-1]
    plot_w = width - label_w - 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}" {FONT} font-size="13">',
           f'<text x="0" y="18" font-size="15" font-weight="700" fill="#1C2B2A">{escape(title)}</text>']
    for t in scale_ticks:
        x = label_w + plot_w * t / span
        out.append(f'<line x1="{x:.1f}" y1="{top_pad - 6}" x2="{x:.1f}" y2="{height - 24}" stroke="{GRID}"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="{MUTED}">{t}</text>')
    for i, (name, n) in enumerate(rows):
        y = top_pad + i * row_h
        w = plot_w * n / span
        out.append(f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" fill="#1C2B2A">'
                   f'<title>{escape(name)}</title>{escape(short(name, 13))}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" rx="3" fill="{BRAND}"/>')
        out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 19}" fill="{MUTED}">{n}</text>')
    out.append("</svg>")
    return "".join(out)


def columns(rows: list[tuple[str, int]], title: str, width: int = 640, height: int = 260) -> str:
    """Columns over time (weeks), left to right as given; the x labels thin out so they never overlap."""
    if not rows:
        return ""
    left, bottom, top_pad = 44, 34, 40
    plot_w, plot_h = width - left - 16, height - bottom - top_pad
    scale_ticks = ticks(max(n for _, n in rows))
    span = scale_ticks[-1]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}" {FONT} font-size="13">',
           f'<text x="0" y="18" font-size="15" font-weight="700" fill="#1C2B2A">{escape(title)}</text>']
    for t in scale_ticks:
        y = top_pad + plot_h - plot_h * t / span
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 16}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{t}</text>')
    slot = plot_w / len(rows)
    every = max(1, math.ceil(len(rows) * 48 / plot_w))  # a label needs about 48 px
    for i, (name, n) in enumerate(rows):
        h = plot_h * n / span
        x = left + i * slot
        out.append(f'<rect x="{x + slot * 0.15:.1f}" y="{top_pad + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
                   f'height="{h:.1f}" fill="{BRAND}"><title>{escape(name)}：{n}</title></rect>')
        if i % every == 0:
            out.append(f'<text x="{x + slot / 2:.1f}" y="{height - 12}" text-anchor="middle" fill="{MUTED}">'
                       f'{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
