"""The office wired to its stores: the request store, the office's accounts and the question log (this machine's
files, or one PostgreSQL database), and the content library with the store it publishes into."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk import config
from kiosk.office.accounts import Accounts
from kiosk.office.questionlog import QuestionLog

if TYPE_CHECKING:
    from kiosk.office.contentdesk import ContentDesk
    from kiosk.requests.service import RequestService


def build_app(requests: RequestService, retention_days: int, secure_cookies: bool = False,
              content: ContentDesk | None = None, database: str = ""):
    """The office over ``requests`` and a question log of its own connection (purged on start); its accounts and
    question log in ``database`` (a PostgreSQL address) or, when that is empty, in the data directory's files."""
    from kiosk.office.app import create_app

    questions = QuestionLog(database or None, retention_days)
    return create_app(requests, Accounts(database or None), questions, config.data_dir() / "office" / "faq_drafts",
                      secure_cookies=secure_cookies, content=content)


def serve(requests: RequestService, retention_days: int, host: str, port: int,
          content: ContentDesk | None = None, database: str = "") -> None:
    import uvicorn

    # a browser on another machine reaches the office only over HTTPS (a reverse proxy): cookies are then secure
    secure = host not in ("127.0.0.1", "localhost", "::1")
    uvicorn.run(build_app(requests, retention_days, secure_cookies=secure, content=content,
                          database=database), host=host, port=port,
                log_level="warning", proxy_headers=False)
