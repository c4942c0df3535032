"""What a command reads from and writes to the terminal: JSON on stdout, a friendly message in place of a
traceback, and input that is too large or not text refused in plain words."""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any, BinaryIO

from kiosk.errors import UNKNOWN, FriendlyError, not_text, storage_message

log = logging.getLogger("kiosk")


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fail(exc: BaseException, code: int = 1) -> int:
    """Print a friendly message in place of a traceback; KIOSK_DEBUG=1 shows the traceback too.

    Only messages written for people are shown: raw exception text can hold file paths and database wording.
    """
    if os.environ.get("KIOSK_DEBUG"):
        log.exception("command failed")
    message = getattr(exc, "friendly", None) or storage_message(exc) or UNKNOWN
    sys.stderr.write(f"{message}\n")
    return code


class KioskError(FriendlyError):
    """An error with a message fit to show a visitor or deployer."""


def read_limited(stream: BinaryIO, limit: int, too_large: str) -> bytes:
    """At most ``limit`` bytes from a stream that may never end (``/dev/zero``, a pipe)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise KioskError(too_large)
    return data


def text_from_bytes(data: bytes, what: str) -> str:
    """Bytes a person meant as text, or a plain refusal for binary data."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KioskError(f"{what}不是 UTF-8 文本，请另存为 UTF-8 编码的文本文件后再试。") from None
    if "\x00" in text:
        raise KioskError(f"{what}看起来是二进制数据，不是文字，请提供文本文件。")
    return text


def text_argument(text: str, what: str) -> str:
    """A command-line argument a person typed; bytes that are not text (shown by Python as surrogates) are refused."""
    if not_text(text):
        raise KioskError(f"{what}里有无法识别的字符，请用文字重新输入。")
    return text
