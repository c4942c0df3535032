"""Turning whatever a visitor hands over into an image the OCR can read, or a clear reason why not.

Photos arrive sideways (EXIF orientation), huge (50 MB, 12,000 px), faint (paper under hall lighting, screens
with glare), transparent, tiny, or not as images at all (PDFs renamed .jpg, text files, empty files). Everything
here is Pillow + numpy; nothing is written to disk, so an ID card photo never outlives the scan.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from kiosk.errors import FriendlyError

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_SIDE = 2000  # long side handed to OCR: licence text stays > 25 px high, detection stays fast
MIN_SIDE = 400  # smaller images are enlarged: detection splits tiny text into fragments
MAX_DECODED_PIXELS = 120_000_000  # formats that cannot decode at reduced scale (PNG, BMP) above this are refused
LOW_CONTRAST = 110  # luminance spread (2nd to 98th percentile) below which contrast is stretched
BLANK_STD = 2.5
ORIENTATION_TAG = 0x0112  # luminance standard deviation of an image with nothing on it


class ScanError(FriendlyError):
    """A file that cannot be scanned; ``friendly`` is the message for the visitor."""


@dataclass
class PreparedImage:
    pixels: np.ndarray  # RGB uint8, upright, scaled for OCR
    original_size: tuple[int, int]
    blank: bool = False
    notes: list[str] = field(default_factory=list)  # what was done, for diagnostics


def read_source(source: str | Path | bytes) -> bytes:
    """The file's bytes, with friendly refusals for missing, empty and oversized files."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise ScanError(f"找不到图片文件：{path.name}。请确认文件路径。")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScanError(f"图片文件太大（{size / 1024 / 1024:.0f} MB），请换一张 {MAX_FILE_BYTES // 1024 // 1024} MB 以内的照片。")
        data = path.read_bytes()
    if not data:
        raise ScanError("文件是空的，没有可识别的内容。请重新拍照后再试。")
    if len(data) > MAX_FILE_BYTES:
        raise ScanError(f"图片文件太大，请换一张 {MAX_FILE_BYTES // 1024 // 1024} MB 以内的照片。")
    return data


def _not_an_image(data: bytes) -> str:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "这是一个 PDF 文件，不是图片。请把证件拍照，或把 PDF 页面截图后再扫描。"
    if head[:5].lower() in (b"<?xml", b"<html", b"<!doc") or head.startswith(b"{"):
        return "这是一个网页或数据文件，不是图片。请上传证件的照片。"
    try:
        head.decode("utf-8")
        return "这是一个文本文件，不是图片。请上传证件的照片（JPG 或 PNG）。"
    except UnicodeDecodeError:
        return "无法识别这个文件的图片格式。请上传 JPG 或 PNG 格式的证件照片。"


def open_image(data: bytes) -> Image.Image:
    """Decode, at reduced scale when the format allows (a 12,000 px JPEG decodes at 1/4 in a fraction of a second)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if image.format == "JPEG" and max(width, height) > MAX_SIDE:
                # The decoder scales by 1/2, 1/4 or 1/8 while keeping at least the requested size.
                scale = MAX_SIDE / max(width, height)
                image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
            elif width * height > MAX_DECODED_PIXELS:
                raise ScanError(f"图片像素过多（{width}×{height}），请换一张较小的照片，或改用 JPG 格式。")
            image.load()
    except ScanError:
        raise
    except UnidentifiedImageError as exc:
        raise ScanError(_not_an_image(data)) from exc
    except Image.DecompressionBombError as exc:
        raise ScanError("图片像素过多，无法处理。请换一张较小的照片。") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ScanError("图片文件已损坏或不完整，请重新拍照后再试。") from exc
    return image


def prepare_image(source: str | Path | bytes) -> PreparedImage:
    """Decode, turn upright, flatten transparency, scale and, for faint photos, stretch contrast."""
    image = open_image(read_source(source))
    original = image.size
    notes: list[str] = []
    try:
        if image.getexif().get(ORIENTATION_TAG, 1) != 1:
            image = ImageOps.exif_transpose(image)
            notes.append("exif_orientation")
    except (OSError, ValueError, KeyError, TypeError, SyntaxError):
        pass  # a corrupt EXIF block: keep the pixels as stored
    image = _flatten(image)
    long_side = max(image.size)
    if long_side > MAX_SIDE:
        scale = MAX_SIDE / long_side
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.LANCZOS)
        notes.append("downscaled")
    elif long_side < MIN_SIDE:
        scale = min(4.0, MIN_SIDE / long_side)
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        notes.append("upscaled")
    gray = np.asarray(image.convert("L"), dtype=np.float32)
    if float(gray.std()) < BLANK_STD:
        return PreparedImage(np.asarray(image), original, blank=True, notes=notes)
    low, high = np.percentile(gray, [2, 98])
    if high - low < LOW_CONTRAST:
        image = ImageOps.autocontrast(image, cutoff=1)
        notes.append("contrast")
    return PreparedImage(np.ascontiguousarray(np.asarray(image)), original, notes=notes)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with transparent areas filled in a colour that contrasts with the drawn ones (dark text → white)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"))
        drawn = alpha > 127
        if drawn.any() and not drawn.all():
            luminance = np.asarray(rgba.convert("L"))[drawn].mean()
            background = (255, 255, 255) if luminance < 128 else (0, 0, 0)
        else:
            background = (255, 255, 255)
        canvas = Image.new("RGB", rgba.size, background)
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    if image.mode != "RGB":
        return image.convert("RGB")
    return image
