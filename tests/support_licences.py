"""Synthetic business licences with known fields, for the tests and the OCR benchmark.

The layout follows the current (2016+) landscape licence: title, credit code top left, QR box top right, a left
column (名称, 类型, 法定代表人, 经营范围) and a right column (注册资本, 成立日期, 营业期限, 住所), the registration
authority with its seal, and the footer notice. ``style="photo"`` adds what a phone photo does: a slight turn,
uneven light, blur, noise and JPEG compression; ``style="angled"`` also tilts the paper away from the camera
(perspective). Every credit code is well-formed (both check characters).
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from kiosk.documents.credit_code import CHARSET, make_code

FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)

_NUMERALS = "零壹贰叁肆伍陆柒捌玖"


@dataclass(frozen=True)
class SampleLicence:
    credit_code: str
    name: str
    type: str
    legal_representative: str
    capital_text: str
    capital_yuan: float
    established: str  # YYYY-MM-DD
    business_term: str  # as expected after parsing
    address: str
    street: str
    business_scope: str

    def expected_fields(self) -> dict[str, object]:
        return {
            "credit_code": self.credit_code, "name": self.name, "type": self.type,
            "legal_representative": self.legal_representative, "registered_capital_yuan": self.capital_yuan,
            "established": self.established, "business_term": self.business_term, "address": self.address,
            "street": self.street, "business_scope": self.business_scope,
        }


def cjk_font_path() -> tuple[str, int] | None:
    """A font with Chinese glyphs (Debian: fonts-noto-cjk), or None."""
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    return None


def capital_in_words(wan: int) -> str:
    """An amount of 万元 (1-9999) in financial numerals: 100 → 壹佰万元整."""
    digits = [int(d) for d in f"{wan:04d}"]
    out, zero = [], False
    for digit, unit in zip(digits, ("仟", "佰", "拾", ""), strict=True):
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_NUMERALS[digit] + unit)
    return "".join(out) + "万元整"


_NAMES = ("西溪智算", "云栖数创", "之江茗香", "灵隐文旅", "翠苑科创", "三墩精工", "双浦农品", "文新餐饮", "古荡设计",
          "留下影视", "蒋村物联", "转塘艺术", "北山会展", "龙井茶业", "求是检测", "湖畔医疗")
_SUFFIX = ("科技有限公司", "信息技术有限公司", "有限公司", "文化创意有限公司", "发展有限公司")
_TYPES = ("有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)", "其他有限责任公司",
          "股份有限公司(非上市、自然人投资或控股)")
_PEOPLE = ("王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴昊", "徐丽", "孙志强")
_STREETS = (
    ("street_xixi", "西溪街道", "文二西路"), ("street_sandun", "三墩镇", "西园三路"), ("street_cuiyuan", "翠苑街道", "文三路"),
    ("street_wenxin", "文新街道", "古墩路"), ("street_gudang", "古荡街道", "天目山路"), ("street_jiangcun", "蒋村街道", "五常大道"),
    ("street_zhuantang", "转塘街道", "之江路"), ("street_liuxia", "留下街道", "留和路"), ("street_lingyin", "灵隐街道", "龙井路"),
    ("street_beishan", "北山街道", "曙光路"), ("street_xihu", "西湖街道", "梅灵路"), ("street_shuangpu", "双浦镇", "袁浦路"),
)
_SCOPES = (
    "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；信息系统集成服务；人工智能应用软件开发；"
    "数据处理服务；计算机软硬件及辅助设备零售（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。",
    "一般项目：茶叶种植；初级农产品收购；食用农产品零售；茶具销售；会议及展览服务（除依法须经批准的项目外，凭营业执照依法"
    "自主开展经营活动）。许可项目：茶叶制品生产（依法须经批准的项目，经相关部门批准后方可开展经营活动）。",
    "许可项目：餐饮服务；食品销售（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以审批结果为准）。"
    "一般项目：餐饮管理；外卖递送服务（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。",
    "一般项目：文化艺术交流活动；组织文化艺术交流活动；专业设计服务；广告设计、代理；动漫游戏开发；会议及展览服务"
    "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。",
    "一般项目：检验检测服务；工程和技术研究和试验发展；医疗器械销售；技术服务、技术开发（除依法须经批准的项目外，"
    "凭营业执照依法自主开展经营活动）。",
)


def sample_licences(count: int, seed: int = 7) -> list[SampleLicence]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        body = "".join(rng.choice(CHARSET) for _ in range(8))
        code = make_code("9", "1", "330106", body)
        year, month, day = rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28)
        established = f"{year:04d}-{month:02d}-{day:02d}"
        long_term = rng.random() < 0.6
        term = f"{established}至长期" if long_term else f"{established}至{year + 30:04d}-{month:02d}-{day - 1 or 1:02d}"
        wan = rng.choice((10, 50, 100, 105, 200, 300, 500, 1000, 2500))
        capital_text = capital_in_words(wan) if rng.random() < 0.7 else f"{wan}万元人民币"
        street_id, street, road = rng.choice(_STREETS)
        address = f"浙江省杭州市西湖区{street}{road}{rng.randint(1, 399)}号{rng.randint(2, 12)}幢{rng.randint(101, 1208)}室"
        out.append(SampleLicence(
            credit_code=code, name=f"杭州{rng.choice(_NAMES)}{rng.choice(_SUFFIX)}", type=rng.choice(_TYPES),
            legal_representative=rng.choice(_PEOPLE), capital_text=capital_text, capital_yuan=float(wan * 10_000),
            established=established, business_term=term, address=address, street=street_id,
            business_scope=rng.choice(_SCOPES),
        ))
    return out


def _printed_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"


def _printed_term(sample: SampleLicence) -> str:
    start, _, end = sample.business_term.partition("至")
    return f"{_printed_date(start)} 至 {end if end == '长期' else _printed_date(end)}"


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if draw.textlength(current + ch, font=font) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    return [*lines, current] if current else lines


STYLES = ("scan", "photo", "angled")


def render_licence(sample: SampleLicence, *, style: str = "scan", seed: int = 0, extra_line: str = "") -> Image.Image:
    """The licence as an image (1600×1130, like a 150 dpi scan); ``extra_line`` is printed in the scope column."""
    found = cjk_font_path()
    if found is None:
        raise RuntimeError("no CJK font installed (apt-get install fonts-noto-cjk)")
    path, index = found
    font = ImageFont.truetype(path, 28, index=index)
    label_font = ImageFont.truetype(path, 30, index=index)
    title_font = ImageFont.truetype(path, 92, index=index)
    small = ImageFont.truetype(path, 22, index=index)
    width, height = 1600, 1130
    page = Image.new("RGB", (width, height), (250, 246, 236))
    draw = ImageDraw.Draw(page)
    # Security-paper background: faint interlaced waves under the print, as on the real certificate.
    for k in range(0, height + 40, 14):
        points = [(x, k + 9 * math.sin(x / 37 + k / 23)) for x in range(0, width + 8, 8)]
        draw.line(points, fill=(238, 226, 208), width=2)
    for inset, colour in ((18, (176, 120, 70)), (30, (200, 150, 90))):
        draw.rectangle((inset, inset, width - inset, height - inset), outline=colour, width=6)
    draw.text((width // 2, 120), "营 业 执 照", font=title_font, fill=(150, 20, 20), anchor="mm")
    draw.text((width // 2, 200), "（副　本）", font=font, fill=(40, 40, 40), anchor="mm")
    draw.text((90, 250), f"统一社会信用代码  {sample.credit_code}", font=font, fill=(20, 20, 20))
    draw.rectangle((1330, 70, 1500, 240), outline=(30, 30, 30), width=3)
    for i in range(6):
        for j in range(6):
            if (i * 7 + j * 3) % 4 == 0:
                draw.rectangle((1345 + i * 25, 85 + j * 25, 1365 + i * 25, 105 + j * 25), fill=(30, 30, 30))
    left_x, value_dx, right_x = 90, 200, 905
    y = 320
    for label, value in (("名　　称", sample.name), ("类　　型", sample.type), ("法定代表人", sample.legal_representative)):
        draw.text((left_x, y), label, font=label_font, fill=(20, 20, 20))
        draw.text((left_x + value_dx, y), value, font=font, fill=(20, 20, 20))
        y += 62
    draw.text((left_x, y), "经营范围", font=label_font, fill=(20, 20, 20))
    scope_lines = _wrap(draw, sample.business_scope, font, 540)
    if extra_line:
        scope_lines.append(extra_line)
    for line in scope_lines:
        draw.text((left_x + value_dx, y), line, font=font, fill=(20, 20, 20))
        y += 46
    y = 320
    for label, value in (("注册资本", sample.capital_text), ("成立日期", _printed_date(sample.established)),
                         ("营业期限", _printed_term(sample))):
        draw.text((right_x, y), label, font=label_font, fill=(20, 20, 20))
        draw.text((right_x + value_dx, y), value, font=font, fill=(20, 20, 20))
        y += 62
    draw.text((right_x, y), "住　　所", font=label_font, fill=(20, 20, 20))
    for line in _wrap(draw, sample.address, font, 440):
        draw.text((right_x + value_dx, y), line, font=font, fill=(20, 20, 20))
        y += 46
    draw.text((1000, 900), "登记机关", font=label_font, fill=(20, 20, 20))
    draw.ellipse((1180, 820, 1400, 1040), outline=(210, 40, 40), width=6)
    draw.text((1290, 930), "杭州市西湖区\n市场监督管理局", font=small, fill=(210, 40, 40), anchor="mm", align="center")
    draw.text((1120, 1010), _printed_date(sample.established), font=font, fill=(20, 20, 20))
    draw.text((90, 1030), "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", font=small, fill=(60, 60, 60))
    draw.text((90, 1062), "市场主体应当于每年1月1日至6月30日通过国家企业信用信息公示系统报送公示年度报告。", font=small,
              fill=(60, 60, 60))
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}")
    return page if style == "scan" else _as_photo(page, seed, angled=style == "angled")


def _as_photo(page: Image.Image, seed: int, angled: bool) -> Image.Image:
    import numpy as np

    rng = random.Random(seed)
    if angled:
        page = _tilted(page, rng.uniform(0.08, 0.16), rng.random() < 0.5)
    turned = page.rotate(rng.uniform(-4, 4), resample=Image.BICUBIC, expand=True, fillcolor=(90, 85, 80))
    canvas = Image.new("RGB", (turned.width + 160, turned.height + 120), (90, 85, 80))
    canvas.paste(turned, (80, 60))
    pixels = np.asarray(canvas, dtype=np.float32)
    h, w = pixels.shape[:2]
    # Hall lighting: brighter on one side, a little washed out overall.
    light = np.linspace(rng.uniform(0.65, 0.8), rng.uniform(0.95, 1.05), w, dtype=np.float32)[None, :, None]
    pixels = pixels * light + 25
    pixels += np.random.default_rng(seed).normal(0, 6, pixels.shape).astype(np.float32)
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))
    photo = photo.resize((int(photo.width * 1.6), int(photo.height * 1.6)), Image.BICUBIC)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=80)
    return Image.open(io.BytesIO(buffer.getvalue()))


def _tilted(page: Image.Image, shrink: float, far_top: bool) -> Image.Image:
    """The page seen at an angle: the far edge (top or bottom) narrower by ``shrink`` of the width on each side."""
    import numpy as np

    w, h = page.size
    inset = shrink * w
    corners = [(inset, 0), (w - inset, 0), (w, h), (0, h)] if far_top else [(0, 0), (w, 0), (w - inset, h), (inset, h)]
    # Coefficients mapping each output pixel back to the page (Pillow's PERSPECTIVE transform).
    rows, rhs = [], []
    for (x, y), (u, v) in zip(corners, [(0, 0), (w, 0), (w, h), (0, h)], strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend([u, v])
    coeffs = np.linalg.solve(np.array(rows, dtype=float), np.array(rhs, dtype=float))
    return page.transform((w, h), Image.PERSPECTIVE, tuple(coeffs), Image.BICUBIC, fillcolor=(90, 85, 80))
