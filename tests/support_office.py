"""The web office on a private data directory: accounts of every role, and requests in two streets and a section."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.testclient import TestClient
from support_postgres import OfficeDatabase

from kiosk.office.accounts import Accounts
from kiosk.office.app import create_app
from kiosk.office.questionlog import QuestionLog
from kiosk.requests.service import RequestService, SubmitForm

PASSWORD = "correct-horse-42"
USERS = {  # name: (role, unit)
    "admin": ("centre", ""),
    "cuiyuan": ("street", "street_cuiyuan"),
    "xixi": ("street", "street_xixi"),
    "talent": ("department", "sec_talent"),
    "leader": ("leader", ""),
    "editor": ("editor", ""),
}


@dataclass
class OfficeWorld:
    app: object
    service: RequestService
    accounts: Accounts
    questions: QuestionLog
    refs: dict[str, str]  # what: item ref

    def client(self, user: str | None = None) -> TestClient:
        return logged_in(self.app, user)


def submit(service: RequestService, text: str, address: str, phone: str = "13812345678",
           company: str = "杭州测试科技有限公司") -> str:
    receipt = service.submit(SubmitForm(text, company, phone, address, channel="cli"))
    return receipt.items[0].ref


def office_world(data: Path, departments, clock=None, where: OfficeDatabase | None = None,
                 seed: bool = True) -> OfficeWorld:
    """The office on ``where`` (by default, SQLite files in ``data``); ``seed``: with the accounts of USERS and
    three requests, otherwise as it is."""
    where = where or OfficeDatabase(data / "requests.db", data / "office.db", data / "questions.db")
    service = RequestService.open(departments, path=where.requests)
    accounts = Accounts(where.office, clock=clock) if clock else Accounts(where.office)
    questions = QuestionLog(where.questions, retention_days=180)
    app = create_app(service, accounts, questions, data / "drafts")
    if not seed:
        return OfficeWorld(app, service, accounts, questions, {})
    for name, (role, unit) in USERS.items():
        accounts.add_user(name, PASSWORD, role, unit)
    refs = {
        "cuiyuan": submit(service, "公司门口的路灯坏了好几天，晚上不安全。", "杭州市西湖区翠苑街道文一路100号"),
        "xixi": submit(service, "厂区旁边的下水道堵塞了，污水漫到路上。", "杭州市西湖区西溪街道天目山路200号",
                       "13987654321"),
        "talent": submit(service, "想咨询高层次人才认定怎么申报，需要什么材料？", ""),
    }
    return OfficeWorld(app, service, accounts, questions, refs)


def logged_in(app: object, user: str | None = None) -> TestClient:
    """A client of the office app, logged in as ``user`` (with its CSRF header) when one is named."""
    client = TestClient(app, base_url="http://127.0.0.1")
    if user:
        r = client.post("/api/login", json={"username": user, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf"]
    return client
