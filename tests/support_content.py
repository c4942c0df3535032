"""Files staff bring, made on the spot: PDFs (text, scanned, encrypted), Word files (with tables, with macros)
and saved web pages. Nothing binary is committed."""

from __future__ import annotations

import zipfile
from pathlib import Path

POLICY = [
    "杭州市西湖区科学技术局关于印发西湖区科技型中小企业研发投入补助办法的通知",
    "西科〔2025〕7号",
    "第一条 为鼓励企业加大研发投入，制定本办法。",
    "第二条 本办法适用于工商注册和税务登记在西湖区、具有独立法人资格的科技型中小企业。",
    "第三条 申报企业上年度研发投入占营业收入比重不低于3%，且上年度营业收入不超过2亿元。",
    "第四条 对符合条件的企业，按上年度研发投入增量的10%给予补助，最高不超过50万元。",
    "第五条 本办法自2025年4月1日起施行，有效期3年。",
    "杭州市西湖区科学技术局",
    "2025年3月10日",
]


def make_pdf(path: Path, lines: list[str], password: str = "", scanned: bool = False) -> Path:
    from fpdf import FPDF

    from kiosk.guides.fonts import find_cjk_font

    font = find_cjk_font()
    pdf = FPDF(format="A4")
    pdf.add_page()
    if scanned:
        pdf.image(_text_image(lines, font), x=10, y=10, w=190)
    else:
        pdf.add_font("cjk", fname=str(font.path), collection_font_number=font.index)
        pdf.set_font("cjk", size=12)
        for line in lines:
            pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.output(str(path))
    return path


def _text_image(lines: list[str], font):
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(font.path), 28, index=font.index)
    image = Image.new("RGB", (1240, 60 + 48 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((30, 30 + 48 * i), line[:40], fill="black", font=face)
    return image


def make_docx(path: Path, lines: list[str], table: list[list[str]] | None = None, macros: bool = False) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    document.save(str(path))
    if macros:
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return path


def make_html(path: Path, lines: list[str], script: bool = True) -> Path:
    body = "".join(f"<p>{line}</p>" for line in lines[1:])
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
        f"{lines[0]} - 西湖区人民政府门户网站</title>"
        f"<meta name='ArticleTitle' content='{lines[0]}'>"
        + ("<script>document.write('广告：点击领取补贴');</script>" if script else "") +
        "</head><body><div class='header'><a href='/'>首页</a><a href='/zw'>政务公开</a></div>"
        "<div class='nav'><ul><li><a href='/a'>机构设置</a></li><li><a href='/b'>政策文件</a></li></ul></div>"
        "<div class='breadcrumb'>当前位置：首页 > 政务公开 > 政策文件</div>"
        f"<div class='main'><h1>{lines[0]}</h1><div class='info'>发布时间：2025-03-12 来源：区科技局</div>"
        f"<div class='TRS_Editor' onclick=\"steal()\">{body}"
        "<table><tr><th>项目</th><th>补助标准</th></tr><tr><td>研发投入增量</td><td>10%，最高50万元</td></tr></table>"
        "</div></div>"
        "<div class='footer'>主办单位：西湖区人民政府办公室 版权所有 网站标识码3301060001 浙ICP备12345678号</div>"
        + ("<script>var tracker = '统计代码';</script>" if script else "") + "</body></html>",
        encoding="utf-8")
    return path
