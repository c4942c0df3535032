"""Rows and columns from OCR boxes, including a photo taken at a slant."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kiosk.documents.layout import column_texts, row_texts, skew_angle
from kiosk.documents.licence import RIGHT_COLUMN_LABELS


@dataclass
class B:
    text: str
    box: tuple


def box(text: str, x: float, y: float, width: float, height: float = 30, angle_deg: float = 0.0) -> B:
    a = math.radians(angle_deg)
    cos, sin = math.cos(a), math.sin(a)
    corners = [(0, 0), (width, 0), (width, height), (0, height)]
    # Turn the page around the origin, as a tilted photo does.
    turned = tuple((cos * (x + cx) - sin * (y + cy), sin * (x + cx) + cos * (y + cy)) for cx, cy in corners)
    return B(text, turned)


def test_rows_join_boxes_left_to_right():
    boxes = [box("本座3F", 400, 102, 120), box("24H 专业健身|", 100, 100, 260), box("027-88852022", 100, 160, 300)]
    assert row_texts(boxes) == ["24H 专业健身| 本座3F", "027-88852022"]


def test_tilted_page_keeps_its_rows():
    # At 8° the right end of a row sits lower than the next row's left end.
    boxes = [box(t, x, y, 280, angle_deg=8) for t, x, y in
             [("第一行左", 0, 0), ("第一行右", 320, 0), ("第二行左", 0, 45), ("第二行右", 320, 45)]]
    assert abs(math.degrees(skew_angle(boxes)) - 8) < 0.5
    assert row_texts(boxes) == ["第一行左 第一行右", "第二行左 第二行右"]


def test_two_columns_are_read_one_after_the_other():
    boxes = [
        box("营业执照", 600, 40, 300, 80),
        box("名称", 80, 300, 60), box("杭州某某有限公司", 250, 300, 400),
        box("注册资本", 860, 300, 120), box("壹佰万元整", 1030, 300, 200),
        box("经营范围", 80, 360, 120), box("软件开发；技术", 250, 360, 400),
        box("住所", 860, 360, 60), box("浙江省杭州市西湖区", 1030, 360, 400),
        box("服务", 250, 405, 100), box("1号", 1030, 405, 80),
    ]
    assert column_texts(boxes, RIGHT_COLUMN_LABELS) == [
        "营业执照", "名称 杭州某某有限公司", "经营范围 软件开发；技术", "服务",
        "注册资本 壹佰万元整", "住所 浙江省杭州市西湖区", "1号",
    ]


def test_single_column_stays_in_row_order():
    boxes = [box("名称", 80, 100, 60), box("某公司", 250, 100, 200), box("住所", 80, 150, 60), box("杭州", 250, 150, 90)]
    assert column_texts(boxes, RIGHT_COLUMN_LABELS) == ["名称 某公司", "住所 杭州"]
