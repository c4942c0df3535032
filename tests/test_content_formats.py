"""Reading the files staff bring: PDF, Word, saved web pages and text, and refusing bad ones in plain words."""

from __future__ import annotations

import pytest
from support_content import POLICY, make_docx, make_html, make_pdf

from kiosk.content.errors import ContentError
from kiosk.content.formats import read_file
from kiosk.content.metadata import propose


def _refused(path, **kwargs) -> str:
    with pytest.raises(ContentError) as caught:
        read_file(path, **kwargs)
    message = caught.value.friendly
    assert str(path.parent) not in message and "Traceback" not in message
    return message


def test_pdf_text_layer_is_read_with_wrapped_lines_joined(tmp_path):
    extracted = read_file(make_pdf(tmp_path / "policy.pdf", POLICY))
    assert extracted.format == "pdf"
    assert POLICY[4] in extracted.lines  # a long article printed over two lines comes back as one
    assert "西科〔2025〕7号" in extracted.lines


def test_metadata_is_proposed_from_the_text(tmp_path):
    extracted = read_file(make_pdf(tmp_path / "policy.pdf", POLICY))
    proposal = propose(extracted.lines, extracted.hints)
    assert proposal.title == POLICY[0]
    assert proposal.doc_number == "西科〔2025〕7号"
    assert proposal.issuer == "杭州市西湖区科学技术局"
    assert (proposal.level, proposal.region) == ("区", "杭州市西湖区")
    assert (proposal.published, proposal.effective, proposal.expires) == ("2025-03-10", "2025-04-01", "2028-03-31")
    assert proposal.flags == []


def test_a_document_without_any_date_is_flagged():
    lines = ["国务院办公厅关于进一步优化营商环境的意见", "一、总体要求", "持续优化服务，降低企业成本。"]
    proposal = propose(lines)
    assert proposal.issuer == "国务院办公厅" and proposal.level == "国家"
    assert not proposal.published and not proposal.effective
    assert any("日期" in flag for flag in proposal.flags)


def test_scanned_pdf_without_ocr_is_refused_plainly(tmp_path):
    path = make_pdf(tmp_path / "scan.pdf", POLICY[:4], scanned=True)
    assert "扫描件" in _refused(path)
    assert "扫描件" in _refused(path, ocr=lambda image: None)  # no recogniser installed


def test_scanned_pages_go_through_the_ocr_reader_passed_in(tmp_path):
    seen = []

    def reader(image):
        seen.append(image.shape)
        return ["第一条 识别出的文字。"]

    extracted = read_file(make_pdf(tmp_path / "scan.pdf", POLICY[:4], scanned=True), ocr=reader)
    assert seen and seen[0][2] in (3, 4)  # a rendered colour page
    assert extracted.lines == ["第一条 识别出的文字。"]
    assert any("文字识别" in note for note in extracted.notes)


def test_encrypted_pdf_is_refused_plainly(tmp_path):
    assert "加密" in _refused(make_pdf(tmp_path / "locked.pdf", POLICY, password="secret"))


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    import kiosk.content.formats as formats

    monkeypatch.setattr(formats, "read_pdf", lambda *a: pytest.fail("a file over the cap was read"))
    assert "200 MB" in _refused(path)


def test_word_with_macros_is_refused(tmp_path):
    assert "宏" in _refused(make_docx(tmp_path / "m.docm", POLICY))
    assert "宏" in _refused(make_docx(tmp_path / "renamed.docx", POLICY, macros=True))


def test_word_paragraphs_and_tables_in_order(tmp_path):
    table = [["补助项目", "补助标准"], ["研发投入增量", "10%，最高50万元"]]
    extracted = read_file(make_docx(tmp_path / "p.docx", POLICY, table))
    assert extracted.lines[0] == f"## {POLICY[0]}"
    assert extracted.lines[-1] == "补助项目：研发投入增量；补助标准：10%，最高50万元。"
    assert propose(extracted.lines).title == POLICY[0]


def test_web_page_keeps_the_article_and_drops_scripts_navigation_and_footer(tmp_path):
    extracted = read_file(make_html(tmp_path / "page.html", POLICY))
    text = extracted.text
    assert POLICY[4] in extracted.lines and POLICY[0] in extracted.lines
    for furniture in ("广告", "统计代码", "steal", "机构设置", "当前位置", "版权所有", "ICP"):
        assert furniture not in text
    assert "项目：研发投入增量；补助标准：10%，最高50万元。" in extracted.lines
    assert any("脚本" in note for note in extracted.notes)


def test_web_page_whose_text_only_a_script_writes_is_refused(tmp_path):
    path = tmp_path / "app.html"
    path.write_text("<html><head><script src='app.js'></script></head><body><div id='app'></div>"
                    "<script>render('第一条 正文')</script></body></html>", encoding="utf-8")
    assert "脚本" in _refused(path)


def test_gbk_web_page_and_text(tmp_path):
    page = tmp_path / "gbk.htm"
    page.write_bytes(("<html><head><meta charset='gb2312'></head><body><div class='content'>"
                      + "".join(f"<p>{line}</p>" for line in POLICY) + "</div></body></html>").encode("gb18030"))
    assert POLICY[3] in read_file(page).lines
    text = tmp_path / "policy.txt"
    text.write_bytes("\n".join(POLICY).encode("gb18030"))
    assert read_file(text).lines == POLICY


@pytest.mark.parametrize("name,content,words", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版"),
    ("broken.pdf", b"%PDF-1.7 truncated", "损坏"),
    ("data.bin", b"\x00\x01\x02", "格式"),
    ("empty.txt", b"   \n", "没有读到"),
    ("binary.txt", b"\x00\x00abc", "二进制"),
])
def test_other_bad_files_get_plain_messages(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    assert words in _refused(path)


def test_a_missing_file_is_named_without_its_path(tmp_path):
    assert "nothere.pdf" in _refused(tmp_path / "nothere.pdf")
