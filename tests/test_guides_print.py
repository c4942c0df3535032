"""`kiosk guide`: the interactive flow, JSON, and a printable PDF whose Chinese text and QR code are really there."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest
from support_requests import REPO, departments

from kiosk.cli import main
from kiosk.guides import Catalog, tailor
from kiosk.guides.fonts import FontMissing, find_cjk_font
from kiosk.guides.printout import qr_text, render_pdf


def _have_cjk_font() -> bool:
    try:
        find_cjk_font()
    except FontMissing:
        return False
    return True


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext") or not _have_cjk_font(),
                                   reason="needs pdftotext (poppler-utils) and a Chinese font (fonts-noto-cjk)")


@needs_poppler
def test_pdf_embeds_chinese_text_and_a_qr_code(tmp_path):
    g = Catalog.from_folder(REPO / "policies_db" / "demo" / "guides").find("开餐馆")
    checklist = tailor(g, {"area": 320.0, "rented": True, "signboard": False, "staff": False})
    depts = {d.id: d for d in departments()}
    out = render_pdf(checklist, tmp_path / "guide.pdf", depts)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "开餐馆“一件事” 办事清单" in text
    assert "样例数据" in text
    assert "消防安全检查告知承诺书" in text
    assert "杭州市西湖区市场监督管理局" in text
    assert f"需要准备的材料（{len(checklist.materials)}份）" in text
    assert "18份材料" in text and "8份材料" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "yes yes yes" in fonts.splitlines()[-1]  # embedded, subset, with a Unicode map
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 3  # header, rule, the QR code
    assert "一件事" in qr_text(checklist, depts) and "综合受理窗口" in qr_text(checklist, depts)


def test_cli_answers_json(kiosk_env, capsys):
    code = main(["guide", "开个饭店", "--answers", "area=80,rented=否,signboard=是,staff=否", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["guide"] == "kai_canguan"
    assert "经营场所产权证明" in [m["name"] for m in data["materials"]]
    assert data["steps"][0]["department_name"] == "杭州市西湖区市场监督管理局"
    assert data["unanswered"] == [] and data["pending_materials"] == []


@needs_poppler
def test_cli_asks_on_stdin_and_prints_pdf(kiosk_env, capsys, monkeypatch):
    # One bad answer is asked again; the blank line leaves the last question open.
    monkeypatch.setattr("sys.stdin", io.StringIO("很大\n500\n是\n否\n\n"))
    out_pdf = kiosk_env / "out" / "canguan.pdf"
    code = main(["guide", "开餐馆", "--pdf", str(out_pdf)])
    out = capsys.readouterr().out
    assert code == 0
    assert "请回答一个数字" in out
    assert "消防安全检查告知承诺书" in out
    assert "视情况需要" in out and "员工名单及劳动合同" in out
    text = subprocess.run(["pdftotext", str(out_pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "500平方米" in text


def test_cli_lists_and_refuses_unknown(kiosk_env, capsys):
    assert main(["guide"]) == 0
    listing = capsys.readouterr().out
    assert listing.count("一件事") >= 6
    assert main(["guide", "买飞机票"]) == 1
    err = capsys.readouterr().err
    assert "没有找到“买飞机票”的办事指南" in err and "Traceback" not in err
    assert main(["guide", "开餐馆", "--answers", "area=很大"]) == 1
    assert "请回答一个数字" in capsys.readouterr().err
