"""Helpers shared by the request and guide tests: the district's departments without building the store, a
clock moved by hand, and one submitted request (the `clock` and `svc` fixtures are in conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import yaml

from kiosk.store.records import Department

REPO = Path(__file__).resolve().parent.parent


def departments() -> list[Department]:
    raw = yaml.safe_load((REPO / "policies_db" / "demo" / "departments.yaml").read_text(encoding="utf-8"))
    return [
        Department(**{k: v for k, v in d.items() if k != "keywords"}, keywords=tuple(d.get("keywords", ())))
        for d in raw["departments"]
    ]


class Clock:
    """A clock tests move by hand: lifecycle deadlines without waiting."""

    def __init__(self, start: datetime = datetime(2026, 11, 23, 9, 30)):  # a Monday
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


COMPANY = "杭州云栖科技有限公司"
PHONE = "13812345678"
ADDRESS = "杭州市西湖区文三路90号"


def submit(svc, text: str = "想问一下高新技术企业怎么申报", company: str = COMPANY, phone: str = PHONE,
           address: str = ADDRESS):
    """A request submitted through the service, as the kiosk's form sends it."""
    from kiosk.requests.service import SubmitForm

    return svc.submit(SubmitForm(text, company, phone, address))
