"""Backend selection and the optional PaddleOCR adapter (with a stand-in for the paddleocr package)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from kiosk.engines import ocr
from kiosk.root import Kiosk


class FakePaddleOCR:
    made: list[dict] = []

    def __init__(self, **kwargs):
        FakePaddleOCR.made.append(kwargs)

    def predict(self, image):
        assert image.shape == (40, 120, 3)
        return [{
            "rec_texts": ["健身I本座", "", "噪声"],
            "rec_scores": [0.97, 0.9, 0.2],
            "rec_polys": [np.array([[1, 2], [100, 2], [100, 30], [1, 30]]), np.zeros((4, 2)), np.zeros((4, 2))],
        }]


@pytest.fixture
def paddle_models(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    for name in ("PP-OCRv5_mobile_det", "PP-OCRv5_mobile_rec", "PP-LCNet_x1_0_textline_ori"):
        (folder / "paddleocr" / name).mkdir(parents=True)
    monkeypatch.setenv("KIOSK_MODELS_DIR", str(folder))
    return folder / "paddleocr"


def test_paddle_backend_with_local_models(paddle_models, monkeypatch):
    monkeypatch.setitem(sys.modules, "paddleocr", types.SimpleNamespace(PaddleOCR=FakePaddleOCR))
    engine = ocr.load_engine("auto")
    assert isinstance(engine, ocr.PaddleOcrEngine)
    kwargs = FakePaddleOCR.made[-1]
    assert kwargs["text_detection_model_dir"] == str(paddle_models / "PP-OCRv5_mobile_det")
    assert kwargs["text_recognition_model_name"] == "PP-OCRv5_mobile_rec"
    assert kwargs["use_textline_orientation"] is True and kwargs["use_doc_unwarping"] is False
    reading = engine.read(np.zeros((40, 120, 3), np.uint8))
    assert [line.text for line in reading.lines] == ["健身|本座"]
    assert reading.lines[0].box[1] == (100.0, 2.0)


def test_auto_falls_back_without_paddle_models(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_MODELS_DIR", str(tmp_path))
    monkeypatch.setattr(ocr.RapidOcrEngine, "load", classmethod(lambda cls: "rapid"))
    assert ocr.load_engine("auto") == "rapid"
    with pytest.raises(ocr.OcrUnavailable, match="模型目录不完整"):
        ocr.load_engine("paddle")


def test_auto_falls_back_when_paddle_is_not_installed(paddle_models, monkeypatch):
    monkeypatch.setitem(sys.modules, "paddleocr", None)  # import fails
    monkeypatch.setattr(ocr.RapidOcrEngine, "load", classmethod(lambda cls: "rapid"))
    assert ocr.load_engine("auto") == "rapid"


def test_unknown_backend_is_refused():
    with pytest.raises(ocr.OcrUnavailable, match="未知"):
        ocr.load_engine("tesseract")


def test_backend_comes_from_settings(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir(exist_ok=True)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data" / "config.toml").write_text('ocr_backend = "rapidocr"\n', encoding="utf-8")
    chosen = []
    monkeypatch.setattr(ocr, "load_engine", lambda backend: chosen.append(backend) or "engine")
    kiosk = Kiosk()
    assert kiosk.ocr == "engine" and kiosk.ocr == "engine"
    assert chosen == ["rapidocr"]
