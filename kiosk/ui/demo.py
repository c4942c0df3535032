"""Realistic screen states for `kiosk screenshot` and the docs, from the sample view records."""

from __future__ import annotations

from kiosk.ui import viewmodels as vm


def stage(window, screen: str) -> None:
    window.navigate(screen)
    current = window.current()
    if hasattr(current, "stage_demo"):
        current.stage_demo(vm)
