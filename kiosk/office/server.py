"""The office wired to this machine's files: the request store, the office's accounts, the question log."""

from __future__ import annotations

from kiosk import config
from kiosk.office.accounts import Accounts
from kiosk.office.questionlog import QuestionLog
from kiosk.requests.service import RequestService


def build_app(secure_cookies: bool = False):
    from kiosk.office.app import create_app

    questions = QuestionLog()
    questions.purge()
    return create_app(RequestService.open(), Accounts(), questions, config.data_dir() / "office" / "faq_drafts",
                      secure_cookies=secure_cookies)


def serve(host: str, port: int) -> None:
    import uvicorn

    # a browser on another machine reaches the office only over HTTPS (a reverse proxy): cookies are then secure
    uvicorn.run(build_app(secure_cookies=host not in ("127.0.0.1", "localhost", "::1")), host=host, port=port,
                log_level="warning", proxy_headers=False)
