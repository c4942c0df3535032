"""The kiosk's log files: rotating, in the data directory, with phone numbers, ID numbers and names redacted.

Records are already redacted when they are made (``kiosk.privacy.install_log_redaction``); the file's formatter
redacts the finished line once more, so text a library logs past the record factory, or a child process's output
the supervisor copies in, reaches the disk masked too.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from kiosk import config
from kiosk.privacy import redact

MAX_BYTES = 1_000_000  # a busy hall day writes far less; five old files keep about a week
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    return config.data_dir() / "logs"


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), thorough=False)


def file_handler(name: str = "kiosk.log", max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> logging.Handler:
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(folder / name, maxBytes=max_bytes, backupCount=backups,
                                                   encoding="utf-8")
    handler.setFormatter(RedactingFormatter(FORMAT))
    return handler


def log_to_file(name: str = "kiosk.log", level: int = logging.INFO) -> logging.Handler | None:
    """Send the kiosk's log records to a rotating file; ``None`` when the data directory cannot be written
    (a read-only or full disk must not stop the kiosk from serving)."""
    try:
        handler = file_handler(name)
    except OSError:
        return None
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return handler
