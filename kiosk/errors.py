"""Failures in words a visitor or staff member can act on: plain Chinese, never a file path or database text."""

from __future__ import annotations

import errno
import sqlite3


class FriendlyError(Exception):
    """An error whose ``friendly`` text is fit to show or speak to a visitor or staff member; ``detail`` (the
    exception's own text, for the log) is technical and never shown. Every error of the kiosk that carries a
    message for people derives from this one."""

    def __init__(self, friendly: str, detail: str = ""):
        super().__init__(detail or friendly)
        self.friendly = friendly


BUSY = "系统正忙，请稍等片刻再试。"
DISK_FULL = "存储空间已满，这次没能保存，之前保存的内容都还在。请到人工窗口办理，或稍后再试。"
READ_ONLY = "本机现在只能查询，暂时不能保存新的内容。请到人工窗口办理，或请工作人员检查存储。"
UNREADABLE = "数据文件无法打开，文件未被改动。请联系工作人员处理。"
STORAGE = "数据暂时无法读写，请稍后再试；如仍不行，请联系工作人员。"
UNREACHABLE = "暂时连不上办公台的数据库，请稍后再试，或请管理员检查数据库服务。"
UNKNOWN = "出错了，这次操作没有完成。请检查输入后重试；如仍不行，请联系工作人员。"

# SQLite's primary result codes (the low byte of an extended code), see sqlite.org/rescode.html.
_SQLITE_MESSAGES = {5: BUSY, 6: BUSY, 8: READ_ONLY, 10: STORAGE, 11: UNREADABLE, 13: DISK_FULL, 14: UNREADABLE,
                    26: UNREADABLE}


def storage_message(exc: BaseException) -> str:
    """Plain words for a failure of the database or the file system, or "" when ``exc`` is neither."""
    if isinstance(exc, sqlite3.Error):
        if getattr(exc, "unreachable", False):  # a database server (kiosk.sqldb) that cannot be reached
            return UNREACHABLE
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _SQLITE_MESSAGES:
            return _SQLITE_MESSAGES[code & 0xFF]
        text = str(exc)
        for words, message in (("locked", BUSY), ("busy", BUSY), ("full", DISK_FULL), ("readonly", READ_ONLY),
                               ("not a database", UNREADABLE), ("malformed", UNREADABLE), ("unable to open", UNREADABLE)):
            if words in text:
                return message
        return STORAGE
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READ_ONLY
        if exc.errno == errno.EIO:
            return STORAGE
    return ""


def not_text(text: str) -> bool:
    """Whether a string carries bytes that were never text: Python turns undecodable input into lone surrogates."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)
