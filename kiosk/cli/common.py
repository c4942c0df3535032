"""Helpers every command shares: JSON output and friendly failure."""

from __future__ import annotations

import errno
import json
import logging
import os
import sys
from typing import Any

log = logging.getLogger("kiosk")


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fail(exc: BaseException, code: int = 1) -> int:
    """Print a friendly message in place of a traceback; KIOSK_DEBUG=1 shows the traceback too."""
    if os.environ.get("KIOSK_DEBUG"):
        log.exception("command failed")
    message = getattr(exc, "friendly", None) or _known(exc) or f"出错了：{exc}"
    sys.stderr.write(f"{message}\n")
    return code


def _known(exc: BaseException) -> str:
    """Plain words for failures any command can meet."""
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in str(exc):
        return "磁盘空间已满，这次操作没有完成，已有数据没有改动。请清理磁盘后重试。"
    if isinstance(exc, PermissionError):
        return f"没有权限访问 {exc.filename or '所需文件'}，请检查文件权限。"
    return ""


class KioskError(Exception):
    """An error with a message fit to show a visitor or deployer."""

    def __init__(self, friendly: str):
        super().__init__(friendly)
        self.friendly = friendly
