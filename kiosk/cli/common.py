"""Helpers every command shares: JSON output and friendly failure."""

from __future__ import annotations

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
    message = getattr(exc, "friendly", None) or f"出错了：{exc}"
    sys.stderr.write(f"{message}\n")
    return code


class KioskError(Exception):
    """An error with a message fit to show a visitor or deployer."""

    def __init__(self, friendly: str):
        super().__init__(friendly)
        self.friendly = friendly
