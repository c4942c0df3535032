"""The checks behind `kiosk doctor`, one function per thing a hall PC needs; each returns its findings."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kiosk import config
from kiosk.doctor import Finding, Machine

MIN_FREE_BYTES = 500 * 1024 * 1024  # a store rebuild writes a copy beside the old one; logs and requests grow
# No kiosk built today runs correctly before this day: policy validity and request deadlines would be wrong.
EARLIEST_SANE = datetime(2025, 1, 1).timestamp()
LATEST_SANE = datetime(2100, 1, 1).timestamp()
CONFIG_FIX = f"按提示修改数据目录中的 {config.CONFIG_NAME}，保存后重新运行 kiosk doctor"


def _settings() -> config.Settings | None:
    try:
        return config.Settings.load()
    except config.ConfigError:
        return None  # the config check reports it


def check_models(machine: Machine, checksums: bool) -> list[Finding]:
    from kiosk import modelstore

    settings = _settings()
    wanted = {settings.llm_model} if settings else set()
    out = []
    for spec in modelstore.load_manifest():
        if not (spec.default or spec.local or spec.name in wanted):
            continue
        st = modelstore.verify(spec) if checksums and not spec.package else modelstore.status(spec)
        name = spec.title or spec.name
        if st.ok:
            out.append(Finding("models", True, f"模型 {spec.name} 已安装" + ("且校验一致" if checksums else "")))
        elif st.state == "missing":
            out.append(Finding("models", False, f"模型 {spec.name}（{name}）没有安装，相关功能将降级运行",
                               f"联网时运行 kiosk models install {spec.name}；离线时用 kiosk models import U盘目录 导入"))
        else:
            detail = "；".join(st.problems[:2])
            out.append(Finding("models", False, f"模型 {spec.name} 的文件不完整或已损坏（{detail}）",
                               f"删除模型目录 {spec.role}/{spec.name} 后重新运行 kiosk models install {spec.name}，"
                               "或用 kiosk models import 从安装介质导入"))
    return out


def check_devices(machine: Machine, checksums: bool) -> list[Finding]:
    out = []
    try:
        devices = machine.audio_devices()
    except (OSError, ImportError):
        devices = None
        out.append(Finding("devices", False, "声音组件无法使用，听不到也说不了话",
                           "安装 libportaudio2 和 pulseaudio（离线安装包已带），然后重启一体机"))
    if devices is not None:
        for key, word, fix in (
            ("max_input_channels", "麦克风", "接好麦克风，并在系统声音设置里把它设为输入设备；没有麦克风时访客仍可打字"),
            ("max_output_channels", "扬声器", "接好扬声器或音箱，并在系统声音设置里把它设为输出设备"),
        ):
            found = [d.get("name", "") for d in devices if d.get(key, 0) > 0]
            out.append(Finding("devices", True, f"{word}：{found[0]}") if found
                       else Finding("devices", False, f"没有找到{word}", fix))
    cameras = machine.cameras()
    inbox = config.data_dir() / "scanner_inbox"
    if cameras:
        out.append(Finding("devices", True, f"摄像头：{cameras[0]}"))
    elif inbox.is_dir():
        out.append(Finding("devices", True, "没有摄像头，证照由扫描仪收件夹读入"))
    else:
        out.append(Finding("devices", False, "没有找到摄像头或扫描仪，访客无法扫描营业执照",
                           "接好 USB 摄像头；或让扫描仪把图片存到数据目录的 scanner_inbox 文件夹"))
    return out


def _ink(font, text: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(image).text((4, 4), text, fill=255, font=font)
    return image.tobytes()


def check_font(machine: Machine, checksums: bool) -> list[Finding]:
    from PIL import ImageFont

    from kiosk.guides.fonts import FontMissing, find_cjk_font

    fix = "安装 fonts-noto-cjk（离线安装包已带），或设置 KIOSK_CJK_FONT 指向一个中文字体文件"
    try:
        font_file = find_cjk_font()
        font = ImageFont.truetype(str(font_file.path), 48, index=font_file.index)
    except (FontMissing, OSError):
        return [Finding("font", False, "找不到能显示中文的字体，屏幕和打印的指南会出现方框", fix)]
    glyph = _ink(font, "中")
    # A font without the glyph draws its "missing" box (or nothing) for any character it lacks.
    if not any(glyph) or glyph == _ink(font, "\U000f0000"):
        return [Finding("font", False, f"字体 {font_file.path.name} 显示不了汉字", fix)]
    return [Finding("font", True, f"中文字体 {font_file.path.name} 显示正常")]


def check_disk(machine: Machine, checksums: bool) -> list[Finding]:
    st = machine.statvfs(str(config.data_dir()))
    free = st.f_bavail * st.f_frsize
    words = f"{free / 1024 ** 3:.1f} GB" if free >= 1024 ** 3 else f"{free / 1024 ** 2:.0f} MB"
    if free < MIN_FREE_BYTES:
        return [Finding("disk", False, f"数据所在磁盘只剩 {words}，新的诉求和日志可能保存不了",
                        f"清理磁盘，至少留出 {MIN_FREE_BYTES // 1024 ** 2} MB（可删除下载缓存 ~/.cache/kiosk/carriers）")]
    return [Finding("disk", True, f"磁盘剩余 {words}")]


def _integrity(path: Path) -> str:
    """"ok", or what SQLite found wrong, as a short reason (never shown raw to visitors)."""
    from kiosk.store.readonly import connect_readonly

    try:
        conn = connect_readonly(path, timeout=5.0)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return "文件无法作为数据库打开"
    return "ok" if rows and rows[0][0] == "ok" else "数据页校验不一致"


def check_databases(machine: Machine, checksums: bool) -> list[Finding]:
    from kiosk.requests.repo.file import requests_path

    out = []
    store = config.store_path()
    if not store.is_file():
        out.append(Finding("databases", False, "政策库还没有生成", "运行 kiosk db build"))
    elif (why := _integrity(store)) != "ok":
        out.append(Finding("databases", False, f"政策库已损坏（{why}）",
                           "运行 kiosk db build --full 从政策文件重建政策库"))
    else:
        out.append(Finding("databases", True, "政策库完整"))
    requests = requests_path()
    if not requests.is_file():
        out.append(Finding("databases", True, "诉求库尚未建立（第一次受理时自动建立）"))
    elif (why := _integrity(requests)) != "ok":
        out.append(Finding("databases", False, f"诉求库已损坏（{why}），已受理的诉求可能查不到",
                           "请勿删除 requests.db：先把数据目录整个备份，再用 sqlite3 requests.db \".recover\" 恢复"))
    else:
        out.append(Finding("databases", True, "诉求库完整"))
    return out


def check_config(machine: Machine, checksums: bool) -> list[Finding]:
    try:
        settings = config.Settings.load()
    except config.ConfigError as exc:
        return [Finding("config", False, exc.friendly.rstrip("。"), CONFIG_FIX)]
    if settings.extra:
        keys = "、".join(sorted(settings.extra))
        return [Finding("config", False, f"{config.CONFIG_NAME} 中有不认识的设置：{keys}，这些设置不会生效",
                        f"检查拼写，可用的设置有：{'、'.join(config.RULES)}")]
    return [Finding("config", True, f"{config.CONFIG_NAME} 设置有效")]


def check_pin(machine: Machine, checksums: bool) -> list[Finding]:
    settings = _settings()
    if settings is None:
        return []
    if settings.default_pin:
        where = "（演示机仍可使用）" if settings.demo_content else "，工作人员模式已停用"
        return [Finding("pin", False, f"工作人员密码仍是出厂默认值{where}",
                        f"在 {config.CONFIG_NAME} 中写 staff_pin = \"自己的 4 到 12 位数字\"，然后重启一体机")]
    return [Finding("pin", True, "工作人员密码已修改")]


def check_clock(machine: Machine, checksums: bool) -> list[Finding]:
    from kiosk.requests.repo.file import requests_path

    now = machine.now()
    shown = datetime.fromtimestamp(now).strftime("%Y-%m-%d %H:%M")
    # Data written by this machine cannot come from the future: a clock behind it was set back.
    written = [p.stat().st_mtime for p in (config.store_path(), requests_path()) if p.is_file()]
    floor = max([EARLIEST_SANE, *written])
    fix = "在系统设置里校准日期和时间（时间不对，政策有效期和办理时限都会算错）；经常变慢请更换主板电池"
    if now < floor - 86400:
        return [Finding("clock", False, f"系统时间 {shown} 早于本机已保存的数据，时钟被调回或电池没电", fix)]
    if now > LATEST_SANE:
        return [Finding("clock", False, f"系统时间 {shown} 明显不对", fix)]
    return [Finding("clock", True, f"系统时间 {shown}")]


def check_office(machine: Machine, checksums: bool) -> list[Finding]:
    """For a hall that syncs with a district office: when a sync last went through (the kiosk's or by hand)."""
    from kiosk.requests.office_sync import SYNCED_AT
    from kiosk.requests.repo.file import requests_path
    from kiosk.store.readonly import connect_readonly

    settings = _settings()
    if settings is None or not (settings.office_url and settings.office_token):
        return []
    fix = "检查网络和 config.toml 中的 office_url、office_token，再运行 kiosk request sync 查看原因"
    row = None
    if requests_path().is_file():
        conn = connect_readonly(requests_path(), timeout=5.0)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (SYNCED_AT,)).fetchone()
        finally:
            conn.close()
    if row is None:
        return [Finding("office", False, "还没有与区办公台同步成功过", fix)]
    shown = row[0].replace("T", " ")
    # a day covers a kiosk switched off overnight; longer means requests are not reaching the officers
    if settings.office_sync_interval_s and machine.now() - datetime.fromisoformat(row[0]).timestamp() > 86400:
        return [Finding("office", False, f"超过一天没有与区办公台同步成功（上次 {shown}）", fix)]
    return [Finding("office", True, f"上次与区办公台同步成功：{shown}")]


