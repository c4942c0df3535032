"""`kiosk console`: placeholder until the dialogue manager lands (being written now)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("console", help="(not yet available)")
    p.set_defaults(func=lambda args: print("not yet available") or 2)
