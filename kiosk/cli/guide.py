"""`kiosk guide`: placeholder until its issue lands (owner replaces this file)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("guide", help="(not yet available)")
    p.set_defaults(func=lambda args: print("not yet available") or 2)