def check_office_database(machine: Machine, checksums: bool) -> list[Finding]:
    """For an office that keeps its stores on PostgreSQL (``office_database``): whether the server answers."""
    from kiosk import sqldb
    from kiosk.errors import storage_message

    settings = _settings()
    if settings is None or not settings.office_database:
        return []
    where = sqldb.redacted(settings.office_database)
    try:
        sqldb.PgConnection(settings.office_database, "requests").close()
    except sqlite3.Error as exc:
        return [Finding("office_database", False, storage_message(exc).rstrip("。"),
                        "检查数据库服务器是否开着、网络，以及 config.toml 中 office_database 的地址、用户名和密码")]
    return [Finding("office_database", True, f"办公台数据库可以连接：{where}")]


TITLES = {"config": "设置", "pin": "工作人员密码", "databases": "数据库", "disk": "磁盘空间", "models": "模型",
          "font": "中文字体", "devices": "设备", "clock": "系统时间", "office": "区办公台同步",
          "office_database": "办公台数据库"}
CHECKS: dict[str, Callable[[Machine, bool], list[Finding]]] = {
    "config": check_config, "pin": check_pin, "databases": check_databases, "disk": check_disk,
    "models": check_models, "font": check_font, "devices": check_devices, "clock": check_clock,
    "office": check_office, "office_database": check_office_database,
}
