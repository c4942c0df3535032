"""Fixtures shared by the request and guide tests: the district's departments without building the store."""

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
