"""The printable summary of a tailored guide: an A4 PDF with the Chinese font embedded and a QR code."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from kiosk.guides.fonts import find_cjk_font
from kiosk.guides.tailor import Checklist
from kiosk.requests.ticket_qr import qr_png
from kiosk.store.records import Department

CENTRE = "西湖区企业综合服务中心"
MARGIN = 15
QR_MM = 32


def _answer_text(value: bool | float, unit: str) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    number = int(value) if float(value).is_integer() else value
    return f"{number}{unit}"


def qr_text(checklist: Checklist, departments: dict[str, Department]) -> str:
    """What the printout's QR code carries: enough to act on without the paper (where, what, how long)."""
    g = checklist.guide
    lines = [f"西小服·{g.name}", f"材料{len(checklist.materials)}份，约{checklist.promised_days}个工作日"]
    where = departments.get(g.where)
    if where:
        lines.append(f"办理：{where.contact()}")
    lines.append(f"事项编号：{g.id}（在一体机说出指南名称可再次查看）")
    return "\n".join(lines)


def render_pdf(checklist: Checklist, out: Path, departments: dict[str, Department] | None = None,
               today: date | None = None) -> Path:
    departments = departments or {}
    g = checklist.guide
    font = find_cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font("cjk", fname=str(font.path), collection_font_number=font.index)
    pdf.set_title(g.name)
    pdf.set_author(CENTRE)
    pdf.add_page()
    width = pdf.w - 2 * MARGIN

    def para(text: str, size: float = 10.5, color: tuple[int, int, int] = (0, 0, 0), w: float = 0, gap: float = 1.5,
             indent: float = 0):
        pdf.set_font("cjk", size=size)
        if indent:
            pdf.set_x(MARGIN + indent)
            w = width - indent
        pdf.set_text_color(*color)
        pdf.multi_cell(w or width, size * 0.5, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(gap)

    def heading(text: str) -> None:
        pdf.ln(2)
        para(text, size=13, color=(20, 70, 140), gap=1)

    # The QR code sits top right; the title block wraps beside it.
    pdf.image(io.BytesIO(qr_png(qr_text(checklist, departments), box_size=6)), x=pdf.w - MARGIN - QR_MM, y=MARGIN,
              w=QR_MM, h=QR_MM)
    beside = width - QR_MM - 4
    para(g.name + " 办事清单", size=18, w=beside, gap=2)
    if g.sample:
        para("样例数据：时限、窗口与材料为演示用，请以窗口告知为准。", size=9, color=(190, 30, 30), w=beside)
    if g.summary.text:
        para(g.summary.text, size=10, w=beside)
    b, a = g.summary.before, g.summary.after
    if b and a:
        para(f"改革前：{b.get('documents', '-')}份材料、{b.get('days', '-')}个工作日、跑{b.get('visits', '-')}次"
             f"  →  现在：{a.get('documents', '-')}份材料、{a.get('days', '-')}个工作日、跑{a.get('visits', '-')}次",
             size=10, color=(30, 110, 50), w=beside)
    pdf.set_y(max(pdf.get_y(), MARGIN + QR_MM + 2))

    if checklist.answers:
        heading("您的情况")
        for qid, value in checklist.answers.items():
            q = g.question(qid)
            if q:
                para(f"· {q.text}  {_answer_text(value, q.unit)}", gap=0.5)

    heading(f"办理步骤（约{checklist.promised_days}个工作日）")
    for n, s in enumerate(checklist.steps, start=1):
        dept = departments.get(s.department)
        where = "，".join(p for p in (dept.name if dept else s.department, s.window or (dept.window if dept else "")) if p)
        limit = "当场办结" if s.limit_days == 0 else f"承诺{s.limit_days}个工作日"
        if s.legal_days:
            limit += f"（法定{s.legal_days}个工作日）"
        parallel = "，与上一步同时办理" if s.parallel else ""
        para(f"{n}. {s.name}", size=11, gap=0.3)
        para(f"{where}；{limit}{parallel}", size=9.5, color=(70, 70, 70), gap=0.3, indent=5)
        if s.note:
            para(s.note, size=9.5, color=(70, 70, 70), gap=0.3, indent=5)
        pdf.ln(1)

    heading(f"需要准备的材料（{len(checklist.materials)}份）")
    for m in checklist.materials:
        y = pdf.get_y()
        pdf.rect(MARGIN, y + 1, 3.5, 3.5)
        note = f"（{m.note}）" if m.note else ""
        para(f"{m.name}{note}", gap=0.8, indent=6)
    if checklist.pending:
        heading("视情况需要的材料")
        for m in checklist.pending:
            para(f"· {m.name}", gap=0.5)

    where = departments.get(g.where)
    pdf.ln(3)
    if where:
        para(f"一窗受理：{where.contact()}", size=10)
    para(f"{CENTRE} · 西小服  打印于 {(today or date.today()).isoformat()}", size=8.5, color=(120, 120, 120))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out
