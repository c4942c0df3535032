"""Find a font with Chinese glyphs to embed in printed guides.

Order: ``KIOSK_CJK_FONT`` (a .ttf/.otf/.ttc path), fonts shipped in ``assets/fonts``, the usual system places
(Noto CJK from the fonts-noto-cjk package, WenQuanYi, Droid Fallback), then whatever fontconfig offers for zh-cn.
In a font collection (.ttc) the Simplified Chinese face is chosen by name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk import config
from kiosk.errors import FriendlyError

SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # the face within a .ttc collection


class FontMissing(FriendlyError):
    def __init__(self) -> None:
        super().__init__("找不到中文字体，无法生成PDF。请安装 fonts-noto-cjk，或设置 KIOSK_CJK_FONT 指向一个中文字体文件。")


def _candidates() -> list[Path]:
    found = []
    env = os.environ.get("KIOSK_CJK_FONT")
    if env:
        found.append(Path(env))
    assets = config.REPO_ROOT / "assets" / "fonts"
    if assets.is_dir():
        found.extend(sorted(p for p in assets.iterdir() if p.suffix.lower() in (".ttf", ".otf", ".ttc")))
    found.extend(Path(p) for p in SYSTEM_FONTS)
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True,
                                 timeout=5, check=False).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        if out and _has_chinese(Path(out)):
            found.append(Path(out))
    return found


def _has_chinese(path: Path) -> bool:
    # fontconfig answers with its best match even when no installed font has Chinese glyphs.
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path), fontNumber=0, lazy=True)
        return ord("中") in font.getBestCmap()
    except Exception:  # noqa: BLE001 - a font fontTools cannot read is simply not a candidate
        return False


def _sc_index(path: Path) -> int:
    """The Simplified Chinese face of a collection (Noto CJK puts JP first)."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    names = [str(f["name"].getDebugName(4) or "") for f in collection.fonts]
    for marker in (" SC", "SC", "GB", "Hei", "YaHei", "Song"):
        for i, name in enumerate(names):
            if marker in name and "Mono" not in name:
                return i
    return 0


@cache
def find_cjk_font() -> FontFile:
    for path in _candidates():
        if path.is_file():
            index = _sc_index(path) if path.suffix.lower() == ".ttc" else 0
            return FontFile(path, index)
    raise FontMissing
