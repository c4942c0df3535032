"""The scan pipeline with a scripted OCR: bad files, odd images, the JSON contract and the CLI."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw
from support_documents import ScriptedOcr, image_bytes, text_image

from kiosk.cli import main
from kiosk.documents import image as image_module
from kiosk.documents.credit_code import make_code
from kiosk.documents.image import ScanError, prepare_image
from kiosk.documents.scan import ScanResult, scan_image

CODE = make_code("9", "1", "330106", "MA2B5C0D")
LICENCE_ROWS = [
    ["营业执照"],
    [f"统一社会信用代码 {CODE}"],
    ["名称", "杭州西溪智算科技有限公司", "注册资本", "壹佰万元整"],
    ["类型", "有限责任公司（自然人投资或控股）", "成立日期", "2019年03月05日"],
    ["法定代表人", "王建国", "营业期限", "2019年03月05日至长期"],
    ["经营范围", "一般项目：软件开发；技术服务", "住所", "浙江省杭州市西湖区西溪街道文二西路"],
    ["", "茶具销售。", "", "188号"],
]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空"),
        (b"hello, this is not a photo\n", "文本文件"),
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n" + bytes(range(256)) * 4, "PDF"),
        (b"<html><body>licence</body></html>", "网页"),
        (bytes(range(256)) * 8, "无法识别"),
    ],
)
def test_files_that_are_not_images(data, message):
    with pytest.raises(ScanError) as caught:
        scan_image(data, ocr=ScriptedOcr())
    assert message in caught.value.friendly


def test_truncated_jpeg():
    data = image_bytes(text_image(), "JPEG")
    with pytest.raises(ScanError, match="损坏"):
        scan_image(data[: len(data) // 2], ocr=ScriptedOcr())


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(ScanError, match="找不到"):
        scan_image(tmp_path / "nothing.jpg", ocr=ScriptedOcr())
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(ScanError, match="空"):
        scan_image(empty, ocr=ScriptedOcr())


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(image_module, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.jpg"
    big.write_bytes(image_bytes(text_image((800, 600)), "PNG"))
    with pytest.raises(ScanError, match="太大"):
        scan_image(big, ocr=ScriptedOcr())


def test_huge_jpeg_is_decoded_reduced():
    photo = Image.new("L", (12000, 9000), 255)
    ImageDraw.Draw(photo).rectangle((1000, 1000, 11000, 1400), fill=0)
    ocr = ScriptedOcr([["我是中国人"]])
    result = scan_image(image_bytes(photo, "JPEG", quality=60), ocr=ocr)
    assert result.text == ["我是中国人"]
    assert max(ocr.seen[0].shape[:2]) == image_module.MAX_SIDE


def test_too_many_pixels_in_a_lossless_format(monkeypatch):
    monkeypatch.setattr(image_module, "MAX_DECODED_PIXELS", 10_000)
    with pytest.raises(ScanError, match="像素过多"):
        scan_image(image_bytes(text_image((400, 300))), ocr=ScriptedOcr())


@pytest.mark.parametrize("colour", ["white", "black"])
def test_blank_image_is_answered_without_ocr(colour):
    ocr = ScriptedOcr([["不应被调用"]])
    result = scan_image(image_bytes(Image.new("RGB", (800, 600), colour)), ocr=ocr)
    assert ocr.seen == []
    assert result.kind == "other" and result.text == []
    assert "空白" in result.warnings[0]


def test_no_text_found_gives_advice():
    result = scan_image(image_bytes(text_image()), ocr=ScriptedOcr([]))
    assert result.text == [] and any("没有识别到文字" in w for w in result.warnings)


def test_exif_orientation_is_applied():
    photo = text_image((600, 400))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned; shown rotated 90° clockwise
    ocr = ScriptedOcr([["文字"]])
    scan_image(image_bytes(photo, "JPEG", exif=exif.tobytes()), ocr=ocr)
    assert ocr.seen[0].shape[:2] == (600, 400)


def test_transparent_background_becomes_white_behind_dark_text():
    canvas = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).rectangle((50, 80, 550, 120), fill=(0, 0, 0, 255))
    prepared = prepare_image(image_bytes(canvas))
    assert tuple(prepared.pixels[5, 5]) == (255, 255, 255)
    assert tuple(prepared.pixels[100, 300]) == (0, 0, 0)


def test_faint_photo_gets_contrast_and_tiny_image_is_enlarged():
    faint = Image.new("RGB", (900, 600), (150, 150, 150))
    ImageDraw.Draw(faint).rectangle((100, 200, 800, 240), fill=(110, 110, 110))
    prepared = prepare_image(image_bytes(faint))
    assert "contrast" in prepared.notes
    assert np.ptp(prepared.pixels) > 200
    tiny = prepare_image(image_bytes(text_image((65, 11))))
    assert "upscaled" in tiny.notes and tiny.pixels.shape[1] == 260


def test_licence_result_matches_the_json_contract():
    result = scan_image(image_bytes(text_image()), ocr=ScriptedOcr(LICENCE_ROWS))
    assert isinstance(result, ScanResult)
    data = result.to_json()
    assert {"kind", "fields", "credit_code_valid", "text"} <= set(data)
    assert data["kind"] == "business_licence" and data["credit_code_valid"] is True
    f = data["fields"]
    assert f["name"] == "杭州西溪智算科技有限公司" and f["registered_capital_yuan"] == 1_000_000.0
    assert f["established"] == "2019-03-05" and f["street"] == "street_xixi"
    # Column by column: the address continuation stays with the address, the scope's with the scope.
    assert f["address"] == "浙江省杭州市西湖区西溪街道文二西路188号"
    assert f["business_scope"] == "一般项目：软件开发；技术服务茶具销售。"
    assert isinstance(f["industry_tags"], list)
    assert data["text"][2] == "名称 杭州西溪智算科技有限公司 注册资本 壹佰万元整"
    json.dumps(data, ensure_ascii=False)


def test_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    photo = tmp_path / "licence.png"
    photo.write_bytes(image_bytes(text_image()))
    scan_image(photo, ocr=ScriptedOcr(LICENCE_ROWS))
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["licence.png"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "空"), (b"just text", "文本文件"), (b"%PDF-1.4\n", "PDF")],
)
def test_cli_gives_a_message_not_a_traceback(tmp_path, capsys, content, message):
    bad = tmp_path / "licence.jpg"
    bad.write_bytes(content)
    assert main(["scan", str(bad)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_json_and_text(tmp_path, capsys, monkeypatch):
    from kiosk.root import Kiosk

    monkeypatch.setattr(Kiosk, "ocr", property(lambda self: ScriptedOcr(LICENCE_ROWS)))
    photo = tmp_path / "licence.png"
    photo.write_bytes(image_bytes(text_image()))
    assert main(["scan", str(photo), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "business_licence" and data["fields"]["credit_code"] == CODE
    assert main(["scan", str(photo)]) == 0
    out = capsys.readouterr().out
    assert "营业执照" in out and "校验通过" in out and "西溪街道" in out


def test_cli_reads_standard_input(capsys, monkeypatch):
    from kiosk.root import Kiosk

    monkeypatch.setattr(Kiosk, "ocr", property(lambda self: ScriptedOcr([["我是中国人"]])))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(image_bytes(text_image()))))
    assert main(["scan", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["text"] == ["我是中国人"]
