"""The weekly report for the centre's leaders: one calendar week of the barometer as an A4 PDF.

The figures are ``barometer.collect_week``'s, the tables are the exports' own (``export.tables``), and the bar
charts are drawn with PDF rectangles and the embedded Chinese font (the one printed guides use) rather than
embedded SVG, so every label and number stays selectable, searchable text. A week without data says so.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from kiosk.guides.fonts import find_cjk_font
from kiosk.office import charts
from kiosk.office.barometer import Barometer
from kiosk.office.export import Table, summary, tables

CENTRE = "西湖区企业综合服务中心"
MARGIN = 15
BRAND = (18, 135, 127)
MUTED = (86, 103, 106)
GRID = (221, 229, 228)
CHART_ROWS = 12
# plain weight: the embedded Chinese font has no bold face
HEADINGS = FontFace(emphasis="", fill_color=GRID)
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class BadWeek(ValueError):
    """A week not written as YYYY-Www, or one the calendar does not have."""

    friendly = "周次应写成 2026-W05 这样的格式（年份-W周数）。"


def parse_week(text: str) -> date:
    """The Monday of ISO week ``YYYY-Www``."""
    m = WEEK.match(text.strip())
    if not m:
        raise BadWeek(text)
    try:
        return date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise BadWeek(text) from None


def week_name(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def last_week(today: date) -> date:
    """The Monday of the last complete week before ``today``."""
    return today - timedelta(days=today.weekday() + 7)


def render(b: Barometer, monday: date, printed: date) -> bytes:
    font = find_cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font("cjk", fname=str(font.path), collection_font_number=font.index)
    sunday = monday + timedelta(days=6)
    title = f"企业服务晴雨表 周报 {week_name(monday)}"
    pdf.set_title(title)
    pdf.set_author(CENTRE)
    pdf.add_page()
    _text(pdf, title, 18)
    _text(pdf, f"{monday.isoformat()}（周一）至 {sunday.isoformat()}（周日） · {CENTRE}", 10, MUTED)
    pdf.ln(2)
    _text(pdf, "；".join(f"{k}：{v}" for k, v in summary(b)[1:]), 11)
    _text(pdf, "全部来自诉求库和一体机问答记录，没有示例数据。", 9, MUTED)
    if not b.requests and not b.questions:
        pdf.ln(4)
        _text(pdf, "本周没有收到诉求，一体机也没有问答记录，所以没有可以统计的数据。", 12)
    else:
        _body(pdf, b)
    pdf.ln(4)
    _text(pdf, f"{CENTRE} · 西小服办公台  生成于 {printed.isoformat()}", 8.5, MUTED)
    return bytes(pdf.output())


def _body(pdf: FPDF, b: Barometer) -> None:
    by_title = {t.title: t for t in tables(b)}
    if b.requests:
        _bars(pdf, "诉求数量（按专区）", b.by_section)
        _bars(pdf, f"诉求数量（按类别，前 {CHART_ROWS} 类）", b.by_category[:CHART_ROWS])
        _bars(pdf, "诉求数量（按镇街）", b.by_street, "本周没有派到镇街的诉求。")
        _table(pdf, by_title["各单位办理情况"], (40, 14, 14, 18, 14, 18))
        _table(pdf, by_title["热点"], (30, 40, 14, 46), "本周没有同一镇街出现两次以上的同类问题。")
    else:
        _heading(pdf, "诉求")
        _text(pdf, "本周没有收到诉求。", 10.5)
    if b.questions:
        _table(pdf, by_title["热门问题"], (140, 20), "本周一体机没有政策问答。")
        _bars(pdf, "未答问题（按主题）", [(t["topic"], t["refused"]) for t in b.topics if t["refused"]],
              "本周一体机没有答不上的问题。")
        _table(pdf, by_title["各主题拒答率"], (50, 16, 16, 18, 16, 16), "本周一体机没有政策问答。")
    else:
        _heading(pdf, "一体机问答")
        _text(pdf, "本周一体机没有问答记录。", 10.5)


def _text(pdf: FPDF, text: str, size: float, color: tuple[int, int, int] = (0, 0, 0)) -> None:
    pdf.set_font("cjk", size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    _text(pdf, text, 13, BRAND)
    pdf.ln(1)


def _bars(pdf: FPDF, title: str, rows: list[tuple[str, int]], empty: str = "") -> None:
    """Horizontal bars like the page's charts: label, bar to the shared whole-number scale, count."""
    _heading(pdf, title)
    if not rows:
        _text(pdf, empty, 10.5)
        return
    label_w, row_h = 48, 6
    plot_w = pdf.w - 2 * MARGIN - label_w - 14
    span = charts.ticks(max(n for _, n in rows))[-1]
    if pdf.get_y() + row_h * (len(rows) + 1) > pdf.h - MARGIN:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font("cjk", size=9)
    for i, (name, n) in enumerate(rows):
        y = top + i * row_h
        pdf.set_xy(MARGIN, y)
        pdf.cell(label_w - 2, row_h, charts.short(name, 14), align="R")
        width = plot_w * n / span
        pdf.set_fill_color(*BRAND)
        pdf.rect(MARGIN + label_w, y + 1, max(width, 0.3), row_h - 2, style="F")
        pdf.set_xy(MARGIN + label_w + width + 1, y)
        pdf.set_text_color(*MUTED)
        pdf.cell(12, row_h, str(n))
        pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(*GRID)
    pdf.line(MARGIN + label_w, top, MARGIN + label_w, top + row_h * len(rows))
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)  # tables after a chart would otherwise be filled with the bars' colour
    pdf.set_y(top + row_h * len(rows) + 1)


def _table(pdf: FPDF, table: Table, widths: tuple[int, ...], empty: str = "") -> None:
    _heading(pdf, table.title)
    if not table.rows:
        _text(pdf, empty, 10.5)
        return
    pdf.set_font("cjk", size=9)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", line_height=5.5, wrapmode=WrapMode.CHAR,
                   headings_style=HEADINGS) as t:
        for row in [table.header, *table.rows]:
            cells = t.row()
            for value in row:
                cells.cell("—" if value is None else str(value))
