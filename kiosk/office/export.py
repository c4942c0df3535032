"""The barometer as tables (title, header, rows) and as an XLSX workbook, one sheet a table.

The tables are the same ones the page and the weekly PDF show, so every export carries the same figures. Text
cells are written as text, never as formulas: names and questions come from what people typed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import xlsxwriter

from kiosk.office.barometer import Barometer

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def tables(b: Barometer) -> list[Table]:
    counts = ("项目", "诉求数")
    return [
        Table("按专区", counts, list(b.by_section)),
        Table("按类别", counts, list(b.by_category)),
        Table("按镇街", counts, list(b.by_street)),
        Table("按周", ("周一日期", "诉求数"), list(b.by_week)),
        Table("各单位办理情况", ("单位", "事项", "已办结", "按时办结率", "评价数", "平均评分"),
              [(u["unit"], u["total"], u["resolved"], _percent(u["on_time_rate"]), u["rated"], u["average_rating"])
               for u in b.units]),
        Table("热点", ("镇街", "问题类别", "次数", "涉及地址"),
              [(h["street"], h["category"], h["count"], "；".join(h["addresses"])) for h in b.hot_spots]),
        Table("热门问题", ("问题", "次数"), list(b.top_questions)),
        Table("各主题拒答率", ("主题", "提问", "未答", "拒答率", "有帮助", "没帮助"),
              [(t["topic"], t["asked"], t["refused"], _percent(t["refusal_rate"]), t["helpful"], t["unhelpful"])
               for t in b.topics]),
    ]


def summary(b: Barometer) -> list[tuple[str, Cell]]:
    until = f"至 {b.until} 前" if b.until else "至今"
    return [("统计时段", f"{b.since} 起{until}"), ("诉求事项", b.requests), ("一体机问答", b.questions),
            ("按时办结率", _percent(b.on_time_rate))]


def to_xlsx(b: Barometer) -> bytes:
    out = io.BytesIO()
    # in_memory: the office never writes a temporary file for an export
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("概览")
    sheet.set_column(0, 1, 24)
    for r, (key, value) in enumerate(summary(b)):
        sheet.write_string(r, 0, key, bold)
        _write(sheet, r, 1, value)
    for table in tables(b):
        sheet = book.add_worksheet(table.title)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(table.header) - 1, 12)
        for c, name in enumerate(table.header):
            sheet.write_string(0, c, name, bold)
        for r, row in enumerate(table.rows, start=1):
            for c, value in enumerate(row):
                _write(sheet, r, c, value)
    book.close()
    return out.getvalue()


def _write(sheet, row: int, col: int, value: Cell) -> None:
    if value is None:
        return
    if isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, value)
